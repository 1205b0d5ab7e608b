using Creps.Render.Cpu;
using Creps.Render.Imaging;

namespace Creps.Tests;

/// <summary>
/// The production CPU backend against outputs of the official PyTorch generator (../shared/fixtures/official), with each
/// dense kernel forced (the 512-bit one skipped where the CPU has no AVX-512F).
/// </summary>
[TestFixture(CpuKernel.Avx2)]
[TestFixture(CpuKernel.Avx512)]
public class OfficialFixtureTests(CpuKernel kernel)
{
    public static IEnumerable<Fixtures.Case> Cases => Fixtures.Cases();

    [SetUp]
    public void RequireKernel() => KernelTests.Require(kernel);

    [TestCaseSource(nameof(Cases))]
    public void CpuMatchesOfficialOutput(Fixtures.Case c)
    {
        var model = Fixtures.Model(c.Layout);
        using var gen = new CpuGenerator(model, kernel: kernel);
        float[] ours = gen.Render(c.Latent(model), c.Rows, c.Cols);
        float[] official = Fixtures.ReadF32(Path.Combine(c.Dir, c.Output));
        Assert.That(ours, Has.Length.EqualTo(official.Length));
        Compare.WithinRange(ours, official, 1e-4, c.ToString());
    }

    [TestCaseSource(nameof(Cases))]
    public void EightBitMatchesOfficialPng(Fixtures.Case c)
    {
        if (c.Png == null) Assert.Ignore("case has no PNG");
        var model = Fixtures.Model(c.Layout);
        using var gen = new CpuGenerator(model, kernel: kernel);
        float[] ours = gen.Render(c.Latent(model), c.Rows, c.Cols);
        var png = PngDecoder.Decode(Path.Combine(c.Dir, c.Png!));
        int h = c.Rows.Length, w = c.Cols.Length;
        Assert.That((png.Width, png.Height), Is.EqualTo((w, h)));
        int worst = 0;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int ch = 0; ch < 3; ch++)
                    worst = Math.Max(worst, Math.Abs(PixelFormat.ToByte(ours[(ch * h + y) * w + x]) - png.At(y, x, ch)));
        Assert.That(worst, Is.LessThanOrEqualTo(1), $"{c}: an 8-bit value is off by {worst}");
    }
}

public static class Compare
{
    /// <summary>max |a − b| ≤ tol × (range of b, at least 1e-6).</summary>
    public static double WithinRange(float[] ours, float[] expected, double tol, string what)
    {
        double lo = expected.Min(), hi = expected.Max(), range = Math.Max(hi - lo, 1e-6);
        double worst = 0; int at = -1;
        for (int i = 0; i < ours.Length; i++)
        {
            double d = Math.Abs((double)ours[i] - expected[i]);
            if (!(d <= worst)) { worst = d; at = i; }
        }
        Assert.That(worst / range, Is.LessThanOrEqualTo(tol), $"{what}: max abs {worst:G4} at {at} on a range of {range:G4} ({worst / range:G3} of range)");
        return worst / range;
    }

    public static double MaxAbs(float[] a, double[] b)
    {
        double worst = 0;
        for (int i = 0; i < a.Length; i++) worst = Math.Max(worst, Math.Abs(a[i] - b[i]));
        return worst;
    }
}
