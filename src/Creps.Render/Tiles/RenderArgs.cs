using Creps.Render.Coordinates;

namespace Creps.Render;

/// <summary>Checks shared by every backend: coordinates, sizes, and the tile contract's arguments.</summary>
public static class RenderArgs
{
    /// <summary>Most pixels one in-memory render may hold (3 floats each); bigger outputs go through tiles / bake.</summary>
    public const long MaxPixels = 1L << 28;

    public static void CheckCoords(ReadOnlySpan<double> coords, string what)
    {
        if (coords.Length < 1) throw new ArgumentException($"{what}: need at least one coordinate");
        if (coords.Length > Grid.MaxLength) throw new ArgumentException($"{what}: {coords.Length} coordinates; at most {Grid.MaxLength}");
        foreach (double t in coords)
            if (!double.IsFinite(t) || Math.Abs(t) > 1e9) throw new ArgumentException($"{what}: coordinate {t} is not a finite number within ±1e9");
    }

    public static void CheckCoords(ReadOnlySpan<double> coords, Axis axis) => CheckCoords(coords, AxisName(axis));

    /// <summary>
    /// What a backend that keeps its lines in host memory checks before its line pass: the coordinates, and the lines'
    /// bytes (<see cref="IGenerator.LineBytesPerCoordinate"/> each) against <see cref="RenderLimits.MaxLineBytes"/>.
    /// </summary>
    public static void CheckHostLines(IGenerator g, ReadOnlySpan<double> coords, Axis axis)
    {
        CheckCoords(coords, axis);
        RenderLimits.CheckLines(coords.Length, g.LineBytesPerCoordinate, AxisName(axis));
    }

    static string AxisName(Axis axis) => axis == Axis.Rows ? "rows" : "columns";

    /// <summary>
    /// The tile contract's arguments: both line sets live and computed by <paramref name="owner"/>, rows then columns,
    /// the rectangle inside them, the destination big enough. Returns the line sets as the backend's own type.
    /// </summary>
    public static (TLines Rows, TLines Cols) CheckTile<TLines>(IGenerator owner, LineSet rows, LineSet cols, TileRect tile, PlanarView dst)
        where TLines : LineSet
    {
        var typed = CheckLines<TLines>(owner, rows, cols, tile);
        dst.CheckFits(tile.Rows, tile.Cols);
        return typed;
    }

    /// <summary>The line half of <see cref="CheckTile{TLines}"/>, for destinations that are not host memory (a GPU image).</summary>
    public static (TLines Rows, TLines Cols) CheckLines<TLines>(IGenerator owner, LineSet rows, LineSet cols, TileRect tile)
        where TLines : LineSet
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(cols);
        if (!ReferenceEquals(rows.Owner, owner) || !ReferenceEquals(cols.Owner, owner) || rows is not TLines r || cols is not TLines c)
            throw new ArgumentException("lines were computed by another generator");
        if (rows.IsDisposed || cols.IsDisposed) throw new ObjectDisposedException(nameof(LineSet), "lines were disposed");
        if (rows.Axis != Axis.Rows || cols.Axis != Axis.Cols) throw new ArgumentException("pass row lines then column lines");
        if (tile.Row0 < 0 || tile.Rows < 0 || (long)tile.Row0 + tile.Rows > rows.Count ||
            tile.Col0 < 0 || tile.Cols < 0 || (long)tile.Col0 + tile.Cols > cols.Count)
            throw new ArgumentOutOfRangeException(nameof(tile), $"tile {tile} lies outside the computed lines ({rows.Count} rows, {cols.Count} columns)");
        return (r, c);
    }

    public static void CheckSize(long h, long w)
    {
        if (h < 1 || w < 1) throw new ArgumentException($"size {w}x{h}: both sides must be ≥ 1");
        if (h * w > MaxPixels) throw new ArgumentException($"size {w}x{h} is {h * w} pixels; one render holds at most {MaxPixels} (use `creps bake` for larger)");
    }
}
