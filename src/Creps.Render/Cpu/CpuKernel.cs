namespace Creps.Render.Cpu;

/// <summary>
/// Which dense kernel the cpu backend runs (<see cref="BackendOptions.CpuKernel"/>). Both compute every output as the
/// same float32 FMA chain over the inputs, lane by lane, so they give bit-identical images; only speed differs.
/// </summary>
public enum CpuKernel
{
    /// <summary>The 512-bit kernel where this CPU's measured 512-bit FMA throughput is really higher, else the 256-bit one.</summary>
    Auto,
    /// <summary>256-bit vectors (AVX2/FMA).</summary>
    Avx2,
    /// <summary>512-bit vectors (AVX-512F); unavailable on CPUs without it.</summary>
    Avx512,
}
