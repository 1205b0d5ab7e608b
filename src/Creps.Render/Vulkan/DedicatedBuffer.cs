using Silk.NET.Vulkan;
using Buffer = Silk.NET.Vulkan.Buffer;

namespace Creps.Render.Vulkan;

/// <summary>
/// A buffer with a memory allocation of its own (the page atlas's table and staging, readbacks, an engine's per-frame
/// uniforms) — for buffers that live as long as their owner, where <see cref="DeviceMemoryPool"/>'s sub-allocation buys
/// nothing. Host-visible buffers are mapped for their whole life. Device-local falls back to any memory type (CPU
/// implementations have no separate device memory).
/// </summary>
public sealed unsafe class DedicatedBuffer : IDisposable
{
    readonly VulkanContext _ctx;
    DeviceMemory _memory;
    public Buffer Handle { get; private set; }
    /// <summary>The size asked for.</summary>
    public ulong Size { get; }
    /// <summary>Bytes allocated (the driver's requirement, ≥ <see cref="Size"/>): what budgets count.</summary>
    public ulong AllocatedBytes { get; }
    /// <summary>The mapping of a host-visible buffer; null otherwise.</summary>
    public void* Mapped { get; }
    public Span<byte> Bytes => Mapped != null ? new Span<byte>(Mapped, checked((int)Size)) : throw new InvalidOperationException("buffer is not host-visible");

    /// <param name="purpose">Named in errors ("page atlas staging").</param>
    public DedicatedBuffer(VulkanContext ctx, ulong size, BufferUsageFlags usage, MemoryPropertyFlags want, string purpose)
    {
        _ctx = ctx; Size = size;
        var vk = ctx.Vk;
        var info = new BufferCreateInfo(size: size, usage: usage, sharingMode: SharingMode.Exclusive);
        Buffer b;
        VulkanException.Check(vk.CreateBuffer(ctx.Device, &info, null, &b), $"vkCreateBuffer ({purpose})");
        Handle = b;
        try
        {
            MemoryRequirements req;
            vk.GetBufferMemoryRequirements(ctx.Device, b, &req);
            int type = ctx.MemoryType(req.MemoryTypeBits, want);
            if (type < 0 && want == MemoryPropertyFlags.DeviceLocalBit) type = ctx.MemoryType(req.MemoryTypeBits, MemoryPropertyFlags.None);
            if (type < 0) throw new VulkanException($"vkAllocateMemory (no memory type with {want} for the {purpose})", Result.ErrorFeatureNotPresent);
            var alloc = new MemoryAllocateInfo(allocationSize: req.Size, memoryTypeIndex: (uint)type);
            DeviceMemory mem;
            VulkanException.Check(vk.AllocateMemory(ctx.Device, &alloc, null, &mem), $"vkAllocateMemory ({req.Size} bytes, {purpose})");
            _memory = mem;
            AllocatedBytes = req.Size;
            VulkanException.Check(vk.BindBufferMemory(ctx.Device, b, mem, 0), $"vkBindBufferMemory ({purpose})");
            if ((want & MemoryPropertyFlags.HostVisibleBit) != 0)
            {
                void* p;
                VulkanException.Check(vk.MapMemory(ctx.Device, mem, 0, req.Size, 0, &p), $"vkMapMemory ({purpose})");
                Mapped = p;
            }
        }
        catch { Dispose(); throw; }
    }

    public static DedicatedBuffer HostVisible(VulkanContext ctx, ulong size, BufferUsageFlags usage, string purpose) =>
        new(ctx, size, usage, MemoryPropertyFlags.HostVisibleBit | MemoryPropertyFlags.HostCoherentBit, purpose);

    public void Dispose()
    {
        var vk = _ctx.Vk;
        if (Handle.Handle != 0) { vk.DestroyBuffer(_ctx.Device, Handle, null); Handle = default; }
        if (_memory.Handle != 0) { vk.FreeMemory(_ctx.Device, _memory, null); _memory = default; }   // frees the mapping too
    }
}
