namespace Creps.Demo;

/// <summary>
/// One coordinate of the plane in exact form: (<see cref="Whole"/> + <see cref="Fraction"/>) / 2^32, with Whole a 64-bit
/// integer (the index of a cell at reference level 32, i.e. of a 2^-32-wide cell) and Fraction a double in [0, 1).
/// A pan adds its delta to the fraction and carries whole cells into the integer, so the position keeps a resolution of
/// about 2^-85 plane units anywhere in the renderer's ±1e9 plane — far below a pixel at 10¹² zoom (≈ 2^-50) — where a
/// plain double at x = 1e6 would already be coarser than that pixel.
/// </summary>
public readonly record struct PlaneCoordinate(long Whole, double Fraction)
{
    public const int ReferenceBits = 32;
    const double Scale = 4294967296.0;   // 2^32

    /// <summary>The exact value of a double (|x| ≤ 2^31, which covers the ±1e9 plane).</summary>
    public static PlaneCoordinate FromDouble(double x)
    {
        double s = x * Scale, f = Math.Floor(s);
        return new PlaneCoordinate((long)f, s - f);   // s − floor(s) is exact
    }

    public double ToDouble() => (Whole + Fraction) / Scale;

    /// <summary>This coordinate moved by <paramref name="delta"/> plane units (exact up to the delta's own double rounding).</summary>
    public PlaneCoordinate Add(double delta)
    {
        double d = delta * Scale, whole = Math.Floor(d);
        double f = Fraction + (d - whole);
        double carry = Math.Floor(f);
        return new PlaneCoordinate(Whole + (long)whole + (long)carry, f - carry);
    }

    /// <summary>(a − b) in plane units, as a double (exact integer part, then the fractions).</summary>
    public static double Difference(PlaneCoordinate a, PlaneCoordinate b) => ((double)(a.Whole - b.Whole) + (a.Fraction - b.Fraction)) / Scale;

    /// <summary>
    /// This coordinate in texels of level <paramref name="level"/> (P·2^L texels per plane unit, P =
    /// <paramref name="pageSize"/>): an exact integer part and a fraction in [0, 1).
    /// </summary>
    public (Int128 Whole, double Fraction) Texel(int pageSize, int level)
    {
        Int128 w = (Int128)Whole * pageSize;
        double fp = Fraction * pageSize;             // exact for a power-of-two P (the default 128)
        int shift = ReferenceBits - level;
        if (shift <= 0)
        {
            double scaled = Math.ScaleB(fp, -shift), fl = Math.Floor(scaled);
            return ((w << -shift) + (Int128)fl, scaled - fl);
        }
        Int128 q = w >> shift;                       // floor division by 2^shift (arithmetic shift)
        Int128 rem = w - (q << shift);               // in [0, 2^shift)
        double frac = Math.ScaleB((double)rem + fp, -shift), carry = Math.Floor(frac);
        return (q + (Int128)carry, frac - carry);
    }
}

/// <summary>
/// The view: the plane point at the window centre (<see cref="X"/> across, <see cref="Y"/> down, exact) and the plane
/// width the window shows (<see cref="Span"/>, a double: zoom needs relative precision only).
/// </summary>
public sealed record Camera(PlaneCoordinate X, PlaneCoordinate Y, double Span)
{
    public const double MinSpan = 1e-13, MaxSpan = 64, PlaneLimit = 1e9;

    public static Camera At(double x, double y, double span) => new(PlaneCoordinate.FromDouble(x), PlaneCoordinate.FromDouble(y), ClampSpan(span));

    static double ClampSpan(double s) => Math.Clamp(s, MinSpan, MaxSpan);

    /// <summary>Moves the view so the content follows a drag of (dx, dy) window pixels: exactly dx·span/width plane units.</summary>
    public Camera Pan(double dxPixels, double dyPixels, int width)
    {
        double perPixel = Span / width;
        return InPlane(this with { X = X.Add(-dxPixels * perPixel), Y = Y.Add(-dyPixels * perPixel) });
    }

    /// <summary>Zooms by <paramref name="factor"/> (below 1: in) keeping the plane point under window pixel (px, py) where it is.</summary>
    public Camera ZoomAt(double factor, double px, double py, int width, int height)
    {
        double span = ClampSpan(Span * factor);
        double before = Span / width, after = span / width;
        // The point under the cursor is centre + (p − size/2)·perPixel before and after: move the centre by the difference.
        double ox = px - width / 2.0, oy = py - height / 2.0;
        return InPlane(new Camera(X.Add(ox * (before - after)), Y.Add(oy * (before - after)), span));
    }

    static Camera InPlane(Camera c)
    {
        double x = c.X.ToDouble(), y = c.Y.ToDouble();
        if (Math.Abs(x) <= PlaneLimit && Math.Abs(y) <= PlaneLimit) return c;
        return c with
        {
            X = Math.Abs(x) > PlaneLimit ? PlaneCoordinate.FromDouble(Math.CopySign(PlaneLimit, x)) : c.X,
            Y = Math.Abs(y) > PlaneLimit ? PlaneCoordinate.FromDouble(Math.CopySign(PlaneLimit, y)) : c.Y,
        };
    }

    /// <summary>Zoom as ×10^k relative to a span of 1 (the unit square across the window).</summary>
    public double ZoomLog10 => -Math.Log10(Span);

    public override string ToString() => $"centre ({X.ToDouble():G12}, {Y.ToDouble():G12}), span {Span:G4}";
}
