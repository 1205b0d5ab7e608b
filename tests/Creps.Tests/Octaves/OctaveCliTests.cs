using Creps.Tests.Bake;

namespace Creps.Tests.Octaves;

/// <summary>--octaves in <c>creps render</c> and <c>creps bake</c>.</summary>
public class OctaveCliTests
{
    string _dir = "";

    [SetUp] public void MakeDir() => _dir = BakeHarness.TempDir();
    [TearDown] public void RemoveDir() => Directory.Delete(_dir, true);

    const string Region = "0.37,0.61,0.3702,0.6102";   // span 2e-4: several layers active on the tiny model (R = 16)

    BakeHarness.Result Render(string name, int size, params string[] extra) => BakeHarness.RunCli(
        ["render", "--model", BakeHarness.TinyModel, "--seed", "4", "--size", $"{size}", "--region", Region, "--out", Path.Combine(_dir, name), .. extra]);

    [Test]
    public void OctavesZeroWritesThePlainBytes()
    {
        Assert.That(Render("plain.f32", 24).Code, Is.EqualTo(0));
        var r = Render("zero.f32", 24, "--octaves", "0");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(File.ReadAllBytes(Path.Combine(_dir, "zero.f32")), Is.EqualTo(File.ReadAllBytes(Path.Combine(_dir, "plain.f32"))));
        r = Render("on.f32", 24, "--octaves", "32");
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        // x_k = log2(2^k · 16 · 2e-4/24) = k − 12.87 (R = 16); a 24-px view keeps x in (1 − log2 24, 0.5): k = 10..13.
        Assert.That(r.Stderr, Does.Contain("octaves 32 gain 1 scale 2: 4 layer(s) active (k = 10..13)"));
        Assert.That(File.ReadAllBytes(Path.Combine(_dir, "on.f32")), Is.Not.EqualTo(File.ReadAllBytes(Path.Combine(_dir, "plain.f32"))));
    }

    [TestCase(new[] { "--octave-gain", "0.5" }, "--octave-gain and --octave-scale need --octaves")]
    [TestCase(new[] { "--octaves", "300" }, "--octaves '300' must be a whole number in 0..256")]
    [TestCase(new[] { "--octaves", "8", "--octave-scale", "1" }, "octave scale 1 must be in 1.25..16")]
    [TestCase(new[] { "--octaves", "8", "--octave-gain", "-1" }, "octave gain -1 must be in 0..4")]
    public void BadOctaveOptionsAreUsageErrors(string[] extra, string message)
    {
        var r = Render("bad.png", 8, extra);
        Assert.That(r.Code, Is.EqualTo(2), r.ToString());
        Assert.That(r.ErrLines[0], Does.Contain(message));
        Assert.That(File.Exists(Path.Combine(_dir, "bad.png")), Is.False);
    }

    [Test]
    public void EveryMipLevelIsTheRenderAtItsOwnFootprint()
    {
        string file = Path.Combine(_dir, "t.png");
        var r = BakeHarness.RunBake(["--seed", "4", "--size", "32", "--region", Region, "--format", "png8", "--mips", "--tile", "8",
            "--octaves", "32", "--out", file]);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        foreach (var (level, size) in new[] { ("", 32), (".mip1", 16), (".mip2", 8) })
        {
            Assert.That(Render($"r{size}.png", size, "--octaves", "32").Code, Is.EqualTo(0));
            var baked = PngDecoder.Decode(Path.Combine(_dir, $"t{level}.png"));
            var rendered = PngDecoder.Decode(Path.Combine(_dir, $"r{size}.png"));
            Assert.That(baked.Samples, Is.EqualTo(rendered.Samples), $"level {level} ({size}²)");
        }
    }
}
