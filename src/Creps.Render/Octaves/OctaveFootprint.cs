namespace Creps.Render.Octaves;

/// <summary>
/// What a render resolves, in units of the model's plane: <see cref="Pixel"/> the side of one output pixel (the coarser
/// axis), <see cref="Span"/> the side of the whole view (the longer axis). Which octave layers are present depends on these
/// alone, so every tile of one render (or of one bake level) uses the same layers with the same weights.
/// </summary>
public readonly record struct OctaveFootprint(double Pixel, double Span)
{
    /// <summary>A region x0..x1 × y0..y1 at w × h output pixels (render --size/--region, a bake level).</summary>
    public static OctaveFootprint OfRegion(double x0, double y0, double x1, double y1, int w, int h)
    {
        double sx = Math.Abs(x1 - x0), sy = Math.Abs(y1 - y0);
        return Checked(Math.Max(sx / w, sy / h), Math.Max(sx, sy));
    }

    /// <summary>
    /// Explicit coordinate vectors: the pixel is the mean spacing (max − min)/(n − 1) of the coarser axis, the span n pixels
    /// (for pixel centres and linspace grids exactly the region's); an axis of one coordinate counts as the other's.
    /// </summary>
    public static OctaveFootprint OfAxes(ReadOnlySpan<double> rows, ReadOnlySpan<double> cols)
    {
        var (pr, sr) = OfAxis(rows);
        var (pc, sc) = OfAxis(cols);
        return Checked(Math.Max(pr, pc), Math.Max(sr, sc));
    }

    static (double Pixel, double Span) OfAxis(ReadOnlySpan<double> t)
    {
        if (t.Length < 2) return (0, 0);
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (double v in t) { lo = Math.Min(lo, v); hi = Math.Max(hi, v); }
        double pixel = (hi - lo) / (t.Length - 1);
        return (pixel, pixel * t.Length);
    }

    static OctaveFootprint Checked(double pixel, double span)
    {
        if (!(pixel > 0) || !(span > 0) || !double.IsFinite(span))
            throw new ArgumentException("an octave stack needs a region with a positive extent (at least two distinct coordinates on one axis)");
        return new OctaveFootprint(pixel, span);
    }
}
