using Creps.Render.Coordinates;
using Creps.Render.Cpu;
using Creps.Render.Latents;

namespace Creps.Tests;

/// <summary><c>--cutoff</c> and <c>--z FILE</c> end to end, against expectations made here from the mapping's output and the official z file.</summary>
public class CliLatentTests
{
    string _dir = "";

    [SetUp] public void MakeDir() => Directory.CreateDirectory(_dir = Path.Combine(Path.GetTempPath(), $"creps-latent-{Guid.NewGuid():N}"));
    [TearDown] public void RemoveDir() => Directory.Delete(_dir, true);

    float[] RenderF32(string layout, params string[] args)
    {
        string f32 = Path.Combine(_dir, $"{Guid.NewGuid():N}.f32");
        var r = CliRenderTests.Run(["render", "--model", Path.Combine(Fixtures.Official, layout, "weights.safetensors"), .. args, "--out", f32]);
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        return Fixtures.ReadF32(f32);
    }

    [Test]
    public void CutoffTruncatesOnlyTheFirstKWs()
    {
        var m = Fixtures.Model("public-small");
        var c = m.Config;
        const float psi = 0.6f;
        const int cutoff = 3;
        // The mapping's output: without truncation every one of the num_ws rows is the same w.
        var mapped = Latent.FromSeed(m, 5).All.ToArray();
        for (int i = 1; i < c.NumWs; i++)
            Assert.That(mapped.AsSpan(i * c.WDim, c.WDim).SequenceEqual(mapped.AsSpan(0, c.WDim)), $"ws row {i} differs from row 0 before truncation");
        // Truncation as the official code does it (w_avg.lerp(w, psi), float32), on the first `cutoff` rows only.
        var ws = (float[])mapped.Clone();
        for (int i = 0; i < cutoff; i++)
            for (int k = 0; k < c.WDim; k++) ws[i * c.WDim + k] = m.WAvg[k] + psi * (mapped[i * c.WDim + k] - m.WAvg[k]);

        double[] rows = Grid.Centers(0, 1, 6), cols = Grid.Centers(0, 1, 8);
        float[] ours = RenderF32("public-small", "--seed", "5", "--psi", "0.6", "--cutoff", $"{cutoff}", "--size", "8x6");
        using var gen = new CpuGenerator(m);
        FloatAssert.BitEqual(ours, gen.Render(new Latent(ws, c.NumWs, c.WDim), rows, cols), "--cutoff 3 vs the truncation made here");
        Assert.That(FloatAssert.Diff(ours, gen.Render(Latent.FromSeed(m, 5, psi), rows, cols), "psi on every ws").MaxAbs, Is.GreaterThan(1e-3),
            "the cutoff changes the image (psi on every ws is another image)");
        Assert.That(FloatAssert.Diff(ours, gen.Render(Latent.FromSeed(m, 5), rows, cols), "no truncation").MaxAbs, Is.GreaterThan(1e-3));
    }

    [Test]
    public void ZFileRendersTheOfficialSeedTwoOutput()
    {
        // z_seed2.f32 was written by the official tools (RandomState(2).randn as float32); case seed2_s1 is their render of it.
        foreach (var layout in Fixtures.Layouts)
        {
            var kase = Fixtures.Cases().Single(k => k.Layout == layout && k.Name == "seed2_s1");
            Assert.That((kase.Psi, kase.Cutoff, kase.WsFile), Is.EqualTo((1f, (int?)null, (string?)null)));
            string z = Path.Combine(_dir, "z.f32");
            File.Copy(Path.Combine(Fixtures.Official, layout, "z_seed2.f32"), z);
            string[] grid = ["--rows", "@" + CliRenderTests.WriteCoords(_dir, "rows.txt", kase.Rows), "--cols", "@" + CliRenderTests.WriteCoords(_dir, "cols.txt", kase.Cols)];
            float[] ours = RenderF32(layout, ["--z", z, .. grid]);
            FloatAssert.WithinRange(ours, Fixtures.ReadF32(Path.Combine(kase.Dir, kase.Output)), 1e-4, $"{layout} --z z_seed2.f32 vs the official output");
            FloatAssert.BitEqual(ours, RenderF32(layout, ["--seed", "2", .. grid]), $"{layout} --z z_seed2.f32 vs --seed 2");
            File.Delete(z);
        }
    }
}
