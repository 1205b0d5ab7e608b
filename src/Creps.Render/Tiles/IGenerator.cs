using Creps.Render.Coordinates;
using Creps.Render.Latents;
using Creps.Render.Model;

namespace Creps.Render;

/// <summary>
/// A backend, and the one tile contract every backend keeps: the line pass once per axis range
/// (<see cref="ComputeLines"/>), then any tiles of those lines (<see cref="RenderTile"/>) — tiles that share rows or
/// columns never recompute them, and any split into tiles gives the whole render bit for bit. Output is planar float
/// [3][H][W], roughly [−1, 1]. Whole renders, bake, bench and streaming all go through this.
/// </summary>
public interface IGenerator : IDisposable
{
    CrepsModel Model { get; }
    /// <summary>Short backend name: cpu, vulkan, onnx.</summary>
    string Name { get; }
    /// <summary>What it runs on, for logs ("CPU (2 threads, AVX2/FMA)", a GPU's name…).</summary>
    string DeviceDescription { get; }
    /// <summary>Bytes one coordinate's lines take (host or device), so callers can bound memory by splitting long axes into bands.</summary>
    long LineBytesPerCoordinate { get; }

    /// <summary>The line pass for <paramref name="coords"/> along <paramref name="axis"/>; the caller disposes the result.</summary>
    LineSet ComputeLines(Latent latent, ReadOnlySpan<double> coords, Axis axis);

    /// <summary>
    /// Pixels of <paramref name="tile"/> (row lines × column lines, both computed by this generator for
    /// <paramref name="latent"/>) into <paramref name="dst"/> at its origin.
    /// </summary>
    void RenderTile(Latent latent, LineSet rows, LineSet cols, TileRect tile, PlanarView dst);

    /// <summary>Renders rows × cols (rows = image height axis, top to bottom) into a new planar [3][H][W] buffer.</summary>
    float[] Render(Latent latent, ReadOnlySpan<double> rows, ReadOnlySpan<double> cols);
}
