using Silk.NET.Vulkan;

namespace Creps.Render.Vulkan;

/// <summary>An image the generator made itself (storage + transfer source), with a view; readback goes through a copy.</summary>
internal sealed unsafe class StorageImage : IDisposable
{
    readonly VulkanContext _ctx;
    readonly DeviceMemoryPool _pool;
    readonly MemorySlice _slice;
    public Image Image { get; }
    public int Width { get; }
    public int Height { get; }
    public Format Format { get; }

    public StorageImage(VulkanContext ctx, DeviceMemoryPool pool, int width, int height, Format format)
    {
        _ctx = ctx; _pool = pool; Width = width; Height = height; Format = format;
        var info = new ImageCreateInfo(imageType: ImageType.Type2D, format: format, extent: new Extent3D((uint)width, (uint)height, 1),
            mipLevels: 1, arrayLayers: 1, samples: SampleCountFlags.Count1Bit, tiling: ImageTiling.Optimal,
            usage: ImageUsageFlags.StorageBit | ImageUsageFlags.TransferSrcBit, sharingMode: SharingMode.Exclusive,
            initialLayout: ImageLayout.Undefined);
        Image img;
        VulkanException.Check(ctx.Vk.CreateImage(ctx.Device, &info, null, &img), "vkCreateImage");
        Image = img;
        MemoryRequirements req;
        ctx.Vk.GetImageMemoryRequirements(ctx.Device, img, &req);
        try { _slice = pool.AllocateBound(req, hostVisible: false, (m, o) => ctx.Vk.BindImageMemory(ctx.Device, Image, m, o), "vkBindImageMemory"); }
        catch { ctx.Vk.DestroyImage(ctx.Device, img, null); throw; }
    }

    public void Dispose()
    {
        _ctx.Vk.DestroyImage(_ctx.Device, Image, null);
        _pool.Free(_slice);
    }
}
