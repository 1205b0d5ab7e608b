using System.CommandLine;
using Creps.Render;
using Creps.Render.Octaves;

namespace Creps.Cli;

/// <summary>The octave stack: --octaves N [--octave-gain G] [--octave-scale L] (render and bake).</summary>
public sealed class OctaveOptions
{
    public const string Synopsis = "[--octaves N [--octave-gain G] [--octave-scale L]]";

    public readonly Option<long?> Count = Opt.Long("--octaves", 0, OctaveSpec.MaxCount, "N",
        "Detail layers k = 1..N for infinite zoom: the model again at coordinates ×L^k, its luminance detail with gain G^k, " +
        "each fading in as the zoom resolves it (default 0: the plain model; 48 reach spans of 1e-12 at L = 2).");
    public readonly Option<double?> Gain = Opt.Double("--octave-gain", "G", $"Amplitude ratio of successive layers (default {OctaveSpec.DefaultGain}: as much detail at every zoom).");
    public readonly Option<double?> Scale = Opt.Double("--octave-scale", "L", $"Zoom ratio of successive layers, {OctaveSpec.MinScale}..{OctaveSpec.MaxScale} (default {OctaveSpec.DefaultScale}).");

    public IEnumerable<Option> All => [Count, Gain, Scale];

    /// <summary>The stack the options describe (Off without --octaves).</summary>
    public OctaveSpec Spec(ParseResult p)
    {
        if (!p.Has(Count) && (p.Has(Gain) || p.Has(Scale))) throw new UsageException("--octave-gain and --octave-scale need --octaves");
        var spec = new OctaveSpec((int)(p.GetValue(Count) ?? 0), p.GetValue(Gain) ?? OctaveSpec.DefaultGain, p.GetValue(Scale) ?? OctaveSpec.DefaultScale);
        try { spec.Validate(); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        return spec;
    }

    /// <summary><paramref name="inner"/> with the stack at <paramref name="footprint"/>, or <paramref name="inner"/> itself when the stack is off.</summary>
    public static IGenerator Wrap(IGenerator inner, OctaveSpec spec, Func<OctaveFootprint> footprint, float layerPsi)
    {
        if (spec.IsOff) return inner;
        try { return new OctaveGenerator(inner, spec, footprint(), layerPsi); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
    }
}
