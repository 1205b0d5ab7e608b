using Creps.Render.Coordinates;
using Creps.Render.Cpu;
using Creps.Render.Latents;
using Creps.Render.Model;

namespace Creps.Tests;

/// <summary>The trained models we ship in models/ (README's first command renders one) load, render and keep their promises.</summary>
public class BundledModelTests
{
    static string ModelPath(string name) => Path.Combine(Fixtures.RepoRoot, "models", name);

    [TestCase("terrain.safetensors", false)]
    [TestCase("rock-tileable.safetensors", true)]
    [TestCase("landscape.safetensors", false)]
    public void LoadsAndEverySeedIsADifferentFiniteTexture(string name, bool tileable)
    {
        var m = CrepsModel.Load(ModelPath(name));
        Assert.That(m.Config.Tileable, Is.EqualTo(tileable), "models/README.md says which models are tileable");
        Assert.That(new FileInfo(ModelPath(name)).Length, Is.LessThanOrEqualTo(20L << 20), "bundled models stay under 20 MB");
        using var gen = new CpuGenerator(m);
        double[] t = Grid.Centers(0, 1, 48);
        var means = new List<double[]>();
        foreach (uint seed in new uint[] { 1, 2, 3, 4 })
        {
            var img = gen.Render(Latent.FromSeed(m, seed), t, t);
            FloatAssert.AllFinite(img, $"seed {seed}");
            int plane = t.Length * t.Length;
            var mean = new double[3];
            double spread = 0;
            for (int c = 0; c < 3; c++)
            {
                var ch = img.AsSpan(c * plane, plane);
                mean[c] = ch.ToArray().Average();
                spread = Math.Max(spread, FloatAssert.Range(ch, $"seed {seed} channel {c}"));
            }
            Assert.That(spread, Is.GreaterThan(0.05), $"seed {seed}: a flat image is not a texture");
            means.Add(mean);
        }
        double maxColourDistance = means.SelectMany(a => means.Select(b => Math.Sqrt(a.Zip(b).Sum(p => (p.First - p.Second) * (p.First - p.Second))))).Max();
        Assert.That(maxColourDistance, Is.GreaterThan(0.02), "four seeds gave the same mean colour: the latent does nothing");
    }

    [Test]
    public void TileableModelWrapsExactly()
    {
        var m = CrepsModel.Load(ModelPath("rock-tileable.safetensors"));
        using var gen = new CpuGenerator(m);
        var latent = Latent.FromSeed(m, 5);
        var a = gen.Render(latent, Grid.Centers(0, 1, 32), Grid.Centers(0, 1, 32));
        var b = gen.Render(latent, Grid.Centers(2, 3, 32), Grid.Centers(-1, 0, 32));
        FloatAssert.MaxAbs(b, a, 1e-4, "one period away");
    }
}
