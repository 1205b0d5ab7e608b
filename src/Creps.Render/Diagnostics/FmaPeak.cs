using System.Diagnostics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Creps.Render.Diagnostics;

/// <summary>
/// Measures this machine's float32 FMA peak at one vector width: every thread runs independent FMA chains held in
/// registers. Both widths are measured because they differ by CPU: AMD Zen 4 double-pumps 512-bit FMAs (same peak
/// as 256-bit), this Zen 5 and Intel's two-port AVX-512 parts run them at full width (2× the 256-bit peak).
/// Benchmarks quote their GFLOP/s against the figures measured in the same run (machines here are noisy).
/// </summary>
public static class FmaPeak
{
    /// <summary>Both widths' peaks with <paramref name="threads"/> threads (512 is NaN without AVX-512F).</summary>
    public static FmaPeaks Measure(int threads) => new(MeasureGflops(threads, 256), MeasureGflops(threads, 512));

    /// <summary>Whether 512-bit FMAs run here at all (AVX-512F); without it the 512-bit peak is not measured.</summary>
    public static bool Has512 => Avx512F.IsSupported;

    public static double MeasureGflops(int threads, int widthBits = 256, double seconds = 0.3)
    {
        if (widthBits != 256 && widthBits != 512) throw new ArgumentOutOfRangeException(nameof(widthBits), "256 or 512");
        if (widthBits == 512 && !Has512) return double.NaN;
        double best = 0;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            var sw = Stopwatch.StartNew();
            long total = 0;
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ =>
            {
                long flops = 0;
                var t = Stopwatch.StartNew();
                while (t.Elapsed.TotalSeconds < seconds / 3) flops += widthBits == 512 ? Burst512() : Burst256();
                Interlocked.Add(ref total, flops);
            });
            best = Math.Max(best, total / sw.Elapsed.TotalSeconds / 1e9);
        }
        return best;
    }

    /// <summary>
    /// 512-bit ÷ 256-bit FMA throughput on the calling thread, from short bursts interleaved so that a neighbour's load
    /// hits both alike (best of each over <paramref name="rounds"/>; ~2 ms a round). NaN without AVX-512F.
    /// </summary>
    public static (double Gflops256, double Gflops512) MeasureOneThread(int rounds = 5)
    {
        if (!Has512) return (Best(Burst256), double.NaN);
        double b256 = 0, b512 = 0;
        for (int r = 0; r < rounds; r++) { b256 = Math.Max(b256, Time(Burst256)); b512 = Math.Max(b512, Time(Burst512)); }
        return (b256, b512);

        double Best(Func<long> burst) { double b = 0; for (int r = 0; r < rounds; r++) b = Math.Max(b, Time(burst)); return b; }
        static double Time(Func<long> burst)
        {
            var sw = Stopwatch.StartNew();
            long flops = burst();
            return flops / sw.Elapsed.TotalSeconds / 1e9;
        }
    }

    const int N = 100_000;

    /// <summary>10 independent accumulators × 8 lanes × 2 FLOP × N iterations (10 chains cover 2 FMA units × 4–5 cycles of latency).</summary>
    static long Burst256()
    {
        var m = Vector256.Create(0.999999f);
        var a = Vector256.Create(1e-6f);
        Vector256<float> c0 = Vector256.Create(1f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0;
        for (int i = 0; i < N; i++)
        {
            c0 = Vector256.FusedMultiplyAdd(c0, m, a); c1 = Vector256.FusedMultiplyAdd(c1, m, a);
            c2 = Vector256.FusedMultiplyAdd(c2, m, a); c3 = Vector256.FusedMultiplyAdd(c3, m, a);
            c4 = Vector256.FusedMultiplyAdd(c4, m, a); c5 = Vector256.FusedMultiplyAdd(c5, m, a);
            c6 = Vector256.FusedMultiplyAdd(c6, m, a); c7 = Vector256.FusedMultiplyAdd(c7, m, a);
            c8 = Vector256.FusedMultiplyAdd(c8, m, a); c9 = Vector256.FusedMultiplyAdd(c9, m, a);
        }
        var s = c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9;
        if (s.GetElement(0) == 12345f) Console.Write(""); // keep the chains alive
        return 10L * 8 * 2 * N;
    }

    /// <summary>The same at 16 lanes.</summary>
    static long Burst512()
    {
        var m = Vector512.Create(0.999999f);
        var a = Vector512.Create(1e-6f);
        Vector512<float> c0 = Vector512.Create(1f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0;
        for (int i = 0; i < N; i++)
        {
            c0 = Vector512.FusedMultiplyAdd(c0, m, a); c1 = Vector512.FusedMultiplyAdd(c1, m, a);
            c2 = Vector512.FusedMultiplyAdd(c2, m, a); c3 = Vector512.FusedMultiplyAdd(c3, m, a);
            c4 = Vector512.FusedMultiplyAdd(c4, m, a); c5 = Vector512.FusedMultiplyAdd(c5, m, a);
            c6 = Vector512.FusedMultiplyAdd(c6, m, a); c7 = Vector512.FusedMultiplyAdd(c7, m, a);
            c8 = Vector512.FusedMultiplyAdd(c8, m, a); c9 = Vector512.FusedMultiplyAdd(c9, m, a);
        }
        var s = c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9;
        if (s.GetElement(0) == 12345f) Console.Write("");
        return 10L * 16 * 2 * N;
    }
}

/// <summary>The measured float32 FMA peaks, GFLOP/s, at 256- and 512-bit vectors (512: NaN without AVX-512F).</summary>
public sealed record FmaPeaks(double Gflops256, double Gflops512)
{
    public double At(int widthBits) => widthBits == 512 ? Gflops512 : Gflops256;
    /// <summary>The other width's peak (NaN where there is no other).</summary>
    public double Other(int widthBits) => widthBits == 512 ? Gflops256 : Gflops512;
    /// <summary>The widest vectors this CPU runs: what a backend that picks its own kernels per CPU (MLAS, oneDNN) may use.</summary>
    public int WidestBits => double.IsFinite(Gflops512) ? 512 : 256;
}
