using Creps.Render.Coordinates;

namespace Creps.Render.Streaming;

/// <summary>
/// How pages are cut: <see cref="PageSize"/>² texels per page plus <see cref="Border"/> texels on each side (for
/// bilinear/anisotropic filtering), so a page holds <see cref="Texels"/>² texels. A page's texel centres are exactly
/// those of <c>creps render --size T×T --region x0,y0,x1,y1</c> of its bordered rectangle (<see cref="Region"/>):
/// <see cref="Grid.Centers"/> on the same doubles.
/// </summary>
public sealed record PageLayout
{
    public const int DefaultPageSize = 128, DefaultBorder = 4, MaxPageSize = 4096;

    /// <summary>
    /// Texel edges are addressed as integers k (level L: k / (P·2^L) in the plane) and must satisfy |k| ≤ 2^44: then a
    /// texel centre's double is within 2^-8 texel of the exact centre, so centres are exact to sampling precision,
    /// distinct and in order. Past that, pages are refused rather than rendered from coordinates that collapse.
    /// </summary>
    public const int MaxTexelBits = 44;

    public int PageSize { get; }
    public int Border { get; }

    public PageLayout(int pageSize = DefaultPageSize, int border = DefaultBorder)
    {
        if (pageSize < 1 || pageSize > MaxPageSize) throw new ArgumentException($"page size {pageSize} is outside 1..{MaxPageSize}");
        if (border < 0 || border > pageSize) throw new ArgumentException($"page border {border} is outside 0..{pageSize} (the page size)");
        PageSize = pageSize;
        Border = border;
    }

    public static PageLayout Default { get; } = new();

    /// <summary>Texels along one side of a page, border included: P + 2B.</summary>
    public int Texels => PageSize + 2 * Border;

    /// <summary>Bytes of one page as planar float32 [3][T][T].</summary>
    public long PageBytes => 3L * Texels * Texels * sizeof(float);

    /// <summary>
    /// The deepest level at which the whole unit square [0,1)², borders included, is addressable
    /// (P·2^L + B ≤ 2^<see cref="MaxTexelBits"/>): 36 for P = 128, B = 4. Deeper levels still serve pages near the
    /// origin; <see cref="Check"/> says where they stop.
    /// </summary>
    public int MaxLevel
    {
        get
        {
            int level = 0;
            while ((Int128)PageSize << (level + 1) <= (Int128)(1L << MaxTexelBits) - Border) level++;
            return level;
        }
    }

    /// <summary>Deepest level any page may have (page indices of one level are 64-bit and 2^L must stay a long).</summary>
    public const int MaxAnyLevel = 62;

    /// <summary>
    /// Throws one clear line (ArgumentException) unless every texel of <paramref name="key"/> has exact, distinct double
    /// coordinates within the renderer's ±1e9 plane.
    /// </summary>
    public void Check(PageKey key)
    {
        if (key.Level < 0 || key.Level > MaxAnyLevel) throw new ArgumentException($"page {key}: level must be in 0..{MaxAnyLevel}");
        long limit = 1L << MaxTexelBits;
        // Outermost texel edges of the bordered page, as integers at this level; checked in a width that cannot overflow.
        Int128 lo = (Int128)Math.Min(key.X, key.Y) * PageSize - Border, hi = ((Int128)Math.Max(key.X, key.Y) + 1) * PageSize + Border;
        if (lo < -limit || hi > limit)
        {
            Int128 far = Int128.Max(-lo, hi);
            int deepest = key.Level - (int)Math.Ceiling(Math.Log2((double)far / limit));
            string where = deepest >= 0 ? $"; this spot of the plane is exact down to level {deepest}" : "";
            throw new ArgumentException(
                $"page {key} lies beyond ±2^{MaxTexelBits} texels of {PageSize} at level {key.Level}: double coordinates there are no longer exact and distinct{where}");
        }
        double scale = Units(key.Level);
        if ((double)Int128.Max(-lo, hi) / scale > 1e9)
            throw new ArgumentException($"page {key} lies beyond ±1e9 on the plane (the renderer's coordinate limit)");
    }

    /// <summary>Texels per plane unit at <paramref name="level"/>: P·2^L (exact: P is an integer, 2^L a power of two).</summary>
    double Units(int level) => PageSize * Math.ScaleB(1.0, level);

    /// <summary>The bordered rectangle of page <paramref name="index"/> along one axis at <paramref name="level"/>: [(i·P − B)/(P·2^L), ((i+1)·P + B)/(P·2^L)).</summary>
    public (double A, double B) Span(int level, long index)
    {
        double units = Units(level);
        return ((double)(index * PageSize - Border) / units, (double)((index + 1) * PageSize + Border) / units);
    }

    /// <summary>The bordered rectangle as <c>--region x0,y0,x1,y1</c> (x along columns, y along rows).</summary>
    public (double X0, double Y0, double X1, double Y1) Region(PageKey key)
    {
        Check(key);
        var (x0, x1) = Span(key.Level, key.X);
        var (y0, y1) = Span(key.Level, key.Y);
        return (x0, y0, x1, y1);
    }

    /// <summary>
    /// Texel-centre coordinates of page index <paramref name="index"/> along one axis: the rows of page-row y, or the
    /// columns of page-column x — the same for every page of that row (column) at that level, hence shared lines.
    /// </summary>
    public double[] AxisCoords(int level, long index)
    {
        var (a, b) = Span(level, index);
        return Grid.Centers(a, b, Texels);
    }
}
