using Creps.Render.Cpu;
using Creps.Render.Latents;
using Creps.Render.Model;

namespace Creps.Render;

/// <summary>Lines of one axis computed by a backend for a set of coordinates; opaque to the caller.</summary>
public interface ILineSet
{
    Axis Axis { get; }
    int Count { get; }
}

/// <summary>
/// Any backend's tiles behind one non-generic interface: compute an axis's lines once, then render any rectangle of
/// their cross product. Bake streams huge images through it without recomputing lines that neighbouring tiles share.
/// </summary>
public interface ITileRenderer
{
    /// <summary>Host bytes one coordinate's lines take (to bound memory by splitting wide axes into bands).</summary>
    long LineBytesPerCoordinate { get; }
    ILineSet ComputeLines(Latent latent, ReadOnlySpan<double> coords, Axis axis);
    /// <summary>Rows [r0, r0+nr) × columns [c0, c0+nc) into planar float [3][dstH][dstW] at (dy, dx).</summary>
    void RenderTile(Latent latent, ILineSet rows, int r0, int nr, ILineSet cols, int c0, int nc, float[] dst, int dstW, int dstH, int dy, int dx);
}

public static class TileRenderers
{
    /// <summary>
    /// The backend's own tiles when it is an <see cref="ITiledGenerator{TLines}"/> (cpu, onnx, …); otherwise an adapter
    /// that renders each tile whole (correct, but it recomputes the lines per tile).
    /// </summary>
    public static ITileRenderer For(IGenerator gen)
    {
        var tiled = gen.GetType().GetInterfaces()
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ITiledGenerator<>));
        return tiled == null
            ? new WholeTiles(gen)
            : (ITileRenderer)Activator.CreateInstance(typeof(Tiled<>).MakeGenericType(tiled.GetGenericArguments()), gen)!;
    }

    /// <summary>Floats of lines per coordinate: per stage, rank × biline channels (the CPU pads channels to 8).</summary>
    static long LineBytes(CrepsConfig c) => (long)c.StageCount * c.Rank * ((c.BilineChannels + 7) / 8 * 8) * sizeof(float);

    sealed class Tiled<TLines>(ITiledGenerator<TLines> gen) : ITileRenderer
    {
        sealed record Lines(Axis Axis, int Count, TLines Value) : ILineSet;

        public long LineBytesPerCoordinate => LineBytes(gen.Model.Config);

        public ILineSet ComputeLines(Latent latent, ReadOnlySpan<double> coords, Axis axis) =>
            new Lines(axis, coords.Length, gen.ComputeLines(latent, coords, axis));

        public void RenderTile(Latent latent, ILineSet rows, int r0, int nr, ILineSet cols, int c0, int nc, float[] dst, int dstW, int dstH, int dy, int dx) =>
            gen.RenderTile(latent, ((Lines)rows).Value, r0, nr, ((Lines)cols).Value, c0, nc, dst, dstW, dstH, dy, dx);
    }

    /// <summary>For backends without a tile API: "lines" are the coordinates; every tile is one Render call.</summary>
    sealed class WholeTiles(IGenerator gen) : ITileRenderer
    {
        sealed record Coords(Axis Axis, double[] Values) : ILineSet { public int Count => Values.Length; }

        public long LineBytesPerCoordinate => sizeof(double);

        public ILineSet ComputeLines(Latent latent, ReadOnlySpan<double> coords, Axis axis) => new Coords(axis, coords.ToArray());

        public void RenderTile(Latent latent, ILineSet rows, int r0, int nr, ILineSet cols, int c0, int nc, float[] dst, int dstW, int dstH, int dy, int dx)
        {
            if (nr == 0 || nc == 0) return;
            float[] tile = gen.Render(latent, ((Coords)rows).Values.AsSpan(r0, nr), ((Coords)cols).Values.AsSpan(c0, nc));
            for (int c = 0; c < 3; c++)
                for (int i = 0; i < nr; i++)
                    tile.AsSpan((c * nr + i) * nc, nc).CopyTo(dst.AsSpan((int)((c * (long)dstH + dy + i) * dstW + dx), nc));
        }
    }
}
