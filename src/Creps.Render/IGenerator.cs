using Creps.Render.Latents;
using Creps.Render.Model;

namespace Creps.Render;

/// <summary>A backend that renders a region of a model's image plane. Output is planar float [3][H][W], roughly [−1, 1].</summary>
public interface IGenerator : IDisposable
{
    CrepsModel Model { get; }
    /// <summary>Short backend name: cpu, vulkan, onnx.</summary>
    string Name { get; }
    /// <summary>What it runs on, for logs ("CPU (2 threads, AVX2/FMA)", a GPU's name…).</summary>
    string DeviceDescription { get; }
    /// <summary>Renders rows × cols (rows = image height axis, top to bottom).</summary>
    float[] Render(Latent latent, ReadOnlySpan<double> rows, ReadOnlySpan<double> cols);
}

/// <summary>
/// A backend whose two halves can be driven apart: the line pass once per axis (<typeparamref name="TLines"/>), then
/// any tiles of those lines — tiles that share rows or columns never recompute them.
/// </summary>
public interface ITiledGenerator<TLines> : IGenerator
{
    TLines ComputeLines(Latent latent, ReadOnlySpan<double> coords, Cpu.Axis axis);
    void RenderTile(Latent latent, TLines rows, int r0, int nr, TLines cols, int c0, int nc, float[] dst, int dstW, int dstH, int dy, int dx);
}

/// <summary>Whole renders for tiled backends.</summary>
public static class Tiled
{
    /// <summary>Both axes' lines, then the whole region as one tile into a new planar [3][H][W] buffer.</summary>
    public static float[] Render<TLines>(ITiledGenerator<TLines> g, Latent latent, ReadOnlySpan<double> rows, ReadOnlySpan<double> cols)
    {
        RenderArgs.CheckSize(rows.Length, cols.Length);
        var rl = g.ComputeLines(latent, rows, Cpu.Axis.Rows);
        var cl = g.ComputeLines(latent, cols, Cpu.Axis.Cols);
        var img = new float[3L * rows.Length * cols.Length];
        g.RenderTile(latent, rl, 0, rows.Length, cl, 0, cols.Length, img, cols.Length, rows.Length, 0, 0);
        return img;
    }
}

/// <summary>Checks shared by every backend.</summary>
public static class RenderArgs
{
    /// <summary>Most pixels one in-memory render may hold (3 floats each); bigger outputs go through tiles / bake.</summary>
    public const long MaxPixels = 1L << 28;

    public static void CheckCoords(ReadOnlySpan<double> coords, string what)
    {
        if (coords.Length < 1) throw new ArgumentException($"{what}: need at least one coordinate");
        if (coords.Length > Coordinates.Grid.MaxLength) throw new ArgumentException($"{what}: {coords.Length} coordinates; at most {Coordinates.Grid.MaxLength}");
        foreach (double t in coords)
            if (!double.IsFinite(t) || Math.Abs(t) > 1e9) throw new ArgumentException($"{what}: coordinate {t} is not a finite number within ±1e9");
    }

    /// <summary>A tile of precomputed lines (rows [r0, r0+nr) × columns [c0, c0+nc)) going to (dy, dx) of a planar [3][dstH][dstW] buffer.</summary>
    public static void CheckTile(Cpu.Axis rowsAxis, int rowCount, int r0, int nr, Cpu.Axis colsAxis, int colCount, int c0, int nc,
        float[] dst, int dstW, int dstH, int dy, int dx)
    {
        if (rowsAxis != Cpu.Axis.Rows || colsAxis != Cpu.Axis.Cols) throw new ArgumentException("pass row lines then column lines");
        if (r0 < 0 || nr < 0 || r0 + nr > rowCount || c0 < 0 || nc < 0 || c0 + nc > colCount)
            throw new ArgumentOutOfRangeException(nameof(nr), "tile lies outside the computed lines");
        if (dy < 0 || dx < 0 || dy + nr > dstH || dx + nc > dstW || dst.LongLength < 3L * dstW * dstH)
            throw new ArgumentOutOfRangeException(nameof(dst), "tile lies outside the destination");
    }

    public static void CheckSize(long h, long w)
    {
        if (h < 1 || w < 1) throw new ArgumentException($"size {w}x{h}: both sides must be ≥ 1");
        if (h * w > MaxPixels) throw new ArgumentException($"size {w}x{h} is {h * w} pixels; one render holds at most {MaxPixels} (use `creps bake` for larger)");
    }
}

/// <summary>A small most-recently-used cache of per-latent data (styles), keyed by the ws values.</summary>
public sealed class StyleCache<T> where T : class
{
    readonly int _capacity;
    readonly Func<Latent, T> _make;
    readonly LinkedList<(Latent Key, T Value)> _items = new();

    public StyleCache(int capacity, Func<Latent, T> make) { _capacity = capacity; _make = make; }

    public T Get(Latent latent)
    {
        lock (_items)
        {
            for (var node = _items.First; node != null; node = node.Next)
                if (ReferenceEquals(node.Value.Key, latent) || node.Value.Key.Equals(latent))
                {
                    _items.Remove(node);
                    _items.AddFirst(node);
                    return node.Value.Value;
                }
        }
        T value = _make(latent);
        lock (_items)
        {
            _items.AddFirst((latent, value));
            while (_items.Count > _capacity) _items.RemoveLast();
        }
        return value;
    }
}
