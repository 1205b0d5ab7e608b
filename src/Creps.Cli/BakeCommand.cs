using System.Globalization;
using System.Security.Cryptography;
using Creps.Render;
using Creps.Render.Bake;
using Creps.Render.Coordinates;
using Creps.Render.Cpu;
using Creps.Render.IO;
using Creps.Render.Latents;
using Creps.Render.Model;

namespace Creps.Cli;

/// <summary><c>creps bake</c>: textures of any size streamed to disk tile by tile (PNG or KTX2, mips, supersampling, farm shards).</summary>
public static class BakeCommand
{
    public const string Usage =
        "bake --model PATH (--seed S | --seeds A-B | --z FILE | --ws FILE) [--psi P] [--cutoff K] --size N|WxH [--region x0,y0,x1,y1]\n" +
        "     --format png8|png16|ktx2|ktx2-f16 [--mips] [--supersample K] [--backend cpu|auto|…] [--shard i/n] [--tile N] [--threads N]\n" +
        "     --out PATH [--force]\n" +
        "  Streams the texture to disk tile by tile: memory stays a few tile rows whatever the size (each side ≤ 131072).\n" +
        "  --region: the part of the model's plane covered, x along the width (default 0,0,1,1: a tileable model's tile).\n" +
        "  --mips: every level rendered from the model at its own size (KTX2: all levels in one file; PNG: OUT.mipL.png).\n" +
        "  --supersample K: K×K samples per pixel, box filtered.  ktx2 = RGBA8 UNORM, ktx2-f16 = RGBA16 SFLOAT holding (v+1)/2.\n" +
        "  --seeds A-B: one texture per seed; --out must contain {seed}.\n" +
        "  --shard i/n: with --seeds, bake every n-th seed from the i-th; with one seed, bake rows [h·i/n, h·(i+1)/n) of every\n" +
        "    level into OUT.shard-i-of-n, then `creps merge --out OUT` joins the shards into exactly the unsharded file.\n" +
        "  An existing output is kept unless --force; nothing is written on an error or an interrupt (Ctrl-C, SIGTERM).";

    static readonly HashSet<string> Options =
        ["model", "seeds", "size", "region", "format", "supersample", "backend", "shard", "tile", "threads", "out", .. CommonOptions.LatentOptionNames];
    static readonly HashSet<string> Flags = ["mips", "force"];

    sealed record Job(Func<Latent> Latent, string Out, string Label);

    public static int Run(string[] argv, TextWriter stdout, TextWriter stderr)
    {
        var a = new Args(argv, Options, Flags);
        var spec = ParseSpec(a);
        string outPath = a.Require("out");
        if (!string.Equals(Path.GetExtension(outPath), spec.Extension, StringComparison.OrdinalIgnoreCase))
            throw new UsageException($"--out {Untrusted.Quote(outPath)}: format {a.Get("format")} writes a {spec.Extension} file");
        var shard = a.Has("shard") ? CommonOptions.Parse(() => Shard.Parse(a.Require("shard"))) : Shard.Whole;
        (long First, long Last)? seeds = a.Has("seeds") ? ParseSeeds(a.Require("seeds")) : null;
        if (seeds != null && (a.Has("seed") || a.Has("z") || a.Has("ws"))) throw new UsageException("--seeds replaces --seed, --z and --ws: give one of them");
        if (seeds != null && !outPath.Contains("{seed}")) throw new UsageException("--seeds needs an --out containing {seed}");
        var settings = new BakeSettings
        {
            Tile = (int)(a.Long("tile", 1, TextureBaker.MaxTile) ?? 64),
        };
        int threads = (int)(a.Long("threads", 1, 1024) ?? 0);
        bool force = a.Has("force");
        string backend = a.Get("backend") ?? "cpu";

        var model = CommonOptions.LoadModel(a);
        IReadOnlyCollection<Job> jobs;
        if (seeds is var (first, last))
        {
            jobs = SeedJobs(a, model, first, last, shard, outPath);
            shard = Shard.Whole; // the batch is split; each texture is whole
        }
        else
        {
            var latent = CommonOptions.Latent(a, model);
            string target = outPath.Replace("{seed}", a.Get("seed") ?? "");
            jobs = [new Job(() => latent, shard.IsWhole ? target : ShardFile.PathFor(target, shard), shard.IsWhole ? "" : $"shard {shard}")];
        }
        // Every target is checked before any work, so a bad path fails in a second, not after an hour.
        foreach (var job in jobs)
            foreach (var p in shard.IsWhole ? TextureOutputs.Paths(spec, job.Out) : [job.Out])
                AtomicFileSet.CheckTarget(p, force);
        Action<string> log = msg => stderr.WriteLine($"creps bake: {msg}");

        using var gen = Backends.Create(model, backend, CommonOptions.Backend(threads), msg => stderr.WriteLine(msg));
        var tiles = TileRenderers.For(gen);
        stderr.WriteLine($"creps bake: {jobs.Count} texture(s) of {spec.Width}x{spec.Height} ({spec.Levels.Count} level(s), {spec.Supersample}x{spec.Supersample} samples) on {gen.Name}: {gen.DeviceDescription}");
        if (jobs.Count == 0) { stdout.WriteLine($"shard {a.Get("shard")} owns no seeds of {a.Get("seeds")}: nothing to do"); return 0; }

        using var interrupt = new Interrupt();
        using var progress = new Progress(stderr, "bake", jobs.Count * spec.Pixels(shard));
        settings = settings with { Progress = progress.Add, Cancel = interrupt.Token };
        string job0 = shard.IsWhole ? "" : JobFingerprint(a.Require("model"), jobs.First().Latent(), gen.Name);
        foreach (var job in jobs)
        {
            using var set = new AtomicFileSet(force, log);
            using (var sink = shard.IsWhole ? TextureOutputs.Open(set, spec, job.Out)
                                            : ShardFile.Create(set.Create(job.Out), new ShardHeader(shard.Index, shard.Count, spec, job0)))
                TextureBaker.Bake(tiles, job.Latent(), spec, shard, sink, settings);
            set.Commit();
            stdout.WriteLine($"wrote {string.Join(", ", shard.IsWhole ? TextureOutputs.Paths(spec, job.Out) : [job.Out])}{(job.Label.Length > 0 ? $" ({job.Label})" : "")}");
        }
        progress.Done();
        return 0;
    }

    /// <summary>This shard's seeds of A..B, one texture each, made lazily (a batch may hold a million seeds).</summary>
    static IReadOnlyCollection<Job> SeedJobs(Args a, CrepsModel model, long first, long last, Shard shard, string outPath)
    {
        long items = last - first + 1;
        IEnumerable<Job> Make() => shard.Positions(items).Select(p =>
        {
            long seed = first + p;
            return new Job(() => CommonOptions.Latent(a, model, seed), outPath.Replace("{seed}", seed.ToString(CultureInfo.InvariantCulture)), $"seed {seed}");
        });
        return new Batch((int)shard.CountOf(items), Make);
    }

    sealed class Batch(int count, Func<IEnumerable<Job>> make) : IReadOnlyCollection<Job>
    {
        public int Count => count;
        public IEnumerator<Job> GetEnumerator() => make().GetEnumerator();
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    static BakeSpec ParseSpec(Args a)
    {
        var format = CommonOptions.Parse(() => BakeSpec.ParseFormat(a.Require("format")));
        var (w, h) = CommonOptions.Parse(() => AxisSpec.ParseSize(a.Require("size"), BakeSpec.MaxSide));
        var (x0, y0, x1, y1) = a.Has("region") ? CommonOptions.Parse(() => AxisSpec.ParseRegion(a.Require("region"))) : (0, 0, 1, 1);
        int k = (int)(a.Long("supersample", 1, BakeSpec.MaxSupersample) ?? 1);
        var spec = new BakeSpec(w, h, x0, y0, x1, y1, k, a.Has("mips"), format);
        try { spec.Validate(); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        return spec;
    }

    /// <summary><c>A-B</c>: seeds A to B inclusive.</summary>
    static (long First, long Last) ParseSeeds(string text)
    {
        var p = text.Split('-');
        if (p.Length != 2 || !long.TryParse(p[0], NumberStyles.None, CultureInfo.InvariantCulture, out long first)
            || !long.TryParse(p[1], NumberStyles.None, CultureInfo.InvariantCulture, out long last) || last > uint.MaxValue)
            throw new UsageException($"--seeds {Untrusted.Quote(text)}: expected A-B with whole numbers 0 ≤ A ≤ B ≤ {uint.MaxValue}");
        if (first > last) throw new UsageException($"--seeds {Untrusted.Quote(text)}: the range is empty (A > B)");
        if (last - first >= 1 << 20) throw new UsageException($"--seeds {Untrusted.Quote(text)}: at most {1 << 20} seeds per bake");
        return (first, last);
    }

    /// <summary>What every shard of one texture must share: the model's bytes, the latent and the backend.</summary>
    static string JobFingerprint(string modelPath, Latent latent, string backend)
    {
        using var f = InputFile.Open(modelPath, "model file", SafeTensors.MaxFileBytes);
        string model = Convert.ToHexString(SHA256.HashData(f));
        string ws = Convert.ToHexString(SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(latent.All)));
        return $"model sha256 {model}; ws sha256 {ws}; backend {backend}";
    }
}
