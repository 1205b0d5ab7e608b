using System.Runtime.Intrinsics;
using Creps.Render.Model;

namespace Creps.Render.Latents;

/// <summary>Per-latent reductions over float data, accumulated in double, 4 lanes at a time.</summary>
public static class DoubleMath
{
    /// <summary>Σ a[i]·b[i].</summary>
    public static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => Reduce(a, b, square: false);

    /// <summary>Σ (a[i]·b[i])².</summary>
    public static double SumOfSquaredProducts(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => Reduce(a, b, square: true);

    /// <summary>Σ p or Σ p² over the products p = a[i]·b[i], each widened to double before multiplying.</summary>
    static double Reduce(ReadOnlySpan<float> a, ReadOnlySpan<float> b, bool square)
    {
        var acc0 = Vector256.Create(0.0);
        var acc1 = Vector256.Create(0.0);
        int i = 0;
        for (; i + 8 <= a.Length; i += 8)
        {
            var (al, ah) = Vector256.Widen(Vector256.Create(a.Slice(i, 8)));
            var (bl, bh) = Vector256.Widen(Vector256.Create(b.Slice(i, 8)));
            var pl = al * bl;
            var ph = ah * bh;
            acc0 = square ? Vector256.FusedMultiplyAdd(pl, pl, acc0) : acc0 + pl;
            acc1 = square ? Vector256.FusedMultiplyAdd(ph, ph, acc1) : acc1 + ph;
        }
        double sum = Vector256.Sum(acc0 + acc1);
        for (; i < a.Length; i++)
        {
            double p = (double)a[i] * b[i];
            sum += square ? p * p : p;
        }
        return sum;
    }
}
