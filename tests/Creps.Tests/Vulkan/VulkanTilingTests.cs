using Creps.Render;
using Creps.Render.Coordinates;
using Creps.Render.Cpu;
using Creps.Render.Latents;
using Creps.Render.Vulkan;

namespace Creps.Tests.Vulkan;

/// <summary>Tiles, bands and the device-memory budget.</summary>
[NonParallelizable]
public class VulkanTilingTests : VulkanTestBase
{
    [Test]
    public void TiledRenderEqualsOneDispatchBitForBit()
    {
        var model = Fixtures.Model("public-tiny");
        var latent = Latent.FromSeed(model, 3);
        double[] rows = Grid.Centers(0.1, 0.8, 700), cols = Grid.Centers(-0.2, 1.2, 1000);
        using var one = new VulkanGenerator(model, VulkanFixture.Context, new VulkanGeneratorOptions { MaxTile = 1024 });
        using var tiled = new VulkanGenerator(model, VulkanFixture.Context, new VulkanGeneratorOptions { MaxTile = 256 });
        float[] whole = one.Render(latent, rows, cols);
        float[] banded = tiled.Render(latent, rows, cols);   // row lines per 256-row band, pixels per 256² tile
        FloatAssert.BitEqual(banded, whole, "256-px tiles (banded lines) vs the one-dispatch render");

        // The tile API: lines once per axis, then 256² tiles (corner, interior and ragged edge ones) read back.
        using var rl = tiled.ComputeLines(latent, rows, Axis.Rows);
        using var cl = tiled.ComputeLines(latent, cols, Axis.Cols);
        foreach (var (r0, c0) in new[] { (0, 0), (256, 512), (512, 768) })
        {
            int nr = Math.Min(256, rows.Length - r0), nc = Math.Min(256, cols.Length - c0);
            var tile = new float[3 * nr * nc];
            tiled.RenderTile(latent, rl, cl, new TileRect(r0, c0, nr, nc), new PlanarView(tile, nc, nr));
            var expected = new float[tile.Length];
            for (int ch = 0; ch < 3; ch++)
                for (int i = 0; i < nr; i++)
                    for (int j = 0; j < nc; j++) expected[(ch * nr + i) * nc + j] = whole[(ch * rows.Length + r0 + i) * cols.Length + c0 + j];
            FloatAssert.BitEqual(tile, expected, $"tile ({r0},{c0}) vs the one-dispatch render");
        }
    }

    [Test]
    public void DeviceMemoryDoesNotGrowWithOutputSize()
    {
        var model = Fixtures.Model("public-tiny");
        var latent = Latent.FromSeed(model, 1);
        var opts = new VulkanGeneratorOptions { MaxTile = 64, BudgetBytes = 64L << 20 };
        ulong Peak(int w, int h)
        {
            using var g = new VulkanGenerator(model, VulkanFixture.Context, opts);
            g.Render(latent, Grid.Centers(0, 1, h), Grid.Centers(0, 1, w));
            return g.PeakDeviceBytes;
        }
        ulong small = Peak(64, 64), large = Peak(320, 256);
        TestContext.Out.WriteLine($"peak device memory: 64x64 {small >> 20} MiB, 320x256 {large >> 20} MiB");
        Assert.That(large, Is.EqualTo(small), "device memory grew with the output size");
        Assert.That(large, Is.LessThanOrEqualTo((ulong)opts.BudgetBytes));
    }

    [Test]
    public void TooSmallBudgetIsOneClearError()
    {
        var model = Fixtures.Model("public-tiny");
        // Below the allocator's block size: refused up front, not accepted and then exceeded.
        var e = Assert.Throws<RenderLimitException>(() => new VulkanGenerator(model, VulkanFixture.Context, new VulkanGeneratorOptions { BudgetBytes = 1 << 16 }));
        Assert.That(e!.Message, Is.EqualTo("a device-memory budget of 64 KiB is below the minimum of 32 MiB (the allocator holds blocks of 16 MiB: one device-local, one host-visible)"));
        // At the minimum, a render too wide for it says what it needs and the limit, as the CPU backend's line limit does.
        using var g = new VulkanGenerator(model, VulkanFixture.Context, new VulkanGeneratorOptions { BudgetBytes = VulkanGeneratorOptions.MinBudgetBytes });
        var wide = Assert.Throws<RenderLimitException>(() => g.Render(Latent.FromSeed(model, 1), Grid.Centers(0, 1, 1), Grid.Centers(0, 1, 1 << 20)));
        Assert.That(wide!.Message, Does.StartWith("1048576 columns (weights, styles, scratch, column lines and one 64-pixel tile) needs ")
            .And.Contain("of device memory; the limit is 32 MiB (33554432 bytes)").And.Not.Contain("\n"));
    }
}
