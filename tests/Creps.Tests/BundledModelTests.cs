using Creps.Render.Coordinates;
using Creps.Render.Cpu;
using Creps.Render.Latents;
using Creps.Render.Model;

namespace Creps.Tests;

/// <summary>The trained models we ship in models/ (README's first command renders one) load, render and keep their promises.</summary>
public class BundledModelTests
{
    /// <summary>Every model in models/: the terrain set, all tileable (models/README.md).</summary>
    static readonly string[] Bundled = ["dirt.safetensors", "grass.safetensors", "rock.safetensors", "sand.safetensors", "snow.safetensors"];

    [Test]
    public void EveryModelThatShipsIsCoveredHere()
    {
        var shipped = Directory.GetFiles(Fixtures.BundledModels, "*.safetensors").Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.That(shipped, Is.EqualTo(Bundled), "a model in models/ must pass the gates (models/README.md) and be listed here");
    }

    [TestCaseSource(nameof(Bundled))]
    public void LoadsAndEverySeedIsADifferentFiniteTexture(string name)
    {
        var m = CrepsModel.Load(Fixtures.BundledModel(name));
        Assert.That(m.Config.Tileable, Is.True, "models/README.md: every bundled material is tileable");
        Assert.That(new FileInfo(Fixtures.BundledModel(name)).Length, Is.LessThanOrEqualTo(20L << 20), "bundled models stay under 20 MB");
        using var gen = new CpuGenerator(m);
        double[] t = Grid.Centers(0, 1, 48);
        var images = new List<float[]>();
        foreach (uint seed in new uint[] { 1, 2, 3, 4 })
        {
            var img = gen.Render(Latent.FromSeed(m, seed), t, t);
            FloatAssert.AllFinite(img, $"seed {seed}");
            int plane = t.Length * t.Length;
            double spread = 0;
            for (int c = 0; c < 3; c++)
                spread = Math.Max(spread, FloatAssert.Range(img.AsSpan(c * plane, plane), $"seed {seed} channel {c}"));
            Assert.That(spread, Is.GreaterThan(0.05), $"seed {seed}: a flat image is not a texture");
            images.Add(img);
        }
        // Pixels, not mean colours: a material's seeds share its colour (grass: mean colours within 0.014) and differ in
        // pattern. Measured against the image's own variation, because snow and sand are faint (pixel spread 0.2): two
        // independent draws of one texture differ by about 1.4x their mean deviation from their mean, a copy by 0.
        for (int i = 0; i < images.Count; i++)
        {
            int plane = images[i].Length / 3;
            double ownDeviation = 0; // mean |pixel - its channel's mean|
            for (int c = 0; c < 3; c++)
            {
                var channel = images[i].AsSpan(c * plane, plane).ToArray();
                double mean = channel.Average();
                ownDeviation += channel.Average(v => Math.Abs(v - mean)) / 3;
            }
            for (int j = i + 1; j < images.Count; j++)
            {
                double meanAbs = images[i].Zip(images[j]).Average(p => Math.Abs(p.First - p.Second));
                Assert.That(meanAbs, Is.GreaterThan(0.5 * ownDeviation),
                    $"seeds {i + 1} and {j + 1} render nearly the same image (the latent does little): |diff| {meanAbs:F4}, seed {i + 1}'s own deviation {ownDeviation:F4}");
            }
        }
    }

    [TestCaseSource(nameof(Bundled))]
    public void TileableModelWrapsExactly(string name)
    {
        var m = CrepsModel.Load(Fixtures.BundledModel(name));
        using var gen = new CpuGenerator(m);
        var latent = Latent.FromSeed(m, 5);
        var a = gen.Render(latent, Grid.Centers(0, 1, 32), Grid.Centers(0, 1, 32));
        var b = gen.Render(latent, Grid.Centers(2, 3, 32), Grid.Centers(-1, 0, 32));
        FloatAssert.MaxAbs(b, a, 1e-4, "one period away");
    }
}
