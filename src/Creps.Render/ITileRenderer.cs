using Creps.Render.Cpu;
using Creps.Render.Latents;

namespace Creps.Render;

/// <summary>Lines of one axis computed by a backend for a set of coordinates; opaque to the caller.</summary>
public interface ILineSet
{
    Axis Axis { get; }
    int Count { get; }
}

/// <summary>
/// Backend-agnostic tiled rendering: compute an axis's lines once, then render any rectangle of their cross product.
/// Bake uses it to stream huge images without recomputing lines that neighbouring tiles share.
/// </summary>
public interface ITileRenderer
{
    /// <summary>Host bytes one coordinate's lines hold (to bound memory by splitting wide axes into bands).</summary>
    long LineBytesPerCoordinate { get; }
    ILineSet ComputeLines(Latent latent, ReadOnlySpan<double> coords, Axis axis);
    /// <summary>Rows [r0, r0+nr) × columns [c0, c0+nc) into planar float [3][dstH][dstW] at (dy, dx).</summary>
    void RenderTile(Latent latent, ILineSet rows, int r0, int nr, ILineSet cols, int c0, int nc, float[] dst, int dstW, int dstH, int dy, int dx);
}

public static class TileRenderers
{
    /// <summary>The generator itself when it renders tiles natively, else an adapter that renders each tile whole.</summary>
    public static ITileRenderer For(IGenerator gen) => gen as ITileRenderer ?? new WholeTiles(gen);

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
