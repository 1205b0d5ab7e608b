using Creps.Render.Coordinates;

namespace Creps.Render.Octaves;

/// <summary>An octave stack's lines for one axis range: the model's own lines and, per active layer, the inner generator's lines of its two shifted coordinates.</summary>
public sealed class OctaveLines : LineSet
{
    internal OctaveLines(OctaveGenerator owner, Axis axis, LineSet baseLines, OctaveLayers? layers, LineSet[] layerLines)
        : base(owner, axis, baseLines.Count)
    {
        Base = baseLines; Layers = layers; LayerLines = layerLines;
    }

    public LineSet Base { get; }
    /// <summary>The latents, offsets and spreads the layer lines were computed with (null without active layers).</summary>
    internal OctaveLayers? Layers { get; }
    /// <summary>Two line sets per active layer (u + h, then u − h), in the generator's <see cref="OctaveGenerator.Active"/> order.</summary>
    public IReadOnlyList<LineSet> LayerLines { get; }

    public override long Bytes => Base.Bytes + LayerLines.Sum(l => l.Bytes);

    protected override void Release()
    {
        Base.Dispose();
        foreach (var l in LayerLines) l.Dispose();
    }
}
