using Creps.Render.Octaves;

namespace Creps.Render.Streaming;

/// <summary>
/// The generator that renders a texture's pages of one level: the streamer's own for a plain texture, and for an octave
/// texture (<see cref="TextureDescription.Octaves"/>) an <see cref="OctaveGenerator"/> on it at the level's footprint —
/// a page's texel over its bordered rectangle, exactly <c>creps render --size T×T --region</c>'s footprint of that page
/// (for a power-of-two page size every page of a level has the same one; otherwise page (0, 0)'s is used). One instance
/// per (texture, level), so the lines a page-row shares were computed by the generator that renders them. Thread-safe.
/// </summary>
sealed class LevelGenerators(IGenerator inner)
{
    readonly Dictionary<(string Texture, int Level), OctaveGenerator> _levels = new();

    public IGenerator For(TextureDescription t, int level)
    {
        if (t.Octaves.IsOff) return inner;
        lock (_levels)
        {
            if (_levels.TryGetValue((t.ContentKey, level), out var g)) return g;
            var stack = _levels.FirstOrDefault(e => e.Key.Texture == t.ContentKey).Value;   // shares latents and spreads
            var f = Footprint(t.Layout, level);
            g = stack?.At(f) ?? new OctaveGenerator(inner, t.Octaves, f, t.OctavePsi);
            _levels[(t.ContentKey, level)] = g;
            return g;
        }
    }

    /// <summary>Most line bytes per coordinate any level of <paramref name="t"/> needs (its widest octave window).</summary>
    public long MaxLineBytesPerCoordinate(TextureDescription t)
    {
        if (t.Octaves.IsOff) return inner.LineBytesPerCoordinate;
        int most = 0;
        for (int level = 0; level <= PageLayout.MaxAnyLevel; level++)
            most = Math.Max(most, OctaveWeights.Active(t.Octaves, Footprint(t.Layout, level), inner.Model.Config.ImgResolution).Count);
        return inner.LineBytesPerCoordinate * (1 + 2 * most);
    }

    static OctaveFootprint Footprint(PageLayout layout, int level)
    {
        var (a, b) = layout.Span(level, 0);
        return OctaveFootprint.OfRegion(a, a, b, b, layout.Texels, layout.Texels);
    }
}
