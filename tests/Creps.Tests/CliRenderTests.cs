using System.Globalization;
using Creps.Cli;
using Creps.Render.Imaging;

namespace Creps.Tests;

/// <summary><c>creps render</c> end to end, in process: official cases and bad input.</summary>
public class CliRenderTests
{
    string _dir = "";

    [SetUp] public void MakeDir() => Directory.CreateDirectory(_dir = Path.Combine(Path.GetTempPath(), $"creps-cli-{Guid.NewGuid():N}"));
    [TearDown] public void RemoveDir() => Directory.Delete(_dir, true);

    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Cli.Cli.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    /// <summary>An @FILE coordinate list (one round-trip number per line) in <paramref name="dir"/>.</summary>
    public static string WriteCoords(string dir, string name, double[] v)
    {
        var p = Path.Combine(dir, name);
        File.WriteAllLines(p, v.Select(x => x.ToString("R", CultureInfo.InvariantCulture)));
        return p;
    }

    string[] CaseArgs(Fixtures.Case c, string outPath)
    {
        var args = new List<string> { "render", "--model", Path.Combine(c.Dir, "weights.safetensors"),
            "--rows", "@" + WriteCoords(_dir, "rows.txt", c.Rows), "--cols", "@" + WriteCoords(_dir, "cols.txt", c.Cols), "--out", outPath };
        if (c.WsFile != null) args.AddRange(["--ws", Path.Combine(c.Dir, c.WsFile)]);
        else args.AddRange(["--seed", c.Seed.ToString(), "--psi", c.Psi.ToString("R", CultureInfo.InvariantCulture)]);
        return args.ToArray();
    }

    [TestCaseSource(typeof(OfficialFixtureTests), nameof(OfficialFixtureTests.Cases))]
    public void RendersOfficialCase(Fixtures.Case c)
    {
        string f32 = Path.Combine(_dir, "out.f32"), png = Path.Combine(_dir, "out.png");
        var r = Run(CaseArgs(c, f32));
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        FloatAssert.WithinRange(Fixtures.ReadF32(f32), Fixtures.ReadF32(Path.Combine(c.Dir, c.Output)), 1e-4, c.ToString());
        r = Run(CaseArgs(c, png));
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        var ours = PngDecoder.Decode(png);
        var official = PngDecoder.Decode(Path.Combine(c.Dir, c.Png!));
        Assert.That((ours.Width, ours.Height), Is.EqualTo((official.Width, official.Height)));
        Assert.That(ours.Samples.Zip(official.Samples).Max(p => Math.Abs(p.First - p.Second)), Is.LessThanOrEqualTo(1));
    }

    [Test]
    public void ScaleOptionIsTheOfficialGrid()
    {
        var c = Fixtures.Cases().First(c => c.Layout == "public-small" && c.Name == "seed7_s1p37");
        string f32 = Path.Combine(_dir, "s.f32");
        var r = Run("render", "--model", Path.Combine(c.Dir, "weights.safetensors"), "--seed", "7", "--scale", "1.37", "--out", f32);
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        FloatAssert.WithinRange(Fixtures.ReadF32(f32), Fixtures.ReadF32(Path.Combine(c.Dir, c.Output)), 1e-4, "--scale 1.37");
    }

    static string Tiny => Path.Combine(Fixtures.Official, "public-tiny", "weights.safetensors");

    public static IEnumerable<TestCaseData> BadInputs()
    {
        // Exit 2: a usage error (unknown, missing or conflicting options, any malformed or out-of-range option value);
        // 1: the input or the machine (a missing file, a file's contents, a model that does not load).
        TestCaseData Case(string name, int code, string expect, params string[] args) => new TestCaseData(args, code, expect).SetName($"BadInput_{name}");
        yield return Case("missing_model", 1, "does not exist", "--model", "/nope/m.safetensors", "--seed", "1");
        yield return Case("model_is_dir", 1, "directory", "--model", "/tmp", "--seed", "1");
        yield return Case("size_zero", 2, "must be ≥ 1", "--model", Tiny, "--seed", "1", "--size", "0x10");
        yield return Case("size_negative", 2, "must be ≥ 1", "--model", Tiny, "--seed", "1", "--size", "-5x10");
        yield return Case("size_past_limit", 2, "at most", "--model", Tiny, "--seed", "1", "--size", "2000000x2");
        yield return Case("pixels_past_limit", 2, "at most", "--model", Tiny, "--seed", "1", "--size", "1000000x1000");
        yield return Case("size_garbage", 2, "expected WxH", "--model", Tiny, "--seed", "1", "--size", "big");
        yield return Case("bad_spec", 2, "expected linspace", "--model", Tiny, "--seed", "1", "--rows", "lin:0,1,5", "--cols", "linspace:0,1,5");
        yield return Case("bad_spec_count", 2, "count", "--model", Tiny, "--seed", "1", "--rows", "linspace:0,1,0", "--cols", "linspace:0,1,5");
        yield return Case("bad_spec_number", 2, "numbers", "--model", Tiny, "--seed", "1", "--rows", "centers:0,x,5", "--cols", "linspace:0,1,5");
        yield return Case("spec_file_missing", 1, "does not exist", "--model", Tiny, "--seed", "1", "--rows", "@/nope.txt", "--cols", "linspace:0,1,5");
        yield return Case("rows_without_cols", 2, "go together", "--model", Tiny, "--seed", "1", "--rows", "linspace:0,1,5");
        yield return Case("bad_region", 2, "x0,y0,x1,y1", "--model", Tiny, "--seed", "1", "--size", "8x8", "--region", "0,0,1");
        yield return Case("empty_region", 2, "empty", "--model", Tiny, "--seed", "1", "--size", "8x8", "--region", "0,0,0,1");
        yield return Case("region_without_size", 2, "needs --size", "--model", Tiny, "--seed", "1", "--region", "0,0,1,1");
        yield return Case("bad_scale", 2, "positive", "--model", Tiny, "--seed", "1", "--scale", "-1");
        yield return Case("no_latent", 2, "exactly one of", "--model", Tiny);
        yield return Case("two_latents", 2, "exactly one of", "--model", Tiny, "--seed", "1", "--z", "/tmp/z");
        yield return Case("seed_out_of_range", 2, "0..4294967295", "--model", Tiny, "--seed", "4294967296");
        yield return Case("z_wrong_size", 1, "bytes", "--model", Tiny, "--z", Tiny);
        yield return Case("unknown_backend", 2, "unknown backend", "--model", Tiny, "--seed", "1", "--backend", "quantum");
        yield return Case("unknown_option", 2, "unknown option", "--model", Tiny, "--seed", "1", "--sharpness", "3");
    }

    [TestCaseSource(nameof(BadInputs))]
    public void BadInputGivesOneLineAndNoFile(string[] args, int code, string expect)
    {
        string outPath = Path.Combine(_dir, "out.png");
        var r = Run(["render", .. args, "--out", outPath]);
        Assert.That(r.Code, Is.EqualTo(code), r.Err);
        Assert.That(r.Err, Does.Contain(expect));
        Assert.That(r.Err.Trim().Split('\n')[0], Does.StartWith("creps render:"));
        Assert.That(Directory.GetFileSystemEntries(_dir), Is.Empty, "no output and no temp file");
    }

    [Test]
    public void CorruptModelGivesOneLine()
    {
        string bad = Path.Combine(_dir, "bad.safetensors");
        File.WriteAllBytes(bad, File.ReadAllBytes(Tiny)[..5000]);
        string outPath = Path.Combine(_dir, "out.png");
        var r = Run("render", "--model", bad, "--seed", "1", "--out", outPath);
        Assert.That(r.Code, Is.EqualTo(1));
        Assert.That(r.Err.Trim(), Does.Not.Contain("\n").And.Contain("bad.safetensors"));
        Assert.That(File.Exists(outPath), Is.False);
    }

    [Test]
    public void UnwritableOutputLeavesNothing()
    {
        var r = Run("render", "--model", Tiny, "--seed", "1", "--out", Path.Combine(_dir, "no-such-dir", "x.png"));
        Assert.That(r.Code, Is.EqualTo(1));
        Assert.That(r.Err, Does.Contain("does not exist"));
        var wrongExt = Run("render", "--model", Tiny, "--seed", "1", "--out", Path.Combine(_dir, "x.jpg"));
        Assert.That(wrongExt.Code, Is.EqualTo(2));
        Assert.That(wrongExt.Err, Does.Contain(".png or .f32"));
        Assert.That(Directory.GetFileSystemEntries(_dir), Is.Empty);
    }

    [Test]
    public void ExistingOutputIsReplacedAtomically()
    {
        string outPath = Path.Combine(_dir, "x.f32");
        File.WriteAllText(outPath, "old");
        var r = Run("render", "--model", Tiny, "--seed", "1", "--size", "5x4", "--out", outPath);
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        Assert.That(new FileInfo(outPath).Length, Is.EqualTo(3 * 5 * 4 * 4));
        Assert.That(Directory.GetFileSystemEntries(_dir), Has.Length.EqualTo(1));
    }
}
