using System.Globalization;

namespace Creps.Render.Coordinates;

/// <summary>
/// Text forms of a coordinate vector: <c>linspace:a,b,n</c> (ends included, like numpy.linspace),
/// <c>centers:a,b,n</c> (pixel centres of [a,b) in n pixels) or <c>@FILE</c> (one number per line).
/// </summary>
public static class AxisSpec
{
    public static double[] Parse(string spec)
    {
        if (spec.StartsWith('@'))
        {
            string path = spec[1..];
            if (!File.Exists(path)) throw new FormatException($"coordinate file '{path}' does not exist");
            var values = new List<double>();
            int lineNo = 0;
            foreach (var line in File.ReadLines(path))
            {
                lineNo++;
                var t = line.Trim();
                if (t.Length == 0 || t.StartsWith('#')) continue;
                if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
                    throw new FormatException($"{path}:{lineNo}: '{t}' is not a finite number");
                values.Add(v);
                if (values.Count > Grid.MaxLength) throw new FormatException($"{path}: more than {Grid.MaxLength} coordinates");
            }
            if (values.Count == 0) throw new FormatException($"coordinate file '{path}' holds no numbers");
            return values.ToArray();
        }
        int colon = spec.IndexOf(':');
        string kind = colon < 0 ? "" : spec[..colon];
        if (kind != "linspace" && kind != "centers")
            throw new FormatException($"coordinate spec '{spec}': expected linspace:a,b,n, centers:a,b,n or @FILE");
        var parts = spec[(colon + 1)..].Split(',');
        if (parts.Length != 3
            || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double a) || !double.IsFinite(a)
            || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double b) || !double.IsFinite(b)
            || !int.TryParse(parts[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out int n))
            throw new FormatException($"coordinate spec '{spec}': expected {kind}:a,b,n with numbers a, b and a whole count n");
        if (n < 1 || n > Grid.MaxLength) throw new FormatException($"coordinate spec '{spec}': count {n} is outside 1..{Grid.MaxLength}");
        return kind == "linspace" ? Grid.Linspace(a, b, n) : Grid.Centers(a, b, n);
    }

    /// <summary><c>x0,y0,x1,y1</c>: x along the width (columns), y along the height (rows).</summary>
    public static (double X0, double Y0, double X1, double Y1) ParseRegion(string text)
    {
        var p = text.Split(',');
        var v = new double[4];
        if (p.Length != 4 || !p.Select((s, i) => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out v[i]) && double.IsFinite(v[i])).All(ok => ok))
            throw new FormatException($"region '{text}': expected x0,y0,x1,y1 (four numbers)");
        if (v[0] == v[2] || v[1] == v[3]) throw new FormatException($"region '{text}' is empty");
        return (v[0], v[1], v[2], v[3]);
    }

    /// <summary><c>WxH</c>, or <c>N</c> for N×N.</summary>
    public static (int W, int H) ParseSize(string text, int max = Grid.MaxLength)
    {
        var p = text.Split('x', 'X');
        if (p.Length == 1) p = [p[0], p[0]];
        if (p.Length != 2 || !int.TryParse(p[0], out int w) || !int.TryParse(p[1], out int h))
            throw new FormatException($"size '{text}': expected WxH or N (whole numbers)");
        if (w < 1 || h < 1) throw new FormatException($"size '{text}': width and height must be ≥ 1");
        if (w > max || h > max) throw new FormatException($"size '{text}': each side is at most {max}");
        return (w, h);
    }
}
