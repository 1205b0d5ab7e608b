using Creps.Render.Cpu;

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
    /// <summary>The cases the official tools also wrote an 8-bit PNG for.</summary>
    public static IEnumerable<Fixtures.Case> PngCases => Fixtures.Cases().Where(c => c.Png != null);

    [SetUp]
    public void RequireKernel() => KernelTests.Require(kernel);

    [TestCaseSource(nameof(Cases))]
    public void CpuMatchesOfficialOutput(Fixtures.Case c)
    {
        var model = Fixtures.Model(c.Layout);
        using var gen = new CpuGenerator(model, kernel: kernel);
        float[] ours = gen.Render(c.Latent(model), c.Rows, c.Cols);
        float[] official = Fixtures.ReadF32(Path.Combine(c.Dir, c.Output));
        FloatAssert.WithinRange(ours, official, 1e-4, c.ToString());
    }

    [TestCaseSource(nameof(PngCases))]
    public void EightBitMatchesOfficialPng(Fixtures.Case c)
    {
        var model = Fixtures.Model(c.Layout);
        using var gen = new CpuGenerator(model, kernel: kernel);
        byte[] ours = FloatAssert.EightBit(gen.Render(c.Latent(model), c.Rows, c.Cols), c.ToString());
        var png = PngDecoder.Decode(Path.Combine(c.Dir, c.Png!));
        int h = c.Rows.Length, w = c.Cols.Length;
        Assert.That((png.Width, png.Height), Is.EqualTo((w, h)));
        int worst = 0;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int ch = 0; ch < 3; ch++)
                    worst = Math.Max(worst, Math.Abs(ours[(ch * h + y) * w + x] - png.At(y, x, ch)));
        Assert.That(worst, Is.LessThanOrEqualTo(1), $"{c}: an 8-bit value is off by {worst}");
    }
}
