using System.CommandLine;
using Creps.Render.Bench;
using Creps.Render.Model;
using Creps.Render.IO;

namespace Creps.Cli;

/// <summary><c>creps bench</c>: the same renders on every backend present, side by side; a markdown table (BENCHMARKS.md) and a PNG chart.</summary>
public static class BenchCommand
{
    public const string Synopsis =
        "bench [--quick] [--layout official256,small,wide,tiny | --model PATH] [--backends cpu,onnx,…] [--sizes 256,512,1024] [--batches 1,4]\n" +
        "      [--runs N] [--warmup N] [--threads N] [--case-budget S] [--budget-mb N] [--gpu-tile N] [--fp16] [--official A.json,B.json] [--out BENCHMARKS.md]";

    const string Description =
        "Times the official R=256 layout and the small layout (random weights; or --model) on every backend: median ms, MP/s, GFLOP/s, " +
        "% of the 256- and 512-bit FMA peaks measured by the same run (and the cpu kernels alone), peak RSS, per-stage split; fast (GPU) backends also run 4096² tiled.";

    public static CrepsCommand Create()
    {
        var quick = Opt.Flag("--quick", "The tiny layout at 32² and 64², one batch size, 2 runs: a smoke test of a few seconds.");
        var layout = Opt.Names("--layout", "NAMES", "Comma-separated synthetic layouts to time: official256, small, wide, tiny (default official256,small; tiny with --quick).", CheckLayout);
        var model = Opt.Text("--model", "PATH", "Time this model file instead of the synthetic layouts.");
        var backends = Opt.Names("--backends", "NAMES", $"Comma-separated backends to time, of {string.Join(", ", Render.Backends.Names)} (default: every backend present).", CheckBackend);
        var sizes = Opt.Ints("--sizes", 1, 1 << 14, "N,…", "Comma-separated square sizes in pixels (default 256,512,1024, plus 4096 tiled on fast backends; 32,64 with --quick).");
        var batches = Opt.Ints("--batches", 1, 64, "N,…", "Comma-separated batch sizes: latents per run (default 1,4; 1 with --quick).");
        var runs = Opt.Long("--runs", 1, 1000, "N", "Timed runs per case; the median is reported (default 3; 2 with --quick).");
        var warmup = Opt.Long("--warmup", 0, 100, "N", "Untimed runs before the timed ones (default 1).");
        var threads = Opt.Long("--threads", 1, 1024, "N", "CPU threads (default: every core).");
        var caseBudget = Opt.Parsed<double?>("--case-budget", "S",
            "Skip a case estimated (from the backend's previous case, by FLOP) to take longer than S seconds in all (default: no limit).",
            s => Opt.ParseDouble("--case-budget", s) is var v and > 0 ? v : throw new FormatException("--case-budget must be > 0"));
        var device = new BackendChoice("cpu");   // its --budget-mb and --fp16; bench picks backends with --backends
        var official = Opt.Names("--official", "FILES", "Comma-separated JSON files of tools/bench_official.py whose rows join the table.");
        var output = Opt.Text("--out", "PATH", "Replace the generated section of this markdown file and write the chart beside it (.png) (default: print the table only).");

        var command = new CrepsCommand("bench", Description, Synopsis, (a, stdout, stderr) =>
        {
            bool isQuick = a.GetValue(quick);
            if (a.Has(layout) && a.Has(model)) throw new UsageException("give --layout or --model, not both");
            var o = new BenchOptions
            {
                Quick = isQuick,
                Layouts = a.List(layout),
                ModelPath = a.GetValue(model),
                Threads = (int)(a.GetValue(threads) ?? System.Environment.ProcessorCount),
                Backend = device.Options(a),
                Runs = (int)(a.GetValue(runs) ?? (isQuick ? 2 : 3)),
                Warmup = (int)(a.GetValue(warmup) ?? 1),
                Backends = a.List(backends),
                Sizes = a.List(sizes),
                Batches = a.List(batches) ?? (isQuick ? [1] : [1, 4]),
                CaseBudgetS = a.GetValue(caseBudget) ?? double.PositiveInfinity,
            };
            var officialFiles = a.List(official) ?? [];
            foreach (var f in officialFiles) InputFile.Open(f, "official bench file", 16 << 20).Dispose();   // checked before the bench runs

            var result = BenchRunner.Run(o, msg => stderr.WriteLine(msg));
            var rows = result.Rows;
            foreach (var f in officialFiles) rows.AddRange(BenchReport.ReadOfficial(f, result.Peaks));
            string? outPath = a.GetValue(output);
            string chart = outPath == null ? "BENCHMARKS.png" : Path.ChangeExtension(Path.GetFileName(outPath), ".png");
            string md = BenchReport.Markdown(result, rows, "creps bench " + string.Join(' ', a.Tokens.Skip(1).Select(t => t.Value)), chart);
            stdout.Write(md);
            if (outPath != null)
            {
                BenchReport.WriteMarkdown(outPath, md);
                BenchReport.WriteChart(Path.ChangeExtension(outPath, ".png"), rows);
                stderr.WriteLine($"bench: wrote {outPath} and {Path.ChangeExtension(outPath, ".png")}");
            }
            return 0;
        });
        command.Add([quick, layout, model, backends, sizes, batches, runs, warmup, threads, caseBudget, device.BudgetMb, device.GpuTile, device.Fp16, official, output]);
        return command;
    }

    static void CheckBackend(string name)
    {
        if (!Render.Backends.Names.Contains(name)) throw new FormatException($"--backends: unknown backend {Untrusted.Quote(name)} (known: {string.Join(", ", Render.Backends.Names)})");
    }

    static void CheckLayout(string name)
    {
        try { SyntheticModel.Layout(name); }
        catch (ArgumentException e) { throw new FormatException($"--layout: {e.Message}"); }
    }
}
