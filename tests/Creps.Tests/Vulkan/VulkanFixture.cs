using Creps.Render;
using Creps.Render.Vulkan;
using Silk.NET.Vulkan;

namespace Creps.Tests.Vulkan;

/// <summary>
/// One Vulkan context for all Vulkan tests, created with VK_LAYER_KHRONOS_validation and synchronisation validation
/// on; every test fails on any validation message, and so does destroying the context at the end of the run
/// (<see cref="VulkanSession"/>). The tests are skipped, with the reason, only where this machine has no Vulkan
/// loader or no Vulkan device at all. Where a device exists, a context that cannot be made with validation (layer or
/// VK_EXT_debug_utils missing, vkCreateInstance/vkCreateDevice failing) fails every Vulkan test: validation can never
/// switch the Vulkan tests off.
/// </summary>
public static class VulkanFixture
{
    static readonly object Gate = new();
    static bool _opened;
    static VulkanContext? _context;
    static string? _skip, _failure;
    static readonly Dictionary<string, VulkanGenerator> Generators = new();

    public static VulkanContext Context
    {
        get
        {
            lock (Gate)
            {
                Open();
                if (_skip != null) Assert.Ignore(_skip);
                if (_failure != null) Assert.Fail(_failure);
                return _context!;
            }
        }
    }

    /// <summary>Whether this machine has a Vulkan loader and device (whether or not the validated context could be made).</summary>
    public static bool MachineHasVulkan
    {
        get { lock (Gate) { Open(); return _skip == null; } }
    }

    static void Open()
    {
        if (_opened) return;
        _opened = true;
        try { _context = VulkanContext.Create(new VulkanContextOptions { Validation = true, SyncValidation = true, Device = null }); }
        catch (BackendUnavailableException e)
        {
            if (NoVulkan() is string none) _skip = $"no Vulkan on this machine ({none}): Vulkan tests not run";
            else _failure = $"this machine has a Vulkan device, but the validated test context failed: {e.Message}. " +
                            "The Vulkan tests need VK_LAYER_KHRONOS_validation and VK_EXT_debug_utils (scripts/setup.sh test installs vulkan-validationlayers).";
        }
    }

    /// <summary>Why this machine has no Vulkan at all (no loader, no driver, no Vulkan 1.2 compute device); null when it has one.</summary>
    static unsafe string? NoVulkan()
    {
        Vk vk;
        try { vk = Vk.GetApi(); }
        catch (Exception e) { return $"no Vulkan loader: {e.Message.Split('\n')[0]}"; }
        var app = new ApplicationInfo(apiVersion: Vk.Version12);
        var info = new InstanceCreateInfo(pApplicationInfo: &app);   // no layers, no extensions
        Instance instance;
        var r = vk.CreateInstance(&info, null, &instance);
        if (r == Result.ErrorIncompatibleDriver) return "no Vulkan driver: vkCreateInstance returned ErrorIncompatibleDriver";
        if (r != Result.Success) return null;   // a loader and a driver that fail: that is a failure, not a reason to skip
        try { return DeviceSelection.List(vk, instance).Count == 0 ? "no Vulkan 1.2 device with a compute queue" : null; }
        finally { vk.DestroyInstance(instance, null); }
    }

    /// <summary>A generator per official layout on the shared validated context.</summary>
    public static VulkanGenerator Generator(string layout)
    {
        var ctx = Context;
        lock (Gate)
        {
            if (!Generators.TryGetValue(layout, out var g)) Generators[layout] = g = new VulkanGenerator(Fixtures.Model(layout), ctx);
            return g;
        }
    }

    public static int MessageCount => VulkanContext.ProcessValidationMessages.Count;

    /// <summary>Fails with the first validation messages that arrived since <paramref name="before"/>.</summary>
    public static void AssertNoValidationMessages(int before, string when = "")
    {
        var msgs = VulkanContext.ProcessValidationMessages;
        if (msgs.Count > before) Assert.Fail($"{msgs.Count - before} validation message(s){when}:\n" + string.Join("\n", msgs.Skip(before).Take(5)));
    }

    /// <summary>Destroys the shared generators and context; fails if the validation layer reported anything while they were destroyed (leaks).</summary>
    public static void DisposeShared()
    {
        lock (Gate)
        {
            if (_context == null) return;
            int before = MessageCount;
            foreach (var g in Generators.Values) g.Dispose();
            Generators.Clear();
            _context.Dispose();
            _context = null;
            _failure = "the shared Vulkan context was already destroyed";
            AssertNoValidationMessages(before, " while the shared Vulkan context was destroyed");
        }
    }
}

/// <summary>Destroys the shared context after the last Vulkan test, so destruction-time reports (leaks) are seen.</summary>
[SetUpFixture]
public sealed class VulkanSession
{
    // NUnit reports a OneTimeTearDown failure as "TearDown failed for test fixture …" without failing a test; test.sh fails the run on it.
    [OneTimeTearDown]
    public void DestroySharedContext() => VulkanFixture.DisposeShared();
}

/// <summary>Base of the Vulkan test classes: checks the validation layer's messages after every test.</summary>
public abstract class VulkanTestBase
{
    int _before;

    [SetUp]
    public void CountMessages()
    {
        _ = VulkanFixture.Context;   // skips the test when there is no Vulkan, fails it when validation is unavailable
        _before = VulkanFixture.MessageCount;
    }

    // Without any Vulkan, the loader's own "no drivers" reports for the attempted context are no test's business.
    [TearDown]
    public void NoValidationMessages()
    {
        if (VulkanFixture.MachineHasVulkan) VulkanFixture.AssertNoValidationMessages(_before);
    }
}
