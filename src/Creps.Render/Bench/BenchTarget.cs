using System.Diagnostics;
using Creps.Render.Cpu;
using Creps.Render.Latents;
using Creps.Render.Model;
using Creps.Render.Onnx;

namespace Creps.Render.Bench;

/// <summary>Milliseconds of one render by stage. NaN: the backend does not separate that stage (it is counted in another).</summary>
public readonly record struct StageTimes(double PerLatentMs, double LinesMs, double PixelsMs, double ReadbackMs)
{
    public double TotalMs => new[] { PerLatentMs, LinesMs, PixelsMs, ReadbackMs }.Where(double.IsFinite).Sum();
}

/// <summary>One backend as the benchmark drives it: renders a region stage by stage into a planar destination.</summary>
public abstract class BenchTarget : IDisposable
{
    /// <summary>Side of the tiles the pixel stage is run in (large renders are tiled; lines are computed once per axis).</summary>
    public const int Tile = 1024;

    public abstract string Name { get; }
    public abstract string Device { get; }
    /// <summary>GPU-class backends also run the 4096² case by default.</summary>
    public abstract bool Fast { get; }
    /// <summary>Device memory in use after the last render (bytes), for backends that know it.</summary>
    public virtual long? DeviceBytes => null;
    /// <summary>Vector width of the kernels, where the backend says (cpu); null: the widest this CPU has.</summary>
    public int? FmaWidthBits { get; private init; }
    public abstract StageTimes Render(Latent latent, double[] rows, double[] cols, float[] dst);
    public virtual void Dispose() { }

    protected static IEnumerable<(int R0, int Nr, int C0, int Nc)> Tiles(int h, int w)
    {
        for (int r0 = 0; r0 < h; r0 += Tile)
            for (int c0 = 0; c0 < w; c0 += Tile)
                yield return (r0, Math.Min(Tile, h - r0), c0, Math.Min(Tile, w - c0));
    }

    protected static double Ms(Stopwatch sw) { double ms = sw.Elapsed.TotalMilliseconds; sw.Restart(); return ms; }

    /// <summary>The named backend on <paramref name="model"/> (cpu with <paramref name="threads"/> threads); unknown backends are timed as a whole.</summary>
    public static BenchTarget Create(CrepsModel model, string backend, BackendOptions options, Action<string>? log) =>
        For(Backends.Create(model, backend, options, log));

    static BenchTarget For(IGenerator g) => g switch
    {
        // cpu: styles are a stage of their own; nothing to read back.
        CpuGenerator cpu => new TiledTarget<AxisLines>(cpu, cpu.Name, false, cpu.Prepare, readbackMs: 0) { FmaWidthBits = KernelChoice.WidthBits(cpu.Kernel) },
        // onnx: styles are computed inside the graphs (part of lines and pixels); the copy out of ORT is part of pixels.
        OnnxGenerator onnx => new TiledTarget<OnnxLines>(onnx, onnx.Provider == "CUDA" ? "onnx (CUDA)" : "onnx (CPU)", onnx.Provider == "CUDA", null, double.NaN),
        // vulkan: styles are uploaded inside lines; pixels include the readback through the tile image. GPU-class unless lavapipe.
        Vulkan.VulkanGenerator vk => new TiledTarget<Vulkan.VulkanLines>(vk, vk.Name, vk.Context.DeviceType != Silk.NET.Vulkan.PhysicalDeviceType.Cpu, null, double.NaN),
        _ => new WholeTarget(g),
    };

    /// <summary>A backend with separate line and pixel passes: lines once per axis, pixels in tiles of <see cref="Tile"/>².</summary>
    sealed class TiledTarget<TLines>(ITiledGenerator<TLines> g, string name, bool fast, Action<Latent>? prepare, double readbackMs) : BenchTarget
    {
        public override string Name => name;
        public override string Device => g.DeviceDescription;
        public override bool Fast => fast;
        public override StageTimes Render(Latent latent, double[] rows, double[] cols, float[] dst)
        {
            var sw = Stopwatch.StartNew();
            double latentMs = double.NaN;
            if (prepare != null) { prepare(latent); latentMs = Ms(sw); }
            var rl = g.ComputeLines(latent, rows, Axis.Rows);
            var cl = g.ComputeLines(latent, cols, Axis.Cols);
            double linesMs = Ms(sw);
            foreach (var (r0, nr, c0, nc) in Tiles(rows.Length, cols.Length))
                g.RenderTile(latent, rl, r0, nr, cl, c0, nc, dst, cols.Length, rows.Length, r0, c0);
            return new StageTimes(latentMs, linesMs, Ms(sw), readbackMs);
        }
        public override void Dispose() => g.Dispose();
    }

    sealed class WholeTarget(IGenerator g) : BenchTarget
    {
        public override string Name => g.Name;
        public override string Device => g.DeviceDescription;
        public override bool Fast => g.Name != "cpu";
        public override StageTimes Render(Latent latent, double[] rows, double[] cols, float[] dst)
        {
            var sw = Stopwatch.StartNew();
            g.Render(latent, rows, cols).CopyTo(dst, 0);
            return new StageTimes(double.NaN, double.NaN, Ms(sw), double.NaN);
        }
        public override void Dispose() => g.Dispose();
    }
}
