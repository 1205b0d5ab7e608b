using Creps.Render.Model;

namespace Creps.Render.Latents;

/// <summary>z → w: normalise the second moment, then the mapping FC layers (all lrelu, lr_mul scaling weights and biases).</summary>
public static class MappingNetwork
{
    public static float[] Map(CrepsModel model, ReadOnlySpan<float> z)
    {
        double ms = 0;
        foreach (float v in z) ms += (double)v * v;
        float norm = (float)(1.0 / Math.Sqrt(ms / z.Length + 1e-8));
        var x = new float[z.Length];
        for (int i = 0; i < z.Length; i++) x[i] = z[i] * norm;
        foreach (var layer in model.Mapping) x = Dense.Apply(layer, x);
        return x;
    }
}

/// <summary>One equalised FC layer on one vector (used for mapping and affines: small, accumulated in double).</summary>
public static class Dense
{
    public static readonly float Sqrt2 = MathF.Sqrt(2f);

    public static float[] Apply(DenseLayer l, ReadOnlySpan<float> x)
    {
        var y = new float[l.Out];
        double g = l.WeightGain, bg = l.BiasGain;
        for (int o = 0; o < l.Out; o++)
        {
            double acc = DoubleMath.Dot(l.Weight.AsSpan(o * l.In, l.In), x);
            double v = acc * g + l.Bias[o] * bg;
            if (l.Lrelu) v = (v < 0 ? 0.2 * v : v) * Math.Sqrt(2.0);
            y[o] = (float)v;
        }
        return y;
    }
}

/// <summary>Per-latent reductions over float data, accumulated in double, 4 lanes at a time.</summary>
public static class DoubleMath
{
    /// <summary>Σ a[i]·b[i].</summary>
    public static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var acc0 = System.Runtime.Intrinsics.Vector256.Create(0.0);
        var acc1 = System.Runtime.Intrinsics.Vector256.Create(0.0);
        int i = 0;
        for (; i + 8 <= a.Length; i += 8)
        {
            var (al, ah) = System.Runtime.Intrinsics.Vector256.Widen(System.Runtime.Intrinsics.Vector256.Create(a.Slice(i, 8)));
            var (bl, bh) = System.Runtime.Intrinsics.Vector256.Widen(System.Runtime.Intrinsics.Vector256.Create(b.Slice(i, 8)));
            acc0 = System.Runtime.Intrinsics.Vector256.FusedMultiplyAdd(al, bl, acc0);
            acc1 = System.Runtime.Intrinsics.Vector256.FusedMultiplyAdd(ah, bh, acc1);
        }
        double sum = System.Runtime.Intrinsics.Vector256.Sum(acc0 + acc1);
        for (; i < a.Length; i++) sum += (double)a[i] * b[i];
        return sum;
    }

    /// <summary>Σ (a[i]·b[i])².</summary>
    public static double SumOfSquaredProducts(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var acc0 = System.Runtime.Intrinsics.Vector256.Create(0.0);
        var acc1 = System.Runtime.Intrinsics.Vector256.Create(0.0);
        int i = 0;
        for (; i + 8 <= a.Length; i += 8)
        {
            var (al, ah) = System.Runtime.Intrinsics.Vector256.Widen(System.Runtime.Intrinsics.Vector256.Create(a.Slice(i, 8)));
            var (bl, bh) = System.Runtime.Intrinsics.Vector256.Widen(System.Runtime.Intrinsics.Vector256.Create(b.Slice(i, 8)));
            var pl = al * bl; var ph = ah * bh;
            acc0 = System.Runtime.Intrinsics.Vector256.FusedMultiplyAdd(pl, pl, acc0);
            acc1 = System.Runtime.Intrinsics.Vector256.FusedMultiplyAdd(ph, ph, acc1);
        }
        double sum = System.Runtime.Intrinsics.Vector256.Sum(acc0 + acc1);
        for (; i < a.Length; i++) { double p = (double)a[i] * b[i]; sum += p * p; }
        return sum;
    }
}
