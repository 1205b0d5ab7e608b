using Creps.Render.Cpu;
using Creps.Render.Imaging;
using Creps.Render.Vulkan;

namespace Creps.Tests.Vulkan;

/// <summary>
/// The float16 per-pixel pass (shaderFloat16; lines stay float32): its error against the float32 CPU backend, measured
/// on the official cases. The bound is what half precision allows on [−1, 1] output, not the float32 acceptance bound.
/// </summary>
[NonParallelizable]
public class Fp16Tests : VulkanTestBase
{
    // One small case: lavapipe emulates float16 arithmetic slowly (and compiles the float16 pipeline for a minute under
    // load). Measured on more cases (BENCHMARKS.md): max abs ≤ 7.9e-3, mean abs ≤ 1.2e-3, 8-bit values off by ≤ 1.
    public static IEnumerable<Fixtures.Case> Cases => Fixtures.Cases().Where(c => c.Layout == "public-tiny" && c.Name == "seed7_psi0p7");

    [TestCaseSource(nameof(Cases))]
    public void Fp16PixelPassStaysWithinHalfPrecisionBound(Fixtures.Case c)
    {
        var ctx = VulkanFixture.Context;
        if (!ctx.Float16) Assert.Ignore($"{ctx} has no shaderFloat16");
        var model = Fixtures.Model(c.Layout);
        var latent = c.Latent(model);
        using var gen = new VulkanGenerator(model, ctx, new VulkanGeneratorOptions { Fp16 = true });
        float[] ours = gen.Render(latent, c.Rows, c.Cols);
        using var cpu = new CpuGenerator(model);
        float[] expected = cpu.Render(latent, c.Rows, c.Cols);
        var (max, _, mean) = FloatAssert.Diff(ours, expected, $"fp16 {c}");
        int differ = 0, worst = 0;
        for (int i = 0; i < ours.Length; i++)
        {
            int d = Math.Abs(PixelFormat.ToByte(ours[i]) - PixelFormat.ToByte(expected[i]));
            if (d != 0) differ++;
            worst = Math.Max(worst, d);
        }
        TestContext.Out.WriteLine($"fp16 {c}: max abs {max:G3}, mean abs {mean:G3}; 8-bit: {differ} of {ours.Length} differ ({100.0 * differ / ours.Length:F2}%), worst by {worst}");
        Assert.That(max, Is.LessThanOrEqualTo(0.02), "fp16 max abs");
        Assert.That(mean, Is.LessThanOrEqualTo(3e-3), "fp16 mean abs");
        Assert.That(worst, Is.LessThanOrEqualTo(1), "fp16 8-bit values off by more than 1");
    }
}
