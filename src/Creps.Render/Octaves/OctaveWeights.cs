namespace Creps.Render.Octaves;

/// <summary>
/// How much of each layer a footprint shows. Layer k seen at pixel p is the model at pixel λᵏ·p; in the model's native
/// pixels (1/R of its plane) that is x = log2(λᵏ·p·R), and the view holds 2^y native pixels, y = log2(λᵏ·span·R).
/// A layer fades in as it is magnified: weight 0 while a native pixel covers ≤ 2^-0.5 ≈ 0.7 output pixels, 1 from 2^1.5
/// ≈ 2.8 on. The fine grain is what keeps a deep zoom detailed (a layer's Laplacian energy falls ~10× per octave of
/// magnification), so the fade-in must reach full weight early; it starts a little below one output pixel because its
/// first half-octave carries weight below 0.1, so the sub-pixel content is faint, while it buys detail at every phase of
/// the zoom. A 2^-0.5 start still leaves every render at or below the model's native resolution (R² over its tile) the
/// plain model for λ ≥ √2 (the default 2). A layer fades out when the view holds fewer than 16 of its native pixels (0 at 2): its detail is its
/// band-passed relief (OctaveLayers), by then one smooth swell across the view, and dropping it bounds the layers
/// evaluated at any zoom (7–8 for λ = 2 at 256²: the window is FadeInStart − FadeOutEnd + log2 of the view's pixels
/// octaves). Both fades are smootherstep (fade-in over 2 octaves of zoom, fade-out over three), so detail never pops.
/// The fades and OctaveGenerator.DetailContrast were chosen together by measurement (BENCHMARKS.md, "Octave stack"):
/// the change per 10 % zoom step near the plain model's, the detail at every zoom within 3× of span 1's.
/// </summary>
public static class OctaveWeights
{
    /// <summary>x, i.e. −log2 of output pixels per native pixel: fade-in from 2^-0.5 (weight 0) to 2^1.5 (weight 1).</summary>
    public const double FadeInStart = 0.5, FadeInEnd = -1.5;
    /// <summary>y, log2 of native pixels across the view: fade-out from 16 (weight 1) down to 2 (weight 0).</summary>
    public const double FadeOutEnd = 1, FadeOutStart = 4;

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
