using Creps.Render;
using Creps.Render.Coordinates;
using Creps.Render.Latents;
using Creps.Render.Model;
using Microsoft.ML.OnnxRuntime;

namespace Creps.Onnx;

/// <summary>
/// The ONNX Runtime backend: the generator as two ONNX graphs (line pass, per-pixel pass) run by ONNX Runtime on
/// the CUDA execution provider when it loads, otherwise on the CPU provider. Lines are computed once per axis (phases
/// reduced in double on the host, <see cref="FourierPhase"/>) and shared by every tile; pixels run tile by tile.
/// </summary>
public sealed class OnnxGenerator : IGenerator, IBenchmarkStages
{
    /// <summary>Coordinates per line-pass run and pixels per tile side: bound ORT's intermediates (~[4B, tile²] floats).</summary>
    public const int LineChunk = 1024, TileSide = 256;

    readonly OrtSessions _sessions;
    readonly RunOptions _run = new();
    public CrepsModel Model { get; }
    public string Name => "onnx";
    public string Provider => _sessions.Provider;
    public string DeviceDescription => $"ONNX Runtime {OrtEnv.Instance().GetVersionString()}, {_sessions.Provider} execution provider" +
                                       (_sessions.Provider == "CPU" ? $" ({_sessions.Threads} threads)" : "");

    /// <summary>Floats of lines per coordinate: per stage, rank × biline channels (not padded).</summary>
    public long LineBytesPerCoordinate => (long)Model.Config.StageCount * Model.Config.Rank * Model.Config.BilineChannels * sizeof(float);

    /// <summary>Styles are computed inside the graphs (part of lines and pixels); the copy out of ORT is part of pixels.</summary>
    public BenchmarkTraits BenchmarkTraits => new(Provider == "CUDA" ? "onnx (CUDA)" : "onnx (CPU)", GpuClass: Provider == "CUDA",
        SeparatesPerLatent: false, HasReadback: true, DeviceBytes: null);

    public void PrepareLatent(Latent latent) { }

    /// <param name="tryCuda">false: the CPU provider without trying CUDA.</param>
    public OnnxGenerator(CrepsModel model, Action<string>? log = null, bool tryCuda = true)
    {
        Model = model;
        try { _sessions = OrtSessions.For(model, tryCuda); }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException or BadImageFormatException)
        {
            throw new BackendUnavailableException($"ONNX Runtime's native library does not load here: {e.GetBaseException().Message}", e);
        }
        log?.Invoke(_sessions.Message);
    }

    /// <summary>The line pass for one axis: reuse it for every tile that shares these coordinates.</summary>
    public LineSet ComputeLines(Latent latent, ReadOnlySpan<double> coords, Axis axis)
    {
        RenderArgs.CheckHostLines(this, coords, axis);
        var c = Model.Config;
        int r = c.Rank, ch = c.InputChannels, half = ch / 2, stride = r * c.BilineChannels, stages = c.StageCount;
        long total = (long)stages * coords.Length * stride;
        var data = new float[total];
        var freqs = Model.Input.Freqs;
        using var ws = WsValue(latent);
        using var slot = OrtValue.CreateTensorValueFromMemory(new long[] { (long)axis }, []);
        for (int first = 0; first < coords.Length; first += LineChunk)
        {
            int n = Math.Min(LineChunk, coords.Length - first);
            var features = new float[n * r * ch];
            for (int l = 0; l < n; l++)
                for (int k = 0; k < r; k++)
                {
                    var row = features.AsSpan((l * r + k) * ch, ch);
                    for (int q = 0; q < half; q++) (row[q], row[q + half]) = FourierPhase.SinCos(freqs[q * r + k], coords[first + l]);
                }
            using var feat = OrtValue.CreateTensorValueFromMemory(features, [n, r, ch]);
            using var outs = _sessions.Lines.Run(_run, [OnnxModels.WsInput, OnnxModels.FeaturesInput, OnnxModels.SlotInput],
                [ws, feat, slot], [OnnxModels.LinesOutput]);
            var lines = outs[0].GetTensorDataAsSpan<float>();
            for (int s = 0; s < stages; s++)
                lines.Slice(s * n * stride, n * stride).CopyTo(data.AsSpan((int)(((long)s * coords.Length + first) * stride)));
        }
        return new OnnxLines(this, axis, coords.Length, data);
    }

    /// <summary>The pixels of <paramref name="tile"/> into <paramref name="dst"/>, in sub-tiles of <see cref="TileSide"/>².</summary>
    public void RenderTile(Latent latent, LineSet rowLines, LineSet colLines, TileRect tile, PlanarView dst)
    {
        var (rows, cols) = RenderArgs.CheckTile<OnnxLines>(this, rowLines, colLines, tile, dst);
        int r0 = tile.Row0, nr = tile.Rows, c0 = tile.Col0, nc = tile.Cols;
        using var ws = WsValue(latent);
        for (int ty = 0; ty < nr; ty += TileSide)
        {
            int h = Math.Min(TileSide, nr - ty);
            using var rowTile = Slice(rows, r0 + ty, h);
            for (int tx = 0; tx < nc; tx += TileSide)
            {
                int w = Math.Min(TileSide, nc - tx);
                using var colTile = Slice(cols, c0 + tx, w);
                using var outs = _sessions.Pixels.Run(_run, [OnnxModels.WsInput, OnnxModels.RowLinesInput, OnnxModels.ColLinesInput],
                    [ws, rowTile, colTile], [OnnxModels.ImgOutput]);
                var img = outs[0].GetTensorDataAsSpan<float>();
                for (int ch = 0; ch < 3; ch++)
                    for (int y = 0; y < h; y++)
                        img.Slice((ch * h + y) * w, w).CopyTo(dst.Data.AsSpan(checked((int)dst.Index(ch, ty + y, tx)), w));
            }
        }
    }

    public float[] Render(Latent latent, ReadOnlySpan<double> rows, ReadOnlySpan<double> cols) => Tiled.Render(this, latent, rows, cols);

    OrtValue WsValue(Latent latent)
    {
        var c = Model.Config;
        if (latent.NumWs != c.NumWs || latent.WDim != c.WDim)
            throw new ArgumentException($"latent is [{latent.NumWs},{latent.WDim}], the model needs [{c.NumWs},{c.WDim}]");
        return OrtValue.CreateTensorValueFromMemory(latent.All.ToArray(), [1, c.NumWs, c.WDim]);
    }

    /// <summary>Lines [S, first..first+n, r, B] of one axis as a tensor.</summary>
    OrtValue Slice(OnnxLines lines, int first, int n)
    {
        var c = Model.Config;
        int stride = c.Rank * c.BilineChannels, stages = c.StageCount;
        var data = new float[stages * n * stride];
        for (int s = 0; s < stages; s++)
            lines.Data.AsSpan((int)(((long)s * lines.Count + first) * stride), n * stride).CopyTo(data.AsSpan(s * n * stride));
        return OrtValue.CreateTensorValueFromMemory(data, [stages, n, c.Rank, c.BilineChannels]);
    }

    /// <summary>Sessions are cached per model and shared; only the run options are this generator's.</summary>
    public void Dispose() => _run.Dispose();
}
