using Creps.Cli;
using Creps.Render.Latents;
using Microsoft.ML.OnnxRuntime;

namespace Creps.Tests.Onnx;

/// <summary><c>creps export-onnx</c>: both files written, readable by ONNX Runtime; bad usage is one line and exit 2.</summary>
public class ExportOnnxCommandTests
{
    string _dir = "";

    [SetUp] public void MakeDir() { _dir = Path.Combine(Path.GetTempPath(), $"creps-export-{Guid.NewGuid():N}"); Directory.CreateDirectory(_dir); }
    [TearDown] public void RemoveDir() => Directory.Delete(_dir, true);

    static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter(); var e = new StringWriter();
        int code = Cli.Cli.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Test]
    public void WritesSynthesisAndMappingModels()
    {
        string weights = Path.Combine(Fixtures.Official, "public-tiny", "weights.safetensors");
        string onnx = Path.Combine(_dir, "tiny.onnx");
        var (code, stdout, stderr) = Run("export-onnx", "--model", weights, "--out", onnx);
        Assert.That(code, Is.EqualTo(0), stderr);
        Assert.That(stdout, Does.Contain("tiny.onnx").And.Contain("tiny.mapping.onnx"));
        Assert.That(Directory.GetFiles(_dir).Select(Path.GetFileName), Is.EquivalentTo(new[] { "tiny.onnx", "tiny.mapping.onnx" }), "no temp files left");

        // The written mapping model feeds the written synthesis model: seed 2 end to end matches the official output.
        var model = Fixtures.Model("public-tiny");
        var c = model.Config;
        var kase = Fixtures.Cases().First(k => k.Layout == "public-tiny" && k.Name == "seed2_s1");
        using var mapping = new InferenceSession(Path.Combine(_dir, "tiny.mapping.onnx"));
        using var z = OrtValue.CreateTensorValueFromMemory(Latent.ZFromSeed(2, c.ZDim), [1, c.ZDim]);
        using var psi = OrtValue.CreateTensorValueFromMemory(new[] { 1f }, []);
        using var ws = mapping.Run(new RunOptions(), ["z", "psi"], [z, psi], ["ws"]);
        using var synthesis = new InferenceSession(onnx);
        using var rows = OrtValue.CreateTensorValueFromMemory(kase.Rows.Select(v => (float)v).ToArray(), [kase.Rows.Length]);
        using var cols = OrtValue.CreateTensorValueFromMemory(kase.Cols.Select(v => (float)v).ToArray(), [kase.Cols.Length]);
        using var img = synthesis.Run(new RunOptions(), ["ws", "rows", "cols"], [ws[0], rows, cols], ["img"]);
        float[] official = Fixtures.ReadF32(Path.Combine(kase.Dir, kase.Output));
        float[] ours = img[0].GetTensorDataAsSpan<float>().ToArray();
        Assert.That(img[0].GetTensorTypeAndShape().Shape, Is.EqualTo(new long[] { 1, 3, kase.Rows.Length, kase.Cols.Length }));
        OnnxTests.AssertMatches(ours, official, "written model.mapping.onnx → model.onnx vs the official output");
    }

    [TestCase("--model", "x.safetensors", "--out", "m.bin", ExpectedResult = "--out 'm.bin': the extension must be .onnx")]
    [TestCase("--out", "m.onnx", ExpectedResult = "--model is required")]
    [TestCase("--model", "x.safetensors", ExpectedResult = "--out is required")]
    public string BadUsageIsOneLineAndExit2(params string[] args)
    {
        var (code, _, stderr) = Run(["export-onnx", .. args]);
        Assert.That(code, Is.EqualTo(Cli.Cli.ExitUsage));
        return stderr.Split('\n')[0].Split(": ", 2)[1];
    }

    [Test]
    public void MissingModelIsOneLineAndExit1()
    {
        var (code, _, stderr) = Run("export-onnx", "--model", Path.Combine(_dir, "absent.safetensors"), "--out", Path.Combine(_dir, "m.onnx"));
        Assert.That(code, Is.EqualTo(Cli.Cli.ExitError));
        Assert.That(stderr.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(Directory.GetFiles(_dir), Is.Empty);
    }
}
