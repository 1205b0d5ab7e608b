using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Creps.Render;
using Creps.Render.Imaging;
using Creps.Render.IO;
using Creps.Render.Streaming;
using Creps.Render.Vulkan;

namespace Creps.Cli;

/// <summary>
/// <c>creps tiles</c>: the streaming service from the command line — every page of a block of one level, requested at
/// once (each with its own priority, in the given order), written as DIR/L/X/Y.f32 (+ .png).
/// </summary>
public static class TilesCommand
{
    public const string Synopsis =
        "tiles --model PATH " + LatentOptions.Synopsis + " --level L --x X0:X1 --y Y0:Y1 " + OctaveOptions.Synopsis + "\n" +
        "       [--page 128] [--border 4] [--backend cpu|vulkan|auto] [--budget-mb N] [--order random|morton]\n" +
        "       [--format f32|rgba8|rgba16f|rgba32f] --out DIR [--stats FILE.json] [--png]";

    const string Description =
        "Renders pages of a texture's plane through the streaming service: level L cuts each unit square into 2^L×2^L pages of " +
        "P×P texels plus a border of B on each side; each page is exactly `creps render --size (P+2B)x(P+2B) --region` of its bordered rectangle " +
        "(with the same --octaves options).";

    /// <summary>Most pages one run may ask for.</summary>
    public const long MaxPages = 1 << 20;

    public static CrepsCommand Create()
    {
        var model = ModelOption.Create();
        var latent = new LatentOptions();
        var octaves = new OctaveOptions();
        var level = Opt.Long("--level", 0, PageLayout.MaxAnyLevel, "L", "The level: 2^L×2^L pages per unit square of the plane. Required.");
        var xs = RangeOption("--x", "Page columns X0..X1, inclusive (negative allowed: --x -4:3). Required.");
        var ys = RangeOption("--y", "Page rows Y0..Y1, inclusive (rows run down the image). Required.");
        var page = Opt.Long("--page", 1, PageLayout.MaxPageSize, "P", $"Texels per page side, border excluded (default {PageLayout.DefaultPageSize}).");
        var border = Opt.Long("--border", 0, PageLayout.MaxPageSize, "B", $"Border texels on each side of a page, for filtering (default {PageLayout.DefaultBorder}).");
        var gpu = new BackendChoice("auto");   // its --gpu-tile and --fp16; --backend and --budget-mb mean something else here
        var backend = Opt.Parsed<string?>("--backend", "NAME",
            $"The backend: {string.Join(", ", Backends.Names)}, or auto: vulkan on a GPU, cpu where Vulkan runs on the CPU (lavapipe) or not at all (default auto).",
            BackendChoice.CheckBackend);
        var budget = Opt.Long("--budget-mb", 1, 1 << 20, "N", "Host memory the service may hold for pages and lines, in MiB (default 256); least recently used pages and lines are evicted.");
        var order = Opt.Parsed<string?>("--order", "ORDER", "The order pages are requested and prioritised in: morton (Z-order, default) or random (a fixed shuffle).",
            s => s is "morton" or "random" ? s : throw new FormatException($"--order {Untrusted.Quote(s)}: expected morton or random"));
        var output = Opt.Text("--out", "DIR", "The folder pages are written under, as DIR/L/X/Y.f32 (raw little-endian float32 [3, P+2B, P+2B]); created if missing. Required.");
        var statsFile = Opt.Text("--stats", "FILE.json", "Also write the service's counters (pages_rendered, line_sets_computed, peak_host_bytes, latency_ms_p50, …) as JSON.");
        var png = Opt.Flag("--png", "Also write each page as DIR/L/X/Y.png (8-bit RGB by the official rule); with --format f32 only.");
        var format = Opt.Parsed<PageFormat?>("--format", "FORMAT",
            "How pages are held and written: f32 (default: DIR/L/X/Y.f32, planar float32), or rgba8, rgba16f, rgba32f (DIR/L/X/Y.rgba8 …: " +
            "raw interleaved RGBA, rows top to bottom, little-endian; rgba8 by the official 8-bit rule, the float formats the raw output, alpha opaque).",
            s => Enum.GetValues<PageFormat>().FirstOrDefault(f => FormatName(f) == s, (PageFormat)(-1)) is var f && f >= 0 ? f
                : throw new FormatException($"--format {Untrusted.Quote(s)}: expected f32, rgba8, rgba16f or rgba32f"));

        var command = new CrepsCommand("tiles", Description, Synopsis, (p, stdout, stderr) =>
        {
            int l = (int)(p.GetValue(level) ?? throw new UsageException("--level is required"));
            var (x0, x1) = p.GetValue(xs) ?? throw new UsageException("--x is required");
            var (y0, y1) = p.GetValue(ys) ?? throw new UsageException("--y is required");
            int pageSize = (int)(p.GetValue(page) ?? PageLayout.DefaultPageSize), b = (int)(p.GetValue(border) ?? PageLayout.DefaultBorder);
            if (b > pageSize) throw new UsageException($"--border {b} must not exceed --page {pageSize}");
            var layout = new PageLayout(pageSize, b);
            long count = (x1 - x0 + 1) * (y1 - y0 + 1);   // each range is at most MaxPages wide (RangeOption), so no overflow
            if (count > MaxPages) throw new UsageException($"--x {x0}:{x1} --y {y0}:{y1} is {count} pages; one run writes at most {MaxPages}");
            try { layout.Check(new PageKey(l, x0, y0)); layout.Check(new PageKey(l, x1, y1)); }
            catch (ArgumentException e) { throw new UsageException(e.Message); }
            var octaveSpec = octaves.Spec(p);
            var pageFormat = p.GetValue(format) ?? PageFormat.Float32Planar;
            if (pageFormat != PageFormat.Float32Planar && p.GetValue(png)) throw new UsageException($"--png needs --format f32 (pages in {FormatName(pageFormat)} keep no float texels)");
            string dir = p.Require(output);
            string? statsPath = p.GetValue(statsFile);
            string parent = Path.GetDirectoryName(Path.GetFullPath(dir)) ?? ".";
            if (!Directory.Exists(parent)) throw new DirectoryNotFoundException($"output folder {Untrusted.Quote(parent, 200)} does not exist");
            if (File.Exists(dir)) throw new IOException($"--out {Untrusted.Quote(dir, 200)} is a file, not a folder");
            if (statsPath != null)
            {
                // --stats may sit in --out (README: --out pages --stats pages/stats.json): that folder is this run's to make.
                if (Path.GetDirectoryName(Path.GetFullPath(statsPath)) == Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir))) Directory.CreateDirectory(dir);
                AtomicFileSet.CheckTarget(statsPath, overwrite: true);
            }

            var m = ModelOption.Load(p, model);
            string modelPath = p.Require(model);
            var z = latent.Latent(p, m);
            var texture = new TextureDescription(m, TextureDescription.HashModelFile(modelPath), z, layout,
                octaves: octaveSpec, octavePsi: (float)(p.GetValue(latent.Psi) ?? 1.0));
            long budgetBytes = (p.GetValue(budget) ?? 256) << 20;
            var options = EnvironmentVariables.Backend() with
            {
                MaxTile = (int)(p.GetValue(gpu.GpuTile) ?? 0) / 64 * 64, Fp16 = p.GetValue(gpu.Fp16),
            };
            using var gen = StreamingBackend.Create(m, p.GetValue(backend) ?? "auto", options, msg => stderr.WriteLine($"creps tiles: {msg}"));
            using var streamer = new PageStreamer(gen, new StreamingOptions { HostBudgetBytes = budgetBytes, HostPageFormat = pageFormat });
            if (budgetBytes < streamer.MinimumHostBytes(texture))
                throw new UsageException($"--budget-mb {budgetBytes >> 20} cannot hold one {layout.Texels}x{layout.Texels} page with its lines ({RenderLimits.Bytes(streamer.MinimumHostBytes(texture))})");
            stderr.WriteLine($"creps tiles: {count} pages of {layout.Texels}x{layout.Texels} at level {l} on {gen.Name}: {gen.DeviceDescription}");

            var keys = Order(l, x0, x1, y0, y1, p.GetValue(order) ?? "morton");
            var clock = Stopwatch.StartNew();
            var requests = new PageRequest?[keys.Length];
            using (streamer.HoldQueue())
                for (int i = 0; i < keys.Length; i++) requests[i] = streamer.Request(texture, keys[i], keys.Length - i);
            bool writePng = p.GetValue(png);
            for (int i = 0; i < requests.Length; i++)
            {
                var result = requests[i]!.Completion.GetAwaiter().GetResult();
                requests[i] = null;   // written pages are the service's to evict, not held here
                Write(dir, result, writePng);
            }
            double s = clock.Elapsed.TotalSeconds;
            var stats = streamer.Stats();
            if (gen is VulkanGenerator vk) stats = stats with { PeakDeviceBytes = Math.Max(stats.PeakDeviceBytes, (long)vk.PeakDeviceBytes) };
            if (statsPath != null) AtomicFile.Write(statsPath, stats.WriteJson);
            stdout.WriteLine($"wrote {count} pages under {dir} in {s:F2} s: {stats.PagesRendered} rendered, line sets {stats.LineSetsComputed} computed / " +
                             $"{stats.LineSetsReused} reused, peak host {RenderLimits.Bytes(stats.PeakHostBytes)} of {RenderLimits.Bytes(budgetBytes)}");
            return 0;
        });
        command.Add([model, .. latent.All, level, xs, ys, .. octaves.All, page, border, backend, gpu.GpuTile, gpu.Fp16, budget, order, format, output, statsFile, png]);
        return command;
    }

    /// <summary><c>A:B</c> with whole numbers A ≤ B, at most <see cref="MaxPages"/> apart.</summary>
    static Option<(long A, long B)?> RangeOption(string name, string description) =>
        Opt.Parsed<(long A, long B)?>(name, "A:B", description, s =>
        {
            var parts = s.Split(':');
            if (parts.Length != 2
                || !long.TryParse(parts[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long a)
                || !long.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long b))
                throw new FormatException($"{name} {Untrusted.Quote(s)}: expected A:B with whole numbers (e.g. -4:3)");
            if (a > b) throw new FormatException($"{name} {Untrusted.Quote(s)}: the first index must not exceed the second");
            if ((Int128)b - a + 1 > MaxPages) throw new FormatException($"{name} {Untrusted.Quote(s)} spans more than {MaxPages} pages");
            return (a, b);
        });

    /// <summary>Every page of the block in request order: Z-order of the offsets, or a fixed shuffle of it (seed 0).</summary>
    static PageKey[] Order(int level, long x0, long x1, long y0, long y1, string order)
    {
        var keys = new List<PageKey>();
        for (long y = y0; y <= y1; y++)
            for (long x = x0; x <= x1; x++) keys.Add(new PageKey(level, x, y));
        var morton = keys.OrderBy(k => PageKey.Morton((ulong)(k.X - x0), (ulong)(k.Y - y0))).ToArray();
        if (order == "random") new Random(0).Shuffle(morton);
        return morton;
    }

    /// <summary>The --format word (and file extension) of a page format.</summary>
    static string FormatName(PageFormat f) => f switch
    {
        PageFormat.Rgba8 => "rgba8", PageFormat.Rgba16F => "rgba16f", PageFormat.Rgba32F => "rgba32f", _ => "f32",
    };

    /// <summary>DIR/L/X/Y.f32 (and .png), or DIR/L/X/Y.rgba8 …, each through a temp file and a rename.</summary>
    static void Write(string dir, Page page, bool png)
    {
        var k = page.Key;
        string folder = Path.Combine(dir, k.Level.ToString(CultureInfo.InvariantCulture), k.X.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(folder);
        string stem = Path.Combine(folder, k.Y.ToString(CultureInfo.InvariantCulture));
        if (page.Format != PageFormat.Float32Planar)
        {
            AtomicFile.Write(stem + "." + FormatName(page.Format), s => s.Write(page.Encoded));
            return;
        }
        RenderCommand.Write(stem + ".f32", ".f32", page.Texels, page.Side, page.Side);
        if (png) RenderCommand.Write(stem + ".png", ".png", page.Texels, page.Side, page.Side);
    }
}
