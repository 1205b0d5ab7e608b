using Creps.Render.IO;
using Creps.Render.Onnx;

namespace Creps.Cli;

/// <summary><c>creps export-onnx</c>: the synthesis network as M.onnx and the mapping network as M.mapping.onnx.</summary>
public static class ExportOnnxCommand
{
    public const string Usage =
        "export-onnx --model PATH --out M.onnx\n" +
        "  Writes M.onnx (ws [1,num_ws,w_dim], rows [H], cols [W] → img [1,3,H,W]; opset 17) and M.mapping.onnx (z [1,z_dim], psi → ws).\n" +
        "  Phases are float32 as in the official code: exact on and near [0,1]²; for deep zoom use --backend cpu|onnx (double-precision phases).";

    static readonly HashSet<string> Options = ["model", "out"];

    public static int Run(string[] argv, TextWriter stdout, TextWriter stderr)
    {
        var a = new Args(argv, Options, new HashSet<string>());
        string outPath = a.Require("out");
        if (!outPath.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)) throw new UsageException($"--out {Untrusted.Quote(outPath)}: the extension must be .onnx");
        AtomicFileSet.CheckTarget(outPath, overwrite: true);
        AtomicFileSet.CheckTarget(OnnxModels.MappingPath(outPath), overwrite: true);
        var model = CommonOptions.LoadModel(a);
        var (synthesis, mapping) = OnnxModels.Export(model, outPath, msg => stderr.WriteLine($"creps export-onnx: {msg}"));
        stdout.WriteLine($"wrote {synthesis} ({new FileInfo(synthesis).Length} bytes) and {mapping} ({new FileInfo(mapping).Length} bytes)");
        return 0;
    }
}
