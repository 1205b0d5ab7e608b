/// <summary>
/// Process-wide settings for the whole run (a SetUpFixture outside any namespace runs before every test): every Vulkan
/// context the code under test makes on its own (CLI, Backends, bench) validates, with synchronisation validation.
/// </summary>
[SetUpFixture]
public sealed class TestEnvironment
{
    [OneTimeSetUp]
    public void Apply()
    {
        PrivateRuntimeDir();
        Environment.SetEnvironmentVariable("CREPS_VK_VALIDATION", "sync");
    }

    /// <summary>A private XDG_RUNTIME_DIR: Mesa's drivers want one and the test machine's may be missing or shared.</summary>
    static void PrivateRuntimeDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"creps-xdg-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Environment.SetEnvironmentVariable("XDG_RUNTIME_DIR", dir);
    }
}
