namespace Creps.Render.Octaves;

/// <summary>
/// An octave stack's description: <see cref="Count"/> detail layers k = 1..N on top of the model's image, layer k the
/// same model at coordinates scaled by <see cref="Scale"/>^k with amplitude <see cref="Gain"/>^k. Count 0 is the plain model.
/// </summary>
public sealed record OctaveSpec(int Count, double Gain = OctaveSpec.DefaultGain, double Scale = OctaveSpec.DefaultScale)
{
    /// <summary>1: every octave as contrasty as the model itself, so a deep zoom looks as detailed as the whole tile.</summary>
    public const double DefaultGain = 1.0;
    /// <summary>2: one octave per layer (the finest fade steps, see BENCHMARKS.md for 2 against 4).</summary>
    public const double DefaultScale = 2.0;
    public const int MaxCount = 256;
    public const double MinScale = 1.25, MaxScale = 16, MaxGain = 4;

    public static readonly OctaveSpec Off = new(0);

    public bool IsOff => Count == 0;

    /// <summary>Throws one clear line for a description outside the documented limits.</summary>
    public void Validate()
    {
        if (Count < 0 || Count > MaxCount) throw new ArgumentException($"octaves {Count} must be in 0..{MaxCount}");
        if (!(Scale >= MinScale && Scale <= MaxScale)) throw new ArgumentException($"octave scale {Scale} must be in {MinScale}..{MaxScale}");
        if (!(Gain >= 0 && Gain <= MaxGain)) throw new ArgumentException($"octave gain {Gain} must be in 0..{MaxGain}");
        if (!double.IsFinite(Math.Pow(Scale, Count) * 1e9)) throw new ArgumentException($"octave scale {Scale} to the power {Count} overflows");
    }

    /// <summary>The scale of layer <paramref name="k"/>: exact for a power-of-two <see cref="Scale"/>.</summary>
    public double LayerScale(int k) => Math.Pow(Scale, k);

    /// <summary>How the description reads in logs and shard headers.</summary>
    public override string ToString() => IsOff ? "octaves 0" : FormattableString.Invariant($"octaves {Count} gain {Gain:R} scale {Scale:R}");
}
