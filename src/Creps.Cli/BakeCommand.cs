using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using Creps.Render;
using Creps.Render.Bake;
using Creps.Render.Coordinates;
using Creps.Render.Cpu;
using Creps.Render.IO;
using Creps.Render.Latents;
using Creps.Render.Model;
using Creps.Render.Octaves;

namespace Creps.Cli;

/// <summary><c>creps bake</c>: textures of any size streamed to disk tile by tile (PNG or KTX2, mips, supersampling, farm shards).</summary>
public static class BakeCommand
{
    public const string Synopsis =
        "bake --model PATH (--seed S | --seeds A-B | --z FILE | --ws FILE) [--psi P] [--cutoff K] --size N|WxH [--region x0,y0,x1,y1]\n" +
        "     --format png8|png16|ktx2|ktx2-f16 [--mips] [--supersample K] " + OctaveOptions.Synopsis + "\n" +
        "     " + BackendChoice.Synopsis +
        " [--shard i/n] [--tile N] [--threads N] --out PATH [--force]";

    const string Description =
        "Streams a texture to disk tile by tile: memory stays a few tile rows whatever the size (each side ≤ 131072). " +
        "An existing output is kept unless --force; nothing is written on an error or an interrupt (Ctrl-C, SIGTERM).";

    sealed record Job(Func<Latent> Latent, string Out, string Label);

    /// <summary>bake's options, so the action and its helpers read them by name.</summary>
    sealed class Options
    {
        public readonly Option<string?> Model = ModelOption.Create();
        public readonly LatentOptions Latent = new();
        public readonly Option<(long First, long Last)?> Seeds = Opt.Parsed<(long First, long Last)?>("--seeds", "A-B",
            "One texture per seed from A to B inclusive (at most 2^20); --out must contain {seed}.", s => ParseSeeds(s));
        public readonly Option<(int W, int H)?> Size = RegionOptions.SizeOption(BakeSpec.MaxSide, "The texture's width x height in pixels (N for N×N), each side ≤ 131072. Required.");
        public readonly Option<(double X0, double Y0, double X1, double Y1)?> Region = RegionOptions.RegionOption(
            "The part of the model's plane covered, x along the width (default 0,0,1,1: a tileable model's tile).");
        public readonly Option<BakeFormat?> Format = Opt.Parsed<BakeFormat?>("--format", "FORMAT",
            "png8 or png16 (RGB), ktx2 (RGBA8 UNORM) or ktx2-f16 (RGBA16 SFLOAT holding (v+1)/2). Required.", s => BakeSpec.ParseFormat(s));
        public readonly Option<bool> Mips = Opt.Flag("--mips", "Every mip level rendered from the model at its own size (KTX2: all levels in one file; PNG: OUT.mipL.png).");
        public readonly Option<long?> Supersample = Opt.Long("--supersample", 1, BakeSpec.MaxSupersample, "K", "K×K samples per pixel, box filtered (default 1).");
        public readonly OctaveOptions Octaves = new();
        public readonly BackendChoice Backend = new("cpu");
        public readonly Option<Shard?> Shard = Opt.Parsed<Shard?>("--shard", "i/n",
            "With --seeds, bake every n-th seed from the i-th; with one seed, rows [h·i/n, h·(i+1)/n) of every level into OUT.shard-i-of-n, " +
            "joined by `creps merge --out OUT` into exactly the unsharded file (default: the whole texture).", s => Render.Bake.Shard.Parse(s));
        public readonly Option<long?> Tile = Opt.Long("--tile", 1, TextureBaker.MaxTile, "N", "The side of the square tiles rendered at a time (default 64).");
        public readonly Option<long?> Threads = Opt.Long("--threads", 1, 1024, "N", "CPU threads of the cpu backend (default: every core).");
        public readonly Option<string?> Out = Opt.Text("--out", "PATH", "The output file; its extension matches --format (.png or .ktx2). Required.");
        public readonly Option<bool> Force = Opt.Flag("--force", "Replace existing outputs (default: keep them and fail).");

        public IEnumerable<Option> All => [Model, .. Latent.All, Seeds, Size, Region, Format, Mips, Supersample, .. Octaves.All, .. Backend.All, Shard, Tile, Threads, Out, Force];
    }

    public static CrepsCommand Create()
    {
        var o = new Options();
        var command = new CrepsCommand("bake", Description, Synopsis, (p, stdout, stderr) => Run(p, o, stdout, stderr));
        command.Add(o.All);
        return command;
    }

    static int Run(ParseResult a, Options o, TextWriter stdout, TextWriter stderr)
    {
        var spec = ParseSpec(a, o);
        string outPath = a.Require(o.Out);
        if (!string.Equals(Path.GetExtension(outPath), spec.Extension, StringComparison.OrdinalIgnoreCase))
            throw new UsageException($"--out {Untrusted.Quote(outPath)}: format {BakeSpec.FormatNames[(int)spec.Format]} writes a {spec.Extension} file");
        var shard = a.GetValue(o.Shard) ?? Shard.Whole;
        var seeds = a.GetValue(o.Seeds);
        if (seeds != null && (a.Has(o.Latent.Seed) || a.Has(o.Latent.Z) || a.Has(o.Latent.Ws))) throw new UsageException("--seeds replaces --seed, --z and --ws: give one of them");
        if (seeds != null && !outPath.Contains("{seed}")) throw new UsageException("--seeds needs an --out containing {seed}");
        var settings = new BakeSettings
        {
            Tile = (int)(a.GetValue(o.Tile) ?? 64),
        };
        int threads = (int)(a.GetValue(o.Threads) ?? 0);
        bool force = a.GetValue(o.Force);

        var octaves = o.Octaves.Spec(a);
        var model = ModelOption.Load(a, o.Model);
        IReadOnlyCollection<Job> jobs;
        if (seeds is var (first, last))
        {
            jobs = SeedJobs(a, o, model, first, last, shard, outPath);
            shard = Shard.Whole; // the batch is split; each texture is whole
        }
        else
        {
            var latent = o.Latent.Latent(a, model);
            string target = outPath.Replace("{seed}", a.GetValue(o.Latent.Seed)?.ToString(CultureInfo.InvariantCulture) ?? "");
            jobs = [new Job(() => latent, shard.IsWhole ? target : ShardFile.PathFor(target, shard), shard.IsWhole ? "" : $"shard {shard}")];
        }
        // Every target is checked before any work, so a bad path fails in a second, not after an hour.
        foreach (var job in jobs)
            foreach (var p in shard.IsWhole ? TextureOutputs.Paths(spec, job.Out) : [job.Out])
                AtomicFileSet.CheckTarget(p, force);
        Action<string> log = msg => stderr.WriteLine($"creps bake: {msg}");

        using var inner = Backends.Create(model, o.Backend.Name(a), o.Backend.Options(a, threads), msg => stderr.WriteLine(msg));
        // Level 0's footprint here; TextureBaker moves the stack to each mip level's own.
        var gen = OctaveOptions.Wrap(inner, octaves, () => OctaveFootprint.OfRegion(spec.X0, spec.Y0, spec.X1, spec.Y1, spec.Width, spec.Height),
            (float)(a.GetValue(o.Latent.Psi) ?? 1.0));
        stderr.WriteLine($"creps bake: {jobs.Count} texture(s) of {spec.Width}x{spec.Height} ({spec.Levels.Count} level(s), {spec.Supersample}x{spec.Supersample} samples) on {gen.Name}: {gen.DeviceDescription}");
        if (jobs.Count == 0) { stdout.WriteLine($"shard {Text(a, o.Shard)} owns no seeds of {Text(a, o.Seeds)}: nothing to do"); return 0; }

        using var interrupt = new Interrupt();
        using var progress = new Progress(stderr, "bake", jobs.Count * spec.Pixels(shard));
        settings = settings with { Progress = progress.Add, Cancel = interrupt.Token };
        string job0 = shard.IsWhole ? "" : JobFingerprint(a.Require(o.Model), jobs.First().Latent(), gen.Name, octaves);
        foreach (var job in jobs)
        {
            using var set = new AtomicFileSet(force, log);
            using (var sink = shard.IsWhole ? TextureOutputs.Open(set, spec, job.Out)
                                            : ShardFile.Create(set.Create(job.Out), new ShardHeader(shard.Index, shard.Count, spec, job0)))
                TextureBaker.Bake(gen, job.Latent(), spec, shard, sink, settings);
            set.Commit();
            stdout.WriteLine($"wrote {string.Join(", ", shard.IsWhole ? TextureOutputs.Paths(spec, job.Out) : [job.Out])}{(job.Label.Length > 0 ? $" ({job.Label})" : "")}");
        }
        progress.Done();
        return 0;
    }

    /// <summary>An option's value as the user wrote it.</summary>
    static string Text(ParseResult a, Option option) => a.GetResult(option)?.Tokens.LastOrDefault()?.Value ?? "";

    /// <summary>This shard's seeds of A..B, one texture each, made lazily (a batch may hold a million seeds).</summary>
    static IReadOnlyCollection<Job> SeedJobs(ParseResult a, Options o, CrepsModel model, long first, long last, Shard shard, string outPath)
    {
        long items = last - first + 1;
        IEnumerable<Job> Make() => shard.Positions(items).Select(p =>
        {
            long seed = first + p;
            return new Job(() => o.Latent.Latent(a, model, seed), outPath.Replace("{seed}", seed.ToString(CultureInfo.InvariantCulture)), $"seed {seed}");
        });
        return new Batch((int)shard.CountOf(items), Make);
    }

    sealed class Batch(int count, Func<IEnumerable<Job>> make) : IReadOnlyCollection<Job>
    {
        public int Count => count;
        public IEnumerator<Job> GetEnumerator() => make().GetEnumerator();
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    static BakeSpec ParseSpec(ParseResult a, Options o)
    {
        var format = a.GetValue(o.Format) ?? throw new UsageException("--format is required");
        var (w, h) = a.GetValue(o.Size) ?? throw new UsageException("--size is required");
        var (x0, y0, x1, y1) = a.GetValue(o.Region) ?? (0, 0, 1, 1);
        int k = (int)(a.GetValue(o.Supersample) ?? 1);
        var spec = new BakeSpec(w, h, x0, y0, x1, y1, k, a.GetValue(o.Mips), format);
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
            throw new FormatException($"--seeds {Untrusted.Quote(text)}: expected A-B with whole numbers 0 ≤ A ≤ B ≤ {uint.MaxValue}");
        if (first > last) throw new FormatException($"--seeds {Untrusted.Quote(text)}: the range is empty (A > B)");
        if (last - first >= 1 << 20) throw new FormatException($"--seeds {Untrusted.Quote(text)}: at most {1 << 20} seeds per bake");
        return (first, last);
    }

    /// <summary>What every shard of one texture must share: the model's bytes, the latent and the backend.</summary>
    static string JobFingerprint(string modelPath, Latent latent, string backend, OctaveSpec octaves)
    {
        string model = SafeTensors.Sha256(modelPath);
        string ws = Convert.ToHexStringLower(SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(latent.All)));
        return $"model sha256 {model}; ws sha256 {ws}; backend {backend}" + (octaves.IsOff ? "" : $"; {octaves}");
    }
}
