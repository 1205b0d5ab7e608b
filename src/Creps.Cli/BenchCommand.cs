using System.Diagnostics;
using System.Globalization;
using Creps.Render.Coordinates;
using Creps.Render.Cpu;
using Creps.Render.Diagnostics;
using Creps.Render.Latents;
using Creps.Render.Model;

namespace Creps.Cli;

/// <summary>
/// <c>creps bench</c>: median time of full renders split into per-latent, line and per-pixel parts, with GFLOP/s
/// from the analytic FLOP count and the fraction of the FMA peak measured in the same run.
/// </summary>
public static class BenchCommand
{
    public const string Usage =
        "bench [--layout official256|wide|small|tiny | --model PATH] [--sizes 256,1024] [--runs N] [--threads N] [--out FILE.md]\n" +
        "  Renders [0,1]² at each size (seed k for run k), prints a markdown table; --out also writes it to a file.";

    static readonly HashSet<string> Options = ["layout", "model", "sizes", "runs", "threads", "out"];

    public static int Run(string[] argv, TextWriter stdout, TextWriter stderr)
    {
        var a = new Args(argv, Options, new HashSet<string>());
        if (a.Has("layout") && a.Has("model")) throw new UsageException("give --layout or --model, not both");
        string layoutName = a.Get("layout") ?? "official256";
        CrepsModel model = a.Has("model") ? CrepsModel.Load(a.Require("model")) : SyntheticModel.Random(SyntheticModel.Layout(layoutName));
        string label = a.Has("model") ? Path.GetFileName(a.Require("model")) : layoutName;
        int[] sizes = (a.Get("sizes") ?? "256,1024").Split(',').Select(s =>
            int.TryParse(s, out int n) && n >= 1 && n <= 16384 ? n : throw new UsageException($"--sizes: '{s}' is not a size in 1..16384")).ToArray();
        int runs = (int)(a.Long("runs", 1, 1000) ?? 3);
        int threads = (int)(a.Long("threads", 1, 1024) ?? Environment.ProcessorCount);

        using var gen = new CpuGenerator(model, threads);
        var c = model.Config;
        stderr.WriteLine($"bench: {label} on {gen.DeviceDescription}; measuring the FMA peak…");
        double peak = FmaPeak.MeasureGflops(threads);
        var table = new List<string>
        {
            $"Model `{label}` (R {c.ImgResolution}, B {c.BilineChannels}, widest line layer {c.BlockResolutions.Max(c.Channels)} ch), backend cpu, {threads} threads; "
            + $"FMA peak measured in this run: **{peak:F0} GFLOP/s**. Median of {runs} runs after one warm-up.",
            "",
            "| size | per-latent ms | lines ms | pixels ms | total ms | ms / MP | lines GFLOP/s | pixels GFLOP/s | pixels % of peak |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        };
        for (int si = 0; si < sizes.Length; si++)
        {
            int n = sizes[si];
            var coords = Grid.Centers(0, 1, n);
            var img = new float[3L * n * n];
            var styles = new List<double>(); var lines = new List<double>(); var pixels = new List<double>();
            for (int run = -1; run < runs; run++)
            {
                var latent = Latent.FromSeed(model, (uint)(1000 + 100 * si + run + 1)); // a fresh latent per run: styles are not cached
                var sw = Stopwatch.StartNew();
                gen.Prepare(latent);
                double tStyles = sw.Elapsed.TotalMilliseconds;
                var rl = gen.ComputeLines(latent, coords, Axis.Rows);
                var cl = gen.ComputeLines(latent, coords, Axis.Cols);
                double tLines = sw.Elapsed.TotalMilliseconds - tStyles;
                gen.RenderTile(latent, rl, 0, n, cl, 0, n, img, n, n, 0, 0);
                double tPixels = sw.Elapsed.TotalMilliseconds - tStyles - tLines;
                if (run < 0) continue; // warm-up: JIT and first-touch page faults
                styles.Add(tStyles); lines.Add(tLines); pixels.Add(tPixels);
            }
            double ms = Median(styles), ml = Median(lines), mp = Median(pixels), total = ms + ml + mp;
            double lineGf = FlopCount.LineFlops(c, n, n) / ml / 1e6, pixGf = FlopCount.PixelFlops(c, n, n) / mp / 1e6;
            string row = string.Create(CultureInfo.InvariantCulture,
                $"| {n}² | {ms:F1} | {ml:F1} | {mp:F1} | {total:F1} | {total / (n * (double)n / 1e6):F1} | {lineGf:F1} | {pixGf:F1} | {100 * pixGf / peak:F0}% |");
            table.Add(row);
            stderr.WriteLine(row);
        }
        string md = string.Join("\n", table) + "\n";
        stdout.Write(md);
        if (a.Has("out")) Render.IO.AtomicFile.Write(a.Require("out"), s => s.Write(System.Text.Encoding.UTF8.GetBytes(md)));
        return 0;
    }

    static double Median(List<double> v)
    {
        var s = v.OrderBy(x => x).ToList();
        return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
    }
}
