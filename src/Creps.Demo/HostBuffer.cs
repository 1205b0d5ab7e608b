using Creps.Render.Vulkan;
using Silk.NET.Vulkan;
using Buffer = Silk.NET.Vulkan.Buffer;

namespace Creps.Demo;

/// <summary>A buffer in host-visible, host-coherent memory of its own, mapped for its whole life (per-frame uniforms, readback).</summary>
internal sealed unsafe class HostBuffer : IDisposable
{
    readonly VulkanContext _ctx;
    readonly DeviceMemory _memory;
    public Buffer Handle { get; }
    public ulong Size { get; }
    public void* Mapped { get; }
    public Span<byte> Bytes => new(Mapped, (int)Size);

    public HostBuffer(VulkanContext ctx, ulong size, BufferUsageFlags usage)
    {
        _ctx = ctx; Size = size;
        var vk = ctx.Vk;
        var info = new BufferCreateInfo(size: size, usage: usage, sharingMode: SharingMode.Exclusive);
        Buffer buffer;
        VulkanException.Check(vk.CreateBuffer(ctx.Device, &info, null, &buffer), "vkCreateBuffer");
        Handle = buffer;
        MemoryRequirements req;
        vk.GetBufferMemoryRequirements(ctx.Device, buffer, &req);
        var alloc = new MemoryAllocateInfo(allocationSize: req.Size, memoryTypeIndex: MemoryType(ctx, req.MemoryTypeBits));
        DeviceMemory memory;
        VulkanException.Check(vk.AllocateMemory(ctx.Device, &alloc, null, &memory), "vkAllocateMemory");
        _memory = memory;
        VulkanException.Check(vk.BindBufferMemory(ctx.Device, buffer, memory, 0), "vkBindBufferMemory");
        void* p;
        VulkanException.Check(vk.MapMemory(ctx.Device, memory, 0, size, 0, &p), "vkMapMemory");
        Mapped = p;
    }

    static uint MemoryType(VulkanContext ctx, uint bits)
    {
        var want = MemoryPropertyFlags.HostVisibleBit | MemoryPropertyFlags.HostCoherentBit;
        var mp = ctx.MemoryProperties;
        for (int i = 0; i < mp.MemoryTypeCount; i++)
            if ((bits & (1u << i)) != 0 && (mp.MemoryTypes[i].PropertyFlags & want) == want) return (uint)i;
        throw new DemoUnavailableException("the Vulkan device has no host-visible coherent memory");
    }

    public void Dispose()
    {
        _ctx.Vk.UnmapMemory(_ctx.Device, _memory);
        _ctx.Vk.DestroyBuffer(_ctx.Device, Handle, null);
        _ctx.Vk.FreeMemory(_ctx.Device, _memory, null);
    }
}
