using System.Runtime.Intrinsics;
using Creps.Render.Model;

namespace Creps.Render.Latents;

/// <summary>One equalised FC layer on one vector (used for mapping and affines: small, accumulated in double).</summary>
public static class Dense
{
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
