using Creps.Render.Coordinates;
using Creps.Render.Cpu;
using Creps.Render.Latents;
using Creps.Render.Model;
using Creps.Tests.Reference;

namespace Creps.Tests;

/// <summary>The production CPU generator against the double-precision reference on three layouts.</summary>
public class ReferenceTests
{
    public static IEnumerable<TestCaseData> Layouts()
    {
        yield return new TestCaseData("tiny");
        yield return new TestCaseData("small");
        yield return new TestCaseData("wide");
    }

    static CrepsConfig Config(string name) => name switch
    {
        "tiny" => TestModels.Tiny,
        "small" => TestModels.Small,
        _ => TestModels.Wide,
    };

    /// <summary>Evenly spaced indices of an official grid (rows and columns are independent, so a subset is exact).</summary>
    static double[] Subset(double[] grid, int max)
    {
        if (grid.Length <= max) return grid;
        return Enumerable.Range(0, max).Select(i => grid[(int)((long)i * (grid.Length - 1) / (max - 1))]).ToArray();
    }

    static void Check(CrepsModel m, Latent latent, double[] rows, double[] cols, string what)
    {
        using var gen = new CpuGenerator(m);
        float[] ours = gen.Render(latent, rows, cols);
        double[] reference = ReferenceGenerator.Render(m, latent, rows, cols);
        Assert.That(FloatAssert.Range(reference, what + " (reference)"), Is.GreaterThan(0.05), $"{what}: reference output is degenerate");
        FloatAssert.MaxAbs(ours, reference, 1e-4, what);
    }

    [TestCaseSource(nameof(Layouts))]
    public void OfficialScales(string layout)
    {
        var m = TestModels.Random(Config(layout));
        int max = layout == "wide" ? 10 : 20;
        foreach (double scale in new[] { 0.5, 1.0, 1.37, 2.0 })
        {
            var g = Grid.Official(m.Config.ImgResolution, scale);
            Check(m, Latent.FromSeed(m, 5), Subset(g, max), Subset(g.Reverse().ToArray(), max), $"{layout} scale {scale}");
        }
    }

    [TestCaseSource(nameof(Layouts))]
    public void TruncatedZoomedAndExtrapolated(string layout)
    {
        var m = TestModels.Random(Config(layout));
        int n = layout == "wide" ? 8 : 16;
        Check(m, Latent.FromSeed(m, 9, 0.7f), Grid.Centers(0.4, 0.45, n), Grid.Centers(0.61, 0.66, n + 3), $"{layout} psi 0.7 zoomed");
        Check(m, Latent.FromSeed(m, 9, 0.7f, cutoff: 3), Grid.Centers(-1.5, 2.5, n), Grid.Linspace(1.2, 3.0, n), $"{layout} psi 0.7 cutoff 3 extrapolated");
    }

    [TestCaseSource(nameof(Layouts))]
    public void DifferentWPerLayer(string layout)
    {
        var m = TestModels.Random(Config(layout));
        var c = m.Config;
        var ws = new float[c.NumWs * c.WDim];
        for (int i = 0; i < c.NumWs; i++)
            Latent.FromSeed(m, (uint)(100 + i)).W(0).CopyTo(ws.AsSpan(i * c.WDim));
        int n = layout == "wide" ? 8 : 16;
        var file = Path.Combine(Path.GetTempPath(), $"creps-ws-{Guid.NewGuid():N}.f32");
        File.WriteAllBytes(file, System.Runtime.InteropServices.MemoryMarshal.AsBytes(ws.AsSpan()).ToArray());
        try { Check(m, Latent.FromWsFile(m, file), Grid.Centers(0, 1, n), Grid.Centers(0, 1, n + 1), $"{layout} ws file mix"); }
        finally { File.Delete(file); }
    }

    [Test]
    public void ReferenceMatchesOfficialOutputs()
    {
        // The reference itself is checked against the official generator, so agreeing with it means something.
        var cases = Fixtures.Cases().Where(c => c.Name is "seed2_s1" or "zoom_rect" or "wsmix_s1").ToList();
        Assert.That(cases.Select(c => c.ToString()), Is.EquivalentTo(Fixtures.Layouts.SelectMany(l => new[] { $"{l}/seed2_s1", $"{l}/zoom_rect", $"{l}/wsmix_s1" })),
            "the fixture cases this test names exist (a filter matching nothing would pass)");
        foreach (var c in cases)
        {
            var m = Fixtures.Model(c.Layout);
            var reference = ReferenceGenerator.Render(m, c.Latent(m), c.Rows, c.Cols).Select(v => (float)v).ToArray();
            FloatAssert.WithinRange(reference, Fixtures.ReadF32(Path.Combine(c.Dir, c.Output)), 1e-4, $"reference {c}");
        }
    }
}
