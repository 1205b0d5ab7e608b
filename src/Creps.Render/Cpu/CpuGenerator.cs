using Creps.Render.Latents;
using Creps.Render.Model;

namespace Creps.Render.Cpu;

/// <summary>
/// The production CPU backend. Per latent: styles and demodulation (cached). Per distinct row and column: the line
/// pass, once. Per pixel: the fused MLP. Memory is O(tile + lines), never [C,H,W]. Thread-safe.
/// </summary>
public sealed class CpuGenerator : ITiledGenerator<AxisLines>
{
    readonly CpuModel _packed;
    readonly StyleCache<LatentStyles> _styles;
    public CrepsModel Model { get; }
    public int Threads { get; }
    public string Name => "cpu";
    public string DeviceDescription => $"CPU ({Threads} threads, {(System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? "AVX2/FMA" : "scalar")})";

    public CpuGenerator(CrepsModel model, int threads = 0)
    {
        Model = model;
        Threads = threads > 0 ? threads : Environment.ProcessorCount;
        _packed = new CpuModel(model);
        _styles = new StyleCache<LatentStyles>(8, l => new LatentStyles(model, l));
    }

    /// <summary>Computes (and caches) the per-latent styles now, so later calls only pay for lines and pixels.</summary>
    public void Prepare(Latent latent) => _styles.Get(latent);

    /// <summary>The line pass for one axis: reuse the result for every tile that shares these coordinates.</summary>
    public AxisLines ComputeLines(Latent latent, ReadOnlySpan<double> coords, Axis axis)
    {
        RenderArgs.CheckCoords(coords, axis == Axis.Rows ? "rows" : "columns");
        RenderLimits.CheckLines(coords.Length, (long)Model.Config.StageCount * Model.Config.Rank * _packed.BPad * sizeof(float), axis == Axis.Rows ? "rows" : "columns");
        return LinePass.Compute(_packed, _styles.Get(latent), coords, axis, Threads);
    }

    /// <summary>
    /// Pixels of rows [r0, r0+nr) × columns [c0, c0+nc) of precomputed lines into <paramref name="dst"/>
    /// (planar float [3][dstH][dstW]) at (dy, dx).
    /// </summary>
    public void RenderTile(Latent latent, AxisLines rows, int r0, int nr, AxisLines cols, int c0, int nc,
        float[] dst, int dstW, int dstH, int dy, int dx)
    {
        RenderArgs.CheckTile(rows.Axis, rows.Count, r0, nr, cols.Axis, cols.Count, c0, nc, dst, dstW, dstH, dy, dx);
        if (nr == 0 || nc == 0) return;
        PixelPass.Render(_packed, _styles.Get(latent), rows, r0, nr, cols, c0, nc, dst, dstW, dstH, dy, dx, Threads);
    }

    public float[] Render(Latent latent, ReadOnlySpan<double> rows, ReadOnlySpan<double> cols) => Tiled.Render(this, latent, rows, cols);

    public void Dispose() { }
}
