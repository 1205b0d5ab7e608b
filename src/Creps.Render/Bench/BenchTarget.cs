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
    public static BenchTarget Create(CrepsModel model, string backend, int threads, Action<string>? log) =>
        For(backend == "cpu" ? new CpuGenerator(model, threads) : Backends.Create(model, backend, log));

    static BenchTarget For(IGenerator g) => g switch
    {
        CpuGenerator cpu => new CpuTarget(cpu),
        OnnxGenerator onnx => new OnnxTarget(onnx),
        _ => new WholeTarget(g),
    };

    sealed class CpuTarget(CpuGenerator g) : BenchTarget
    {
        public override string Name => g.Name;
        public override string Device => g.DeviceDescription;
        public override bool Fast => false;
        public override StageTimes Render(Latent latent, double[] rows, double[] cols, float[] dst)
        {
            var sw = Stopwatch.StartNew();
            g.Prepare(latent);
            double latentMs = Ms(sw);
            var rl = g.ComputeLines(latent, rows, Axis.Rows);
            var cl = g.ComputeLines(latent, cols, Axis.Cols);
            double linesMs = Ms(sw);
            foreach (var (r0, nr, c0, nc) in Tiles(rows.Length, cols.Length))
                g.RenderTile(latent, rl, r0, nr, cl, c0, nc, dst, cols.Length, rows.Length, r0, c0);
            return new StageTimes(latentMs, linesMs, Ms(sw), 0);
        }
    }

    /// <summary>ONNX Runtime: styles are computed inside the graphs (per-latent time is part of lines and pixels); readback is part of pixels.</summary>
    sealed class OnnxTarget(OnnxGenerator g) : BenchTarget
    {
        public override string Name => g.Provider == "CUDA" ? "onnx (CUDA)" : "onnx (CPU)";
        public override string Device => g.DeviceDescription;
        public override bool Fast => g.Provider == "CUDA";
        public override StageTimes Render(Latent latent, double[] rows, double[] cols, float[] dst)
        {
            var sw = Stopwatch.StartNew();
            var rl = g.ComputeLines(latent, rows, Axis.Rows);
            var cl = g.ComputeLines(latent, cols, Axis.Cols);
            double linesMs = Ms(sw);
            foreach (var (r0, nr, c0, nc) in Tiles(rows.Length, cols.Length))
                g.RenderTile(latent, rl, r0, nr, cl, c0, nc, dst, cols.Length, rows.Length, r0, c0);
            return new StageTimes(double.NaN, linesMs, Ms(sw), double.NaN);
        }
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
