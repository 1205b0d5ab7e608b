using Creps.Render.Bench;
using Creps.Render.Model;
using Creps.Render.IO;

namespace Creps.Cli;

/// <summary><c>creps bench</c>: the same renders on every backend present, side by side; a markdown table (BENCHMARKS.md) and a PNG chart.</summary>
public static class BenchCommand
{
    public const string Usage =
        "bench [--quick] [--layout official256,small,wide,tiny | --model PATH] [--backends cpu,onnx,…] [--sizes 256,512,1024] [--batches 1,4]\n" +
        "      [--runs N] [--warmup N] [--threads N] [--case-budget S] [--official A.json,B.json] [--out BENCHMARKS.md]\n" +
        "  Times the official R=256 layout and the small layout (random weights; or --model) on every backend: median ms, MP/s, GFLOP/s, % of the\n" +
        "  FMA peak measured by the same run, peak RSS, per-stage split; fast (GPU) backends also run 4096² tiled. --official adds the rows\n" +
        "  of tools/bench_official.py. --out replaces the generated section of that markdown file and writes the chart beside it (.png).\n" +
        "  --case-budget S skips a case estimated (from the backend's previous case, by FLOP) to take longer than S seconds in all.\n" +
        "  --quick: the tiny layout at 32² and 64², one batch size, for smoke tests.";

    static readonly HashSet<string> Options = ["layout", "model", "threads", "case-budget", "runs", "warmup", "backends", "sizes", "batches", "official", "out"];

    public static int Run(string[] argv, TextWriter stdout, TextWriter stderr)
    {
        var a = new Args(argv, Options, new HashSet<string> { "quick" });
        bool quick = a.Has("quick");
        if (a.Has("layout") && a.Has("model")) throw new UsageException("give --layout or --model, not both");
        var layouts = a.Get("layout")?.Split(',', StringSplitOptions.RemoveEmptyEntries);
        foreach (var l in layouts ?? [])
            try { SyntheticModel.Layout(l); } catch (ArgumentException e) { throw new UsageException($"--layout: {e.Message}"); }
        var o = new BenchOptions
        {
            Quick = quick,
            Layouts = layouts,
            ModelPath = a.Get("model"),
            Threads = (int)(a.Long("threads", 1, 1024) ?? Environment.ProcessorCount),
            Backend = CommonOptions.Backend(),
            Runs = (int)(a.Long("runs", 1, 1000) ?? (quick ? 2 : 3)),
            Warmup = (int)(a.Long("warmup", 0, 100) ?? 1),
            Backends = a.Get("backends")?.Split(',', StringSplitOptions.RemoveEmptyEntries),
            Sizes = Ints(a, "sizes", 1, 1 << 14),
            Batches = Ints(a, "batches", 1, 64) ?? (quick ? [1] : [1, 4]),
            CaseBudgetS = a.Double("case-budget") is double budget ? (budget > 0 ? budget : throw new UsageException("--case-budget must be > 0")) : double.PositiveInfinity,
        };
        if (o.Backends != null)
            foreach (var b in o.Backends)
                if (!Render.Backends.Names.Contains(b)) throw new UsageException($"--backends: unknown backend {Untrusted.Quote(b)} (known: {string.Join(", ", Render.Backends.Names)})");
        var official = a.Get("official")?.Split(',', StringSplitOptions.RemoveEmptyEntries) ?? [];
        foreach (var f in official) InputFile.Open(f, "official bench file", 16 << 20).Dispose(); // checked before the bench runs

        var result = BenchRunner.Run(o, msg => stderr.WriteLine(msg));
        var rows = result.Rows;
        foreach (var f in official) rows.AddRange(BenchReport.ReadOfficial(f, result.PeakGflops));
        string? outPath = a.Get("out");
        string chart = outPath == null ? "BENCHMARKS.png" : Path.ChangeExtension(Path.GetFileName(outPath), ".png");
        string md = BenchReport.Markdown(result, rows, "creps bench " + string.Join(' ', argv), chart);
        stdout.Write(md);
        if (outPath != null)
        {
            BenchReport.WriteMarkdown(outPath, md);
            BenchReport.WriteChart(Path.ChangeExtension(outPath, ".png"), rows);
            stderr.WriteLine($"bench: wrote {outPath} and {Path.ChangeExtension(outPath, ".png")}");
        }
        return 0;
    }

    static int[]? Ints(Args a, string name, int min, int max)
    {
        var s = a.Get(name);
        if (s == null) return null;
        var parts = s.Split(',', StringSplitOptions.RemoveEmptyEntries);
        var v = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], out v[i]) || v[i] < min || v[i] > max)
                throw new UsageException($"--{name} {Untrusted.Quote(s)}: expected comma-separated whole numbers in {min}..{max}");
        return v.Length > 0 ? v : throw new UsageException($"--{name} is empty");
    }
}
