using Silk.NET.Core.Native;
using Silk.NET.Vulkan;

namespace Creps.Render.Vulkan;

/// <summary>
/// A Vulkan instance, device and compute queue — created here (<see cref="Create"/>) or adopted from an engine
/// (<see cref="Adopt"/>: the engine keeps ownership, and this context never destroys what it did not create) — plus
/// what Creps keeps per device: our submissions (<see cref="SubmissionQueue"/>) and the compiled pipelines shared by
/// every generator on it. Thread-safe.
/// </summary>
public sealed unsafe class VulkanContext : IDisposable
{
    public Vk Vk { get; }
    public Instance Instance { get; }
    public PhysicalDevice PhysicalDevice { get; }
    public Device Device { get; }
    public Queue Queue { get; }
    public uint QueueFamily { get; }
    public string DeviceName { get; }
    public PhysicalDeviceType DeviceType { get; }
    public PhysicalDeviceLimits Limits { get; }
    public PhysicalDeviceMemoryProperties MemoryProperties { get; }
    /// <summary>shaderFloat16 is enabled on the device (the float16 per-pixel pass can run).</summary>
    public bool Float16 { get; private init; }
    /// <summary>True when this context created the instance and device (and so destroys them).</summary>
    public bool OwnsDevice { get; }

    readonly ValidationMessenger? _messenger;
    internal SubmissionQueue Submissions { get; }
    internal SharedPipelines Pipelines { get; } = new();
    int _disposed;

    /// <summary>Validation-layer messages of every context of this process (contexts made inside the CLI or a backend included).</summary>
    public static IReadOnlyList<string> ProcessValidationMessages => ValidationMessenger.ProcessMessages;

    /// <summary>Validation-layer messages received so far (only with validation on), instance creation included.</summary>
    public IReadOnlyList<string> ValidationMessages => _messenger?.Messages ?? [];

    VulkanContext(Vk vk, Instance instance, PhysicalDevice pd, Device device, uint family, bool owns, ValidationMessenger? messenger, Queue? queue = null)
    {
        Vk = vk; Instance = instance; PhysicalDevice = pd; Device = device; QueueFamily = family; OwnsDevice = owns; _messenger = messenger;
        vk.CurrentInstance = instance;
        vk.CurrentDevice = device;
        PhysicalDeviceProperties props;
        vk.GetPhysicalDeviceProperties(pd, &props);
        DeviceName = SilkMarshal.PtrToString((nint)props.DeviceName) ?? "?";
        DeviceType = props.DeviceType;
        Limits = props.Limits;
        PhysicalDeviceMemoryProperties mem;
        vk.GetPhysicalDeviceMemoryProperties(pd, &mem);
        MemoryProperties = mem;
        Queue q = queue ?? default;
        if (queue == null) vk.GetDeviceQueue(device, family, 0, &q);
        Queue = q;
        Submissions = new SubmissionQueue(this);
    }

    public override string ToString() => $"Vulkan: {DeviceName} ({DeviceType switch
    {
        PhysicalDeviceType.DiscreteGpu => "discrete GPU", PhysicalDeviceType.IntegratedGpu => "integrated GPU",
        PhysicalDeviceType.VirtualGpu => "virtual GPU", PhysicalDeviceType.Cpu => "CPU", _ => "other",
    }}{(OwnsDevice ? "" : ", engine's device")})";

    static Vk LoadApi()
    {
        try { return Vk.GetApi(); }
        catch (Exception e) { throw new BackendUnavailableException($"no Vulkan loader (libvulkan.so.1): {e.Message.Split('\n')[0]}", e); }
    }

    /// <summary>Creates an instance and device of our own. Throws <see cref="BackendUnavailableException"/> when there is no usable Vulkan.</summary>
    public static VulkanContext Create(VulkanContextOptions? options = null)
    {
        options ??= new VulkanContextOptions();
        var vk = LoadApi();
        uint apiVersion = 0;
        try { vk.EnumerateInstanceVersion(&apiVersion); }
        catch (Exception e) { throw new BackendUnavailableException($"the Vulkan loader does not work: {e.Message.Split('\n')[0]}", e); }
        if (apiVersion < Vk.Version12) throw new BackendUnavailableException($"the Vulkan loader offers version {apiVersion >> 22}.{(apiVersion >> 12) & 0x3ff}; Creps needs 1.2");

        bool validation = options.Validation || options.SyncValidation;
        var layers = new List<string>();
        var extensions = new List<string>(options.InstanceExtensions);
        if (validation)
        {
            const string layer = "VK_LAYER_KHRONOS_validation";
            if (!DeviceSelection.HasLayer(vk, layer))
                throw new BackendUnavailableException($"validation requested but {layer} is not installed (apt package vulkan-validationlayers)");
            if (!DeviceSelection.HasInstanceExtension(vk, layer, "VK_EXT_debug_utils") && !DeviceSelection.HasInstanceExtension(vk, null!, "VK_EXT_debug_utils"))
                throw new BackendUnavailableException("validation requested but VK_EXT_debug_utils is not available");
            layers.Add(layer);
            extensions.Add("VK_EXT_debug_utils");
        }

        var messenger = validation ? new ValidationMessenger() : null;
        var appName = SilkMarshal.StringToPtr("creps");
        var layerPtrs = SilkMarshal.StringArrayToPtr(layers);
        var extPtrs = SilkMarshal.StringArrayToPtr(extensions);
        Instance instance;
        try
        {
            var app = new ApplicationInfo(pApplicationName: (byte*)appName, applicationVersion: 1, pEngineName: (byte*)appName,
                engineVersion: 1, apiVersion: Vk.Version12);
            var enables = stackalloc ValidationFeatureEnableEXT[] { ValidationFeatureEnableEXT.SynchronizationValidationExt };
            var features = new ValidationFeaturesEXT(enabledValidationFeatureCount: 1, pEnabledValidationFeatures: enables);
            // The messenger's create info in the chain catches what vkCreateInstance and vkDestroyInstance report.
            var debug = messenger?.CreateInfo(options.SyncValidation ? &features : null) ?? default;
            void* chain = messenger != null ? &debug : null;
            var info = new InstanceCreateInfo(pApplicationInfo: &app,
                enabledLayerCount: (uint)layers.Count, ppEnabledLayerNames: (byte**)layerPtrs,
                enabledExtensionCount: (uint)extensions.Count, ppEnabledExtensionNames: (byte**)extPtrs, pNext: chain);
            var r = vk.CreateInstance(&info, null, &instance);
            if (r != Result.Success) { messenger?.Dispose(); throw new BackendUnavailableException($"vkCreateInstance failed ({r})"); }
        }
        finally
        {
            SilkMarshal.Free(appName); SilkMarshal.Free(layerPtrs); SilkMarshal.Free(extPtrs);
        }

        try
        {
            messenger?.Attach(vk, instance);
            var filter = options.QueueFamilyFilter;
            var created = instance;   // a copy: the lambda cannot capture a local whose address was taken
            var pick = DeviceSelection.Pick(vk, instance, options.Device, filter == null ? null : (d, f) => filter(created, d, f));
            float priority = 1f;
            var queueInfo = new DeviceQueueCreateInfo(queueFamilyIndex: pick.QueueFamily, queueCount: 1, pQueuePriorities: &priority);
            var features = new PhysicalDeviceFeatures { ShaderStorageImageWriteWithoutFormat = true };
            var supported12 = new PhysicalDeviceVulkan12Features(pNext: null);
            var query = new PhysicalDeviceFeatures2(pNext: &supported12);
            vk.GetPhysicalDeviceFeatures2(pick.Device, &query);
            bool fp16 = supported12.ShaderFloat16;
            var enable12 = new PhysicalDeviceVulkan12Features(shaderFloat16: fp16);
            var deviceExtPtrs = SilkMarshal.StringArrayToPtr(options.DeviceExtensions);
            var deviceInfo = new DeviceCreateInfo(pNext: &enable12, queueCreateInfoCount: 1, pQueueCreateInfos: &queueInfo, pEnabledFeatures: &features,
                enabledExtensionCount: (uint)options.DeviceExtensions.Count, ppEnabledExtensionNames: (byte**)deviceExtPtrs);
            Device device;
            var r = vk.CreateDevice(pick.Device, &deviceInfo, null, &device);
            SilkMarshal.Free(deviceExtPtrs);
            if (r != Result.Success) throw new BackendUnavailableException($"vkCreateDevice failed ({r})");
            try { return new VulkanContext(vk, instance, pick.Device, device, pick.QueueFamily, owns: true, messenger) { Float16 = fp16 }; }
            catch { vk.DestroyDevice(device, null); throw; }
        }
        catch
        {
            messenger?.Detach();
            vk.DestroyInstance(instance, null);
            messenger?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Adopts an engine's instance, physical device, device and queue (of family <paramref name="queueFamily"/>, which must
    /// support compute). The device must have been created with Vulkan 1.2+ and the <c>shaderStorageImageWriteWithoutFormat</c>
    /// feature enabled (and, for <paramref name="float16Enabled"/>, Vulkan 1.2's shaderFloat16). Disposing the context
    /// releases only what Creps created (command pool, fences, pipelines); the engine's objects stay valid.
    /// </summary>
    /// <param name="queue">The engine's queue of <paramref name="queueFamily"/> to submit to (null: queue 0 of that family).</param>
    /// <param name="getInstanceProcAddr">The engine's <c>PFN_vkGetInstanceProcAddr</c> to load every Vulkan function through
    /// (0: the system loader, libvulkan.so.1) — for engines that load Vulkan themselves or insert layers.</param>
    public static VulkanContext Adopt(Instance instance, PhysicalDevice physicalDevice, Device device, uint queueFamily, bool float16Enabled = false,
        Queue? queue = null, nint getInstanceProcAddr = 0)
    {
        if (instance.Handle == 0 || physicalDevice.Handle == 0 || device.Handle == 0) throw new ArgumentException("adopting a null Vulkan handle");
        if (queue is { Handle: 0 }) throw new ArgumentException("adopting a null Vulkan queue");
        var vk = getInstanceProcAddr == 0 ? LoadApi() : LoadApi(getInstanceProcAddr, instance);
        return new VulkanContext(vk, instance, physicalDevice, device, queueFamily, owns: false, messenger: null, queue) { Float16 = float16Enabled };
    }

    /// <summary>Vulkan loaded through a caller's vkGetInstanceProcAddr: instance-level lookups first, global ones (NULL instance) otherwise.</summary>
    static Vk LoadApi(nint getInstanceProcAddr, Instance instance)
    {
        var gipa = (delegate* unmanaged<nint, byte*, nint>)getInstanceProcAddr;
        nint handle = instance.Handle;
        return new Vk(new Silk.NET.Core.Contexts.LamdaNativeContext(name =>
        {
            var utf8 = SilkMarshal.StringToPtr(name);
            try
            {
                nint p = gipa(handle, (byte*)utf8);
                return p != 0 ? p : gipa(0, (byte*)utf8);
            }
            finally { SilkMarshal.Free(utf8); }
        }));
    }

    /// <summary>A memory type index with all of <paramref name="want"/> among <paramref name="typeBits"/>; -1 if none.</summary>
    internal int MemoryType(uint typeBits, MemoryPropertyFlags want)
    {
        var mp = MemoryProperties;
        for (int i = 0; i < mp.MemoryTypeCount; i++)
            if ((typeBits & (1u << i)) != 0 && (mp.MemoryTypes[i].PropertyFlags & want) == want) return i;
        return -1;
    }

    /// <summary>Records with <paramref name="record"/>, submits to the queue and waits until the GPU finished.</summary>
    public void Submit(Action<CommandBuffer> record) => Submissions.SubmitAndWait(record);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        Submissions.Dispose();        // waits for what is still in flight
        Pipelines.Dispose();
        if (!OwnsDevice) return;
        Vk.DestroyDevice(Device, null);
        _messenger?.Detach();
        Vk.DestroyInstance(Instance, null);   // its messages still reach the chained callback
        _messenger?.Dispose();
    }
}
