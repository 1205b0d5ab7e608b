using System.Globalization;
using Creps.Render.IO;

namespace Creps.Render.Coordinates;

/// <summary>
/// Text forms of a coordinate vector: <c>linspace:a,b,n</c> (ends included, like numpy.linspace),
/// <c>centers:a,b,n</c> (pixel centres of [a,b) in n pixels) or <c>@FILE</c> (one number per line).
/// </summary>
public static class AxisSpec
{
    /// <summary>Largest coordinate file read, and the longest line in it (a number, or a # comment).</summary>
    public const long MaxFileBytes = 64L << 20;
    public const int MaxLineChars = 1024;

    /// <summary>Spec syntax errors are <see cref="FormatException"/>s; problems of an <c>@FILE</c>'s contents <see cref="InputFileException"/>s.</summary>
    public static double[] Parse(string spec)
    {
        if (spec.StartsWith('@')) return ReadFile(spec[1..]);
        int colon = spec.IndexOf(':');
        string kind = colon < 0 ? "" : spec[..colon];
        if (kind != "linspace" && kind != "centers")
            throw new FormatException($"coordinate spec {Untrusted.Quote(spec)}: expected linspace:a,b,n, centers:a,b,n or @FILE");
        var parts = spec[(colon + 1)..].Split(',');
        if (parts.Length != 3
            || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double a) || !double.IsFinite(a)
            || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double b) || !double.IsFinite(b)
            || !int.TryParse(parts[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out int n))
            throw new FormatException($"coordinate spec {Untrusted.Quote(spec)}: expected {kind}:a,b,n with numbers a, b and a whole count n");
        if (n < 1 || n > Grid.MaxLength) throw new FormatException($"coordinate spec {Untrusted.Quote(spec)}: count {n} is outside 1..{Grid.MaxLength}");
        return kind == "linspace" ? Grid.Linspace(a, b, n) : Grid.Centers(a, b, n);
    }

    static double[] ReadFile(string path)
    {
        const string what = "coordinate file";
        using var file = InputFile.Open(path, what, MaxFileBytes);
        var values = new List<double>();
        foreach (var (number, line) in InputFile.Lines(file, path, what, MaxLineChars))
        {
            var t = line.Trim();
            if (t.Length == 0 || t.StartsWith('#')) continue;
            if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
                throw new InputFileException(path, $"{what} {Untrusted.Quote(path, 200)}:{number}: {Untrusted.Quote(t)} is not a finite number");
            if (values.Count == Grid.MaxLength) throw new InputFileException(path, $"{what} {Untrusted.Quote(path, 200)}:{number}: more than {Grid.MaxLength} coordinates");
            values.Add(v);
        }
        if (values.Count == 0) throw new InputFileException(path, $"{what} {Untrusted.Quote(path, 200)} holds no numbers");
        return values.ToArray();
    }

    /// <summary><c>x0,y0,x1,y1</c>: x along the width (columns), y along the height (rows).</summary>
    public static (double X0, double Y0, double X1, double Y1) ParseRegion(string text)
    {
        var p = text.Split(',');
        var v = new double[4];
        if (p.Length != 4 || !p.Select((s, i) => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out v[i]) && double.IsFinite(v[i])).All(ok => ok))
            throw new FormatException($"region {Untrusted.Quote(text)}: expected x0,y0,x1,y1 (four numbers)");
        if (v[0] == v[2] || v[1] == v[3]) throw new FormatException($"region {Untrusted.Quote(text)} is empty");
        return (v[0], v[1], v[2], v[3]);
    }

    /// <summary><c>WxH</c>, or <c>N</c> for N×N.</summary>
    public static (int W, int H) ParseSize(string text, int max = Grid.MaxLength)
    {
        var p = text.Split('x', 'X');
        if (p.Length == 1) p = [p[0], p[0]];
        if (p.Length != 2 || !int.TryParse(p[0], out int w) || !int.TryParse(p[1], out int h))
            throw new FormatException($"size {Untrusted.Quote(text)}: expected WxH or N (whole numbers)");
        if (w < 1 || h < 1) throw new FormatException($"size {Untrusted.Quote(text)}: width and height must be ≥ 1");
        if (w > max || h > max) throw new FormatException($"size {Untrusted.Quote(text)}: each side is at most {max}");
        return (w, h);
    }
}
