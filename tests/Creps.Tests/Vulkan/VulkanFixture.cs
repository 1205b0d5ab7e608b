using Creps.Render;
using Creps.Render.Model;
using Creps.Render.Vulkan;

namespace Creps.Tests.Vulkan;

/// <summary>
/// One Vulkan context for all Vulkan tests, created with VK_LAYER_KHRONOS_validation and synchronisation validation
/// on. Every test fails on any validation message. Tests are skipped (with the reason) only when this machine has no
/// Vulkan loader or device; CI installs lavapipe (scripts/setup.sh), so there they run.
/// </summary>
public static class VulkanFixture
{
    static readonly object Gate = new();
    static VulkanContext? _context;
    static string? _unavailable;
    static readonly Dictionary<string, VulkanGenerator> Generators = new();

    /// <summary>A private XDG_RUNTIME_DIR: Mesa's drivers want one and the test machine's may be missing or shared.</summary>
    public static void PrivateRuntimeDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"creps-xdg-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Environment.SetEnvironmentVariable("XDG_RUNTIME_DIR", dir);
    }

    public static VulkanContext Context
    {
        get
        {
            lock (Gate)
            {
                if (_context == null && _unavailable == null)
                {
                    PrivateRuntimeDir();
                    // Contexts the code under test makes on its own (CLI, Backends) validate too.
                    Environment.SetEnvironmentVariable("CREPS_VK_VALIDATION", "sync");
                    try { _context = VulkanContext.Create(new VulkanContextOptions { Validation = true, SyncValidation = true, Device = null }); }
                    catch (BackendUnavailableException e) { _unavailable = e.Message; }
                }
                if (_context == null) Assert.Ignore($"no Vulkan device on this machine: {_unavailable}");
                return _context!;
            }
        }
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
    public static void AssertNoValidationMessages(int before)
    {
        var msgs = VulkanContext.ProcessValidationMessages;
        if (msgs.Count > before) Assert.Fail($"{msgs.Count - before} validation message(s):\n" + string.Join("\n", msgs.Skip(before).Take(5)));
    }
}

/// <summary>Base of the Vulkan test classes: checks the validation layer's messages after every test.</summary>
public abstract class VulkanTestBase
{
    int _before;

    [SetUp]
    public void CountMessages()
    {
        _ = VulkanFixture.Context;   // skips the test when there is no Vulkan
        _before = VulkanFixture.MessageCount;
    }

    [TearDown]
    public void NoValidationMessages() => VulkanFixture.AssertNoValidationMessages(_before);
}
