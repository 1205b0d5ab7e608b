using Silk.NET.Vulkan;

namespace Creps.Render.Vulkan;

/// <summary>A 2D colour view of mip 0 / one array layer of an image (ours or the caller's; the view is always ours).</summary>
internal sealed unsafe class ImageViewHandle : IDisposable
{
    readonly VulkanContext _ctx;
    public ImageView View { get; }

    public ImageViewHandle(VulkanContext ctx, Image image, Format format, int layer = 0)
    {
        _ctx = ctx;
        var info = new ImageViewCreateInfo(image: image, viewType: ImageViewType.Type2D, format: format,
            subresourceRange: new ImageSubresourceRange(ImageAspectFlags.ColorBit, 0, 1, (uint)layer, 1));
        ImageView v;
        VulkanException.Check(ctx.Vk.CreateImageView(ctx.Device, &info, null, &v), "vkCreateImageView");
        View = v;
    }

    public void Dispose() => _ctx.Vk.DestroyImageView(_ctx.Device, View, null);
}
