using Silk.NET.Vulkan;

namespace Creps.Render.Vulkan;

/// <summary>
/// A caller's VkImage to render into (the render-into-image contract, see README "Vulkan: rendering into your VkImage"):
/// 2D, created on the generator's device, format R8G8B8A8_UNORM, R16G16B16A16_SFLOAT or R32G32B32A32_SFLOAT, usage
/// including STORAGE, mip level 0 / array layer 0 written, owned by the generator's queue family (or CONCURRENT).
/// The image is in <see cref="OldLayout"/> when the call starts (UNDEFINED discards its contents) and is left in
/// <see cref="NewLayout"/>. The call is synchronous: it waits for everything the engine submitted earlier to the same
/// queue that touches the image (a full barrier), and returns after the GPU finished writing, so the engine may use
/// the image at once with no further synchronisation. RGBA8 holds the official 8-bit values (alpha 255); the float
/// formats hold the raw output (roughly [−1, 1], alpha 1).
/// </summary>
public readonly record struct VulkanImageTarget(Image Image, Format Format, int Width, int Height,
    ImageLayout OldLayout = ImageLayout.General, ImageLayout NewLayout = ImageLayout.General)
{
    public static readonly Format[] SupportedFormats = [Format.R8G8B8A8Unorm, Format.R16G16B16A16Sfloat, Format.R32G32B32A32Sfloat];

    internal void Validate()
    {
        if (Image.Handle == 0) throw new ArgumentException("target image is a null handle");
        if (!SupportedFormats.Contains(Format))
            throw new ArgumentException($"target format {Format} is not supported (use {string.Join(", ", SupportedFormats)})");
        if (Width < 1 || Height < 1) throw new ArgumentException($"target size {Width}x{Height} is empty");
    }
}

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
        VulkanContext.Check(ctx.Vk.CreateImage(ctx.Device, &info, null, &img), "vkCreateImage");
        Image = img;
        MemoryRequirements req;
        ctx.Vk.GetImageMemoryRequirements(ctx.Device, img, &req);
        try { _slice = pool.AllocateBound(req, hostVisible: false, (m, o) => ctx.Vk.BindImageMemory(ctx.Device, Image, m, o), "vkBindImageMemory"); }
        catch { ctx.Vk.DestroyImage(ctx.Device, img, null); throw; }
    }

    public VulkanImageTarget Target(ImageLayout oldLayout, ImageLayout newLayout) => new(Image, Format, Width, Height, oldLayout, newLayout);

    public void Dispose()
    {
        _ctx.Vk.DestroyImage(_ctx.Device, Image, null);
        _pool.Free(_slice);
    }
}
