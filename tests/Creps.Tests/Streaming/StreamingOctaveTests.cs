using Creps.Render.Cpu;
using Creps.Render.Latents;
using Creps.Render.Octaves;
using Creps.Render.Streaming;

namespace Creps.Tests.Streaming;

/// <summary>A texture described with an octave stack: its pages are `creps render --octaves … --region` of their bordered rectangles.</summary>
public class StreamingOctaveTests
{
    string _dir = "";

    [SetUp] public void MakeDir() => Directory.CreateDirectory(_dir = Path.Combine(Path.GetTempPath(), $"creps-stream-oct-{Guid.NewGuid():N}"));
    [TearDown] public void RemoveDir() => Directory.Delete(_dir, true);

    static readonly string Model = StreamingHarness.ModelPath("public-tiny");
    static readonly OctaveSpec Spec = new(24);

    static TextureDescription Texture(OctaveSpec octaves)
    {
        var m = Fixtures.Model("public-tiny");
        return new TextureDescription(m, TextureDescription.HashModelFile(Model), Latent.FromSeed(m, 3), new PageLayout(16, 4), "seed 3", octaves);
    }

    [Test]
    public void PagesEqualCreps_RenderWithOctavesOfTheirBorderedRegion()
    {
        var tex = Texture(Spec);
        var plain = Texture(OctaveSpec.Off);
        // Level 0: no layer is active (the page is the plain model); levels 3 and 20: layers are, negative indices too.
        PageKey[] keys = [new(0, 0, 0), new(3, 2, 1), new(3, -1, 5), new(20, 0, 0), new(20, -7, 3), new(20, 524_288, -3)];
        using var streamer = new PageStreamer(new CpuGenerator(tex.Model), ownsGenerator: true);
        var pages = StreamingHarness.All(keys.Select((k, i) => streamer.Request(tex, k, i)));
        var plainPages = StreamingHarness.All(keys.Select((k, i) => streamer.Request(plain, k, i)));
        for (int i = 0; i < keys.Length; i++)
        {
            var expected = StreamingHarness.CliRender(Model, 3, tex.Layout, keys[i], _dir, "--octaves", "24");
            FloatAssert.BitEqual(pages[i].Texels, expected, $"page {keys[i]}");
            bool same = pages[i].Texels.AsSpan().SequenceEqual(plainPages[i].Texels);
            Assert.That(same, Is.EqualTo(keys[i].Level == 0), $"page {keys[i]}: octave detail present exactly where layers are active");
        }
    }

    [Test]
    public void OctavesAreContentAndTheLineBudgetCountsTheirLayers()
    {
        var plain = Texture(OctaveSpec.Off);
        var tex = Texture(Spec);
        Assert.That(tex.ContentKey, Is.Not.EqualTo(plain.ContentKey));
        Assert.That(Texture(new OctaveSpec(24)).ContentKey, Is.EqualTo(tex.ContentKey));
        Assert.That(Texture(new OctaveSpec(24, Gain: 0.5)).ContentKey, Is.Not.EqualTo(tex.ContentKey));
        Assert.That(Texture(new OctaveSpec(24, Scale: 4)).ContentKey, Is.Not.EqualTo(tex.ContentKey));
        Assert.That(tex.ToString(), Does.EndWith(", octaves 24 gain 1 scale 2)"));
        using var cpu = new CpuGenerator(tex.Model);
        using var streamer = new PageStreamer(cpu);
        // Deep levels hold 4 layers at 24 texels (x in (1 − log2 24, 0.5) for λ = 2), each two line sets beside the model's.
        long perCoordinate = cpu.LineBytesPerCoordinate * tex.Layout.Texels;
        Assert.That(streamer.MinimumHostBytes(plain), Is.EqualTo(plain.Layout.PageBytes + 2 * perCoordinate));
        Assert.That(streamer.MinimumHostBytes(tex), Is.EqualTo(tex.Layout.PageBytes + 2 * 9 * perCoordinate));
    }

    [Test]
    public void CrepsTilesTakesTheOctaveOptions()
    {
        string outDir = Path.Combine(_dir, "pages");
        var (code, _, err) = CliRenderTests.Run("tiles", "--model", Model, "--seed", "3", "--page", "16", "--backend", "cpu",
            "--level", "20", "--x", "5:6", "--y", "-2:-2", "--octaves", "24", "--octave-gain", "0.9", "--out", outDir);
        Assert.That(code, Is.EqualTo(0), err);
        var layout = new PageLayout(16, 4);
        foreach (long x in new long[] { 5, 6 })
            FloatAssert.BitEqual(Fixtures.ReadF32(Path.Combine(outDir, "20", x.ToString(), "-2.f32")),
                StreamingHarness.CliRender(Model, 3, layout, new PageKey(20, x, -2), _dir, "--octaves", "24", "--octave-gain", "0.9"), $"page (20, {x}, -2)");
        var (bad, _, badErr) = CliRenderTests.Run("tiles", "--model", Model, "--seed", "3", "--level", "0", "--x", "0:0", "--y", "0:0",
            "--octave-gain", "0.5", "--out", outDir);
        Assert.That((bad, badErr.Split('\n')[0]), Is.EqualTo((2, "creps tiles: --octave-gain and --octave-scale need --octaves")));
    }
}
