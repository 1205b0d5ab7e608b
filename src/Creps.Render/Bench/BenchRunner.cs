using System.Diagnostics;
using Creps.Render.Coordinates;
using Creps.Render.Cpu;
using Creps.Render.Diagnostics;
using Creps.Render.Latents;
using Creps.Render.Model;

namespace Creps.Render.Bench;

/// <summary>A model to time (a named synthetic layout or a model file, made when its turn comes) and its square sizes.</summary>
public sealed record BenchLayout(string Name, CrepsConfig Config, Func<CrepsModel> Load, int[] Sizes);

/// <summary>What to run.</summary>
public sealed record BenchOptions
{
    public bool Quick { get; init; }
    /// <summary>Synthetic layouts (SyntheticModel names); default official256 and small, tiny with --quick.</summary>
    public IReadOnlyList<string>? Layouts { get; init; }
    /// <summary>A model file to time instead of synthetic layouts (label = file name).</summary>
    public string? ModelPath { get; init; }
    /// <summary>Threads of the CPU backend (others use their own defaults).</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;
    /// <summary>How backends run (Vulkan device, validation, budget); <see cref="Threads"/> overrides its thread count.</summary>
    public BackendOptions Backend { get; init; } = BackendOptions.Default;
    public int Runs { get; init; } = 3;
    public int Warmup { get; init; } = 1;
    public IReadOnlyList<string>? Backends { get; init; }
    public int[] Batches { get; init; } = [1, 4];
    /// <summary>Replaces each layout's sizes when set.</summary>
    public int[]? Sizes { get; init; }
    /// <summary>Size added for backends that are <see cref="BenchTarget.Fast"/> (tiled).</summary>
    public int HugeSize { get; init; } = 4096;
    /// <summary>Skip a case whose estimated time (warm-up + runs, scaled by FLOP from the backend's previous case) exceeds this many seconds.</summary>
    public double CaseBudgetS { get; init; } = double.PositiveInfinity;
}

/// <summary>Everything one benchmark run measured.</summary>
/// <param name="Kernels">The cpu backend's kernels in isolation (one thread), with the one-thread peaks they are quoted against; empty when cpu was not run.</param>
public sealed record BenchResult(FmaPeaks Peaks, IReadOnlyList<KernelRate> Kernels, FmaPeaks OneThreadPeaks, List<BenchRow> Rows, List<string> Skipped, string Load);

/// <summary>
/// One measured configuration: median over runs; a run renders <see cref="Batch"/> latents. <see cref="PeakGflops"/> is the
/// FMA peak at the vector width the row's kernels use (the cpu backend: its kernel's; others: the widest this CPU has),
/// <see cref="OtherPeakGflops"/> the other width's (NaN where there is none).
/// </summary>
public sealed record BenchRow(string Backend, string Device, string Layout, CrepsConfig Config, int Size, int Batch, int Runs,
    double MedianMs, double PeakGflops, double OtherPeakGflops, long PeakRssBytes, long? DeviceBytes, StageTimes Stages)
{
    public double Flop => BenchRunner.Flop(Config, Size) * Batch;
    public double MegapixelsPerS => (double)Size * Size * Batch / (MedianMs / 1e3) / 1e6;
    public double GflopPerS => Flop / (MedianMs / 1e3) / 1e9;
    public double PeakFraction => PeakGflops > 0 ? GflopPerS / PeakGflops : double.NaN;
    public double OtherPeakFraction => OtherPeakGflops > 0 ? GflopPerS / OtherPeakGflops : double.NaN;
}

/// <summary>Runs the same renders on every backend present, side by side.</summary>
public static class BenchRunner
{
    /// <summary>FLOP of one size² render (lines + pixels, from the analytic count).</summary>
    public static double Flop(CrepsConfig c, int size) => FlopCount.LineFlops(c, size, size) + FlopCount.PixelFlops(c, size, size);

    public static IReadOnlyList<BenchLayout> Layouts(BenchOptions o)
    {
        if (o.ModelPath != null)
        {
            var m = CrepsModel.Load(o.ModelPath);
            return [new(Path.GetFileName(o.ModelPath), m.Config, () => m, o.Sizes ?? [256, 512, 1024])];
        }
        var names = o.Layouts ?? (o.Quick ? ["tiny"] : ["official256", "small"]);
        int[] sizes = o.Sizes ?? (o.Quick ? [32, 64] : [256, 512, 1024]);
        // Models are made lazily so that one layout's model (and the ONNX Runtime sessions cached on it) is gone before the next's peak RSS is read.
        return names.Select(n => new BenchLayout(n, SyntheticModel.Layout(n), () => SyntheticModel.Random(SyntheticModel.Layout(n)), sizes)).ToList();
    }

    /// <summary>Measures the machine's FMA peaks (and the cpu kernels alone), then every (backend, layout, size, batch).</summary>
    public static BenchResult Run(BenchOptions o, Action<string> log, CancellationToken cancel = default)
    {
        int threads = o.Threads;
        string load = LoadAverage();
        var peaks = FmaPeak.Measure(threads);
        log($"bench: FMA peak {peaks.Gflops256:F1} GFLOP/s at 256 bits, {peaks.Gflops512:F1} at 512 bits ({threads} threads); load average {load}");
        IReadOnlyList<KernelRate> kernels = [];
        var onePeaks = new FmaPeaks(double.NaN, double.NaN);
        if ((o.Backends ?? Render.Backends.Names).Contains("cpu") && !o.Quick)
        {
            onePeaks = FmaPeak.Measure(1);
            kernels = KernelBench.Run();
            foreach (var k in kernels)
                log($"bench: kernel {k.Kernel,-6} {k.Shape,-22} {k.Gflops,6:F1} GFLOP/s (1 thread; {100 * k.Gflops / onePeaks.At(KernelChoice.WidthBits(k.Kernel)):F0} % of the {KernelChoice.WidthBits(k.Kernel)}-bit peak)");
        }
        var rows = new List<BenchRow>();
        var skipped = new List<string>();
        uint seed = 0;
        foreach (var layout in Layouts(o))
        {
            var model = layout.Load();
            foreach (string name in o.Backends ?? Render.Backends.Names)
            {
                BenchTarget target;
                try { target = BenchTarget.Create(model, name, o.Backend with { Threads = threads }, log); }
                catch (BackendUnavailableException e) { log($"bench: {name} skipped: {e.Message}"); continue; }
                using (target)
                {
                    var sizes = target.Fast && !o.Quick && o.Sizes == null ? layout.Sizes.Append(o.HugeSize).ToArray() : layout.Sizes;
                    BenchRow? last = null;
                    foreach (int size in sizes)
                        foreach (int batch in o.Batches)
                        {
                            cancel.ThrowIfCancellationRequested();
                            double flop = Flop(layout.Config, size) * batch;
                            double estimateS = last == null ? 0 : last.MedianMs / 1e3 * flop / last.Flop * (o.Warmup + o.Runs);
                            if (estimateS > o.CaseBudgetS)
                            {
                                string what = $"{target.Name} {layout.Name} {size}² ×{batch} (estimated {estimateS:F0} s > --case-budget {o.CaseBudgetS:F0} s)";
                                skipped.Add(what);
                                log($"bench: skipped {what}");
                                continue;
                            }
                            var row = Measure(target, model, layout, size, batch, o, peaks, ref seed);
                            rows.Add(row);
                            last = row;
                            log($"bench: {row.Backend,-12} {layout.Name,-13} {size,5}² ×{batch}: {row.MedianMs,10:F1} ms  {row.MegapixelsPerS,7:F3} MP/s  {row.GflopPerS,7:F1} GFLOP/s");
                        }
                }
            }
        }
        return new BenchResult(peaks, kernels, onePeaks, rows, skipped, load);
    }

    static string LoadAverage()
    {
        try { return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) + " (1/5/15 min)"; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return "unknown"; }
    }

    static BenchRow Measure(BenchTarget target, CrepsModel model, BenchLayout layout, int size, int batch, BenchOptions o, FmaPeaks peaks, ref uint seed)
    {
        double[] grid = Grid.Linspace(0, 1, size);   // the official grid at scale size/R
        var dst = new float[3L * size * size];
        GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect();
        PeakRss.Reset();
        var totals = new List<double>();
        var stages = new List<StageTimes>();
        for (int run = 0; run < o.Warmup + o.Runs; run++)
        {
            var sum = new StageTimes(0, 0, 0, 0);
            var sw = Stopwatch.StartNew();
            for (int b = 0; b < batch; b++)
            {
                var latent = Latent.FromSeed(model, seed++);   // a new latent every image: per-latent work is never cached
                var t = target.Render(latent, grid, grid, dst);
                sum = new StageTimes(sum.PerLatentMs + t.PerLatentMs, sum.LinesMs + t.LinesMs, sum.PixelsMs + t.PixelsMs, sum.ReadbackMs + t.ReadbackMs);
            }
            if (run < o.Warmup) continue;
            totals.Add(sw.Elapsed.TotalMilliseconds);
            stages.Add(sum);
        }
        static double Median(IEnumerable<double> v)
        {
            var s = v.OrderBy(x => x).ToArray();
            return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
        }
        var median = new StageTimes(Median(stages.Select(s => s.PerLatentMs)), Median(stages.Select(s => s.LinesMs)),
            Median(stages.Select(s => s.PixelsMs)), Median(stages.Select(s => s.ReadbackMs)));
        int width = target.FmaWidthBits ?? peaks.WidestBits;
        return new BenchRow(target.Name, target.Device, layout.Name, layout.Config, size, batch, o.Runs, Median(totals), peaks.At(width), peaks.Other(width),
            PeakRss.Read(), target.DeviceBytes, median);
    }
}

/// <summary>Peak resident set size of this process (Linux: VmHWM, reset through /proc/self/clear_refs).</summary>
public static class PeakRss
{
    public static void Reset()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    public static long Read()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { }
        return Process.GetCurrentProcess().PeakWorkingSet64;
    }
}
