using Creps.Render.Vulkan;
using Silk.NET.Core;
using Silk.NET.Vulkan;

namespace Creps.Demo;

/// <summary>
/// A VkSurfaceKHR made by GLFW for the window, with the VK_KHR_surface entry points loaded from vkGetInstanceProcAddr
/// (Silk.NET.Vulkan.Extensions is not used: one small wrapper per object, as KhronosGroup's samples do).
/// </summary>
internal sealed unsafe class KhrSurface : IDisposable
{
    readonly Vk _vk;
    readonly Instance _instance;
    readonly delegate* unmanaged<PhysicalDevice, uint, SurfaceKHR, Bool32*, Result> _support;
    readonly delegate* unmanaged<PhysicalDevice, SurfaceKHR, SurfaceCapabilitiesKHR*, Result> _capabilities;
    readonly delegate* unmanaged<PhysicalDevice, SurfaceKHR, uint*, SurfaceFormatKHR*, Result> _formats;
    readonly delegate* unmanaged<PhysicalDevice, SurfaceKHR, uint*, PresentModeKHR*, Result> _presentModes;
    readonly delegate* unmanaged<Instance, SurfaceKHR, AllocationCallbacks*, void> _destroy;

    public SurfaceKHR Handle { get; }

    public KhrSurface(Vk vk, Instance instance, DemoWindow window)
    {
        _vk = vk; _instance = instance;
        _support = (delegate* unmanaged<PhysicalDevice, uint, SurfaceKHR, Bool32*, Result>)Proc("vkGetPhysicalDeviceSurfaceSupportKHR");
        _capabilities = (delegate* unmanaged<PhysicalDevice, SurfaceKHR, SurfaceCapabilitiesKHR*, Result>)Proc("vkGetPhysicalDeviceSurfaceCapabilitiesKHR");
        _formats = (delegate* unmanaged<PhysicalDevice, SurfaceKHR, uint*, SurfaceFormatKHR*, Result>)Proc("vkGetPhysicalDeviceSurfaceFormatsKHR");
        _presentModes = (delegate* unmanaged<PhysicalDevice, SurfaceKHR, uint*, PresentModeKHR*, Result>)Proc("vkGetPhysicalDeviceSurfacePresentModesKHR");
        _destroy = (delegate* unmanaged<Instance, SurfaceKHR, AllocationCallbacks*, void>)Proc("vkDestroySurfaceKHR");
        ulong surface;
        int r = Glfw.CreateWindowSurface((nint)instance.Handle, window.Handle, null, &surface);
        if (r != 0) throw new DemoUnavailableException($"glfwCreateWindowSurface failed ({(Result)r}): {Glfw.LastError()}");
        Handle = new SurfaceKHR(surface);
    }

    void* Proc(string name)
    {
        var p = (void*)_vk.GetInstanceProcAddr(_instance, name).Handle;
        if (p == null) throw new DemoUnavailableException($"{name} is missing: the instance lacks VK_KHR_surface");
        return p;
    }

    public bool CanPresent(PhysicalDevice device, uint family)
    {
        Bool32 ok;
        VulkanException.Check(_support(device, family, Handle, &ok), "vkGetPhysicalDeviceSurfaceSupportKHR");
        return ok;
    }

    public SurfaceCapabilitiesKHR Capabilities(PhysicalDevice device)
    {
        SurfaceCapabilitiesKHR caps;
        VulkanException.Check(_capabilities(device, Handle, &caps), "vkGetPhysicalDeviceSurfaceCapabilitiesKHR");
        return caps;
    }

    public SurfaceFormatKHR[] Formats(PhysicalDevice device)
    {
        uint n = 0;
        VulkanException.Check(_formats(device, Handle, &n, null), "vkGetPhysicalDeviceSurfaceFormatsKHR");
        var all = new SurfaceFormatKHR[n];
        fixed (SurfaceFormatKHR* p = all) VulkanException.Check(_formats(device, Handle, &n, p), "vkGetPhysicalDeviceSurfaceFormatsKHR");
        return all[..(int)n];
    }

    public PresentModeKHR[] PresentModes(PhysicalDevice device)
    {
        uint n = 0;
        VulkanException.Check(_presentModes(device, Handle, &n, null), "vkGetPhysicalDeviceSurfacePresentModesKHR");
        var all = new PresentModeKHR[n];
        fixed (PresentModeKHR* p = all) VulkanException.Check(_presentModes(device, Handle, &n, p), "vkGetPhysicalDeviceSurfacePresentModesKHR");
        return all[..(int)n];
    }

    public void Dispose() => _destroy(_instance, Handle, null);
}
