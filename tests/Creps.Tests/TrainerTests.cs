using Creps.Render.Coordinates;
using Creps.Render.Cpu;
using Creps.Render.Latents;
using Creps.Render.Model;

namespace Creps.Tests;

/// <summary>Our trainer (train/, PyTorch) and the C# backend compute the same generator.</summary>
public class TrainerTests
{
    static string FixtureDir => Path.Combine(Fixtures.RepoRoot, "tests", "fixtures", "trainer");

    [Test]
    public void CpuBackendMatchesTrainerRender()
    {
        // render_seed3.f32 was written by train/make_fixture.py from the trainer's own generator (see the README beside it).
        var m = CrepsModel.Load(Path.Combine(FixtureDir, "model.safetensors"));
        Assert.That(m.Config.Tileable, Is.True);
        using var gen = new CpuGenerator(m);
        var ours = gen.Render(Latent.FromSeed(m, 3), Grid.Centers(0, 1, 24), Grid.Centers(0, 1, 40));
        var theirs = Fixtures.ReadF32(Path.Combine(FixtureDir, "render_seed3.f32"));
        FloatAssert.MaxAbs(ours, theirs, 1e-4, "cpu vs trainer render");
    }

    [Test]
    public void TileableModelRepeatsAtIntegerOffsets()
    {
        var m = CrepsModel.Load(Path.Combine(FixtureDir, "model.safetensors"));
        using var gen = new CpuGenerator(m);
        var latent = Latent.FromSeed(m, 3);
        var a = gen.Render(latent, Grid.Centers(0, 1, 16), Grid.Centers(0, 1, 16));
        var b = gen.Render(latent, Grid.Centers(3, 4, 16), Grid.Centers(-7, -6, 16));
        FloatAssert.MaxAbs(b, a, 1e-5, "integer offsets");
        var shifted = gen.Render(latent, Grid.Centers(0.5, 1.5, 16), Grid.Centers(0, 1, 16));
        Assert.That(FloatAssert.Diff(shifted, a, "half-period shift").MaxAbs, Is.GreaterThan(0.01), "a half-period shift must change the image");
    }

    /// <summary>Runs `/usr/bin/python3 -m MODULE ARGS` in the repository root: exit code, stdout, stderr; killed and failed after 5 minutes.</summary>
    static (int Code, string Out, string Err) RunPython(params string[] args)
    {
        var r = ProcessRunner.Run("/usr/bin/python3", ["-m", .. args], TimeSpan.FromMinutes(5), Fixtures.RepoRoot);
        return (r.Code, r.Stdout, r.Stderr);
    }

    [Test]
    public void SmokeTrainingExportsAModelThatRendersHere()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"creps-smoke-{Guid.NewGuid():N}");
        try
        {
            var (code, stdout, stderr) = RunPython("train.smoke", "--out", dir);
            Assert.That(code, Is.EqualTo(0), $"train.smoke failed:\n{stdout}\n{stderr}");
            var m = CrepsModel.Load(Path.Combine(dir, "model.safetensors"));
            using var gen = new CpuGenerator(m);
            var img = gen.Render(Latent.FromSeed(m, 1), Grid.Centers(0, 1, 16), Grid.Centers(0, 1, 16));
            FloatAssert.AllFinite(img, "smoke model render");
            Assert.That(img.Distinct().Count(), Is.GreaterThan(50));
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    [Test]
    public void ExportOfABrokenCheckpointFailsWithOneLineAndWritesNothing()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"creps-badckpt-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            // the first megabyte of a real resume checkpoint: a truncated zip
            var truncated = Path.Combine(dir, "truncated.pt");
            using (var src = File.OpenRead(Path.Combine(Fixtures.RepoRoot, "train", "checkpoints", "rock-tileable.pt")))
            using (var dst = File.Create(truncated))
            {
                var head = new byte[1 << 20];
                src.ReadExactly(head);
                dst.Write(head);
            }
            var output = Path.Combine(dir, "out.safetensors");
            foreach (var (ckpt, expected) in new[] {
                (truncated, "not a readable training checkpoint"),
                (Path.Combine(dir, "missing.pt"), "no such file"),
                (Fixtures.GanTerrain, "not a readable training checkpoint") })
            {
                var (code, stdout, stderr) = RunPython("train.export", "--ckpt", ckpt, "--out", output);
                Assert.That(code, Is.Not.EqualTo(0), $"{ckpt}: export succeeded:\n{stdout}");
                Assert.That(stderr.Trim(), Does.StartWith($"checkpoint {ckpt}: {expected}"), "one clear line, no traceback");
                Assert.That(stderr, Does.Not.Contain("Traceback"));
                Assert.That(Directory.GetFiles(dir).Select(Path.GetFileName), Is.EquivalentTo(new[] { "truncated.pt" }), "nothing written");
            }
        }
        finally { Directory.Delete(dir, true); }
    }
}
