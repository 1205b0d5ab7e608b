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
}
