using Creps.Render.Coordinates;
using Creps.Render.Cpu;
using Creps.Render.Latents;
using Creps.Render.Octaves;

namespace Creps.Tests.Octaves;

/// <summary>The octave stack on the CPU: off is exactly the plain model, tiles are exact with layers on.</summary>
public class OctaveStackTests
{
    const int W = 300, H = 200;

    static bool BitEqual(float[] a, float[] b) => a.Length == b.Length && a.AsSpan().SequenceEqual(b);

    [Test]
    public void ZeroLayersIsThePlainRenderBitForBit()
    {
        var m = Fixtures.Model("public-small");
        using var cpu = new CpuGenerator(m);
        var latent = Latent.FromSeed(m, 5);
        double[] rows = Grid.Centers(0.41, 0.4101, 40), cols = Grid.Centers(0.2, 0.2001, 60);   // deep enough for layers
        var stack = new OctaveGenerator(cpu, OctaveSpec.Off, OctaveFootprint.OfAxes(rows, cols));
        Assert.That(stack.Active, Is.Empty);
        Assert.That(BitEqual(stack.Render(latent, rows, cols), cpu.Render(latent, rows, cols)), Is.True);
    }

    [TestCase(32)]    // half the model's native resolution over its tile
    [TestCase(64)]    // native: layer 1's native pixel is half an output pixel, below the fade-in start (2^-0.5)
    public void WholeTileRenderHasNoActiveLayerAndIsThePlainRender(int size)
    {
        var m = Fixtures.Model("public-small");   // R = 64
        using var cpu = new CpuGenerator(m);
        var latent = Latent.FromSeed(m, 5);
        var axis = Grid.Centers(0, 1, size);
        var stack = new OctaveGenerator(cpu, new OctaveSpec(16), OctaveFootprint.OfRegion(0, 0, 1, 1, size, size));
        Assert.That(stack.Active, Is.Empty);
        Assert.That(BitEqual(stack.Render(latent, axis, axis), cpu.Render(latent, axis, axis)), Is.True);
    }

    static (OctaveGenerator Gen, CpuGenerator Cpu, Latent Latent, double[] Rows, double[] Cols, float[] Whole) Zoomed()
    {
        var m = Fixtures.Model("public-small");
        var cpu = new CpuGenerator(m);
        var latent = Latent.FromSeed(m, 3);
        double[] rows = Grid.Centers(0.61, 0.61 + 2e-5, H), cols = Grid.Centers(0.37, 0.37 + 3e-5, W);
        var gen = new OctaveGenerator(cpu, new OctaveSpec(24), OctaveFootprint.OfAxes(rows, cols));
        return (gen, cpu, latent, rows, cols, gen.Render(latent, rows, cols));
    }

    [Test]
    public void ZoomedRenderAddsDetailTheModelLacks()
    {
        var (gen, cpu, latent, rows, cols, whole) = Zoomed();
        using var _ = cpu;
        Assert.That(gen.Active.Count, Is.EqualTo(7), "x in (1 − log2 300, 0.5) holds 7 layers (x = k − 23.25)");
        float[] plain = cpu.Render(latent, rows, cols);
        double Spread(float[] img) { var r = img.AsSpan(0, W * H).ToArray(); return r.Max() - r.Min(); }
        Assert.That(Spread(plain), Is.LessThan(0.02), "at span 3e-5 the plain model is flat");
        Assert.That(Spread(whole), Is.GreaterThan(10 * Spread(plain)), "the layers add visible detail");
    }

    [Test]
    public void TilesWithSharedLinesEqualWholeRender()
    {
        var (gen, cpu, latent, rows, cols, whole) = Zoomed();
        using var _ = cpu;
        Assert.That(gen.Active, Is.Not.Empty);
        TileTests.AssertSharedLineTilesEqual(gen, latent, rows, cols, whole);
    }

    [Test]
    public void TilesWithTheirOwnLinesEqualWholeRender()
    {
        var (gen, cpu, latent, rows, cols, whole) = Zoomed();
        using var _ = cpu;
        TileTests.AssertOwnLineTilesEqual(gen, latent, rows, cols, whole);
    }

    [Test]
    public void LinesOfAnotherGeneratorAreRefused()
    {
        var (gen, cpu, latent, rows, cols, _) = Zoomed();
        using var __ = cpu;
        using var rl = cpu.ComputeLines(latent, rows, Axis.Rows);
        using var cl = cpu.ComputeLines(latent, cols, Axis.Cols);
        var e = Assert.Throws<ArgumentException>(() => gen.RenderTile(latent, rl, cl, new TileRect(0, 0, 1, 1), PlanarView.Allocate(1, 1)));
        Assert.That(e!.Message, Is.EqualTo("lines were computed by another generator"));
    }
}
