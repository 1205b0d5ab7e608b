using System.Runtime.InteropServices;
using Silk.NET.Core;
using Silk.NET.Core.Native;
using Silk.NET.Vulkan;

namespace Creps.Render.Vulkan;

/// <summary>
/// Collects VK_LAYER_KHRONOS_validation's warnings and errors. The same callback is chained into
/// VkInstanceCreateInfo (so messages of vkCreateInstance/vkDestroyInstance are caught too) and registered as a
/// VkDebugUtilsMessengerEXT for the instance's life.
/// </summary>
internal sealed unsafe class ValidationMessenger : IDisposable
{
    static readonly List<string> AllMessages = new();
    /// <summary>Messages of every messenger of this process (contexts made inside the CLI or a backend included).</summary>
    public static IReadOnlyList<string> ProcessMessages { get { lock (AllMessages) return AllMessages.ToList(); } }

    readonly List<string> _messages = new();
    GCHandle _self;
    Vk? _vk;
    Instance _instance;
    DebugUtilsMessengerEXT _messenger;

    public ValidationMessenger() { _self = GCHandle.Alloc(_messages); }

    public IReadOnlyList<string> Messages { get { lock (_messages) return _messages.ToList(); } }

    /// <summary>The create info to chain into VkInstanceCreateInfo.pNext (and to register with <see cref="Attach"/>).</summary>
    public DebugUtilsMessengerCreateInfoEXT CreateInfo(void* next = null) => new(
        pNext: next,
        messageSeverity: DebugUtilsMessageSeverityFlagsEXT.WarningBitExt | DebugUtilsMessageSeverityFlagsEXT.ErrorBitExt,
        messageType: DebugUtilsMessageTypeFlagsEXT.GeneralBitExt | DebugUtilsMessageTypeFlagsEXT.ValidationBitExt | DebugUtilsMessageTypeFlagsEXT.PerformanceBitExt,
        pfnUserCallback: new PfnDebugUtilsMessengerCallbackEXT(&OnMessage),
        pUserData: (void*)GCHandle.ToIntPtr(_self));

    /// <summary>Registers the messenger on a created instance (VK_EXT_debug_utils must be enabled on it).</summary>
    public void Attach(Vk vk, Instance instance)
    {
        var pfn = vk.GetInstanceProcAddr(instance, "vkCreateDebugUtilsMessengerEXT");
        var create = (delegate* unmanaged<Instance, DebugUtilsMessengerCreateInfoEXT*, AllocationCallbacks*, DebugUtilsMessengerEXT*, Result>)(void*)pfn.Handle;
        if (create == null) throw new BackendUnavailableException("VK_EXT_debug_utils is not available");
        var info = CreateInfo();
        DebugUtilsMessengerEXT messenger;
        VulkanException.Check(create(instance, &info, null, &messenger), "vkCreateDebugUtilsMessengerEXT");
        _vk = vk; _instance = instance; _messenger = messenger;
    }

    /// <summary>Unregisters the messenger; call before vkDestroyInstance (whose own messages still reach the chained callback).</summary>
    public void Detach()
    {
        if (_vk == null || _messenger.Handle == 0) return;
        var pfn = _vk.GetInstanceProcAddr(_instance, "vkDestroyDebugUtilsMessengerEXT");
        var destroy = (delegate* unmanaged<Instance, DebugUtilsMessengerEXT, AllocationCallbacks*, void>)(void*)pfn.Handle;
        if (destroy != null) destroy(_instance, _messenger, null);
        _messenger = default;
    }

    /// <summary>Frees the callback's handle: only after the instance is destroyed.</summary>
    public void Dispose()
    {
        Detach();
        if (_self.IsAllocated) _self.Free();
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    static Bool32 OnMessage(DebugUtilsMessageSeverityFlagsEXT severity, DebugUtilsMessageTypeFlagsEXT type, DebugUtilsMessengerCallbackDataEXT* data, void* user)
    {
        var sink = (List<string>)GCHandle.FromIntPtr((nint)user).Target!;
        string msg = $"{severity}: {SilkMarshal.PtrToString((nint)data->PMessage) ?? "?"}";
        lock (sink) sink.Add(msg);
        lock (AllMessages) AllMessages.Add(msg);
        return new Bool32(false);
    }
}
