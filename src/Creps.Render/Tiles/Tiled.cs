using Creps.Render.Coordinates;
using Creps.Render.Latents;
using Creps.Render.Model;

namespace Creps.Render;

/// <summary>Whole renders on the tile contract.</summary>
public static class Tiled
{
    /// <summary>Both axes' lines, then the whole region as one tile into a new planar [3][H][W] buffer.</summary>
    public static float[] Render(IGenerator g, Latent latent, ReadOnlySpan<double> rows, ReadOnlySpan<double> cols)
    {
        RenderArgs.CheckSize(rows.Length, cols.Length);
        using var rl = g.ComputeLines(latent, rows, Axis.Rows);
        using var cl = g.ComputeLines(latent, cols, Axis.Cols);
        var img = PlanarView.Allocate(cols.Length, rows.Length);
        g.RenderTile(latent, rl, cl, TileRect.Whole(rl, cl), img);
        return img.Data;
    }
}
