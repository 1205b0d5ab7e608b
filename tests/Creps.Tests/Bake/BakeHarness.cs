using System.Diagnostics;
using Creps.Render.Coordinates;
using Creps.Render.Cpu;
using Creps.Render.Latents;
using Creps.Render.Model;

namespace Creps.Tests.Bake;

/// <summary>Runs <c>creps bake</c>/<c>merge</c> in-process, and the independent readers (Pillow, ktx-parse) out of process.</summary>
public static class BakeHarness
{
    public static string TinyModel => Path.Combine(Fixtures.Official, "public-tiny", "weights.safetensors");

    public sealed record Result(int Code, string Stdout, string Stderr)
    {
        public string[] ErrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        public override string ToString() => $"exit {Code}\nstdout: {Stdout}\nstderr: {Stderr}";
    }

    public static Result RunCli(params string[] args)
    {
        var so = new StringWriter();
        var se = new StringWriter();
        int code = Creps.Cli.Cli.Run(args, so, se);
        return new Result(code, so.ToString(), se.ToString());
    }

    /// <summary><c>bake --model tiny …</c> with the given extra arguments.</summary>
    public static Result RunBake(params string[] args) => RunCli(["bake", "--model", TinyModel, .. args]);

    /// <summary>This test run's scratch root (removed by <see cref="BakeScratch"/> when the run ends).</summary>
    public static string ScratchRoot { get; } = Path.Combine(Path.GetTempPath(), $"creps-bake-tests-{Environment.ProcessId}");

    /// <summary>A fresh empty folder under <see cref="ScratchRoot"/>.</summary>
    public static string TempDir()
    {
        string d = Path.Combine(ScratchRoot, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(d);
        return d;
    }

    /// <summary>The in-memory render of pixel centres of the region (the same rule bake documents), planar [3][h][w].</summary>
    public static float[] RenderInMemory(CrepsModel m, Latent latent, int w, int h, double x0 = 0, double y0 = 0, double x1 = 1, double y1 = 1)
    {
        using var gen = new CpuGenerator(m);
        return gen.Render(latent, Grid.Centers(y0, y1, h), Grid.Centers(x0, x1, w));
    }

    /// <summary>K×K box filter in double of a planar [3][h·k][w·k] image.</summary>
    public static double[] BoxFilter(float[] img, int w, int h, int k)
    {
        var o = new double[3 * w * h];
        int sw = w * k, sh = h * k;
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    double s = 0;
                    for (int a = 0; a < k; a++)
                        for (int b = 0; b < k; b++) s += img[(c * sh + y * k + a) * sw + x * k + b];
                    o[(c * h + y) * w + x] = s / (k * k);
                }
        return o;
    }

    public static (int Code, string Stdout, string Stderr) Run(string file, params string[] args)
    {
        var r = ProcessRunner.Run(file, args);
        return (r.Code, r.Stdout, r.Stderr);
    }

    /// <summary>Pillow (Debian's python3-pil under /usr/bin/python3): mode, size and raw bytes as Pillow decodes them.</summary>
    public static (string Mode, int W, int H, byte[] Bytes) Pillow(string png)
    {
        // scripts/setup.sh test installs python3-pil: without it this fails (it does not skip).
        const string python = "/usr/bin/python3";
        string raw = png + ".pillow.raw";
        var (code, so, se) = Run(python, "-c",
            "import sys; from PIL import Image; im = Image.open(sys.argv[1]); im.load(); open(sys.argv[2], 'wb').write(im.tobytes()); print(im.mode, im.size[0], im.size[1])",
            png, raw);
        Assert.That(code, Is.EqualTo(0), $"Pillow could not read {png} (scripts/setup.sh test installs python3-pil): {se}");
        var p = so.Trim().Split(' ');
        var bytes = File.ReadAllBytes(raw);
        File.Delete(raw);
        return (p[0], int.Parse(p[1]), int.Parse(p[2]), bytes);
    }

    /// <summary>ktx-parse (tests/js, installed by scripts/setup.sh) reads <paramref name="ktx2"/>: its summary and each level's bytes.</summary>
    public static (System.Text.Json.JsonElement Summary, byte[][] Levels) KtxParse(string ktx2)
    {
        string js = Path.Combine(Fixtures.RepoRoot, "tests", "js");
        // scripts/setup.sh test installs node and ktx-parse: without them this fails (it does not skip).
        Assert.That(Directory.Exists(Path.Combine(js, "node_modules", "ktx-parse")), "tests/js/node_modules/ktx-parse is missing: run scripts/setup.sh test");
        Assert.That(Run("sh", "-c", "command -v node").Code, Is.EqualTo(0), "node is not on PATH (scripts/setup.sh test installs it)");
        string dir = TempDir();
        var (code, _, se) = Run("node", Path.Combine(js, "ktx-read.mjs"), ktx2, dir);
        Assert.That(code, Is.EqualTo(0), $"ktx-parse failed: {se}");
        var summary = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json"))).RootElement;
        int n = summary.GetProperty("levelCount").GetInt32();
        return (summary, Enumerable.Range(0, n).Select(i => File.ReadAllBytes(Path.Combine(dir, $"level{i}.bin"))).ToArray());
    }

    /// <summary>Every file in a folder (temp files included), to assert that nothing partial was left.</summary>
    public static string[] Files(string dir) => Directory.GetFiles(dir).Select(Path.GetFileName).Order().ToArray()!;
}

/// <summary>Removes the bake tests' scratch folder after the run.</summary>
[SetUpFixture]
public sealed class BakeScratch
{
    [OneTimeTearDown]
    public void Remove()
    {
        try { if (Directory.Exists(BakeHarness.ScratchRoot)) Directory.Delete(BakeHarness.ScratchRoot, recursive: true); }
        catch (IOException) { /* a folder still mounted or busy: leave it to the OS's temp cleanup */ }
    }
}
