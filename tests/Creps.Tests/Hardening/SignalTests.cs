using Creps.Render.Model;
using static Creps.Tests.Bake.BakeHarness;
using static Creps.Tests.Hardening.Hostile;

namespace Creps.Tests.Hardening;

/// <summary>Real child processes, real signals: SIGINT/SIGTERM exit 130 with nothing left; after SIGKILL the next run cleans up.</summary>
[NonParallelizable]
public class SignalTests
{
    static string Terrain => Fixtures.GanTerrain;

    static bool TempExists(string dir) => Directory.GetFiles(dir, ".creps-*").Length > 0;

    static void Signal(Child c, string signal)
    {
        if (signal == "INT" && Bake.BakeErrorTests.SignalIgnored(c.Process.Id, 2))
            Assert.Ignore("SIGINT is ignored by this process tree (a background job of a non-interactive shell): the TERM case covers the handler");
        Assert.That(Run("kill", $"-{signal}", c.Process.Id.ToString()).Code, Is.EqualTo(0));
        Assert.That(c.Process.WaitForExit(30_000), Is.True, "did not stop: " + c.Log);
        c.Process.WaitForExit();
    }

    [TestCase("INT")]
    [TestCase("TERM")]
    public void RenderStopsCleanly(string signal)
    {
        string dir = TempDir();
        using var c = new Child("render", "--model", Terrain, "--seed", "1", "--size", "4096x4096", "--out", Path.Combine(dir, "x.png"));
        Assert.That(c.WaitFor(() => c.Log.Contains(" on cpu: ") && TempExists(dir)), Is.True, "render did not start: " + c.Log);
        Signal(c, signal);
        Assert.That(c.Process.ExitCode, Is.EqualTo(130), c.Log);
        Assert.That(c.Lines.Last(), Is.EqualTo("creps render: interrupted; no output written"));
        NothingLeft(dir);
    }

    [TestCase("INT")]
    [TestCase("TERM")]
    public void ExportOnnxStopsCleanly(string signal)
    {
        // A model big enough that its export is still writing when the signal comes (≈ 100 MB of weights).
        string dir = TempDir(), model = Path.Combine(dir, "wide.safetensors");
        var cfg = SyntheticModel.Wide;
        SafeTensors.Write(model, SyntheticModel.RandomTensors(cfg, 1).Values, new Dictionary<string, string> { ["creps_config"] = cfg.ToJson() });
        using var c = new Child("export-onnx", "--model", model, "--out", Path.Combine(dir, "m.onnx"));
        Assert.That(c.WaitFor(() => TempExists(dir)), Is.True, "export did not start: " + c.Log);
        Signal(c, signal);
        Assert.That(c.Process.ExitCode, Is.EqualTo(130), c.Log);
        Assert.That(c.Lines.Last(), Is.EqualTo("creps export-onnx: interrupted; no output written"));
        NothingLeft(dir, "wide.safetensors");
    }

    [Test]
    public void AfterSigkillTheNextRunRemovesTheStaleTemp()
    {
        string dir = TempDir(), target = Path.Combine(dir, "x.png");
        int pid;
        using (var c = new Child("render", "--model", Terrain, "--seed", "1", "--size", "4096x4096", "--out", target))
        {
            Assert.That(c.WaitFor(() => TempExists(dir)), Is.True, "render did not start: " + c.Log);
            pid = c.Process.Id;
            Assert.That(Run("kill", "-KILL", pid.ToString()).Code, Is.EqualTo(0));
            c.Process.WaitForExit();
        }
        var stale = Directory.GetFiles(dir, ".creps-*");
        Assert.That(stale, Has.Length.EqualTo(1), "SIGKILL cannot be caught: its temp stays");
        var r = RunCli("render", "--model", TinyModel, "--seed", "1", "--size", "4", "--out", target);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Stderr, Does.Contain($"creps render: removed '{stale[0]}', a temp file left by a killed run (pid {pid})"));
        Assert.That(Files(dir), Is.EqualTo(new[] { "x.png" }));
    }
}
