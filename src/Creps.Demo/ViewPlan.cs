using Creps.Render.Streaming;

namespace Creps.Demo;

/// <summary>How one level maps window pixels to its texels: texel = (pixel − window centre)·<see cref="TexelsPerPixel"/> + <see cref="CentreTexel"/>, relative to page <see cref="Origin"/>'s top-left corner.</summary>
public readonly record struct LevelMapping(int Level, long OriginX, long OriginY, double CentreTexelX, double CentreTexelY, double TexelsPerPixel,
    long FirstX, long LastX, long FirstY, long LastY);

/// <summary>
/// What one frame draws and wants, computed from the exact camera on the host (the shader only sees small per-level
/// offsets, so float precision suffices at every zoom): the continuous level λ where one texel is one pixel, the two
/// levels trilinear filtering blends (floor and ceil of λ), the per-level mappings for 0..<see cref="Fine"/>, and the
/// page requests — the visible pages of both levels, a one-page margin of the finer one (prefetch), and the level-0 pages
/// (the root every pixel can fall back to). Past the exactness limit (<see cref="PageLayout.Check"/>: 2^44 texels from
/// the origin, i.e. level 36 near the unit square, less far out) the finest level stops there and is magnified.
/// </summary>
public sealed class ViewPlan
{
    public int Width { get; }
    public int Height { get; }
    public double Lambda { get; }
    /// <summary>The finer level drawn (ceil λ clamped to 0..<see cref="MaxExactLevel"/>) and the coarser one.</summary>
    public int Fine { get; }
    public int Coarse { get; }
    /// <summary>Weight of <see cref="Fine"/> in the trilinear blend (1 where only one level is drawn).</summary>
    public double FineWeight { get; }
    public int MaxExactLevel { get; }
    /// <summary>True where the view asks for more detail than the exact levels hold (the finest level is magnified).</summary>
    public bool Magnified { get; }
    public LevelMapping[] Levels { get; }
    public List<WantedPage> Wanted { get; } = new();

    public ViewPlan(Camera camera, int width, int height, PageLayout layout)
    {
        Width = width; Height = height;
        int p = layout.PageSize;
        double perPixel = camera.Span / width;
        Lambda = Math.Log2(1.0 / (perPixel * p));
        MaxExactLevel = DeepestExact(camera, width, height, layout);
        int fine = (int)Math.Ceiling(Lambda - 1e-9), coarse = (int)Math.Floor(Lambda + 1e-9);
        double fineWeight = fine == coarse ? 1 : Lambda - coarse;
        if (coarse < 0) { fine = coarse = 0; fineWeight = 1; }
        if (fine > MaxExactLevel)
        {
            Magnified = Lambda > MaxExactLevel + 1e-9;
            if (coarse >= MaxExactLevel) { fine = coarse = MaxExactLevel; fineWeight = 1; }
            else fine = MaxExactLevel;
        }
        Fine = fine; Coarse = coarse; FineWeight = fineWeight;
        Levels = new LevelMapping[fine + 1];
        for (int l = 0; l <= fine; l++) Levels[l] = Map(camera, l, width, height, p, margin: l == fine ? 1 : 0);
        AddWanted(Levels[0], layout, 0, prefetch: false);
        if (coarse != fine && coarse > 0) AddWanted(Levels[coarse], layout, 1, prefetch: false);
        if (fine > 0) AddWanted(Levels[fine], layout, 2, prefetch: false);
        AddWanted(Levels[fine], layout, 3, prefetch: true);
    }

    /// <summary>The deepest level ≤ 62 at which every page the window touches (with the margin) passes <see cref="PageLayout.Check"/>.</summary>
    static int DeepestExact(Camera camera, int width, int height, PageLayout layout)
    {
        for (int l = PageLayout.MaxAnyLevel; l > 0; l--)
        {
            var m = Map(camera, l, width, height, layout.PageSize, margin: 1);
            if (Exact(layout, new PageKey(l, m.FirstX, m.FirstY)) && Exact(layout, new PageKey(l, m.LastX, m.LastY))) return l;
        }
        return 0;
    }

    static bool Exact(PageLayout layout, PageKey key)
    {
        try { layout.Check(key); return true; }
        catch (ArgumentException) { return false; }
    }

    static LevelMapping Map(Camera camera, int level, int width, int height, int pageSize, int margin)
    {
        var (wx, fx) = camera.X.Texel(pageSize, level);
        var (wy, fy) = camera.Y.Texel(pageSize, level);
        double rho = camera.Span / width * pageSize * Math.ScaleB(1.0, level);
        long PageOf(Int128 whole, double frac, double offsetTexels)
        {
            double t = frac + offsetTexels, ft = Math.Floor(t);
            Int128 texel = whole + (Int128)ft;
            Int128 q = texel / pageSize;
            if (texel < 0 && q * pageSize != texel) q--;          // floor division
            return (long)Int128.Clamp(q, long.MinValue / 4, long.MaxValue / 4);
        }
        long x0 = PageOf(wx, fx, -width / 2.0 * rho) - margin, x1 = PageOf(wx, fx, width / 2.0 * rho) + margin;
        long y0 = PageOf(wy, fy, -height / 2.0 * rho) - margin, y1 = PageOf(wy, fy, height / 2.0 * rho) + margin;
        double cx = (double)(wx - (Int128)x0 * pageSize) + fx, cy = (double)(wy - (Int128)y0 * pageSize) + fy;
        return new LevelMapping(level, x0, y0, cx, cy, rho, x0, x1, y0, y1);
    }

    void AddWanted(LevelMapping m, PageLayout layout, int rank, bool prefetch)
    {
        int p = layout.PageSize;
        for (long y = m.FirstY; y <= m.LastY; y++)
            for (long x = m.FirstX; x <= m.LastX; x++)
            {
                var (px0, py0, px1, py1) = PixelRect(m, x, y, p);
                bool visible = px1 > 0 && py1 > 0 && px0 < Width && py0 < Height;
                if (visible == prefetch) continue;
                // Centre first: distance of the page's centre from the window's centre, in pixels.
                double dist = Math.Sqrt(Math.Pow((px0 + px1 - Width) / 2, 2) + Math.Pow((py0 + py1 - Height) / 2, 2));
                var key = new PageKey(m.Level, x, y);
                if (Wanted.Any(w => w.Key == key)) continue;
                Wanted.Add(new WantedPage(key, Priority(rank, dist), !prefetch));
            }
    }

    /// <summary>Coarse before fine (rank: root, coarser level, finer level, prefetch), then nearer the centre first.</summary>
    static int Priority(int rank, double distPixels) => (10 - rank) * 10_000_000 - (int)Math.Min(distPixels, 9_999_999);

    /// <summary>Window-pixel rectangle [x0, x1) × [y0, y1) of page (x, y) of mapping <paramref name="m"/>.</summary>
    public (double X0, double Y0, double X1, double Y1) PixelRect(LevelMapping m, long x, long y, int pageSize)
    {
        double ox = ((x - m.OriginX) * (double)pageSize - m.CentreTexelX) / m.TexelsPerPixel + Width / 2.0;
        double oy = ((y - m.OriginY) * (double)pageSize - m.CentreTexelY) / m.TexelsPerPixel + Height / 2.0;
        double side = pageSize / m.TexelsPerPixel;
        return (ox, oy, ox + side, oy + side);
    }

    /// <summary>Bit L set where some page of level L's rectangle (the window, plus the margin at the finest level) is resident: levels the shader may probe.</summary>
    public ulong LevelsResident(Func<PageKey, bool> resident)
    {
        ulong mask = 0;
        foreach (var m in Levels)
        {
            bool any = false;
            for (long y = m.FirstY; y <= m.LastY && !any; y++)
                for (long x = m.FirstX; x <= m.LastX && !any; x++) any = resident(new PageKey(m.Level, x, y));
            if (any) mask |= 1UL << m.Level;
        }
        return mask;
    }

    /// <summary>
    /// What the frame draws given which pages the shader can sample: the fraction of window pixels covered by a
    /// resident page (the wanted one or an ancestor) and the coarsest/finest level drawn, over the finer level's visible pages.
    /// </summary>
    public (double Coverage, int FinestDrawn, int CoarsestDrawn, bool FullResolution) Coverage(Func<PageKey, bool> resident, int pageSize)
    {
        var m = Levels[Fine];
        double uncovered = 0;   // summed rather than the covered area, so a fully covered window is exactly 1
        int finest = -1, coarsest = int.MaxValue;
        bool full = Wanted.Where(w => w.Visible).All(w => resident(w.Key));
        for (long y = m.FirstY; y <= m.LastY; y++)
            for (long x = m.FirstX; x <= m.LastX; x++)
            {
                var (x0, y0, x1, y1) = PixelRect(m, x, y, pageSize);
                double area = Math.Max(0, Math.Min(x1, Width) - Math.Max(x0, 0)) * Math.Max(0, Math.Min(y1, Height) - Math.Max(y0, 0));
                if (area <= 0) continue;
                bool hit = false;
                for (PageKey? k = new PageKey(Fine, x, y); k is { } cur && !hit; k = cur.Parent)
                    if (resident(cur))
                    {
                        hit = true;
                        finest = Math.Max(finest, cur.Level);
                        coarsest = Math.Min(coarsest, cur.Level);
                    }
                if (!hit) uncovered += area;
            }
        return (Math.Max(0, 1 - uncovered / ((double)Width * Height)), finest, coarsest == int.MaxValue ? -1 : coarsest, full);
    }
}

/// <summary>A page the frame asks for: <see cref="Visible"/> ones are drawn, the others are the prefetch margin.</summary>
public readonly record struct WantedPage(PageKey Key, int Priority, bool Visible);
