using System.Globalization;
using System.Numerics;
using Creps.Render.Coordinates;
using Creps.Render.Latents;
using Creps.Render.Streaming;

namespace Creps.Tests.Streaming;

/// <summary>Page keys, their bordered rectangles, the exactness limit and the texture's content key.</summary>
public class PageLayoutTests
{
    static readonly PageKey[] Keys =
    [
        new(0, 0, 0), new(0, -3, 2), new(3, 5, -7), new(20, -1, 0), new(20, 1 << 20, -(1L << 21) + 3), new(36, (1L << 36) - 1, 17),
    ];

    [TestCaseSource(nameof(Keys))]
    public void TexelCentresAreWithinAFractionOfATexelOfTheExactCentres(PageKey key)
    {
        var layout = new PageLayout(128, 4);
        // Exact centre of texel edge index k at level L: (k + ½) / (P·2^L), compared as rationals scaled by 2^(L+40).
        foreach (var (index, coords) in new[] { (key.X, layout.AxisCoords(key.Level, key.X)), (key.Y, layout.AxisCoords(key.Level, key.Y)) })
        {
            Assert.That(coords, Has.Length.EqualTo(136));
            for (int i = 0; i < coords.Length; i++)
            {
                BigInteger k = (BigInteger)index * 128 - 4 + i;
                double exact = (double)(2 * k + 1) / (256 * Math.Pow(2, key.Level));
                double spacing = 1 / (128 * Math.Pow(2, key.Level));
                Assert.That(Math.Abs(coords[i] - exact), Is.LessThanOrEqualTo(spacing / 256), $"{key} texel {i}");
                if (i > 0) Assert.That(coords[i], Is.GreaterThan(coords[i - 1]), $"{key} texel {i} not after {i - 1}");
            }
        }
    }

    [TestCaseSource(nameof(Keys))]
    public void AxisCoordsAreTheCentresOfTheRegionTheCliParses(PageKey key)
    {
        // `creps render --size 136x136 --region x0,y0,x1,y1` with the region printed as G17: the same doubles. ("R" is
        // not enough: .NET 10 prints −2^-25 as -2.980232238769531E-08, which parses to a different double.)
        var layout = new PageLayout(128, 4);
        var (x0, y0, x1, y1) = layout.Region(key);
        string text = string.Join(",", new[] { x0, y0, x1, y1 }.Select(v => v.ToString("G17", CultureInfo.InvariantCulture)));
        var parsed = AxisSpec.ParseRegion(text);
        Assert.That(layout.AxisCoords(key.Level, key.X), Is.EqualTo(Grid.Centers(parsed.X0, parsed.X1, 136)).AsCollection);
        Assert.That(layout.AxisCoords(key.Level, key.Y), Is.EqualTo(Grid.Centers(parsed.Y0, parsed.Y1, 136)).AsCollection);
    }

    [Test]
    public void DeepestLevelOfTheUnitSquareAndTheRefusalPastIt()
    {
        var layout = new PageLayout(128, 4);
        Assert.That(layout.MaxLevel, Is.EqualTo(36));          // 128·2^36 + 4 ≤ 2^44 < 128·2^37 + 4
        layout.Check(new PageKey(36, (1L << 36) - 1, (1L << 36) - 1));
        var e = Assert.Throws<ArgumentException>(() => layout.Check(new PageKey(37, (1L << 37) - 1, 0)))!;
        Assert.That(e.Message, Is.EqualTo("page L37 (137438953471, 0) lies beyond ±2^44 texels of 128 at level 37: " +
                                          "double coordinates there are no longer exact and distinct; this spot of the plane is exact down to level 36"));
        // Near the origin deep levels stay exact.
        layout.Check(new PageKey(50, -1, 3));
        e = Assert.Throws<ArgumentException>(() => layout.Check(new PageKey(63, 0, 0)))!;
        Assert.That(e.Message, Is.EqualTo("page L63 (0, 0): level must be in 0..62"));
        e = Assert.Throws<ArgumentException>(() => layout.Check(new PageKey(0, 2_000_000_000, 0)))!;
        Assert.That(e.Message, Is.EqualTo("page L0 (2000000000, 0) lies beyond ±1e9 on the plane (the renderer's coordinate limit)"));
    }

    [Test]
    public void ParentsFloorNegativeIndicesAndMortonInterleaves()
    {
        Assert.That(new PageKey(3, -1, -2).Parent, Is.EqualTo(new PageKey(2, -1, -1)));
        Assert.That(new PageKey(3, 5, 4).Parent, Is.EqualTo(new PageKey(2, 2, 2)));
        Assert.That(new PageKey(0, 5, 4).Parent, Is.Null);
        Assert.That(PageKey.Morton(0b011, 0b101), Is.EqualTo(0b100111UL));
        Assert.That(PageKey.Morton(uint.MaxValue, 0), Is.EqualTo(0x5555555555555555UL));
    }

    [Test]
    public void ContentKeyNamesWhatIsRenderedNotHowItWasMade()
    {
        var m = Fixtures.Model("public-tiny");
        var a = Latent.FromSeed(m, 3);
        var copy = new Latent(a.All.ToArray(), a.NumWs, a.WDim);
        string Key(Latent l, PageLayout? layout = null, string hash = "abc") => new TextureDescription(m, hash, l, layout, "label").ContentKey;
        Assert.That(Key(copy), Is.EqualTo(Key(a)));
        Assert.That(Key(a), Does.Match("^[0-9a-f]{64}$"));
        var others = new[] { Key(Latent.FromSeed(m, 4)), Key(Latent.FromSeed(m, 3, 0.7f)), Key(a, new PageLayout(64, 4)), Key(a, new PageLayout(128, 2)), Key(a, hash: "abd") };
        Assert.That(others.Append(Key(a)).Distinct().Count(), Is.EqualTo(others.Length + 1));
    }

    [Test]
    public void ModelHashIsTheFileSha256()
    {
        string path = Path.Combine(Fixtures.Official, "public-tiny", "weights.safetensors");
        string expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path)));
        Assert.That(TextureDescription.HashModelFile(path), Is.EqualTo(expected));
    }
}
