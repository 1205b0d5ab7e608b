using Creps.Render.Coordinates;
using Creps.Render.Cpu;
using Creps.Render.Latents;
using Creps.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace Creps.Tests.Onnx;

/// <summary>
/// The exported ONNX models and the ONNX Runtime backend, run through ONNX Runtime's CPU provider, against the CPU
/// backend and the official generator's outputs (../shared/fixtures/official).
/// </summary>
public class OnnxTests
{
    public static IEnumerable<Fixtures.Case> Cases => Fixtures.Cases();

    /// <summary>
    /// What README documents for ONNX against the CPU backend and the official outputs: max abs ≤ 4e-6 on [−1, 1] output,
    /// 1e-5 of the range where the output spans more than 2 (clamp_stress reaches thousands).
    /// </summary>
    public static FloatAssert.Error AssertMatches(float[] ours, float[] expected, string what)
    {
        double range = FloatAssert.Range(expected, what + " (expected)");
        var e = FloatAssert.MaxAbs(ours, expected, range > 2 ? 1e-5 * range : 4e-6, what);
        TestContext.Out.WriteLine($"{what}: {e} (range {range:G3})");
        return e;
    }

    static float[] RunSynthesis(InferenceSession s, Latent latent, double[] rows, double[] cols, int numWs, int wDim)
    {
        using var ws = OrtValue.CreateTensorValueFromMemory(latent.All.ToArray(), [1, numWs, wDim]);
        using var r = OrtValue.CreateTensorValueFromMemory(rows.Select(v => (float)v).ToArray(), [rows.Length]);
        using var c = OrtValue.CreateTensorValueFromMemory(cols.Select(v => (float)v).ToArray(), [cols.Length]);
        using var outs = s.Run(new RunOptions(), [OnnxModels.WsInput, OnnxModels.RowsInput, OnnxModels.ColsInput], [ws, r, c], [OnnxModels.ImgOutput]);
        Assert.That(outs[0].GetTensorTypeAndShape().Shape, Is.EqualTo(new long[] { 1, 3, rows.Length, cols.Length }));
        return outs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    static readonly Dictionary<string, InferenceSession> Synthesis = new();
    static InferenceSession SynthesisSession(string layout)
    {
        lock (Synthesis)
        {
            if (!Synthesis.TryGetValue(layout, out var s))
                Synthesis[layout] = s = new InferenceSession(OnnxModels.Synthesis(Fixtures.Model(layout)));
            return s;
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void ExportedModelMatchesCpuAndOfficial(Fixtures.Case c)
    {
        var model = Fixtures.Model(c.Layout);
        var latent = c.Latent(model);
        float[] onnx = RunSynthesis(SynthesisSession(c.Layout), latent, c.Rows, c.Cols, model.Config.NumWs, model.Config.WDim);
        using var cpu = new CpuGenerator(model);
        float[] ours = cpu.Render(latent, c.Rows, c.Cols);
        float[] official = Fixtures.ReadF32(Path.Combine(c.Dir, c.Output));
        AssertMatches(onnx, ours, $"exported {c} vs the CPU backend");
        AssertMatches(onnx, official, $"exported {c} vs the official output");
    }

    [TestCaseSource(nameof(Cases))]
    public void BackendMatchesCpuAndOfficial(Fixtures.Case c)
    {
        var model = Fixtures.Model(c.Layout);
        var latent = c.Latent(model);
        using var onnx = new OnnxGenerator(model, tryCuda: false);
        float[] img = onnx.Render(latent, c.Rows, c.Cols);
        using var cpu = new CpuGenerator(model);
        float[] ours = cpu.Render(latent, c.Rows, c.Cols);
        float[] official = Fixtures.ReadF32(Path.Combine(c.Dir, c.Output));
        AssertMatches(img, ours, $"backend {c} vs the CPU backend");
        AssertMatches(img, official, $"backend {c} vs the official output");
    }

    /// <summary>The core's random layouts (TestModels): official scales, zoom, extrapolation, ψ with cutoff, a different w per layer.</summary>
    [TestCase("tiny")]
    [TestCase("small")]
    [TestCase("wide")]
    public void BackendMatchesCpuOnCoreLayouts(string layout)
    {
        var m = TestModels.Random(layout switch { "tiny" => TestModels.Tiny, "small" => TestModels.Small, _ => TestModels.Wide });
        var c = m.Config;
        var mixed = new float[c.NumWs * c.WDim];
        for (int i = 0; i < c.NumWs; i++) Latent.FromSeed(m, (uint)(100 + i)).W(0).CopyTo(mixed.AsSpan(i * c.WDim));
        var cases = new (string What, Latent Latent, double[] Rows, double[] Cols)[]
        {
            ("official scale 1", Latent.FromSeed(m, 5), Grid.Official(c.ImgResolution, 1).Where((_, i) => i % 7 == 0).ToArray(), Grid.Linspace(0, 1, 9)),
            ("psi 0.7 zoomed", Latent.FromSeed(m, 9, 0.7f), Grid.Centers(0.4, 0.45, 12), Grid.Centers(0.61, 0.66, 15)),
            ("psi 0.7 cutoff 3 extrapolated", Latent.FromSeed(m, 9, 0.7f, cutoff: 3), Grid.Centers(-1.5, 2.5, 12), Grid.Linspace(1.2, 3.0, 12)),
            ("ws mix", new Latent(mixed, c.NumWs, c.WDim), Grid.Centers(0, 1, 12), Grid.Centers(0, 1, 13)),
            ("deep zoom far from the origin", Latent.FromSeed(m, 4), Grid.Centers(12345.4, 12345.4001, 10), Grid.Centers(-9876.5, -9876.4999, 11)),
        };
        using var onnx = new OnnxGenerator(m, tryCuda: false);
        using var cpu = new CpuGenerator(m);
        foreach (var (what, latent, rows, cols) in cases)
        {
            AssertMatches(onnx.Render(latent, rows, cols), cpu.Render(latent, rows, cols), $"{layout} {what} vs the CPU backend");
        }
    }

    [Test]
    public void TilesAssembleTheWholeImage()
    {
        var model = Fixtures.Model("public-small");
        var latent = Latent.FromSeed(model, 3);
        double[] rows = Grid.Centers(-0.2, 1.3, 37), cols = Grid.Centers(0.1, 0.9, 53);
        using var onnx = new OnnxGenerator(model, tryCuda: false);
        using var rl = onnx.ComputeLines(latent, rows, Axis.Rows);
        using var cl = onnx.ComputeLines(latent, cols, Axis.Cols);
        var img = new float[3 * rows.Length * cols.Length];
        foreach (var (r0, nr) in new[] { (0, 20), (20, 17) })
            foreach (var (c0, nc) in new[] { (0, 30), (30, 23) })
                onnx.RenderTile(latent, rl, cl, new TileRect(r0, c0, nr, nc), new PlanarView(img, cols.Length, rows.Length, r0, c0));
        using var cpu = new CpuGenerator(model);
        float[] expected = cpu.Render(latent, rows, cols);
        AssertMatches(img, expected, "tiles vs the CPU backend");
    }

    [TestCase("public-tiny", 1.0f)]
    [TestCase("public-small", 0.7f)]
    public void MappingModelMatchesLatentFromSeed(string layout, float psi)
    {
        var model = Fixtures.Model(layout);
        var c = model.Config;
        using var s = new InferenceSession(OnnxModels.Mapping(model));
        using var z = OrtValue.CreateTensorValueFromMemory(Latent.ZFromSeed(7, c.ZDim), [1, c.ZDim]);
        using var p = OrtValue.CreateTensorValueFromMemory(new[] { psi }, []);
        using var outs = s.Run(new RunOptions(), [OnnxModels.ZInput, OnnxModels.PsiInput], [z, p], [OnnxModels.WsInput]);
        Assert.That(outs[0].GetTensorTypeAndShape().Shape, Is.EqualTo(new long[] { 1, c.NumWs, c.WDim }));
        float[] ws = outs[0].GetTensorDataAsSpan<float>().ToArray();
        float[] expected = Latent.FromSeed(model, 7, psi).All.ToArray();
        FloatAssert.AllFinite(expected, "Latent.FromSeed ws");
        FloatAssert.MaxAbs(ws, expected, 1e-4 * Math.Max(1, expected.Max(Math.Abs)), $"mapping model {layout} psi {psi}");
    }

    [Test]
    public void WithoutCudaTheCpuProviderIsUsedAndSaysWhy()
    {
        var model = Fixtures.Model("public-tiny");
        var log = new List<string>();
        using var onnx = new OnnxGenerator(model, log.Add);
        if (onnx.Provider == "CUDA") Assert.Ignore("CUDA is available on this machine: the fallback path is not taken");
        Assert.That(log, Has.Count.EqualTo(1));
        Assert.That(log[0], Does.Contain("CPU execution provider").And.Contain("CUDA"));
        Assert.That(onnx.DeviceDescription, Does.Contain("CPU"));
        float[] img = onnx.Render(Latent.FromSeed(model, 1), [0.0, 0.5, 1.0], [0.25, 0.75]);
        Assert.That(img, Has.Length.EqualTo(3 * 3 * 2));
        FloatAssert.AllFinite(img, "onnx CPU-provider render");
    }

    [Test]
    public void OnnxCheckerAcceptsTheExportedModels()
    {
        const string python = "/usr/bin/python3";
        // scripts/setup.sh test installs python3-onnx: a missing or broken `import onnx` fails here, it does not skip.
        var import = ProcessRunner.Run(python, "-c", "import onnx");
        Assert.That(import.Code, Is.EqualTo(0), $"{python} -c 'import onnx' failed (scripts/setup.sh test installs python3-onnx): {import.Stderr}");
        string dir = Path.Combine(Path.GetTempPath(), $"creps-onnx-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            var (synthesis, mapping) = OnnxModels.Export(Fixtures.Model("public-small"), Path.Combine(dir, "small.onnx"));
            foreach (var path in new[] { synthesis, mapping })
            {
                var (code, stdout, stderr) = ProcessRunner.Run(python, "-c", "import onnx, sys; m = onnx.load(sys.argv[1]); onnx.checker.check_model(m, full_check=True); " +
                    "print(m.opset_import[0].version, [i.name for i in m.graph.input], [o.name for o in m.graph.output])", path);
                string output = stdout + stderr;
                Assert.That(code, Is.EqualTo(0), $"onnx.checker rejected {Path.GetFileName(path)}: {output}");
                TestContext.Out.WriteLine($"{Path.GetFileName(path)}: {output.Trim()}");
            }
        }
        finally { Directory.Delete(dir, true); }
    }
}
