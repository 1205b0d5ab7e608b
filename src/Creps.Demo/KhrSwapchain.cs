using Creps.Render.Vulkan;
using Silk.NET.Vulkan;
using Semaphore = Silk.NET.Vulkan.Semaphore;

namespace Creps.Demo;

/// <summary>
/// A VkSwapchainKHR of the window's surface, its images and one view per image, with the VK_KHR_swapchain entry points
/// loaded from vkGetDeviceProcAddr. B8G8R8A8_UNORM (what every X11 surface offers, Xvfb's included): the fragment pass
/// writes the texture's 8-bit values straight, as `creps render` writes a PNG. Re-created on resize (<see cref="Recreate"/>).
/// </summary>
internal sealed unsafe class KhrSwapchain : IDisposable
{
    readonly VulkanContext _ctx;
    readonly KhrSurface _surface;
    readonly delegate* unmanaged<Device, SwapchainCreateInfoKHR*, AllocationCallbacks*, SwapchainKHR*, Result> _create;
    readonly delegate* unmanaged<Device, SwapchainKHR, AllocationCallbacks*, void> _destroy;
    readonly delegate* unmanaged<Device, SwapchainKHR, uint*, Image*, Result> _images;
    readonly delegate* unmanaged<Device, SwapchainKHR, ulong, Semaphore, Fence, uint*, Result> _acquire;
    readonly delegate* unmanaged<Queue, PresentInfoKHR*, Result> _present;

    public SwapchainKHR Handle { get; private set; }
    public Format Format { get; private set; }
    public Extent2D Extent { get; private set; }
    public Image[] Images { get; private set; } = [];
    public ImageView[] Views { get; private set; } = [];

    public KhrSwapchain(VulkanContext ctx, KhrSurface surface, uint width, uint height)
    {
        _ctx = ctx; _surface = surface;
        _create = (delegate* unmanaged<Device, SwapchainCreateInfoKHR*, AllocationCallbacks*, SwapchainKHR*, Result>)Proc("vkCreateSwapchainKHR");
        _destroy = (delegate* unmanaged<Device, SwapchainKHR, AllocationCallbacks*, void>)Proc("vkDestroySwapchainKHR");
        _images = (delegate* unmanaged<Device, SwapchainKHR, uint*, Image*, Result>)Proc("vkGetSwapchainImagesKHR");
        _acquire = (delegate* unmanaged<Device, SwapchainKHR, ulong, Semaphore, Fence, uint*, Result>)Proc("vkAcquireNextImageKHR");
        _present = (delegate* unmanaged<Queue, PresentInfoKHR*, Result>)Proc("vkQueuePresentKHR");
        Recreate(width, height);
    }

    void* Proc(string name)
    {
        var p = (void*)_ctx.Vk.GetDeviceProcAddr(_ctx.Device, name).Handle;
        if (p == null) throw new DemoUnavailableException($"{name} is missing: the device lacks VK_KHR_swapchain");
        return p;
    }

    /// <summary>A new swapchain for the surface's current size (the old one retired through oldSwapchain, then destroyed). Caller waits for the device first.</summary>
    public void Recreate(uint width, uint height)
    {
        var vk = _ctx.Vk;
        var caps = _surface.Capabilities(_ctx.PhysicalDevice);
        var formats = _surface.Formats(_ctx.PhysicalDevice);
        var pick = formats.FirstOrDefault(f => f.Format == Format.B8G8R8A8Unorm);
        if (pick.Format != Format.B8G8R8A8Unorm)
            throw new DemoUnavailableException($"the surface offers no B8G8R8A8_UNORM format ({string.Join(", ", formats.Select(f => f.Format))})");
        var extent = caps.CurrentExtent.Width != uint.MaxValue ? caps.CurrentExtent
            : new Extent2D(Math.Clamp(width, caps.MinImageExtent.Width, caps.MaxImageExtent.Width), Math.Clamp(height, caps.MinImageExtent.Height, caps.MaxImageExtent.Height));
        uint count = Math.Max(caps.MinImageCount, 3);
        if (caps.MaxImageCount > 0) count = Math.Min(count, caps.MaxImageCount);
        var usage = ImageUsageFlags.ColorAttachmentBit | ImageUsageFlags.TransferSrcBit;
        if ((caps.SupportedUsageFlags & usage) != usage) throw new DemoUnavailableException($"the surface's images cannot be drawn into and copied from ({caps.SupportedUsageFlags})");
        var old = Handle;
        var info = new SwapchainCreateInfoKHR(
            surface: _surface.Handle, minImageCount: count, imageFormat: pick.Format, imageColorSpace: pick.ColorSpace, imageExtent: extent,
            imageArrayLayers: 1, imageUsage: usage, imageSharingMode: SharingMode.Exclusive,
            preTransform: caps.CurrentTransform, compositeAlpha: CompositeAlphaFlagsKHR.OpaqueBitKhr,
            presentMode: PresentModeKHR.FifoKhr, clipped: true, oldSwapchain: old);
        SwapchainKHR sc;
        VulkanException.Check(_create(_ctx.Device, &info, null, &sc), "vkCreateSwapchainKHR");
        DestroyViews();
        if (old.Handle != 0) _destroy(_ctx.Device, old, null);
        Handle = sc; Format = pick.Format; Extent = extent;
        uint n = 0;
        VulkanException.Check(_images(_ctx.Device, sc, &n, null), "vkGetSwapchainImagesKHR");
        var images = new Image[n];
        fixed (Image* p = images) VulkanException.Check(_images(_ctx.Device, sc, &n, p), "vkGetSwapchainImagesKHR");
        Images = images;
        Views = images.Select(img =>
        {
            var vi = new ImageViewCreateInfo(image: img, viewType: ImageViewType.Type2D, format: pick.Format,
                subresourceRange: new ImageSubresourceRange(ImageAspectFlags.ColorBit, 0, 1, 0, 1));
            ImageView v;
            VulkanException.Check(vk.CreateImageView(_ctx.Device, &vi, null, &v), "vkCreateImageView");
            return v;
        }).ToArray();
    }

    /// <summary>The next image's index, or null when the swapchain is out of date (re-create it).</summary>
    public uint? Acquire(Semaphore signal)
    {
        uint index;
        var r = _acquire(_ctx.Device, Handle, ulong.MaxValue, signal, default, &index);
        if (r == Result.ErrorOutOfDateKhr) return null;
        if (r != Result.SuboptimalKhr) VulkanException.Check(r, "vkAcquireNextImageKHR");
        return index;
    }

    /// <summary>Presents image <paramref name="index"/> after <paramref name="wait"/>; false when the swapchain should be re-created.</summary>
    public bool Present(uint index, Semaphore wait)
    {
        var sc = Handle;
        var info = new PresentInfoKHR(waitSemaphoreCount: 1, pWaitSemaphores: &wait, swapchainCount: 1, pSwapchains: &sc, pImageIndices: &index);
        var r = _present(_ctx.Queue, &info);
        if (r is Result.ErrorOutOfDateKhr or Result.SuboptimalKhr) return false;
        VulkanException.Check(r, "vkQueuePresentKHR");
        return true;
    }

    void DestroyViews()
    {
        foreach (var v in Views) _ctx.Vk.DestroyImageView(_ctx.Device, v, null);
        Views = [];
    }

    public void Dispose()
    {
        DestroyViews();
        if (Handle.Handle != 0) _destroy(_ctx.Device, Handle, null);
        Handle = default;
    }
}
