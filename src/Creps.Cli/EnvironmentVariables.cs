using Creps.Render;

namespace Creps.Cli;

/// <summary>The environment variables <c>creps</c> reads (and the library never does).</summary>
public static class EnvironmentVariables
{
    public const string Help =
        "Environment variables:\n" +
        "  CREPS_VK_DEVICE      The Vulkan device: its index or a case-insensitive part of its name (default: the best one: discrete, integrated, virtual, CPU).\n" +
        "  CREPS_VK_VALIDATION  1: enable VK_LAYER_KHRONOS_validation; sync: synchronisation validation too (default: off).\n" +
        "  CREPS_CPU_KERNEL     The CPU backend's dense kernel: avx2 (256-bit), avx512 (512-bit) or auto (default: auto, by a measured FMA peak).";

    /// <summary>Backend options with the device choice, validation and CPU kernel from the environment.</summary>
    public static BackendOptions Backend(int threads = 0)
    {
        string? validation = System.Environment.GetEnvironmentVariable("CREPS_VK_VALIDATION");
        string? kernel = System.Environment.GetEnvironmentVariable("CREPS_CPU_KERNEL");
        return new BackendOptions
        {
            Threads = threads,
            CpuKernel = kernel is not { Length: > 0 } ? Render.Cpu.CpuKernel.Auto
                : Render.Cpu.KernelChoice.Parse(kernel) ?? throw new UsageException($"CREPS_CPU_KERNEL {Render.IO.Untrusted.Quote(kernel)}: expected auto, avx2 or avx512"),
            Device = System.Environment.GetEnvironmentVariable("CREPS_VK_DEVICE") is { Length: > 0 } d ? d : null,
            Validation = validation is "1" or "sync",
            SyncValidation = validation == "sync",
        };
    }
}
