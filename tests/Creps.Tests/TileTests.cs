using Creps.Render.Coordinates;
using Creps.Render.Cpu;
using Creps.Render.Latents;

namespace Creps.Tests;

/// <summary>Any split of a region into tiles is the same image, bit for bit, with each dense kernel forced.</summary>
[TestFixture(CpuKernel.Avx2)]
[TestFixture(CpuKernel.Avx512)]
public class TileTests(CpuKernel kernel)
{
    const int W = 300, H = 200;

    [SetUp]
    public void RequireKernel() => KernelTests.Require(kernel);

    (CpuGenerator Gen, Latent Latent, double[] Rows, double[] Cols, float[] Whole) Setup()
    {
        var m = Fixtures.Model("public-small");
        var gen = new CpuGenerator(m, kernel: kernel);
        var latent = Latent.FromSeed(m, 3);
        var rows = Grid.Centers(0.2, 1.3, H);
        var cols = Grid.Centers(-0.4, 0.9, W);
        return (gen, latent, rows, cols, gen.Render(latent, rows, cols));
    }

    static IEnumerable<int[]> Cuts(int n)
    {
        yield return Enumerable.Range(0, (n + 63) / 64).Select(i => i * 64).Append(n).ToArray();       // 64-px tiles
        yield return new[] { 0, 1, 2, 37, 38, 101, n - 1, n };                                          // uneven, 1-px tiles
        yield return Enumerable.Range(0, n + 1).Where(i => i % 97 == 0 || i == n).ToArray();            // odd stride
    }

    [Test]
    public void TilesWithSharedLinesEqualWholeRender()
    {
        var (gen, latent, rows, cols, whole) = Setup();
        AssertSharedLineTilesEqual(gen, latent, rows, cols, whole);
    }

    [Test]
    public void TilesWithTheirOwnLinesEqualWholeRender()
    {
        var (gen, latent, rows, cols, whole) = Setup();
        AssertOwnLineTilesEqual(gen, latent, rows, cols, whole);
    }

    /// <summary>Lines once per axis, then the region cut by every pair of <see cref="Cuts"/>: each must equal <paramref name="whole"/>.</summary>
    public static void AssertSharedLineTilesEqual(IGenerator gen, Latent latent, double[] rows, double[] cols, float[] whole)
    {
        int h = rows.Length, w = cols.Length;
        using var rl = gen.ComputeLines(latent, rows, Axis.Rows);
        using var cl = gen.ComputeLines(latent, cols, Axis.Cols);
        foreach (var rc in Cuts(h))
            foreach (var cc in Cuts(w))
            {
                var tiled = new float[whole.Length];
                for (int a = 0; a + 1 < rc.Length; a++)
                    for (int b = 0; b + 1 < cc.Length; b++)
                        gen.RenderTile(latent, rl, cl, new TileRect(rc[a], cc[b], rc[a + 1] - rc[a], cc[b + 1] - cc[b]), new PlanarView(tiled, w, h, rc[a], cc[b]));
                FloatAssert.BitEqual(tiled, whole, $"row cuts {string.Join(",", rc)} col cuts {string.Join(",", cc)}");
            }
    }

    /// <summary>
    /// Lines computed per tile from the tile's own coordinates (the chunking of the line pass must not matter), for a
    /// 300×200 region: every tile must equal its part of <paramref name="whole"/>.
    /// </summary>
    public static void AssertOwnLineTilesEqual(IGenerator gen, Latent latent, double[] rows, double[] cols, float[] whole)
    {
        int h = rows.Length, w = cols.Length;
        int[] rc = [0, 1, 45, 46, 130, h], cc = [0, 7, 8, 200, 299, w];
        var tiled = new float[whole.Length];
        for (int a = 0; a + 1 < rc.Length; a++)
            for (int b = 0; b + 1 < cc.Length; b++)
            {
                int nr = rc[a + 1] - rc[a], nc = cc[b + 1] - cc[b];
                using var rl = gen.ComputeLines(latent, rows.AsSpan(rc[a], nr), Axis.Rows);
                using var cl = gen.ComputeLines(latent, cols.AsSpan(cc[b], nc), Axis.Cols);
                gen.RenderTile(latent, rl, cl, new TileRect(0, 0, nr, nc), new PlanarView(tiled, w, h, rc[a], cc[b]));
            }
        FloatAssert.BitEqual(tiled, whole, "tiles with their own lines");
    }

    [Test]
    public void SingleThreadEqualsAllThreads()
    {
        var (_, latent, rows, cols, whole) = Setup();
        using var one = new CpuGenerator(Fixtures.Model("public-small"), threads: 1, kernel: kernel);
        FloatAssert.BitEqual(one.Render(latent, rows, cols), whole, "1 thread vs all threads");
    }
}
