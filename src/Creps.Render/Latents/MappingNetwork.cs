using System.Runtime.Intrinsics;
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
