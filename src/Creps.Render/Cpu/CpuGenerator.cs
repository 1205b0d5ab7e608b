using Creps.Render.Coordinates;
using Creps.Render.Latents;
using Creps.Render.Model;
using Creps.Render.Packing;

namespace Creps.Render.Cpu;

/// <summary>
/// The production CPU backend. Per latent: styles and demodulation (cached). Per distinct row and column: the line
/// pass, once. Per pixel: the fused MLP. Memory is O(tile + lines), never [C,H,W]. Thread-safe.
/// </summary>
public sealed class CpuGenerator : IGenerator, IBenchmarkStages
{
    readonly PackedModel _packed;
    readonly StyleCache<LatentStyles> _styles;
    public CrepsModel Model { get; }
    public int Threads { get; }
    public string Name => "cpu";
    /// <summary>The dense kernel in use (Avx2 or Avx512: Auto resolved when constructed).</summary>
    public CpuKernel Kernel { get; }
    public string DeviceDescription => $"CPU ({Threads} threads, {(System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? KernelChoice.Describe(Kernel) : "scalar")})";

    /// <param name="kernel">Auto: the 512-bit kernel where this CPU runs 512-bit FMAs faster (see <see cref="KernelChoice"/>).</param>
    public CpuGenerator(CrepsModel model, int threads = 0, CpuKernel kernel = CpuKernel.Auto)
    {
        Model = model;
        Threads = threads > 0 ? threads : Environment.ProcessorCount;
        Kernel = KernelChoice.Resolve(kernel);
        _packed = new PackedModel(model);
        _styles = new StyleCache<LatentStyles>(8, l => new LatentStyles(model, l));
    }

    /// <summary>Floats of lines per coordinate: per stage, rank × biline channels padded to the kernel's width.</summary>
    public long LineBytesPerCoordinate => (long)Model.Config.StageCount * Model.Config.Rank * _packed.BPad * sizeof(float);

    /// <summary>Computes (and caches) the per-latent styles now, so later calls only pay for lines and pixels.</summary>
    public void PrepareLatent(Latent latent) => _styles.Get(latent);

    /// <inheritdoc cref="IBenchmarkStages"/>
    public BenchmarkTraits BenchmarkTraits => new(Name, GpuClass: false, SeparatesPerLatent: true, HasReadback: false, DeviceBytes: null,
        FmaWidthBits: KernelChoice.WidthBits(Kernel));

    /// <summary>The line pass for one axis: reuse the result for every tile that shares these coordinates.</summary>
    public LineSet ComputeLines(Latent latent, ReadOnlySpan<double> coords, Axis axis)
    {
        RenderArgs.CheckHostLines(this, coords, axis);
        return LinePass.Compute(this, _packed, _styles.Get(latent), coords, axis, Threads, Wide);
    }

    public void RenderTile(Latent latent, LineSet rows, LineSet cols, TileRect tile, PlanarView dst)
    {
        var (r, c) = RenderArgs.CheckTile<AxisLines>(this, rows, cols, tile, dst);
        if (tile.IsEmpty) return;
        PixelPass.Render(_packed, _styles.Get(latent), r, c, tile, dst, Threads, Wide);
    }

    bool Wide => Kernel == CpuKernel.Avx512;

    public float[] Render(Latent latent, ReadOnlySpan<double> rows, ReadOnlySpan<double> cols) => Tiled.Render(this, latent, rows, cols);

    public void Dispose() { }
}
