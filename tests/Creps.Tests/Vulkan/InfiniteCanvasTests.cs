using Creps.Render;
using Creps.Render.Coordinates;
using Creps.Render.Cpu;
using Creps.Render.Latents;
using Creps.Tests.Reference;

namespace Creps.Tests.Vulkan;

/// <summary>
/// A region 0.05 wide far from the origin renders as exactly as one near it: phases are reduced in double precision on
/// the host (Coordinates/FourierPhase). Both backends stay within 0.5% of the region's per-channel variation against
/// the double-precision reference at t = 0.5, 1e4 and 1e5 (float32 phases are off by more than half the contrast at 1e5).
/// </summary>
[NonParallelizable]
public class InfiniteCanvasTests
{
    static readonly double[] Origins = [0.5, 1e4, 1e5];

    static void AssertNearReference(Func<IGenerator> make, double t, string what)
    {
        var model = Fixtures.Model("public-tiny");
        var latent = Latent.FromSeed(model, 2);
        double[] rows = Grid.Centers(t, t + 0.05, 12), cols = Grid.Centers(t + 0.01, t + 0.06, 12);
        double[] expected = ReferenceGenerator.Render(model, latent, rows, cols);
        var gen = make();
        float[] ours = gen.Render(latent, rows, cols);
        int plane = rows.Length * cols.Length;
        for (int ch = 0; ch < 3; ch++)
        {
            var e = expected.AsSpan(ch * plane, plane);
            double range = FloatAssert.Range(e, $"reference t={t:G} channel {ch}");
            var err = FloatAssert.MaxAbs(ours.AsSpan(ch * plane, plane), e, 0.005 * range, $"{what} at t = {t:G}, channel {ch} (range {range:G3})");
            TestContext.Out.WriteLine($"{what} t={t:G}: channel {ch} {err} of a range {range:G3} ({err.MaxAbs / range:P3})");
        }
    }

    [TestCaseSource(nameof(Origins))]
    public void CpuPannedRegionMatchesReference(double t) =>
        AssertNearReference(() => new CpuGenerator(Fixtures.Model("public-tiny")), t, "cpu");   // (nothing to dispose)

    [TestCaseSource(nameof(Origins))]
    public void VulkanPannedRegionMatchesReference(double t)
    {
        int before = VulkanFixture.MessageCount;
        AssertNearReference(() => VulkanFixture.Generator("public-tiny"), t, "vulkan");
        VulkanFixture.AssertNoValidationMessages(before);
    }
}
