using System.Diagnostics;
using Creps.Render.Coordinates;
using Creps.Render.Latents;
using Creps.Render.Model;

namespace Creps.Render.Bench;

/// <summary>
/// One backend as the benchmark drives it, on the tile contract: per latent (when the backend separates it), the lines
/// of both axes once, then the pixels in tiles of <see cref="Tile"/>² into a planar destination.
/// </summary>
public sealed class BenchTarget : IDisposable
{
    /// <summary>Side of the tiles the pixel stage is run in (large renders are tiled; lines are computed once per axis).</summary>
    public const int Tile = 1024;

    readonly IGenerator _g;
    readonly IBenchmarkStages? _stages;

    BenchTarget(IGenerator g) { _g = g; _stages = g as IBenchmarkStages; }

    /// <summary>The named backend on <paramref name="model"/>, set up as <paramref name="options"/> says.</summary>
    public static BenchTarget Create(CrepsModel model, string backend, BackendOptions options, Action<string>? log) =>
        new(Backends.Create(model, backend, options, log));

    BenchmarkTraits Traits => _stages?.BenchmarkTraits ?? new BenchmarkTraits(_g.Name, GpuClass: _g.Name != "cpu", SeparatesPerLatent: false, HasReadback: true, DeviceBytes: null);

    public string Name => Traits.Name;
    public string Device => _g.DeviceDescription;
    /// <summary>GPU-class backends also run the 4096² case by default.</summary>
    public bool Fast => Traits.GpuClass;
    /// <summary>Device memory in use after the last render (bytes), for backends that know it.</summary>
    public long? DeviceBytes => Traits.DeviceBytes;
    /// <summary>Vector width of the kernels, where the backend says (cpu); null: the widest this CPU has.</summary>
    public int? FmaWidthBits => Traits.FmaWidthBits;

    public StageTimes Render(Latent latent, double[] rows, double[] cols, float[] dst)
    {
        var traits = Traits;
        var sw = Stopwatch.StartNew();
        double latentMs = double.NaN;
        if (traits.SeparatesPerLatent) { _stages!.PrepareLatent(latent); latentMs = Ms(sw); }
        using var rl = _g.ComputeLines(latent, rows, Axis.Rows);
        using var cl = _g.ComputeLines(latent, cols, Axis.Cols);
        double linesMs = Ms(sw);
        var view = new PlanarView(dst, cols.Length, rows.Length);
        for (int r0 = 0; r0 < rows.Length; r0 += Tile)
            for (int c0 = 0; c0 < cols.Length; c0 += Tile)
                _g.RenderTile(latent, rl, cl, new TileRect(r0, c0, Math.Min(Tile, rows.Length - r0), Math.Min(Tile, cols.Length - c0)), view.At(r0, c0));
        return new StageTimes(latentMs, linesMs, Ms(sw), traits.HasReadback ? double.NaN : 0);
    }

    static double Ms(Stopwatch sw) { double ms = sw.Elapsed.TotalMilliseconds; sw.Restart(); return ms; }

    public void Dispose() => _g.Dispose();
}
