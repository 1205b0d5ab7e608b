using System.Runtime.Intrinsics;

namespace Creps.Render.Coordinates;

/// <summary>
/// The Fourier input's phase 2π·f·t, reduced in double precision. float32 <c>f·t</c> loses the phase far from the
/// origin (at t = 1e5 a 0.05-wide region is off by more than half its contrast); reducing the cycle count modulo 1
/// in double keeps a panned region as exact as one at the origin. Both backends take their phases from here.
/// </summary>
public static class FourierPhase
{
    /// <summary>Fractional cycles of frequency <paramref name="freq"/> at coordinate <paramref name="t"/>, in [0, 1).</summary>
    public static double Cycles(float freq, double t)
    {
        double c = freq * t;
        return c - Math.Floor(c);
    }

    /// <summary>sin(2π·f·t) and sin(2π·f·t + π/2) (the features of channel c and c + C/2).</summary>
    public static (float Sin, float Cos) SinCos(float freq, double t)
    {
        var (s, c) = Math.SinCos(2 * Math.PI * Cycles(freq, t));
        return ((float)s, (float)c);
    }

    /// <summary>
    /// <see cref="SinCos(float, double)"/> for every frequency at once, 4 doubles a vector (the cpu line pass: 512 per line
    /// element for official256, where the scalar loop took ~10 % of the line pass). Same reduction; Vector256.SinCos gave the
    /// same floats as Math.SinCos for 10⁶ random phases in [0, 2π). A short tail goes through a padded vector, so every
    /// element is computed by the same function wherever it falls.
    /// </summary>
    public static void SinCos(ReadOnlySpan<double> freqs, double t, Span<float> sin, Span<float> cos)
    {
        var tv = Vector256.Create(t);
        var twoPi = Vector256.Create(2 * Math.PI);
        Span<double> tail = stackalloc double[4];
        for (int q = 0; q < freqs.Length; q += 4)
        {
            int n = Math.Min(4, freqs.Length - q);
            Vector256<double> f;
            if (n == 4) f = Vector256.Create(freqs.Slice(q, 4));
            else { tail.Clear(); freqs.Slice(q, n).CopyTo(tail); f = Vector256.Create((ReadOnlySpan<double>)tail); }
            var c = f * tv;
            var (s, co) = Vector256.SinCos(twoPi * (c - Vector256.Floor(c)));
            for (int j = 0; j < n; j++) { sin[q + j] = (float)s.GetElement(j); cos[q + j] = (float)co.GetElement(j); }
        }
    }
}
