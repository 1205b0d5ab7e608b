using Creps.Render;

namespace Creps.Cli;

/// <summary>The environment variables <c>creps</c> reads (and the library never does).</summary>
public static class EnvironmentVariables
{
    public const string Help =
        "Environment variables:\n" +
        "  CREPS_VK_DEVICE      The Vulkan device: its index or a case-insensitive part of its name (default: the best one: discrete, integrated, virtual, CPU).\n" +
        "  CREPS_VK_VALIDATION  1: enable VK_LAYER_KHRONOS_validation; sync: synchronisation validation too (default: off).";

    /// <summary>Backend options with the device choice and validation from the environment.</summary>
    public static BackendOptions Backend(int threads = 0)
    {
        string? validation = System.Environment.GetEnvironmentVariable("CREPS_VK_VALIDATION");
        return new BackendOptions
        {
            Threads = threads,
            Device = System.Environment.GetEnvironmentVariable("CREPS_VK_DEVICE") is { Length: > 0 } d ? d : null,
            Validation = validation is "1" or "sync",
            SyncValidation = validation == "sync",
        };
    }
}
