using Creps.Render;
using Creps.Render.Imaging;
using Creps.Render.IO;

namespace Creps.Cli;

/// <summary><c>creps render</c>: one region of a model's plane into a PNG (official 8-bit rule) or raw float32 CHW.</summary>
public static class RenderCommand
{
    public const string Usage =
        "render --model PATH " + CommonOptions.LatentHelp + " " + CommonOptions.RegionHelp + " [--backend cpu|vulkan|auto] --out PATH(.png|.f32)\n" +
        "  SPEC: linspace:a,b,n | centers:a,b,n | @FILE.  Rows run down the image (height), columns across (width).\n" +
        "  --size WxH covers [0,1]² (or --region x0,y0,x1,y1) with pixel centres; --scale S is the official grid linspace(0,1,int(R·S)).\n" +
        "  .png: 8-bit RGB as the official gen_images.py; .f32: raw little-endian float32 [3,H,W] before quantisation.";

    static readonly HashSet<string> Options = ["model", "backend", "out", .. CommonOptions.LatentOptionNames, .. CommonOptions.RegionOptionNames];

    public static int Run(string[] argv, TextWriter stdout, TextWriter stderr)
    {
        var a = new Args(argv, Options, new HashSet<string>());
        string outPath = a.Require("out");
        string ext = Path.GetExtension(outPath).ToLowerInvariant();
        if (ext != ".png" && ext != ".f32") throw new UsageException($"--out {Untrusted.Quote(outPath)}: the extension must be .png or .f32");
        AtomicFileSet.CheckTarget(outPath, overwrite: true);
        var model = CommonOptions.LoadModel(a);
        var latent = CommonOptions.Latent(a, model);
        var (rows, cols) = CommonOptions.Coordinates(a, model);
        RenderArgs.CheckSize(rows.Length, cols.Length);

        using var gen = Backends.Create(model, a.Get("backend") ?? "cpu", CommonOptions.Backend(), msg => stderr.WriteLine(msg));
        // The temp file exists before the render starts: an unwritable folder fails now, not after the render.
        using var output = new AtomicFileSet(overwrite: true, msg => stderr.WriteLine($"creps render: {msg}"));
        var stream = output.Create(outPath);
        stderr.WriteLine($"creps render: {cols.Length}x{rows.Length} on {gen.Name}: {gen.DeviceDescription}");
        var sw = System.Diagnostics.Stopwatch.StartNew();
        float[] img = gen.Render(latent, rows, cols);
        double ms = sw.Elapsed.TotalMilliseconds;
        Write(stream, ext, img, cols.Length, rows.Length);
        output.Commit();
        stdout.WriteLine($"wrote {outPath} ({cols.Length}x{rows.Length}, {ms:F1} ms)");
        return 0;
    }

    public static void Write(string path, string ext, float[] planar, int w, int h) => AtomicFile.Write(path, s => Write(s, ext, planar, w, h));

    static void Write(Stream s, string ext, float[] planar, int w, int h)
    {
        if (ext == ".png") PngWriter.Write(s, planar, w, h);
        else s.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(planar.AsSpan()));
    }
}
