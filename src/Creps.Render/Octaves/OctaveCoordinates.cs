using Creps.Render.Model;

namespace Creps.Render.Octaves;

/// <summary>
/// Layer coordinates u = λᵏ·t + offset, reduced into [−P/2, P/2) where P is the model's period: the smallest power of two
/// for which every Fourier frequency f (a float32) makes f·P a whole number. The model reads coordinates only through
/// phases f·u mod 1 (FourierPhase), so in exact arithmetic the reduction changes nothing, and every step is exact in double:
/// λᵏ·t for a power-of-two λ, the reduction u − P·round(u/P), then adding an offset below P/2. So a layer at t = 0.5 and
/// λᵏ = 2⁴⁵ sees t's full precision; the only limit left is t itself (a double carries ~30 distinct values per pixel of a
/// 256² view of span 1e-12 at |t| ≈ 0.5). A model whose period exceeds 2³⁰ (frequencies below 2⁻⁶ with full mantissas)
/// is reduced by 2³⁰ anyway and shows a seam where u wraps — once per 2³⁰ layer units, practically never in a view.
/// Every coordinate maps on its own, so tiles stay exact.
/// </summary>
public sealed class OctaveCoordinates
{
    /// <summary>Largest period kept inside RenderArgs.CheckCoords' ±1e9 after centring.</summary>
    public const int MaxPeriodLog2 = 30;

    public double Period { get; }
    /// <summary>Whether the model is exactly periodic with <see cref="Period"/> (no seam anywhere).</summary>
    public bool Exact { get; }

    public OctaveCoordinates(CrepsModel model)
    {
        int q = 0;
        foreach (float f in model.Input.Freqs) q = Math.Max(q, WholeAfterLog2(f));
        Exact = q <= MaxPeriodLog2;
        Period = Math.ScaleB(1.0, Math.Min(q, MaxPeriodLog2));
    }

    /// <summary>Smallest q ≥ 0 with f·2^q a whole number (a float32 needs at most 149 + 23 doublings).</summary>
    static int WholeAfterLog2(float f)
    {
        double v = Math.Abs((double)f);
        int q = 0;
        while (v != Math.Floor(v)) { v *= 2; q++; }
        return q;
    }

    /// <summary>u − P·round(u/P): exact (P a power of two), in [−P/2, P/2].</summary>
    public double Reduce(double u) => u - Period * Math.Round(u / Period);

    /// <summary>Layer coordinates of <paramref name="t"/> at scale <paramref name="scale"/> and <paramref name="offset"/> (|offset| ≤ P/4).</summary>
    public double[] Map(ReadOnlySpan<double> t, double scale, double offset)
    {
        var u = new double[t.Length];
        for (int i = 0; i < t.Length; i++) u[i] = Reduce(Reduce(scale * t[i]) + offset);
        return u;
    }
}
