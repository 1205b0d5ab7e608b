using Creps.Render.Coordinates;
using Creps.Render.Cpu;
using Creps.Render.Latents;

namespace Creps.Tests;

/// <summary>
/// <c>creps render</c>'s options against expectations made here. Coordinates written out by hand: <c>--size WxH --region x0,y0,x1,y1</c> is pixel
/// centres with x along the width (columns) and y along the height (rows); <c>linspace:</c> includes both ends,
/// <c>centers:</c> is pixel centres, <c>@FILE</c> one number per line. Latents: <c>--cutoff</c> against a truncation
/// computed here from the mapping's output, <c>--z FILE</c> with the official tools' z file.
/// </summary>
public class CliOptionTests
{
    string _dir = "";

    [SetUp] public void MakeDir() => Directory.CreateDirectory(_dir = Path.Combine(Path.GetTempPath(), $"creps-options-{Guid.NewGuid():N}"));
    [TearDown] public void RemoveDir() => Directory.Delete(_dir, true);

    /// <summary><c>creps render --model LAYOUT ARGS --out X.f32</c>, read back as planar [3][H][W].</summary>
    float[] RenderF32(string layout, params string[] args)
    {
        string f32 = Path.Combine(_dir, $"{Guid.NewGuid():N}.f32");
        var r = CliRenderTests.Run(["render", "--model", Path.Combine(Fixtures.Official, layout, "weights.safetensors"), .. args, "--out", f32]);
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        return Fixtures.ReadF32(f32);
    }

    /// <summary>Seed 3 on public-small, the coordinate tests' image.</summary>
    float[] RenderSeed3(params string[] args) => RenderF32("public-small", ["--seed", "3", .. args]);

    /// <summary>The CPU backend at coordinates given here, not computed by the code under test.</summary>
    static float[] At(double[] rows, double[] cols)
    {
        var m = Fixtures.Model("public-small");
        using var gen = new CpuGenerator(m);
        return gen.Render(Latent.FromSeed(m, 3), rows, cols);
    }

    // Coordinates differ from these literals by a few double ulps at most: far below what moves a float32 output.
    const double Tol = 1e-5;

    [Test]
    public void SizeAndRegionArePixelCentresWithXAlongTheWidth()
    {
        // x in [0.1, 0.7) over 5 columns: 0.1 + (j + ½)·0.12; y in [0.2, 0.5) over 3 rows: 0.2 + (i + ½)·0.1.
        double[] cols = [0.16, 0.28, 0.40, 0.52, 0.64], rows = [0.25, 0.35, 0.45];
        float[] ours = RenderSeed3("--size", "5x3", "--region", "0.1,0.2,0.7,0.5");
        Assert.That(ours, Has.Length.EqualTo(3 * 3 * 5), ".f32 is [3, H, W]");
        FloatAssert.WithinRange(ours, At(rows, cols), Tol, "--size 5x3 --region 0.1,0.2,0.7,0.5");
        // The same numbers with the axes swapped, or with edges instead of centres, are a different image.
        Assert.That(FloatAssert.Diff(ours, At(cols[..3], [.. rows, 0.55, 0.65]), "axes swapped").MaxAbs, Is.GreaterThan(1e-3));
        Assert.That(FloatAssert.Diff(ours, At([0.2, 0.35, 0.5], [0.1, 0.25, 0.4, 0.55, 0.7]), "edges").MaxAbs, Is.GreaterThan(1e-3));
    }

    [Test]
    public void SizeWithoutRegionCoversTheUnitSquare()
    {
        // [0, 1) over 4 columns and 2 rows.
        FloatAssert.WithinRange(RenderSeed3("--size", "4x2"), At([0.25, 0.75], [0.125, 0.375, 0.625, 0.875]), Tol, "--size 4x2");
    }

    [Test]
    public void LinspaceCentersAndFileSpecs()
    {
        FloatAssert.WithinRange(RenderSeed3("--rows", "linspace:0.2,0.6,3", "--cols", "centers:0.1,0.7,4"),
            At([0.2, 0.4, 0.6], [0.175, 0.325, 0.475, 0.625]), Tol, "linspace rows, centers cols");
        string file = Path.Combine(_dir, "rows.txt");
        File.WriteAllText(file, "0.3\n# a comment\n\n-0.9\n12.5\n");
        FloatAssert.WithinRange(RenderSeed3("--rows", "@" + file, "--cols", "linspace:-1,1,3"),
            At([0.3, -0.9, 12.5], [-1, 0, 1]), Tol, "@FILE rows, linspace cols");
    }

    [Test]
    public void GridFunctionsGiveTheDocumentedNumbers()
    {
        Assert.That(Grid.Centers(0.1, 0.7, 5), Is.EqualTo(new[] { 0.16, 0.28, 0.40, 0.52, 0.64 }).Within(1e-15));
        Assert.That(Grid.Linspace(0.2, 0.6, 3), Is.EqualTo(new[] { 0.2, 0.4, 0.6 }).Within(1e-15));
        Assert.That(Grid.Linspace(-1, 1, 5)[^1], Is.EqualTo(1.0), "linspace ends exactly at b");
        Assert.That(Grid.Official(16, 1.37), Has.Length.EqualTo(21), "int(16 · 1.37) = 21");
        Assert.That(AxisSpec.Parse("centers:2,3,4"), Is.EqualTo(new[] { 2.125, 2.375, 2.625, 2.875 }));
        // Adjacent regions tile exactly: the centres of [0, 0.5) and [0.5, 1) are those of [0, 1).
        Assert.That(Grid.Centers(0, 0.5, 4).Concat(Grid.Centers(0.5, 1, 4)), Is.EqualTo(Grid.Centers(0, 1, 8)).Within(1e-15));
    }

    [Test]
    public void CutoffTruncatesOnlyTheFirstKWs()
    {
        var m = Fixtures.Model("public-small");
        var c = m.Config;
        const float psi = 0.6f;
        const int cutoff = 3;
        // The mapping's output: without truncation every one of the num_ws rows is the same w.
        var mapped = Latent.FromSeed(m, 5).All.ToArray();
        for (int i = 1; i < c.NumWs; i++)
            Assert.That(mapped.AsSpan(i * c.WDim, c.WDim).SequenceEqual(mapped.AsSpan(0, c.WDim)), $"ws row {i} differs from row 0 before truncation");
        // Truncation as the official code does it (w_avg.lerp(w, psi), float32), on the first `cutoff` rows only.
        var ws = (float[])mapped.Clone();
        for (int i = 0; i < cutoff; i++)
            for (int k = 0; k < c.WDim; k++) ws[i * c.WDim + k] = m.WAvg[k] + psi * (mapped[i * c.WDim + k] - m.WAvg[k]);

        double[] rows = Grid.Centers(0, 1, 6), cols = Grid.Centers(0, 1, 8);
        float[] ours = RenderF32("public-small", "--seed", "5", "--psi", "0.6", "--cutoff", $"{cutoff}", "--size", "8x6");
        using var gen = new CpuGenerator(m);
        FloatAssert.BitEqual(ours, gen.Render(new Latent(ws, c.NumWs, c.WDim), rows, cols), "--cutoff 3 vs the truncation made here");
        Assert.That(FloatAssert.Diff(ours, gen.Render(Latent.FromSeed(m, 5, psi), rows, cols), "psi on every ws").MaxAbs, Is.GreaterThan(1e-3),
            "the cutoff changes the image (psi on every ws is another image)");
        Assert.That(FloatAssert.Diff(ours, gen.Render(Latent.FromSeed(m, 5), rows, cols), "no truncation").MaxAbs, Is.GreaterThan(1e-3));
    }

    [Test]
    public void ZFileRendersTheOfficialSeedTwoOutput()
    {
        // z_seed2.f32 was written by the official tools (RandomState(2).randn as float32); case seed2_s1 is their render of it.
        foreach (var layout in Fixtures.Layouts)
        {
            var kase = Fixtures.Cases().Single(k => k.Layout == layout && k.Name == "seed2_s1");
            Assert.That((kase.Psi, kase.Cutoff, kase.WsFile), Is.EqualTo((1f, (int?)null, (string?)null)));
            string z = Path.Combine(_dir, "z.f32");
            File.Copy(Path.Combine(Fixtures.Official, layout, "z_seed2.f32"), z);
            string[] grid = ["--rows", "@" + CliRenderTests.WriteCoords(_dir, "rows.txt", kase.Rows), "--cols", "@" + CliRenderTests.WriteCoords(_dir, "cols.txt", kase.Cols)];
            float[] ours = RenderF32(layout, ["--z", z, .. grid]);
            FloatAssert.WithinRange(ours, Fixtures.ReadF32(Path.Combine(kase.Dir, kase.Output)), 1e-4, $"{layout} --z z_seed2.f32 vs the official output");
            FloatAssert.BitEqual(ours, RenderF32(layout, ["--seed", "2", .. grid]), $"{layout} --z z_seed2.f32 vs --seed 2");
            File.Delete(z);
        }
    }
}
