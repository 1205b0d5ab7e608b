using Creps.Render;
using Creps.Render.IO;
using Creps.Render.Model;
using static Creps.Onnx.OnnxProto;

namespace Creps.Onnx;

/// <summary>
/// The ONNX models of one CREPS generator. Exported: the synthesis network (ws, rows, cols → img) and the mapping
/// network (z, ψ → ws). Used inside the ONNX Runtime backend: the line pass and the per-pixel pass as two graphs,
/// so that lines are computed once per axis and shared by every tile.
/// </summary>
public static class OnnxModels
{
    public const string WsInput = "ws", RowsInput = "rows", ColsInput = "cols", ImgOutput = "img";
    public const string ZInput = "z", PsiInput = "psi";
    internal const string FeaturesInput = "features", SlotInput = "axis", LinesOutput = "lines", RowLinesInput = "row_lines", ColLinesInput = "col_lines";

    static object[] WsDims(CrepsConfig c) => [1L, (long)c.NumWs, (long)c.WDim];

    /// <summary>
    /// The synthesis network: ws [1, num_ws, w_dim], rows [H], cols [W] (float32 coordinates, H and W dynamic) →
    /// img [1, 3, H, W]. Phases are computed in float32 as the official code does: exact near the [0,1]² plane, not for deep zoom.
    /// </summary>
    public static byte[] Synthesis(CrepsModel m)
    {
        var c = m.Config;
        var g = new OnnxGraph("creps_synthesis");
        string ws = g.Input(WsInput, DataType.Float, WsDims(c));
        string rows = g.Input(RowsInput, DataType.Float, "H");
        string cols = g.Input(ColsInput, DataType.Float, "W");
        var net = new CrepsGraph(g, m, ws);
        string rowLines = net.Lines(net.Features(rows), g.ConstI64([0], scalar: true));
        string colLines = net.Lines(net.Features(cols), g.ConstI64([1], scalar: true));
        g.Output(net.Pixels(rowLines, colLines), ImgOutput, DataType.Float, 1L, (long)c.ImgChannels, "H", "W");
        return g.ToModel($"CREPS generator synthesis network: {Describe(c)}. Inputs: ws [1,num_ws,w_dim], rows [H], cols [W] " +
                         "(float32 plane coordinates; the official grid is linspace(0,1,R)); output img [1,3,H,W] in about [-1,1].");
    }

    /// <summary>The mapping network: z [1, z_dim], psi (scalar) → ws [1, num_ws, w_dim] (truncation applied to every ws).</summary>
    public static byte[] Mapping(CrepsModel m)
    {
        var c = m.Config;
        var g = new OnnxGraph("creps_mapping");
        string z = g.Input(ZInput, DataType.Float, 1L, (long)c.ZDim);
        string psi = g.Input(PsiInput, DataType.Float);
        g.Output(new CrepsGraph(g, m, null).Mapping(z, psi), WsInput, DataType.Float, WsDims(c));
        return g.ToModel($"CREPS mapping network: {Describe(c)}. z [1,z_dim] (NumPy RandomState(seed).randn as float32), psi → ws [1,num_ws,w_dim].");
    }

    /// <summary>Backend graph: ws, features [L, r, C] (sin/cos reduced in double on the host), axis (0 rows, 1 cols) → lines [S, L, r, B].</summary>
    internal static byte[] Lines(CrepsModel m)
    {
        var c = m.Config;
        var g = new OnnxGraph("creps_lines");
        string ws = g.Input(WsInput, DataType.Float, WsDims(c));
        string features = g.Input(FeaturesInput, DataType.Float, "L", (long)c.Rank, (long)c.InputChannels);
        string slot = g.Input(SlotInput, DataType.Int64);
        g.Output(new CrepsGraph(g, m, ws).Lines(features, slot), LinesOutput, DataType.Float,
            (long)c.StageCount, "L", (long)c.Rank, (long)c.BilineChannels);
        return g.ToModel("CREPS line pass (internal to the ONNX Runtime backend)");
    }

    /// <summary>Backend graph: ws, row lines [S, h, r, B], column lines [S, w, r, B] → img [1, 3, h, w].</summary>
    internal static byte[] Pixels(CrepsModel m)
    {
        var c = m.Config;
        var g = new OnnxGraph("creps_pixels");
        string ws = g.Input(WsInput, DataType.Float, WsDims(c));
        object[] Lines(string len) => [(long)c.StageCount, len, (long)c.Rank, (long)c.BilineChannels];
        string rows = g.Input(RowLinesInput, DataType.Float, Lines("h"));
        string cols = g.Input(ColLinesInput, DataType.Float, Lines("w"));
        g.Output(new CrepsGraph(g, m, ws).Pixels(rows, cols), ImgOutput, DataType.Float, 1L, (long)c.ImgChannels, "h", "w");
        return g.ToModel("CREPS per-pixel pass (internal to the ONNX Runtime backend)");
    }

    /// <summary>M.onnx → M.mapping.onnx (the mapping network beside the synthesis one).</summary>
    public static string MappingPath(string synthesisPath) =>
        Path.Combine(Path.GetDirectoryName(synthesisPath) ?? "", Path.GetFileNameWithoutExtension(synthesisPath) + ".mapping.onnx");

    /// <summary>Writes both models as one set: both appear, or neither (temps first, then a commit with rollback).</summary>
    public static (string Synthesis, string Mapping) Export(CrepsModel m, string path, Action<string>? log = null)
    {
        string mapping = MappingPath(path);
        using var set = new AtomicFileSet(overwrite: true, log);
        Stream synthesisFile = set.Create(path), mappingFile = set.Create(mapping);
        synthesisFile.Write(Synthesis(m));
        mappingFile.Write(Mapping(m));
        set.Commit();
        return (path, mapping);
    }

    static string Describe(CrepsConfig c) =>
        $"R {c.ImgResolution}, w_dim {c.WDim}, channel_base {c.ChannelBase}, channel_max {c.ChannelMax}, B {c.BilineChannels}, rank {c.Rank}, num_ws {c.NumWs}";
}
