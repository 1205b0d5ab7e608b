using System.Diagnostics;
using System.Runtime.Intrinsics;

namespace Creps.Render.Diagnostics;

/// <summary>
/// Measures this machine's float32 FMA peak: every thread runs independent 256-bit FMA chains held in registers.
/// Benchmarks quote their GFLOP/s against the figure measured in the same run (machines here are noisy).
/// </summary>
public static class FmaPeak
{
    public static double MeasureGflops(int threads, double seconds = 0.3)
    {
        double best = 0;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            var sw = Stopwatch.StartNew();
            long total = 0;
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ =>
            {
                long flops = 0;
                var t = Stopwatch.StartNew();
                while (t.Elapsed.TotalSeconds < seconds / 3) flops += Burst();
                Interlocked.Add(ref total, flops);
            });
            best = Math.Max(best, total / sw.Elapsed.TotalSeconds / 1e9);
        }
        return best;
    }

    /// <summary>10 independent accumulators × 8 lanes × 2 FLOP × 100 000 iterations.</summary>
    static long Burst()
    {
        var m = Vector256.Create(0.999999f);
        var a = Vector256.Create(1e-6f);
        Vector256<float> c0 = Vector256.Create(1f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0;
        const int N = 100_000;
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
}
