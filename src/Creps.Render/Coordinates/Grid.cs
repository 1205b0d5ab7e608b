namespace Creps.Render.Coordinates;

/// <summary>
/// Coordinate vectors for one axis of the image plane. Rows run along the image height (top to bottom),
/// columns along the width (left to right); the model's plane is [0,1]² at its training scale. Zoom is a
/// shorter interval, pan a shifted one; values outside [0,1] extrapolate. Every coordinate is independent,
/// so any sub-range of a vector renders exactly the same pixels as the whole.
/// </summary>
public static class Grid
{
    /// <summary>Longest axis a render may ask for (a bake covers more through tiles of this).</summary>
    public const int MaxLength = 1 << 20;

    /// <summary>numpy.linspace(a, b, n): both ends included.</summary>
    public static double[] Linspace(double a, double b, int n)
    {
        CheckCount(n);
        var v = new double[n];
        if (n == 1) { v[0] = a; return v; }
        double step = (b - a) / (n - 1);
        for (int i = 0; i < n; i++) v[i] = a + i * step;
        v[n - 1] = b;
        return v;
    }

    /// <summary>Pixel centres of [a, b) cut into n pixels: a + (i + ½)(b − a)/n. Adjacent regions tile exactly.</summary>
    public static double[] Centers(double a, double b, int n)
    {
        CheckCount(n);
        var v = new double[n];
        for (int i = 0; i < n; i++) v[i] = a + (i + 0.5) * (b - a) / n;
        return v;
    }

    /// <summary>The official grid for <c>--scale S</c>: linspace(0, 1, L) with L = int(img_resolution · S).</summary>
    public static double[] Official(int imgResolution, double scale)
    {
        if (!(scale > 0) || double.IsInfinity(scale)) throw new ArgumentOutOfRangeException(nameof(scale), $"scale must be a positive number, got {scale}");
        double l = Math.Floor(imgResolution * scale);
        if (l < 1 || l > MaxLength) throw new ArgumentOutOfRangeException(nameof(scale), $"scale {scale} gives {l} pixels per axis; allowed 1..{MaxLength}");
        return Linspace(0, 1, (int)l);
    }

    static void CheckCount(int n)
    {
        if (n < 1 || n > MaxLength) throw new ArgumentOutOfRangeException(nameof(n), $"an axis needs 1..{MaxLength} pixels, got {n}");
    }
}
