using Creps.Render.Coordinates;
using Creps.Render.Cpu;
using Creps.Render.Latents;

namespace Creps.Tests;

/// <summary>README: <c>CpuGenerator</c> is thread-safe (styles cached per latent) — one generator rendering from several threads at once.</summary>
public class CpuConcurrencyTests
{
    [Test]
    public void RendersFromSeveralThreadsAtOnceEqualOneAtATime()
    {
        var m = Fixtures.Model("public-small");
        using var gen = new CpuGenerator(m);
        // More latents than the style cache holds (8), so threads also evict each other's styles.
        var jobs = Enumerable.Range(0, 12).Select(i => (Latent: Latent.FromSeed(m, (uint)(20 + i), i % 3 == 0 ? 0.7f : 1f),
            Rows: Grid.Centers(0.1 * i, 0.1 * i + 0.6, 23), Cols: Grid.Centers(-0.3, 0.05 * i + 0.4, 31))).ToArray();
        float[][] sequential = jobs.Select(j => gen.Render(j.Latent, j.Rows, j.Cols)).ToArray();

        var concurrent = new float[jobs.Length][];
        var tiled = new float[jobs.Length][];
        using var start = new Barrier(6);
        var threads = Enumerable.Range(0, 6).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (int k = t; k < jobs.Length; k += 6)
            {
                var (latent, rows, cols) = jobs[k];
                concurrent[k] = gen.Render(latent, rows, cols);
                // The tile API from the same threads: lines once, then two tiles.
                using var rl = gen.ComputeLines(latent, rows, Axis.Rows);
                using var cl = gen.ComputeLines(latent, cols, Axis.Cols);
                var img = PlanarView.Allocate(cols.Length, rows.Length);
                gen.RenderTile(latent, rl, cl, new TileRect(0, 0, 10, cols.Length), img);
                gen.RenderTile(latent, rl, cl, new TileRect(10, 0, rows.Length - 10, cols.Length), img.At(10, 0));
                tiled[k] = img.Data;
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => Assert.That(t.Join(TimeSpan.FromMinutes(2)), "a render thread did not finish"));
        for (int k = 0; k < jobs.Length; k++)
        {
            FloatAssert.BitEqual(concurrent[k], sequential[k], $"job {k}: concurrent Render vs one at a time");
            FloatAssert.BitEqual(tiled[k], sequential[k], $"job {k}: concurrent tiles vs one at a time");
        }
    }
}
