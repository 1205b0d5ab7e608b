using Silk.NET.Vulkan;
using Buffer = Silk.NET.Vulkan.Buffer;

namespace Creps.Render.Vulkan;

/// <summary>A storage buffer bound to a slice of the pool; host-visible ones are persistently mapped.</summary>
internal sealed unsafe class GpuBuffer : IDisposable
{
    readonly VulkanContext _ctx;
    readonly DeviceMemoryPool _pool;
    readonly MemorySlice _slice;
    public Buffer Handle { get; }
    public ulong Size { get; }
    public bool HostVisible { get; }

    public GpuBuffer(VulkanContext ctx, DeviceMemoryPool pool, ulong size, bool hostVisible)
    {
        _ctx = ctx; _pool = pool; Size = Math.Max(size, 16); HostVisible = hostVisible;
        var info = new BufferCreateInfo(size: Size,
            usage: BufferUsageFlags.StorageBufferBit | BufferUsageFlags.TransferSrcBit | BufferUsageFlags.TransferDstBit,
            sharingMode: SharingMode.Exclusive);
        Buffer b;
        VulkanException.Check(ctx.Vk.CreateBuffer(ctx.Device, &info, null, &b), "vkCreateBuffer");
        Handle = b;
        MemoryRequirements req;
        ctx.Vk.GetBufferMemoryRequirements(ctx.Device, b, &req);
        try { _slice = pool.AllocateBound(req, hostVisible, (m, o) => ctx.Vk.BindBufferMemory(ctx.Device, Handle, m, o), "vkBindBufferMemory"); }
        catch { ctx.Vk.DestroyBuffer(ctx.Device, b, null); throw; }
    }

    /// <summary>The mapped floats of a host-visible buffer.</summary>
    public Span<float> Floats => HostVisible ? new Span<float>(_slice.Mapped, (int)(Size / 4)) : throw new InvalidOperationException("buffer is not host-visible");

    /// <summary>Fills a device buffer from <paramref name="data"/> at float offset 0 through a temporary staging buffer.</summary>
    public void Upload(ReadOnlySpan<float> data, ulong byteOffset = 0)
    {
        if (data.Length == 0) return;
        if (HostVisible) { data.CopyTo(new Span<float>(_slice.Mapped + byteOffset, data.Length)); return; }
        using var staging = new GpuBuffer(_ctx, _pool, (ulong)data.Length * 4, hostVisible: true);
        data.CopyTo(staging.Floats);
        var src = staging.Handle; var dst = Handle;
        ulong bytes = (ulong)data.Length * 4;
        _ctx.Submit(cmd =>
        {
            var region = new BufferCopy(0, byteOffset, bytes);
            _ctx.Vk.CmdCopyBuffer(cmd, src, dst, 1, &region);
        });
    }

    public DescriptorBufferInfo Descriptor(ulong offset = 0, ulong range = Vk.WholeSize) => new(Handle, offset, range);

    public void Dispose()
    {
        _ctx.Vk.DestroyBuffer(_ctx.Device, Handle, null);
        _pool.Free(_slice);
    }
}
