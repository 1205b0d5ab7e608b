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
            double acc = 0;
            var row = l.Weight.AsSpan(o * l.In, l.In);
            for (int i = 0; i < l.In; i++) acc += (double)row[i] * x[i];
            double v = acc * g + l.Bias[o] * bg;
            if (l.Lrelu) v = (v < 0 ? 0.2 * v : v) * Math.Sqrt(2.0);
            y[o] = (float)v;
        }
        return y;
    }
}
