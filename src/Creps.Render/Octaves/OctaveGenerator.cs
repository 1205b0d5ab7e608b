using Creps.Render.Coordinates;
using Creps.Render.Latents;
using Creps.Render.Model;

namespace Creps.Render.Octaves;

/// <summary>
/// An octave stack on any generator, itself a generator on the tile contract: the image is the model's image plus, per
/// layer k with a non-zero weight at this <see cref="Footprint"/>, gainᵏ·weight·<see cref="DetailContrast"/> times that
/// layer's band-passed luminance detail scaled to the base latent's luminance spread (OctaveLayers). Layer k is the inner
/// generator with its own latent at coordinates λᵏ·t + offset ± h (OctaveCoordinates, OctaveLayers.Shift): two renders,
/// whose difference is the detail, each per row and per column like the model's, so any split into tiles is exact.
/// Luminance, not colour: each layer is another seed with its own palette (snow over grass over sand…), whose colour
/// detail tints the base image with other terrains' hues; its luminance adds relief at every scale while the colour of
/// the place stays the model's. With no active layer a tile is exactly the inner generator's. Wraps <see cref="Inner"/>,
/// does not own it.
/// </summary>
public sealed class OctaveGenerator : IGenerator, IFootprintDependent
{
    readonly OctaveCoordinates _coords;
    readonly float _psi;
    /// <summary>Stacks of the 8 most recent latents; shared by the generators of one stack at several footprints.</summary>
    readonly StyleCache<OctaveLayers> _cache;

    /// <param name="inner">Renders the model and every layer.</param>
    /// <param name="layerPsi">Truncation ψ of the layers' latents.</param>
    public OctaveGenerator(IGenerator inner, OctaveSpec spec, OctaveFootprint footprint, float layerPsi = 1f)
        : this(inner, spec, footprint, layerPsi, new OctaveCoordinates(inner.Model), null) { }

    OctaveGenerator(IGenerator inner, OctaveSpec spec, OctaveFootprint footprint, float layerPsi, OctaveCoordinates coords, StyleCache<OctaveLayers>? cache)
    {
        spec.Validate();
        Inner = inner; Spec = spec; Footprint = footprint; _psi = layerPsi; _coords = coords;
        _cache = cache ?? new StyleCache<OctaveLayers>(8, l => new OctaveLayers(inner.Model, l, layerPsi, coords.Period));
        Active = OctaveWeights.Active(spec, footprint, inner.Model.Config.ImgResolution);
    }

    /// <summary>The same stack at another footprint (a bake's next mip level), sharing the layers' latents and spreads.</summary>
    public OctaveGenerator At(OctaveFootprint footprint) => new(Inner, Spec, footprint, _psi, _coords, _cache);

    public IGenerator AtRegion(double x0, double y0, double x1, double y1, int width, int height) =>
        At(OctaveFootprint.OfRegion(x0, y0, x1, y1, width, height));

    public IGenerator Inner { get; }
    public OctaveSpec Spec { get; }
    public OctaveFootprint Footprint { get; }
    /// <summary>The layers evaluated at this footprint and their amplitudes, in increasing k.</summary>
    public IReadOnlyList<(int K, float Amplitude)> Active { get; }

    public CrepsModel Model => Inner.Model;
    public string Name => Inner.Name;
    public string DeviceDescription => $"{Inner.DeviceDescription}; {Spec}: {Active.Count} layer(s) active" +
        (Active.Count > 0 ? $" (k = {Active[0].K}..{Active[^1].K})" : "");
    /// <summary>The model's lines and two per active layer (u + h and u − h).</summary>
    public long LineBytesPerCoordinate => Inner.LineBytesPerCoordinate * (1 + 2 * Active.Count);

    /// <summary>
    /// A layer's detail amplitude at weight 1, as a fraction of the base latent's luminance spread over its tile. Measured
    /// (BENCHMARKS.md, "Octave stack"): it trades the change per zoom step (∝ the amplitude) against the detail at every
    /// zoom (∝ its square); 0.185 keeps the median change within 1.5× of the plain model's at span 1 with the Laplacian
    /// energy of every zoom above a third of span 1's. The deep views are then calmer than span 1 (their luminance spread
    /// about 0.4 of it): relief in the place's colour rather than span 1's light and dark patches.
    /// </summary>
    public const float DetailContrast = 0.185f;

    public LineSet ComputeLines(Latent latent, ReadOnlySpan<double> coords, Axis axis)
    {
        RenderArgs.CheckCoords(coords, axis);
        var baseLines = Inner.ComputeLines(latent, coords, axis);
        if (Active.Count == 0) return new OctaveLines(this, axis, baseLines, null, []);
        var layers = _cache.Get(latent);
        var lines = new List<LineSet>(2 * Active.Count);
        try
        {
            foreach (var (k, _) in Active)
            {
                layers.Contrast(Inner, k);   // once per layer and latent, before any tile needs it
                foreach (int sign in (ReadOnlySpan<int>)[1, -1])
                {
                    var u = _coords.Map(coords, Spec.LayerScale(k), layers.Offset(k, axis) + sign * layers.Shift(k, axis));
                    lines.Add(Inner.ComputeLines(layers.Latent(k), u, axis));
                }
            }
        }
        catch
        {
            baseLines.Dispose();
            foreach (var l in lines) l.Dispose();
            throw;
        }
        return new OctaveLines(this, axis, baseLines, layers, lines.ToArray());
    }

    public void RenderTile(Latent latent, LineSet rows, LineSet cols, TileRect tile, PlanarView dst)
    {
        var (r, c) = RenderArgs.CheckTile<OctaveLines>(this, rows, cols, tile, dst);
        Inner.RenderTile(latent, r.Base, c.Base, tile, dst);
        if (Active.Count == 0 || tile.IsEmpty) return;
        var layers = r.Layers!;
        var plus = PlanarView.Allocate(tile.Cols, tile.Rows);
        var minus = PlanarView.Allocate(tile.Cols, tile.Rows);
        int n = (int)tile.Pixels;
        var detail = new float[n];
        for (int i = 0; i < Active.Count; i++)
        {
            var (k, a) = Active[i];
            Inner.RenderTile(layers.Latent(k), r.LayerLines[2 * i], c.LayerLines[2 * i], tile, plus);
            Inner.RenderTile(layers.Latent(k), r.LayerLines[2 * i + 1], c.LayerLines[2 * i + 1], tile, minus);
            float ak = a * DetailContrast * layers.Contrast(Inner, k);
            float[] p = plus.Data, m = minus.Data;
            for (int j = 0; j < n; j++)
                detail[j] += ak * (OctaveLayers.Luma(p[j], p[n + j], p[2 * n + j]) - OctaveLayers.Luma(m[j], m[n + j], m[2 * n + j]));
        }
        for (int ch = 0; ch < 3; ch++)
            for (int i = 0; i < tile.Rows; i++)
            {
                var row = dst.Data.AsSpan((int)dst.Index(ch, i, 0), tile.Cols);
                var add = detail.AsSpan(i * tile.Cols, tile.Cols);
                for (int j = 0; j < row.Length; j++) row[j] += add[j];
            }
    }

    public float[] Render(Latent latent, ReadOnlySpan<double> rows, ReadOnlySpan<double> cols) => Tiled.Render(this, latent, rows, cols);

    /// <summary>Nothing to free: the inner generator belongs to the caller, the layers' caches to the GC.</summary>
    public void Dispose() { }
}
