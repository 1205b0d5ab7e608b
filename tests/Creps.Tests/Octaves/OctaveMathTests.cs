using System.Numerics;
using Creps.Render.Coordinates;
using Creps.Render.Model;
using Creps.Render.Octaves;

namespace Creps.Tests.Octaves;

/// <summary>The layer weights by footprint and the exactness of the layer coordinates.</summary>
public class OctaveMathTests
{
    static CrepsModel Terrain => CrepsModel.Load(Fixtures.GanTerrain);

    [Test]
    public void WeightIsOneFromThreeOutputPixelsPerNativePixelAndZeroBelowOne()
    {
        var spec = new OctaveSpec(4);
        // Layer 1 at λ = 2, R = 64: one native pixel is 1/128 of the base plane; x = log2(128·pixel).
        Assert.That(OctaveWeights.Weight(spec, 1, new OctaveFootprint(1.0 / 1024, 1), 64), Is.EqualTo(1.0));   // 8 output px
        Assert.That(OctaveWeights.Weight(spec, 1, new OctaveFootprint(1.0 / 64, 1), 64), Is.EqualTo(0.0));     // ½ output px
        Assert.That(OctaveWeights.Weight(spec, 1, new OctaveFootprint(Math.Pow(2, -7.5), 1), 64), Is.EqualTo(0.5).Within(1e-9)); // halfway, x = −0.5
        // One output pixel (x = 0): a quarter into the fade-in, smootherstep(¼) = 53/512.
        Assert.That(OctaveWeights.Weight(spec, 1, new OctaveFootprint(1.0 / 128, 1), 64), Is.EqualTo(53.0 / 512).Within(1e-12));
        // Fade-out: the view holds 2 native pixels (weight 0), 16 (weight 1), 2^2.5 (halfway).
        Assert.That(OctaveWeights.Weight(spec, 1, new OctaveFootprint(1.0 / 1e6, 2.0 / 128), 64), Is.EqualTo(0.0));
        Assert.That(OctaveWeights.Weight(spec, 1, new OctaveFootprint(1.0 / 1e6, Math.Pow(2, -4.5)), 64), Is.EqualTo(0.5).Within(1e-9));
        Assert.That(OctaveWeights.Weight(spec, 1, new OctaveFootprint(1.0 / 1e6, 16.0 / 128), 64), Is.EqualTo(1.0));
    }

    [Test]
    public void ActiveLayersStayFewAndChangeSmoothlyOverTwelveDecades()
    {
        var spec = new OctaveSpec(48);
        double[] previous = new double[49];
        for (int i = 0; i <= 1200; i++)
        {
            double s = Math.Pow(10, -i / 100.0);
            var f = OctaveFootprint.OfRegion(0.3, 0.3, 0.3 + s, 0.3 + s, 256, 256);
            int active = OctaveWeights.Active(spec, f, 64).Count;
            // The window is 7.5 octaves wide at 256² (x in (−7, 0.5)): 7 or 8 layers of λ = 2 once zoomed past the model.
            Assert.That(active, Is.LessThanOrEqualTo(8), $"span {s}");
            if (s <= 1e-2) Assert.That(active, Is.GreaterThanOrEqualTo(7), $"span {s}");
            for (int k = 1; k <= 48; k++)
            {
                double w = OctaveWeights.Weight(spec, k, f, 64);
                if (i > 0) Assert.That(Math.Abs(w - previous[k]), Is.LessThan(0.05), $"layer {k} jumps at span {s}");
                previous[k] = w;
            }
        }
    }

    [Test]
    public void PeriodMakesEveryFrequencyWhole()
    {
        var terrain = new OctaveCoordinates(Terrain);
        Assert.That(terrain.Period, Is.EqualTo(Math.ScaleB(1.0, 30)));
        Assert.That(terrain.Exact, Is.True);
        foreach (float f in Terrain.Input.Freqs) Assert.That(f * terrain.Period % 1, Is.EqualTo(0));
        var rock = new OctaveCoordinates(CrepsModel.Load(Fixtures.GanRockTileable));
        Assert.That(rock.Period, Is.EqualTo(1.0), "integer frequencies: the tile itself");
    }

    /// <summary>A dyadic rational m·2^e, exactly.</summary>
    static (BigInteger M, int E) Exact(double v)
    {
        long bits = BitConverter.DoubleToInt64Bits(v);
        int exp = (int)((bits >> 52) & 0x7FF);
        long mant = bits & 0xFFFFFFFFFFFFFL;
        if (exp == 0) exp = 1; else mant |= 1L << 52;
        var m = new BigInteger(mant);
        return (v < 0 ? -m : m, exp - 1075);
    }

    /// <summary>frac(f · (scale·t + offset)) computed exactly (all dyadic), as a double in [0, 1).</summary>
    static double ExactCycles(float f, double scale, double t, double offset)
    {
        var (ms, es) = Exact(scale); var (mt, et) = Exact(t); var (mo, eo) = Exact(offset); var (mf, ef) = Exact(f);
        int e = Math.Min(es + et, eo);
        BigInteger u = (ms * mt << (es + et - e)) + (mo << (eo - e));
        BigInteger c = mf * u; int ec = ef + e;          // c · 2^ec
        if (ec >= 0) return 0;
        BigInteger one = BigInteger.One << -ec, r = ((c % one) + one) % one;
        return (double)(r << 64 >> -ec) / Math.ScaleB(1.0, 64);
    }

    [Test]
    public void LayerCoordinatesKeepEveryPhaseExactAtDeepZoom()
    {
        var model = Terrain;
        var coords = new OctaveCoordinates(model);
        double[] t = Grid.Centers(0.61, 0.61 + 1e-12, 256);
        foreach (int k in new[] { 1, 20, 40, 46 })
        {
            double scale = Math.ScaleB(1.0, k), offset = 0.2 * coords.Period - 12345.678;
            double[] u = coords.Map(t, scale, offset);
            foreach (int i in new[] { 0, 101, 255 })
            {
                Assert.That(Math.Abs(u[i]), Is.LessThanOrEqualTo(coords.Period / 2));
                foreach (float f in model.Input.Freqs.Take(64))
                {
                    double d = FourierPhase.Cycles(f, u[i]) - ExactCycles(f, scale, t[i], offset);
                    d -= Math.Round(d);
                    Assert.That(Math.Abs(d), Is.LessThan(1e-5), $"k {k}, f {f}, t {t[i]:R}");
                }
            }
        }
    }

    [Test]
    public void LayersAreDeterministicAndDistinct()
    {
        var m = Fixtures.Model("public-tiny");
        var a = new OctaveLayers(m, Render.Latents.Latent.FromSeed(m, 7), 1f, 1024);
        var b = new OctaveLayers(m, Render.Latents.Latent.FromSeed(m, 7), 1f, 1024);
        var c = new OctaveLayers(m, Render.Latents.Latent.FromSeed(m, 8), 1f, 1024);
        Assert.That(a.Seed(3), Is.EqualTo(b.Seed(3)));
        Assert.That(a.Offset(3, Axis.Cols), Is.EqualTo(b.Offset(3, Axis.Cols)));
        Assert.That(new[] { a.Seed(1), a.Seed(2), a.Seed(3), c.Seed(3) }.Distinct().Count(), Is.EqualTo(4));
        Assert.That(Math.Abs(a.Offset(3, Axis.Rows)), Is.LessThanOrEqualTo(256));
        Assert.That(a.Offset(3, Axis.Rows), Is.Not.EqualTo(a.Offset(3, Axis.Cols)));
    }
}
