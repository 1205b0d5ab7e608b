using Silk.NET.Core.Native;
using Silk.NET.Vulkan;

namespace Creps.Render.Vulkan;

/// <summary>How <see cref="VulkanContext.Create"/> sets up its own instance and device.</summary>
public sealed record VulkanContextOptions
{
    /// <summary>Enable VK_LAYER_KHRONOS_validation and report its messages through <see cref="VulkanContext.ValidationMessages"/>.</summary>
    public bool Validation { get; init; }
    /// <summary>Also enable synchronisation validation (implies <see cref="Validation"/>).</summary>
    public bool SyncValidation { get; init; }
    /// <summary>A device index or a (case-insensitive) part of its name; null: the best device (<see cref="DeviceSelection.Pick"/>).</summary>
    public string? Device { get; init; }
    /// <summary>Instance extensions to enable besides ours (a window system's surface extensions, for presenting).</summary>
    public IReadOnlyList<string> InstanceExtensions { get; init; } = [];
    /// <summary>Device extensions to enable (VK_KHR_swapchain, for presenting).</summary>
    public IReadOnlyList<string> DeviceExtensions { get; init; } = [];
    /// <summary>
    /// Called with the new instance, a physical device and a compute queue family: whether that family may be the
    /// context's queue (e.g. it can also draw and present to a surface the caller made on the instance). Null: any.
    /// </summary>
    public Func<Instance, PhysicalDevice, uint, bool>? QueueFamilyFilter { get; init; }
}
