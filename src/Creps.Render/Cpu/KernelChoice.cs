using System.Runtime.Intrinsics.X86;
using Creps.Render.Diagnostics;

namespace Creps.Render.Cpu;

/// <summary>
/// Resolves <see cref="CpuKernel.Auto"/> to the kernel this CPU runs fastest, once per process: the 512-bit kernel
/// only where AVX-512F is there AND a 512-bit FMA burst really does more work per second than a 256-bit one (two
/// full-width FMA units: Intel Xeon, AMD Zen 5), not where 512-bit FMAs are split in two (AMD Zen 4) or emulated.
/// The two kernels give bit-identical results, so the choice changes speed only.
/// </summary>
public static class KernelChoice
{
    /// <summary>
    /// 512-bit is chosen at ≥ 1.3× the 256-bit throughput. Measured here: Zen 5 (EPYC, family 26) 1.96–2.0×; a
    /// double-pumped unit gives ~1.0×, so the margin keeps a noisy measurement from flipping the choice.
    /// </summary>
    public const double MinSpeedup = 1.3;

    static readonly Lazy<(double Gflops256, double Gflops512)> Measured = new(() => FmaPeak.MeasureOneThread());

    public static bool Avx512Supported => Avx512F.IsSupported;

    /// <summary>The start-up measurement behind Auto (one thread, GFLOP/s; 512 is NaN without AVX-512F).</summary>
    public static (double Gflops256, double Gflops512) Measurement => Measured.Value;

    /// <summary>Avx2 or Avx512; throws <see cref="BackendUnavailableException"/> for a forced Avx512 on a CPU without it.</summary>
    public static CpuKernel Resolve(CpuKernel requested) => requested switch
    {
        CpuKernel.Avx2 => CpuKernel.Avx2,
        CpuKernel.Avx512 => Avx512Supported ? CpuKernel.Avx512
            : throw new BackendUnavailableException("the AVX-512 kernel was asked for, but this CPU has no AVX-512F"),
        _ => Avx512Supported && Measurement.Gflops512 >= MinSpeedup * Measurement.Gflops256 ? CpuKernel.Avx512 : CpuKernel.Avx2,
    };

    /// <summary>How the device line names a kernel: "AVX-512 512-bit kernel", "AVX2 256-bit kernel".</summary>
    public static string Describe(CpuKernel resolved) => resolved == CpuKernel.Avx512 ? "AVX-512 512-bit kernel" : "AVX2 256-bit kernel";

    /// <summary>Vector width of a resolved kernel, bits.</summary>
    public static int WidthBits(CpuKernel resolved) => resolved == CpuKernel.Avx512 ? 512 : 256;

    /// <summary>Parses auto|avx2|avx512 (case-insensitive); null for anything else.</summary>
    public static CpuKernel? Parse(string s) => s.ToLowerInvariant() switch
    {
        "auto" => CpuKernel.Auto,
        "avx2" => CpuKernel.Avx2,
        "avx512" => CpuKernel.Avx512,
        _ => null,
    };
}
