using System.Runtime.InteropServices;
using Silk.NET.Core;
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
    /// <summary>A device index or a (case-insensitive) part of its name; null: the best device.</summary>
    public string? Device { get; init; }
}

/// <summary>
/// A Vulkan instance, device and compute queue: either created here (discrete GPU, else integrated, else virtual,
/// else CPU; <c>BackendOptions.Device</c> overrides) or adopted from an engine (bring your own device:
/// the engine keeps ownership and this context never destroys what it did not create). Owns a command pool and
/// a fence for its own submissions. Submissions are serialised here; with an adopted queue the engine must not
/// submit to that queue from another thread at the same time (Vulkan's external synchronisation rule).
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

    readonly List<string> _messages = new();
    GCHandle _self;
    DebugUtilsMessengerEXT _messenger;
    readonly CommandPool _pool;
    readonly CommandBuffer _cmd;
    readonly Fence _fence;
    readonly object _gate = new();
    bool _disposed;

    static readonly List<string> AllMessages = new();
    /// <summary>Validation-layer messages of every context of this process (contexts made inside the CLI or a backend included).</summary>
    public static IReadOnlyList<string> ProcessValidationMessages { get { lock (AllMessages) return AllMessages.ToList(); } }

    /// <summary>Validation-layer messages received so far (only with validation on).</summary>
    public IReadOnlyList<string> ValidationMessages { get { lock (_messages) return _messages.ToList(); } }

    VulkanContext(Vk vk, Instance instance, PhysicalDevice pd, Device device, uint family, bool owns)
    {
        Vk = vk; Instance = instance; PhysicalDevice = pd; Device = device; QueueFamily = family; OwnsDevice = owns;
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
        Queue q;
        vk.GetDeviceQueue(device, family, 0, &q);
        Queue = q;

        var poolInfo = new CommandPoolCreateInfo(flags: CommandPoolCreateFlags.ResetCommandBufferBit, queueFamilyIndex: family);
        CommandPool pool;
        Check(vk.CreateCommandPool(device, &poolInfo, null, &pool), "vkCreateCommandPool");
        _pool = pool;
        var alloc = new CommandBufferAllocateInfo(commandPool: pool, level: CommandBufferLevel.Primary, commandBufferCount: 1);
        CommandBuffer cmd;
        Check(vk.AllocateCommandBuffers(device, &alloc, &cmd), "vkAllocateCommandBuffers");
        _cmd = cmd;
        var fenceInfo = new FenceCreateInfo(flags: FenceCreateFlags.None);
        Fence fence;
        Check(vk.CreateFence(device, &fenceInfo, null, &fence), "vkCreateFence");
        _fence = fence;
    }

    public override string ToString() => $"Vulkan: {DeviceName} ({DeviceType switch
    {
        PhysicalDeviceType.DiscreteGpu => "discrete GPU", PhysicalDeviceType.IntegratedGpu => "integrated GPU",
        PhysicalDeviceType.VirtualGpu => "virtual GPU", PhysicalDeviceType.Cpu => "CPU", _ => "other",
    }}{(OwnsDevice ? "" : ", engine's device")})";

    /// <summary>Creates an instance and device of our own. Throws <see cref="BackendUnavailableException"/> when there is no usable Vulkan.</summary>
    public static VulkanContext Create(VulkanContextOptions? options = null)
    {
        options ??= new VulkanContextOptions();
        Vk vk;
        try { vk = Vk.GetApi(); }
        catch (Exception e) { throw new BackendUnavailableException($"no Vulkan loader (libvulkan.so.1): {e.Message.Split('\n')[0]}", e); }

        uint apiVersion = 0;
        try { vk.EnumerateInstanceVersion(&apiVersion); }
        catch (Exception e) { throw new BackendUnavailableException($"the Vulkan loader does not work: {e.Message.Split('\n')[0]}", e); }
        if (apiVersion < Vk.Version12) throw new BackendUnavailableException($"the Vulkan loader offers version {Version(apiVersion)}; Creps needs 1.2");

        bool validation = options.Validation || options.SyncValidation;
        var layers = new List<string>();
        var extensions = new List<string>();
        if (validation)
        {
            if (!HasLayer(vk, "VK_LAYER_KHRONOS_validation"))
                throw new BackendUnavailableException("validation requested but VK_LAYER_KHRONOS_validation is not installed (apt package vulkan-validationlayers)");
            layers.Add("VK_LAYER_KHRONOS_validation");
            extensions.Add("VK_EXT_debug_utils");
        }

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
            var info = new InstanceCreateInfo(pApplicationInfo: &app,
                enabledLayerCount: (uint)layers.Count, ppEnabledLayerNames: (byte**)layerPtrs,
                enabledExtensionCount: (uint)extensions.Count, ppEnabledExtensionNames: (byte**)extPtrs,
                pNext: options.SyncValidation ? &features : null);
            var r = vk.CreateInstance(&info, null, &instance);
            if (r != Result.Success) throw new BackendUnavailableException($"vkCreateInstance failed ({r})");
        }
        finally
        {
            SilkMarshal.Free(appName); SilkMarshal.Free(layerPtrs); SilkMarshal.Free(extPtrs);
        }

        DebugUtilsMessengerEXT messenger = default;
        GCHandle self = default;
        var sink = new List<string>();
        try
        {
            if (validation) messenger = CreateMessenger(vk, instance, sink, out self);
            var (pd, family) = PickDevice(vk, instance, options.Device);
            float priority = 1f;
            var queueInfo = new DeviceQueueCreateInfo(queueFamilyIndex: family, queueCount: 1, pQueuePriorities: &priority);
            var features = new PhysicalDeviceFeatures { ShaderStorageImageWriteWithoutFormat = true };
            var supported12 = new PhysicalDeviceVulkan12Features(pNext: null);
            var query = new PhysicalDeviceFeatures2(pNext: &supported12);
            vk.GetPhysicalDeviceFeatures2(pd, &query);
            bool fp16 = supported12.ShaderFloat16;
            var enable12 = new PhysicalDeviceVulkan12Features(shaderFloat16: fp16);
            var deviceInfo = new DeviceCreateInfo(pNext: &enable12, queueCreateInfoCount: 1, pQueueCreateInfos: &queueInfo, pEnabledFeatures: &features);
            Device device;
            var r = vk.CreateDevice(pd, &deviceInfo, null, &device);
            if (r != Result.Success) throw new BackendUnavailableException($"vkCreateDevice failed ({r})");
            var ctx = new VulkanContext(vk, instance, pd, device, family, owns: true) { Float16 = fp16 };
            ctx._messenger = messenger;
            ctx._self = self;
            lock (sink) ctx._messages.AddRange(sink);
            if (self.IsAllocated) self.Target = ctx._messages;
            return ctx;
        }
        catch
        {
            if (messenger.Handle != 0) DestroyMessenger(vk, instance, messenger);
            if (self.IsAllocated) self.Free();
            vk.DestroyInstance(instance, null);
            throw;
        }
    }

    /// <summary>
    /// Adopts an engine's instance, physical device, device and queue (of family <paramref name="queueFamily"/>, which must
    /// support compute). The device must have been created with Vulkan 1.2+ and the <c>shaderStorageImageWriteWithoutFormat</c>
    /// feature enabled (and, for <paramref name="float16Enabled"/>, Vulkan 1.2's shaderFloat16). Disposing the context releases only what Creps created (command pool, fence); the engine's objects stay valid.
    /// </summary>
    public static VulkanContext Adopt(Instance instance, PhysicalDevice physicalDevice, Device device, uint queueFamily, bool float16Enabled = false)
    {
        Vk vk;
        try { vk = Vk.GetApi(); }
        catch (Exception e) { throw new BackendUnavailableException($"no Vulkan loader (libvulkan.so.1): {e.Message.Split('\n')[0]}", e); }
        if (instance.Handle == 0 || physicalDevice.Handle == 0 || device.Handle == 0) throw new ArgumentException("adopting a null Vulkan handle");
        return new VulkanContext(vk, instance, physicalDevice, device, queueFamily, owns: false) { Float16 = float16Enabled };
    }

    static string Version(uint v) => $"{v >> 22}.{(v >> 12) & 0x3ff}";

    static bool HasLayer(Vk vk, string name)
    {
        uint n = 0;
        vk.EnumerateInstanceLayerProperties(&n, null);
        var props = new LayerProperties[n];
        fixed (LayerProperties* p = props) vk.EnumerateInstanceLayerProperties(&n, p);
        foreach (var l in props) if (SilkMarshal.PtrToString((nint)l.LayerName) == name) return true;
        return false;
    }

    /// <summary>Devices with Vulkan 1.2 and a compute queue, best first: discrete, integrated, virtual, CPU (or as <paramref name="selector"/> says).</summary>
    public static IReadOnlyList<(PhysicalDevice Device, string Name, PhysicalDeviceType Type, uint QueueFamily)> ListDevices(Vk vk, Instance instance)
    {
        uint n = 0;
        vk.EnumeratePhysicalDevices(instance, &n, null);
        var devices = new PhysicalDevice[n];
        fixed (PhysicalDevice* p = devices) vk.EnumeratePhysicalDevices(instance, &n, p);
        var result = new List<(PhysicalDevice, string, PhysicalDeviceType, uint)>();
        foreach (var d in devices)
        {
            PhysicalDeviceProperties props;
            vk.GetPhysicalDeviceProperties(d, &props);
            if (props.ApiVersion < Vk.Version12) continue;
            uint qn = 0;
            vk.GetPhysicalDeviceQueueFamilyProperties(d, &qn, null);
            var families = new QueueFamilyProperties[qn];
            fixed (QueueFamilyProperties* q = families) vk.GetPhysicalDeviceQueueFamilyProperties(d, &qn, q);
            int family = Array.FindIndex(families, f => (f.QueueFlags & QueueFlags.ComputeBit) != 0);
            if (family < 0) continue;
            result.Add((d, SilkMarshal.PtrToString((nint)props.DeviceName) ?? "?", props.DeviceType, (uint)family));
        }
        return result;
    }

    static (PhysicalDevice, uint) PickDevice(Vk vk, Instance instance, string? selector)
    {
        var all = ListDevices(vk, instance);
        if (all.Count == 0) throw new BackendUnavailableException("no Vulkan 1.2 device with a compute queue");
        if (!string.IsNullOrWhiteSpace(selector))
        {
            if (int.TryParse(selector, out int idx))
            {
                if (idx < 0 || idx >= all.Count)
                    throw new BackendUnavailableException($"Vulkan device '{selector}': there are {all.Count} devices ({string.Join(", ", all.Select((d, i) => $"{i}: {d.Name}"))})");
                return (all[idx].Device, all[idx].QueueFamily);
            }
            var hit = all.FirstOrDefault(d => d.Name.Contains(selector, StringComparison.OrdinalIgnoreCase));
            if (hit.Name == null)
                throw new BackendUnavailableException($"Vulkan device '{selector}': no device name contains it ({string.Join(", ", all.Select(d => d.Name))})");
            return (hit.Device, hit.QueueFamily);
        }
        static int Rank(PhysicalDeviceType t) => t switch
        {
            PhysicalDeviceType.DiscreteGpu => 0, PhysicalDeviceType.IntegratedGpu => 1, PhysicalDeviceType.VirtualGpu => 2,
            PhysicalDeviceType.Cpu => 3, _ => 4,
        };
        var best = all.OrderBy(d => Rank(d.Type)).First();
        return (best.Device, best.QueueFamily);
    }

    static DebugUtilsMessengerEXT CreateMessenger(Vk vk, Instance instance, List<string> sink, out GCHandle handle)
    {
        var pfn = vk.GetInstanceProcAddr(instance, "vkCreateDebugUtilsMessengerEXT");
        var create = (delegate* unmanaged<Instance, DebugUtilsMessengerCreateInfoEXT*, AllocationCallbacks*, DebugUtilsMessengerEXT*, Result>)(void*)pfn.Handle;
        if (create == null) throw new BackendUnavailableException("VK_EXT_debug_utils is not available");
        handle = GCHandle.Alloc(sink);
        var info = new DebugUtilsMessengerCreateInfoEXT(
            messageSeverity: DebugUtilsMessageSeverityFlagsEXT.WarningBitExt | DebugUtilsMessageSeverityFlagsEXT.ErrorBitExt,
            messageType: DebugUtilsMessageTypeFlagsEXT.GeneralBitExt | DebugUtilsMessageTypeFlagsEXT.ValidationBitExt | DebugUtilsMessageTypeFlagsEXT.PerformanceBitExt,
            pfnUserCallback: new PfnDebugUtilsMessengerCallbackEXT(&OnMessage),
            pUserData: (void*)GCHandle.ToIntPtr(handle));
        DebugUtilsMessengerEXT messenger;
        Check(create(instance, &info, null, &messenger), "vkCreateDebugUtilsMessengerEXT");
        return messenger;
    }

    static void DestroyMessenger(Vk vk, Instance instance, DebugUtilsMessengerEXT messenger)
    {
        var pfn = vk.GetInstanceProcAddr(instance, "vkDestroyDebugUtilsMessengerEXT");
        var destroy = (delegate* unmanaged<Instance, DebugUtilsMessengerEXT, AllocationCallbacks*, void>)(void*)pfn.Handle;
        if (destroy != null) destroy(instance, messenger, null);
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    static Bool32 OnMessage(DebugUtilsMessageSeverityFlagsEXT severity, DebugUtilsMessageTypeFlagsEXT type, DebugUtilsMessengerCallbackDataEXT* data, void* user)
    {
        var sink = (List<string>)GCHandle.FromIntPtr((nint)user).Target!;
        string msg = SilkMarshal.PtrToString((nint)data->PMessage) ?? "?";
        lock (sink) sink.Add($"{severity}: {msg}");
        lock (AllMessages) AllMessages.Add($"{severity}: {msg}");
        return new Bool32(false);
    }

    internal static void Check(Result r, string what)
    {
        if (r != Result.Success) throw new BackendUnavailableException($"Vulkan: {what} failed ({r})"); // a device failure, not a bug
    }

    /// <summary>A memory type index with all of <paramref name="want"/> among <paramref name="typeBits"/>; -1 if none.</summary>
    internal int MemoryType(uint typeBits, MemoryPropertyFlags want)
    {
        var mp = MemoryProperties;
        for (int i = 0; i < mp.MemoryTypeCount; i++)
            if ((typeBits & (1u << i)) != 0 && (mp.MemoryTypes[i].PropertyFlags & want) == want) return i;
        return -1;
    }

    readonly Dictionary<string, IDisposable> _shared = new();

    /// <summary>
    /// An object shared by every generator on this context (compiled pipelines per model shape: drivers such as
    /// lavapipe take seconds to compile the per-pixel pass), made on first use and disposed with the context.
    /// </summary>
    internal T Shared<T>(string key, Func<T> make) where T : class, IDisposable
    {
        lock (_shared)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_shared.TryGetValue(key, out var v)) _shared[key] = v = make();
            return (T)v;
        }
    }

    /// <summary>Records commands with <paramref name="record"/>, submits them to the queue and waits until they completed.</summary>
    public void Submit(Action<CommandBuffer> record)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var cmd = _cmd;
            Check(Vk.ResetCommandBuffer(cmd, CommandBufferResetFlags.None), "vkResetCommandBuffer");
            var begin = new CommandBufferBeginInfo(flags: CommandBufferUsageFlags.OneTimeSubmitBit);
            Check(Vk.BeginCommandBuffer(cmd, &begin), "vkBeginCommandBuffer");
            // Earlier submissions were waited for on the host; this barrier makes their device writes visible here.
            var mb = new MemoryBarrier(srcAccessMask: AccessFlags.MemoryWriteBit, dstAccessMask: AccessFlags.MemoryReadBit | AccessFlags.MemoryWriteBit);
            Vk.CmdPipelineBarrier(cmd, PipelineStageFlags.AllCommandsBit, PipelineStageFlags.AllCommandsBit, DependencyFlags.None, 1, &mb, 0, null, 0, null);
            record(cmd);
            Check(Vk.EndCommandBuffer(cmd), "vkEndCommandBuffer");
            var submit = new SubmitInfo(commandBufferCount: 1, pCommandBuffers: &cmd);
            var fence = _fence;
            Check(Vk.QueueSubmit(Queue, 1, &submit, fence), "vkQueueSubmit");
            Check(Vk.WaitForFences(Device, 1, &fence, true, ulong.MaxValue), "vkWaitForFences");
            Check(Vk.ResetFences(Device, 1, &fence), "vkResetFences");
        }
    }

    /// <summary>A compute → compute memory barrier: every earlier shader write is visible to later dispatches (and WAR is ordered).</summary>
    internal void Barrier(CommandBuffer cmd)
    {
        var mb = new MemoryBarrier(srcAccessMask: AccessFlags.ShaderWriteBit | AccessFlags.ShaderReadBit,
            dstAccessMask: AccessFlags.ShaderReadBit | AccessFlags.ShaderWriteBit);
        Vk.CmdPipelineBarrier(cmd, PipelineStageFlags.ComputeShaderBit, PipelineStageFlags.ComputeShaderBit, DependencyFlags.None, 1, &mb, 0, null, 0, null);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            if (OwnsDevice) Vk.DeviceWaitIdle(Device);   // our own submissions are always waited for in Submit
            lock (_shared)
            {
                foreach (var v in _shared.Values) v.Dispose();
                _shared.Clear();
            }
            Vk.DestroyFence(Device, _fence, null);
            Vk.DestroyCommandPool(Device, _pool, null);
            if (OwnsDevice)
            {
                Vk.DestroyDevice(Device, null);
                if (_messenger.Handle != 0) DestroyMessenger(Vk, Instance, _messenger);
                Vk.DestroyInstance(Instance, null);
            }
            if (_self.IsAllocated) _self.Free();
        }
    }
}
