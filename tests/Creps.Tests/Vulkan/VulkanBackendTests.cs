using Creps.Render.Cpu;
using Creps.Render.Imaging;

namespace Creps.Tests.Vulkan;

/// <summary>The Vulkan backend against the CPU backend and the official outputs (../shared/fixtures/official).</summary>
[NonParallelizable]
public class VulkanBackendTests : VulkanTestBase
{
    public static IEnumerable<Fixtures.Case> Cases => Fixtures.Cases();

    /// <summary>The acceptance bound on [−1, 1] output: max abs ≤ 2e-3 and mean abs ≤ 1e-4, relative to the range when it is wider.</summary>
    public static void AssertClose(float[] ours, float[] expected, string what)
    {
        double scale = Math.Max(FloatAssert.Range(expected, what + " (expected)"), 2.0) / 2.0;   // clamp_stress reaches thousands
        FloatAssert.Close(ours, expected, 2e-3, 1e-4, scale, what);
    }

    [TestCaseSource(nameof(Cases))]
    public void MatchesCpuAndOfficial(Fixtures.Case c)
    {
        var model = Fixtures.Model(c.Layout);
        var latent = c.Latent(model);
        var gen = VulkanFixture.Generator(c.Layout);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        float[] ours = gen.Render(latent, c.Rows, c.Cols);
        TestContext.Out.WriteLine($"vulkan render {sw.ElapsedMilliseconds} ms");
        using var cpu = new CpuGenerator(model);
        AssertClose(ours, cpu.Render(latent, c.Rows, c.Cols), $"{c} vs cpu");
        AssertClose(ours, Fixtures.ReadF32(Path.Combine(c.Dir, c.Output)), $"{c} vs official");
    }

    [TestCaseSource(typeof(OfficialFixtureTests), nameof(OfficialFixtureTests.PngCases))]
    public void EightBitMatchesOfficialPng(Fixtures.Case c)
    {
        var model = Fixtures.Model(c.Layout);
        float[] ours = VulkanFixture.Generator(c.Layout).Render(c.Latent(model), c.Rows, c.Cols);
        var png = PngDecoder.Decode(Path.Combine(c.Dir, c.Png!));
        int h = c.Rows.Length, w = c.Cols.Length;
        var expected = new byte[3 * h * w];
        for (int ch = 0; ch < 3; ch++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) expected[(ch * h + y) * w + x] = (byte)png.At(y, x, ch);
        AssertBytesClose(FloatAssert.EightBit(ours, c.ToString()), expected, c.ToString());
    }

    /// <summary>8-bit acceptance: ≥ 99.9% of values equal, none off by more than 1.</summary>
    public static void AssertBytesClose(byte[] ours, byte[] expected, string what)
    {
        Assert.That(ours, Has.Length.EqualTo(expected.Length));
        int differ = 0, worst = 0;
        for (int i = 0; i < ours.Length; i++)
        {
            int d = Math.Abs(ours[i] - expected[i]);
            if (d != 0) differ++;
            worst = Math.Max(worst, d);
        }
        TestContext.Out.WriteLine($"{what}: {differ} of {ours.Length} 8-bit values differ, worst by {worst}");
        Assert.That(worst, Is.LessThanOrEqualTo(1), $"{what}: an 8-bit value is off by {worst}");
        Assert.That(differ, Is.LessThanOrEqualTo(ours.Length / 1000), $"{what}: {differ} of {ours.Length} 8-bit values differ");
    }
}

/// <summary>The core's synthetic layouts (random weights), up to the official 256 configuration (B 32, 1024 channels, 6 stages).</summary>
[NonParallelizable]
public class VulkanLayoutTests : VulkanTestBase
{
    // The core's three layouts and the official one, calibrated to about [−1, 1] (TestModels); each new shape
    // costs lavapipe a pipeline compile of half a minute or so.
    [TestCase("tiny")]
    [TestCase("small")]
    [TestCase("wide")]
    [TestCase("official256")]
    public void MatchesCpuOnSyntheticLayout(string layout)
    {
        var model = TestModels.Random(Creps.Render.Model.SyntheticModel.Layout(layout), seed: 5);
        var latent = Creps.Render.Latents.Latent.FromSeed(model, 4, psi: 0.7f);
        // A small panned, zoomed region: the 1024-channel line GEMMs and the full per-pixel pass (≈ 23 k loop
        // iterations per invocation for B = 32, under llvmpipe's silent 65 535 limit) on few pixels.
        double[] rows = Creps.Render.Coordinates.Grid.Centers(0.3, 0.45, 10), cols = Creps.Render.Coordinates.Grid.Centers(-0.2, 0.1, 12);
        using var gen = new Creps.Render.Vulkan.VulkanGenerator(model, VulkanFixture.Context);
        float[] ours = gen.Render(latent, rows, cols);
        using var cpu = new CpuGenerator(model);
        VulkanBackendTests.AssertClose(ours, cpu.Render(latent, rows, cols), $"synthetic {layout} vs cpu");
    }
}
