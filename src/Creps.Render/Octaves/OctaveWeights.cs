namespace Creps.Render.Octaves;

/// <summary>
/// How much of each layer a footprint shows. Layer k seen at pixel p is the model at pixel λᵏ·p; in the model's native
/// pixels (1/R of its plane) that is x = log2(λᵏ·p·R), and the view holds 2^y native pixels, y = log2(λᵏ·span·R).
/// A layer fades in as it is magnified (weight 0 while a native pixel covers ≤ 2 output pixels, 1 from 2^2.5 ≈ 5.7 on: it never
/// adds features finer than the model shows at a 256² render of its tile, so nothing aliases and that render is the plain
/// model) and fades out again when the view holds fewer than 8 of its native pixels (0 at ½): by then it is a smooth ramp
/// across the view, and dropping it keeps the number of layers evaluated bounded at any zoom (8 for λ = 2 at 256²: the
/// window is 8 octaves, FadeInStart − FadeOutEnd + log2 of the view's pixels). Both fades are smootherstep (fade-in over 1.5
/// octaves of zoom, fade-out over four), so detail never pops; wider fades change less per zoom step but cost more layers.
/// </summary>
public static class OctaveWeights
{
    /// <summary>log2 of output pixels per native pixel: fade-in from 2 (weight 0) to 2^2.5 (weight 1).</summary>
    public const double FadeInStart = -1, FadeInEnd = -2.5;
    /// <summary>log2 of native pixels across the view: fade-out from 8 (weight 1) down to ½ (weight 0).</summary>
    public const double FadeOutEnd = -1, FadeOutStart = 3;

    /// <summary>Weight in [0, 1] of layer <paramref name="k"/> (k ≥ 1) at <paramref name="f"/> for a model of resolution <paramref name="resolution"/>.</summary>
    public static double Weight(OctaveSpec spec, int k, OctaveFootprint f, int resolution)
    {
        double lk = k * Math.Log2(spec.Scale) + Math.Log2(resolution);
        double x = lk + Math.Log2(f.Pixel), y = lk + Math.Log2(f.Span);
        return Smootherstep((x - FadeInStart) / (FadeInEnd - FadeInStart)) * Smootherstep((y - FadeOutEnd) / (FadeOutStart - FadeOutEnd));
    }

    /// <summary>The layers with a non-zero amplitude (weight · gainᵏ), in increasing k: the only ones a render evaluates.</summary>
    public static IReadOnlyList<(int K, float Amplitude)> Active(OctaveSpec spec, OctaveFootprint f, int resolution)
    {
        var active = new List<(int, float)>();
        for (int k = 1; k <= spec.Count; k++)
        {
            float a = (float)(Weight(spec, k, f, resolution) * Math.Pow(spec.Gain, k));
            if (a != 0) active.Add((k, a));
        }
        return active;
    }

    /// <summary>6u⁵ − 15u⁴ + 10u³ on u clamped to [0, 1]: 0 and 1 exactly at the ends, flat first and second derivatives there.</summary>
    static double Smootherstep(double u)
    {
        u = Math.Clamp(u, 0, 1);
        return u * u * u * (u * (6 * u - 15) + 10);
    }
}
