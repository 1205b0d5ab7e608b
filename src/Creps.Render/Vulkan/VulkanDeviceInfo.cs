using Silk.NET.Core.Native;
using Silk.NET.Vulkan;

namespace Creps.Render.Vulkan;

/// <summary>A Vulkan 1.2 device with a compute queue family, as <see cref="DeviceSelection.List"/> finds it.</summary>
public readonly record struct VulkanDeviceInfo(PhysicalDevice Device, string Name, PhysicalDeviceType Type, uint QueueFamily);
