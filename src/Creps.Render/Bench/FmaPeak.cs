using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Creps.Render.Bench;

/// <summary>
/// The machine's measured FMA peak: every core runs independent 256-bit fused multiply–add chains (enough of them to
/// hide the FMA latency) for a fixed time; the best of a few tries, in GFLOP/s (one FMA lane = 2 FLOP).
/// </summary>
public static class FmaPeak
{
    const int Chains = 10, Iterations = 20_000_000;

    public static double Measure(int threads, int tries = 3)
    {
        double best = 0;
        for (int t = 0; t < tries; t++)
        {
            var sw = Stopwatch.StartNew();
            float sink = 0;
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ =>
            {
                float r = Chain(Iterations);
                lock (typeof(FmaPeak)) sink += r;
            });
            double s = sw.Elapsed.TotalSeconds;
            GC.KeepAlive(sink);
            best = Math.Max(best, threads * (double)Iterations * Chains * Vector256<float>.Count * 2 / s / 1e9);
        }
        return best;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static float Chain(int n)
    {
        var m = Vector256.Create(0.999999f);
        var a = Vector256.Create(1e-7f);
        Vector256<float> x0 = Vector256.Create(1f), x1 = x0, x2 = x0, x3 = x0, x4 = x0, x5 = x0, x6 = x0, x7 = x0, x8 = x0, x9 = x0;
        for (int i = 0; i < n; i++)
        {
            x0 = Vector256.FusedMultiplyAdd(x0, m, a); x1 = Vector256.FusedMultiplyAdd(x1, m, a);
            x2 = Vector256.FusedMultiplyAdd(x2, m, a); x3 = Vector256.FusedMultiplyAdd(x3, m, a);
            x4 = Vector256.FusedMultiplyAdd(x4, m, a); x5 = Vector256.FusedMultiplyAdd(x5, m, a);
            x6 = Vector256.FusedMultiplyAdd(x6, m, a); x7 = Vector256.FusedMultiplyAdd(x7, m, a);
            x8 = Vector256.FusedMultiplyAdd(x8, m, a); x9 = Vector256.FusedMultiplyAdd(x9, m, a);
        }
        var s = x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9;
        return Vector256.Sum(s);
    }
}
