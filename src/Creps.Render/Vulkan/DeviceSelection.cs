using Silk.NET.Core.Native;
using Silk.NET.Vulkan;

namespace Creps.Render.Vulkan;

/// <summary>Which physical device a context of our own runs on: discrete GPU, else integrated, else virtual, else CPU — or as the caller says.</summary>
public static unsafe class DeviceSelection
{
    /// <summary>Devices with Vulkan 1.2 and a compute queue (one <paramref name="familyFilter"/> accepts, when given), in the driver's order.</summary>
    public static IReadOnlyList<VulkanDeviceInfo> List(Vk vk, Instance instance, Func<PhysicalDevice, uint, bool>? familyFilter = null)
    {
        uint n = 0;
        vk.EnumeratePhysicalDevices(instance, &n, null);
        var devices = new PhysicalDevice[n];
        fixed (PhysicalDevice* p = devices) vk.EnumeratePhysicalDevices(instance, &n, p);
        var result = new List<VulkanDeviceInfo>();
        foreach (var d in devices)
        {
            PhysicalDeviceProperties props;
            vk.GetPhysicalDeviceProperties(d, &props);
            if (props.ApiVersion < Vk.Version12) continue;
            uint qn = 0;
            vk.GetPhysicalDeviceQueueFamilyProperties(d, &qn, null);
            var families = new QueueFamilyProperties[qn];
            fixed (QueueFamilyProperties* q = families) vk.GetPhysicalDeviceQueueFamilyProperties(d, &qn, q);
            int family = -1;
            for (int i = 0; i < families.Length && family < 0; i++)
                if ((families[i].QueueFlags & QueueFlags.ComputeBit) != 0 && (familyFilter == null || familyFilter(d, (uint)i))) family = i;
            if (family < 0) continue;
            result.Add(new VulkanDeviceInfo(d, SilkMarshal.PtrToString((nint)props.DeviceName) ?? "?", props.DeviceType, (uint)family));
        }
        return result;
    }

    /// <summary>The device <paramref name="selector"/> names (an index or a case-insensitive part of its name), or the best one.</summary>
    public static VulkanDeviceInfo Pick(Vk vk, Instance instance, string? selector, Func<PhysicalDevice, uint, bool>? familyFilter = null)
    {
        var all = List(vk, instance, familyFilter);
        if (all.Count == 0)
            throw new BackendUnavailableException(familyFilter == null ? "no Vulkan 1.2 device with a compute queue" : "no Vulkan 1.2 device with a compute queue the caller can use (e.g. one that presents)");
        if (!string.IsNullOrWhiteSpace(selector))
        {
            if (int.TryParse(selector, out int idx))
            {
                if (idx < 0 || idx >= all.Count)
                    throw new BackendUnavailableException($"Vulkan device '{selector}': there are {all.Count} devices ({string.Join(", ", all.Select((d, i) => $"{i}: {d.Name}"))})");
                return all[idx];
            }
            var hit = all.FirstOrDefault(d => d.Name.Contains(selector, StringComparison.OrdinalIgnoreCase));
            if (hit.Name == null)
                throw new BackendUnavailableException($"Vulkan device '{selector}': no device name contains it ({string.Join(", ", all.Select(d => d.Name))})");
            return hit;
        }
        return all.OrderBy(d => Rank(d.Type)).First();
    }

    static int Rank(PhysicalDeviceType t) => t switch
    {
        PhysicalDeviceType.DiscreteGpu => 0, PhysicalDeviceType.IntegratedGpu => 1, PhysicalDeviceType.VirtualGpu => 2,
        PhysicalDeviceType.Cpu => 3, _ => 4,
    };

    internal static bool HasLayer(Vk vk, string name)
    {
        uint n = 0;
        vk.EnumerateInstanceLayerProperties(&n, null);
        var props = new LayerProperties[n];
        fixed (LayerProperties* p = props) vk.EnumerateInstanceLayerProperties(&n, p);
        foreach (var l in props) if (SilkMarshal.PtrToString((nint)l.LayerName) == name) return true;
        return false;
    }

    internal static bool HasInstanceExtension(Vk vk, string layer, string name)
    {
        uint n = 0;
        vk.EnumerateInstanceExtensionProperties(layer, &n, null);
        var props = new ExtensionProperties[n];
        fixed (ExtensionProperties* p = props) vk.EnumerateInstanceExtensionProperties(layer, &n, p);
        foreach (var e in props) if (SilkMarshal.PtrToString((nint)e.ExtensionName) == name) return true;
        return false;
    }
}
