using Creps.Onnx;
using Creps.Render.IO;

namespace Creps.Cli;

/// <summary><c>creps export-onnx</c>: the synthesis network as M.onnx and the mapping network as M.mapping.onnx.</summary>
public static class ExportOnnxCommand
{
    public const string Synopsis = "export-onnx --model PATH --out M.onnx";

    const string Description =
        "Writes M.onnx (ws [1,num_ws,w_dim], rows [H], cols [W] → img [1,3,H,W]; opset 17) and M.mapping.onnx (z [1,z_dim], psi → ws). " +
        "Phases are float32 as in the official code: exact on and near [0,1]²; for deep zoom use --backend cpu|onnx (double-precision phases).";

    public static CrepsCommand Create()
    {
        var model = ModelOption.Create();
        var output = Opt.Text("--out", "M.onnx", "The synthesis model to write (extension .onnx); the mapping model goes beside it as M.mapping.onnx. Required.");
        var command = new CrepsCommand("export-onnx", Description, Synopsis, (a, stdout, stderr) =>
        {
            string outPath = a.Require(output);
            if (!outPath.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)) throw new UsageException($"--out {Untrusted.Quote(outPath)}: the extension must be .onnx");
            AtomicFileSet.CheckTarget(outPath, overwrite: true);
            AtomicFileSet.CheckTarget(OnnxModels.MappingPath(outPath), overwrite: true);
            var (synthesis, mapping) = OnnxModels.Export(ModelOption.Load(a, model), outPath, msg => stderr.WriteLine($"creps export-onnx: {msg}"));
            stdout.WriteLine($"wrote {synthesis} ({new FileInfo(synthesis).Length} bytes) and {mapping} ({new FileInfo(mapping).Length} bytes)");
            return 0;
        });
        command.Add([model, output]);
        return command;
    }
}
