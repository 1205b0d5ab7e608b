using System.Diagnostics;
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
        Assert.That(ours, Has.Length.EqualTo(theirs.Length));
        double worst = ours.Zip(theirs).Max(p => Math.Abs(p.First - p.Second));
        Assert.That(worst, Is.LessThanOrEqualTo(1e-4), $"max abs {worst:G3}");
    }

    [Test]
    public void TileableModelRepeatsAtIntegerOffsets()
    {
        var m = CrepsModel.Load(Path.Combine(FixtureDir, "model.safetensors"));
        using var gen = new CpuGenerator(m);
        var latent = Latent.FromSeed(m, 3);
        var a = gen.Render(latent, Grid.Centers(0, 1, 16), Grid.Centers(0, 1, 16));
        var b = gen.Render(latent, Grid.Centers(3, 4, 16), Grid.Centers(-7, -6, 16));
        double worst = a.Zip(b).Max(p => Math.Abs(p.First - p.Second));
        Assert.That(worst, Is.LessThanOrEqualTo(1e-5), $"max abs {worst:G3}");
        var shifted = gen.Render(latent, Grid.Centers(0.5, 1.5, 16), Grid.Centers(0, 1, 16));
        Assert.That(a.Zip(shifted).Max(p => Math.Abs(p.First - p.Second)), Is.GreaterThan(0.01), "a half-period shift must change the image");
    }

    /// <summary>Runs `/usr/bin/python3 -m MODULE ARGS` in the repository root: exit code, stdout, stderr.</summary>
    static (int Code, string Out, string Err) RunPython(params string[] args)
    {
        var psi = new ProcessStartInfo("/usr/bin/python3", ["-m", .. args])
        { WorkingDirectory = Fixtures.RepoRoot, RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        Assert.That(p.WaitForExit(300_000), Is.True, $"python3 -m {string.Join(' ', args)} took more than 5 minutes");
        return (p.ExitCode, stdout, stderr.Result);
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
            Assert.That(img.All(float.IsFinite));
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
                (Path.Combine(Fixtures.RepoRoot, "models", "terrain.safetensors"), "not a readable training checkpoint") })
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
