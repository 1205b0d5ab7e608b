using System.Diagnostics;
using Creps.Render.Cpu;
using Creps.Render.Packing;

namespace Creps.Render.Diagnostics;

/// <summary>One dense-kernel shape timed in isolation on one thread.</summary>
public sealed record KernelRate(string Shape, CpuKernel Kernel, double Gflops);

/// <summary>
/// The cpu backend's dense kernels in isolation, one thread, on the two shapes the renders use: a line-pass layer
/// (official256: 256 rows × 1024 inputs × 1024 outputs, packed in K blocks, styles applied while packing) and a
/// per-pixel layer (32 pixels × 128 × 128, read in place). Random weights; FLOP = 2·rows·K·N.
/// </summary>
public static unsafe class KernelBench
{
    public static IReadOnlyList<KernelRate> Run(double secondsPerCase = 0.25)
    {
        var kernels = KernelChoice.Avx512Supported ? new[] { CpuKernel.Avx2, CpuKernel.Avx512 } : new[] { CpuKernel.Avx2 };
        var result = new List<KernelRate>();
        foreach (var kernel in kernels)
        {
            result.Add(new("lines 256×1024×1024", kernel, Time(256, 1024, 1024, packed: true, kernel, secondsPerCase)));
            result.Add(new("pixels 32×128×128", kernel, Time(32, 128, 128, packed: false, kernel, secondsPerCase)));
        }
        return result;
    }

    static double Time(int rows, int k, int n, bool packed, CpuKernel kernel, double seconds)
    {
        var rng = new Random(1);
        float[] Rand(long len) { var a = Pinned.Alloc(len); for (long i = 0; i < len; i++) a[i] = (float)(rng.NextDouble() - 0.5); return a; }
        float[] x = Rand((long)rows * k), w = Rand((long)k * n), y = Pinned.Alloc((long)rows * n), scale = Rand(k), bias = Rand(n);
        float[] pack = Pinned.Alloc(Gemm.PackFloats(rows));
        bool wide = kernel == CpuKernel.Avx512;
        var ep = new Epilogue(null, Pinned.Ptr(bias), true, 256f);
        void Once()
        {
            if (packed) Gemm.RunPacked(Pinned.Ptr(x), k, Pinned.Ptr(scale), k, Pinned.Ptr(w), n, Pinned.Ptr(y), n, rows, ep, Pinned.Ptr(pack), wide);
            else Gemm.Run(Pinned.Ptr(x), k, k, Pinned.Ptr(w), n, Pinned.Ptr(y), n, rows, ep, wide);
        }
        Once();   // JIT (tier-1 via the loops' OSR) and caches warm
        double best = 0;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            int calls = 0;
            var sw = Stopwatch.StartNew();
            while (sw.Elapsed.TotalSeconds < seconds / 3) { Once(); calls++; }
            best = Math.Max(best, 2.0 * rows * k * n * calls / sw.Elapsed.TotalSeconds / 1e9);
        }
        return best;
    }
}
