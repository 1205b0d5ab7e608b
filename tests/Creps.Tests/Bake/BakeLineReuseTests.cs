using Creps.Render;
using Creps.Render.Bake;
using Creps.Render.Cpu;
using Creps.Render.IO;
using Creps.Render.Latents;
using static Creps.Tests.Bake.BakeHarness;

namespace Creps.Tests.Bake;

/// <summary>Lines that neighbouring tiles share are computed once: columns once per level, rows once per band.</summary>
public class BakeLineReuseTests
{
    [Test]
    public void EveryRowAndColumnLineIsComputedOncePerLevel()
    {
        var m = Fixtures.Model("public-tiny");
        using var cpu = new CpuGenerator(m);
        var counting = new Counting(cpu);
        var spec = new BakeSpec(50, 30, 0, 0, 1, 1, 2, true, BakeFormat.Png8);
        string dir = TempDir();
        using (var set = new AtomicFileSet(false))
        {
            using (var sink = TextureOutputs.Open(set, spec, Path.Combine(dir, "t.png")))
                TextureBaker.Bake(counting, Latent.FromSeed(m, 1), spec, Shard.Whole, sink, new BakeSettings { Tile = 8 });
            set.Commit();
        }
        long expectedRows = spec.Levels.Sum(l => (long)l.H * 2), expectedCols = spec.Levels.Sum(l => (long)l.W * 2);
        Assert.That(counting.Coords[Axis.Cols], Is.EqualTo(expectedCols), "column coordinates through the line pass");
        Assert.That(counting.Calls[Axis.Cols], Is.EqualTo(spec.Levels.Count), "one column line pass per level");
        Assert.That(counting.Coords[Axis.Rows], Is.EqualTo(expectedRows), "row coordinates through the line pass");
        Assert.That(counting.Pixels, Is.EqualTo(spec.Levels.Sum(l => (long)l.W * l.H * 4)), "every sample rendered once");
    }

    /// <summary>Forwards to a real backend and counts what goes through the tile contract.</summary>
    sealed class Counting(IGenerator inner) : IGenerator
    {
        public Creps.Render.Model.CrepsModel Model => inner.Model;
        public string Name => inner.Name;
        public string DeviceDescription => inner.DeviceDescription;
        public float[] Render(Latent latent, ReadOnlySpan<double> rows, ReadOnlySpan<double> cols) => inner.Render(latent, rows, cols);
        public void Dispose() { }
        public readonly Dictionary<Axis, long> Coords = new() { [Axis.Rows] = 0, [Axis.Cols] = 0 };
        public readonly Dictionary<Axis, int> Calls = new() { [Axis.Rows] = 0, [Axis.Cols] = 0 };
        public long Pixels;
        public long LineBytesPerCoordinate => inner.LineBytesPerCoordinate;

        public LineSet ComputeLines(Latent latent, ReadOnlySpan<double> coords, Axis axis)
        {
            Coords[axis] += coords.Length;
            Calls[axis]++;
            return inner.ComputeLines(latent, coords, axis);
        }

        public void RenderTile(Latent latent, LineSet rows, LineSet cols, TileRect tile, PlanarView dst)
        {
            Pixels += tile.Pixels;
            inner.RenderTile(latent, rows, cols, tile, dst);
        }
    }
}
