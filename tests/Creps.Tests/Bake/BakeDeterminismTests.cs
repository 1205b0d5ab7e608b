using Creps.Render;
using Creps.Render.Bake;
using Creps.Render.Cpu;
using Creps.Render.IO;
using Creps.Render.Latents;
using Creps.Render.Model;
using static Creps.Tests.Bake.BakeHarness;

namespace Creps.Tests.Bake;

/// <summary>The same bake gives the same bytes whatever the tile size, thread count, column banding or tile backend.</summary>
public class BakeDeterminismTests
{
    [TestCase("png8", "t.png")]
    [TestCase("ktx2-f16", "t.ktx2")]
    public void SameBytesWhateverTileSizeAndThreads(string format, string name)
    {
        string dir = TempDir();
        byte[] Bake(string tile, string threads)
        {
            string file = Path.Combine(dir, $"{tile}-{threads}-{name}");
            var r = RunBake(["--seed", "9", "--size", "37x29", "--format", format, "--mips", "--supersample", "3", "--tile", tile, "--threads", threads, "--out", file]);
            Assert.That(r.Code, Is.EqualTo(0), r.ToString());
            return File.ReadAllBytes(file);
        }
        var reference = Bake("64", "2");
        Assert.That(Bake("5", "1"), Is.EqualTo(reference), "tile 5, 1 thread");
        Assert.That(Bake("16", "2"), Is.EqualTo(reference), "tile 16, 2 threads");
    }

    /// <summary>Column bands from a tiny line budget give the bytes of one band.</summary>
    [Test]
    public void ColumnBandsGiveTheSameBytes()
    {
        var m = Fixtures.Model("public-tiny");
        var latent = Latent.FromSeed(m, 4);
        var spec = new BakeSpec(45, 21, 0.1, -0.2, 0.8, 0.9, 2, true, BakeFormat.Ktx2);
        using var cpu = new CpuGenerator(m);
        string dir = TempDir();
        byte[] Bake(IGenerator tiles, long budget, string name)
        {
            string file = Path.Combine(dir, name);
            using (var set = new AtomicFileSet(false))
            {
                using (var sink = TextureOutputs.Open(set, spec, file))
                    TextureBaker.Bake(tiles, latent, spec, Shard.Whole, sink, new BakeSettings { Tile = 8, ColumnLineBudget = budget });
                set.Commit();
            }
            return File.ReadAllBytes(file);
        }
        var reference = Bake(cpu, long.MaxValue, "native.ktx2");
        Assert.That(TextureBaker.ColumnBand(45 * 1, 2, 8, cpu.LineBytesPerCoordinate, 8 * 2 * cpu.LineBytesPerCoordinate), Is.EqualTo(8), "budget of one tile → bands of one tile");
        Assert.That(Bake(cpu, 8 * 2 * cpu.LineBytesPerCoordinate, "banded.ktx2"), Is.EqualTo(reference), "column bands of one tile");
    }
}
