using System.Diagnostics;
using Creps.Render.Coordinates;
using Creps.Render.Latents;
using Creps.Render.Model;

namespace Creps.Render.Bench;

/// <summary>A model layout to time and its square sizes.</summary>
public sealed record BenchLayout(string Name, CrepsConfig Config, int[] Sizes);

/// <summary>What to run.</summary>
public sealed record BenchOptions
{
    public bool Quick { get; init; }
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
public sealed record BenchResult(double PeakGflops, List<BenchRow> Rows, List<string> Skipped, string Load);

/// <summary>One measured configuration: median over runs; a run renders <see cref="Batch"/> latents.</summary>
public sealed record BenchRow(string Backend, string Device, string Layout, CrepsConfig Config, int Size, int Batch, int Runs,
    double MedianMs, double PeakGflops, long PeakRssBytes, long? DeviceBytes, StageTimes Stages)
{
    public double Flop => FlopCount.Flop(Config, Size, Size) * Batch;
    public double MegapixelsPerS => (double)Size * Size * Batch / (MedianMs / 1e3) / 1e6;
    public double GflopPerS => Flop / (MedianMs / 1e3) / 1e9;
    public double PeakFraction => PeakGflops > 0 ? GflopPerS / PeakGflops : double.NaN;
}

/// <summary>Runs the same renders on every backend present, side by side.</summary>
public static class BenchRunner
{
    /// <summary>The official <c>--cfg=creps</c> layout at R = 256 (random weights: timing only).</summary>
    public static readonly CrepsConfig Official256 = new()
    { ZDim = 512, WDim = 512, ImgResolution = 256, ChannelBase = 65536, ChannelMax = 1024, BilineChannels = 32, Rank = 8, MappingLayers = 8 };
    /// <summary>The layout of ../shared/fixtures/official/public-small.</summary>
    public static readonly CrepsConfig Small = new()
    { ZDim = 96, WDim = 96, ImgResolution = 64, ChannelBase = 2048, ChannelMax = 96, BilineChannels = 24, Rank = 8, MappingLayers = 4 };
    /// <summary>The layout of public-tiny (--quick).</summary>
    public static readonly CrepsConfig Tiny = new()
    { ZDim = 48, WDim = 48, ImgResolution = 16, ChannelBase = 256, ChannelMax = 48, BilineChannels = 16, Rank = 8, MappingLayers = 3 };

    public static IReadOnlyList<BenchLayout> Layouts(BenchOptions o) => o.Quick
        ? [new("tiny", Tiny, o.Sizes ?? [32, 64])]
        : [new("official-256", Official256, o.Sizes ?? [256, 512, 1024]), new("small", Small, o.Sizes ?? [256, 512, 1024])];

    /// <summary>Measures the machine's FMA peak, then every (backend, layout, size, batch).</summary>
    public static BenchResult Run(BenchOptions o, Action<string> log, CancellationToken cancel = default)
    {
        int threads = Environment.ProcessorCount;
        string load = LoadAverage();
        double peak = FmaPeak.Measure(threads);
        log($"bench: FMA peak {peak:F1} GFLOP/s ({threads} threads, 256-bit FMA); load average {load}");
        var rows = new List<BenchRow>();
        var skipped = new List<string>();
        uint seed = 0;
        foreach (var layout in Layouts(o))
        {
            var model = RandomModel.Create(layout.Config);
            foreach (string name in o.Backends ?? Render.Backends.Names)
            {
                BenchTarget target;
                try { target = BenchTarget.For(Render.Backends.Create(model, name, log)); }
                catch (BackendUnavailableException e) { log($"bench: {name} skipped: {e.Message}"); continue; }
                using (target)
                {
                    var sizes = target.Fast && !o.Quick && o.Sizes == null ? layout.Sizes.Append(o.HugeSize).ToArray() : layout.Sizes;
                    BenchRow? last = null;
                    foreach (int size in sizes)
                        foreach (int batch in o.Batches)
                        {
                            cancel.ThrowIfCancellationRequested();
                            double flop = FlopCount.Flop(layout.Config, size, size) * batch;
                            double estimateS = last == null ? 0 : last.MedianMs / 1e3 * flop / last.Flop * (o.Warmup + o.Runs);
                            if (estimateS > o.CaseBudgetS)
                            {
                                string what = $"{target.Name} {layout.Name} {size}² ×{batch} (estimated {estimateS:F0} s > --case-budget {o.CaseBudgetS:F0} s)";
                                skipped.Add(what);
                                log($"bench: skipped {what}");
                                continue;
                            }
                            var row = Measure(target, model, layout, size, batch, o, peak, ref seed);
                            rows.Add(row);
                            last = row;
                            log($"bench: {row.Backend,-12} {layout.Name,-13} {size,5}² ×{batch}: {row.MedianMs,10:F1} ms  {row.MegapixelsPerS,7:F3} MP/s  {row.GflopPerS,7:F1} GFLOP/s");
                        }
                }
            }
        }
        return new BenchResult(peak, rows, skipped, load);
    }

    static string LoadAverage()
    {
        try { return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) + " (1/5/15 min)"; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return "unknown"; }
    }

    static BenchRow Measure(BenchTarget target, CrepsModel model, BenchLayout layout, int size, int batch, BenchOptions o, double peak, ref uint seed)
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
        return new BenchRow(target.Name, target.Device, layout.Name, layout.Config, size, batch, o.Runs, Median(totals), peak,
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
