using Creps.Render.Model;
using Creps.Render.Vulkan;
using Silk.NET.Vulkan;

namespace Creps.Render.Streaming;

/// <summary>
/// Which backend renders pages. <c>auto</c>: Vulkan on a real GPU; the cpu backend where the only Vulkan device is a
/// CPU implementation (lavapipe/llvmpipe: the cpu backend is far faster there) or there is none. Says which in a log line.
/// </summary>
public static class StreamingBackend
{
    public static IGenerator Create(CrepsModel model, string name, BackendOptions options, Action<string>? log = null)
    {
        if (name != "auto") return Backends.Create(model, name, options, log);
        string? why;
        try
        {
            using var probe = VulkanContext.Create(new VulkanContextOptions { Device = options.Device });
            if (probe.DeviceType != PhysicalDeviceType.Cpu)
            {
                log?.Invoke($"backend auto: vulkan ({probe.DeviceName}: a GPU)");
                return Backends.Create(model, "vulkan", options, log);
            }
            why = $"the Vulkan device {probe.DeviceName} is a CPU implementation, slower than the cpu backend";
        }
        catch (Exception e) when (e is BackendUnavailableException or VulkanException) { why = $"no usable Vulkan device ({e.Message})"; }
        log?.Invoke($"backend auto: cpu ({why})");
        return Backends.Create(model, "cpu", options, log);
    }

    /// <summary>
    /// The same choice on a device the caller already has (an engine's, a window's): <c>vulkan</c> renders on
    /// <paramref name="context"/> (so pages go straight into an atlas on it), <c>auto</c> picks as above. Returns the name chosen.
    /// </summary>
    public static (IGenerator Generator, string Name) Create(CrepsModel model, string name, BackendOptions options, VulkanContext context, Action<string>? log = null)
    {
        if (name == "auto")
        {
            name = context.DeviceType == PhysicalDeviceType.Cpu ? "cpu" : "vulkan";
            log?.Invoke(name == "cpu" ? $"backend auto: cpu (the Vulkan device {context.DeviceName} is a CPU implementation, slower than the cpu backend)"
                                      : $"backend auto: vulkan ({context.DeviceName}: a GPU)");
        }
        return name == "vulkan" ? (new VulkanGenerator(model, context), name) : (Backends.Create(model, name, options, log), name);
    }
}
