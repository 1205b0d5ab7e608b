using System.CommandLine;
using System.Diagnostics;
using Creps.Render;
using Creps.Render.Imaging;
using Creps.Render.IO;
using Creps.Render.Octaves;
using Creps.Render.Vulkan;

namespace Creps.Cli;

/// <summary><c>creps render</c>: one region of a model's plane into a PNG (official 8-bit rule) or raw float32 CHW.</summary>
public static class RenderCommand
{
    public const string Synopsis =
        "render --model PATH " + LatentOptions.Synopsis + " " + RegionOptions.Synopsis + " " + OctaveOptions.Synopsis + "\n" +
        "       " + BackendChoice.Synopsis + " [--stats] --out PATH(.png|.f32)";

    const string Description =
        "Renders one region of a model's plane at any resolution into a PNG or raw float32 file. " +
        "Rows run down the image (height), columns across (width); any region cut into any tiles gives the same pixels.";

    public static CrepsCommand Create()
    {
        var model = ModelOption.Create();
        var latent = new LatentOptions();
        var region = new RegionOptions();
        var backend = new BackendChoice("cpu");
        var octaves = new OctaveOptions();
        var stats = Opt.Flag("--stats", "Also print the render's time, Mpx/s, the backend's setup time and (Vulkan) its peak device memory against the budget.");
        var output = Opt.Text("--out", "PATH", ".png: 8-bit RGB by the official gen_images.py rule; .f32: raw little-endian float32 [3,H,W] before quantisation. Required.");
        var command = new CrepsCommand("render", Description, Synopsis, (p, stdout, stderr) =>
        {
            string outPath = p.Require(output);
            string ext = Path.GetExtension(outPath).ToLowerInvariant();
            if (ext != ".png" && ext != ".f32") throw new UsageException($"--out {Untrusted.Quote(outPath)}: the extension must be .png or .f32");
            AtomicFileSet.CheckTarget(outPath, overwrite: true);
            var m = ModelOption.Load(p, model);
            var z = latent.Latent(p, m);
            var (rows, cols) = region.Coordinates(p, m);
            try { RenderArgs.CheckSize(rows.Length, cols.Length); }
            catch (ArgumentException e) { throw new UsageException(e.Message); }
            var octaveSpec = octaves.Spec(p);

            var setup = Stopwatch.StartNew();
            using var inner = Backends.Create(m, backend.Name(p), backend.Options(p), msg => stderr.WriteLine(msg));
            var gen = OctaveOptions.Wrap(inner, octaveSpec, () => Footprint(p, region, rows, cols), (float)(p.GetValue(latent.Psi) ?? 1.0));
            double setupS = setup.Elapsed.TotalSeconds;
            // The temp file exists before the render starts: an unwritable folder fails now, not after the render.
            using var outputs = new AtomicFileSet(overwrite: true, msg => stderr.WriteLine($"creps render: {msg}"));
            var stream = outputs.Create(outPath);
            stderr.WriteLine($"creps render: {cols.Length}x{rows.Length} on {gen.Name}: {gen.DeviceDescription}");
            var sw = Stopwatch.StartNew();
            float[] img = gen.Render(z, rows, cols);
            double s = sw.Elapsed.TotalSeconds;
            Write(stream, ext, img, cols.Length, rows.Length);
            outputs.Commit();
            stdout.WriteLine($"wrote {outPath} ({cols.Length}x{rows.Length}, {s * 1e3:F1} ms)");
            if (p.GetValue(stats)) stdout.WriteLine(Stats(inner, cols.Length, rows.Length, s, setupS));
            return 0;
        });
        command.Add([model, .. latent.All, .. region.All, .. octaves.All, .. backend.All, stats, output]);
        return command;
    }

    /// <summary>An octave stack's footprint: --size's region exactly as bake computes it (so the pixels agree), else the axes'.</summary>
    static OctaveFootprint Footprint(System.CommandLine.ParseResult p, RegionOptions region, double[] rows, double[] cols)
    {
        if (p.GetValue(region.Size) is not var (w, h)) return OctaveFootprint.OfAxes(rows, cols);
        var (x0, y0, x1, y1) = p.GetValue(region.Region) ?? (0, 0, 1, 1);
        return OctaveFootprint.OfRegion(x0, y0, x1, y1, w, h);
    }

    /// <summary>The --stats line: what <c>vulkan-bench</c> printed, for any backend.</summary>
    static string Stats(IGenerator gen, int w, int h, double s, double setupS)
    {
        double mpx = (double)w * h / 1e6;
        string device = gen is VulkanGenerator v
            ? $", peak device memory {v.PeakDeviceBytes / (1024.0 * 1024):F0} MiB of a {v.Options.BudgetBytes >> 20} MiB budget"
            : "";
        return $"{gen.Name} {w}x{h}: {s:F2} s ({mpx / s:F3} Mpx/s), setup {setupS:F2} s{device}";
    }

    public static void Write(string path, string ext, float[] planar, int w, int h) => AtomicFile.Write(path, s => Write(s, ext, planar, w, h));

    static void Write(Stream s, string ext, float[] planar, int w, int h)
    {
        if (ext == ".png") PngWriter.Write(s, planar, w, h);
        else s.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(planar.AsSpan()));
    }
}
