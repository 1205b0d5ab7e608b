namespace Creps.Render;

/// <summary>
/// Where a tile's pixels go: a planar float image [3][Height][Width] (R plane, G plane, B plane) with the tile's
/// top-left pixel landing at (<see cref="Y"/>, <see cref="X"/>).
/// </summary>
public readonly record struct PlanarView(float[] Data, int Width, int Height, int Y = 0, int X = 0)
{
    /// <summary>A new planar image of <paramref name="width"/>×<paramref name="height"/>, tile origin at (0, 0).</summary>
    public static PlanarView Allocate(int width, int height) => new(new float[3L * width * height], width, height);

    /// <summary>The same image with the tile origin moved to (y, x).</summary>
    public PlanarView At(int y, int x) => this with { Y = y, X = x };

    public long Plane => (long)Width * Height;

    /// <summary>Index in <see cref="Data"/> of channel <paramref name="channel"/>, tile pixel (i, j).</summary>
    public long Index(int channel, int i, int j) => channel * Plane + (long)(Y + i) * Width + X + j;

    /// <summary>Throws unless a tile of <paramref name="rows"/>×<paramref name="cols"/> at the origin fits inside the image.</summary>
    public void CheckFits(int rows, int cols)
    {
        if (Data == null) throw new ArgumentNullException(nameof(Data), "destination has no buffer");
        if (Width < 0 || Height < 0 || Data.LongLength < 3L * Width * Height)
            throw new ArgumentException($"destination buffer holds {Data.LongLength} floats, a {Width}x{Height} planar image needs {3L * Width * Height}");
        if (Y < 0 || X < 0 || (long)Y + rows > Height || (long)X + cols > Width)
            throw new ArgumentOutOfRangeException(nameof(rows), $"a {cols}x{rows} tile at ({X},{Y}) lies outside the {Width}x{Height} destination");
    }
}
