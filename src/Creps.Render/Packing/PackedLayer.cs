using Creps.Render.Model;

namespace Creps.Render.Packing;

/// <summary>
/// A layer's weights laid out for <see cref="Gemm"/>: transposed and cut into column panels (32 wide, then 8-wide
/// strips), each panel contiguous [In][width] so the kernel streams it sequentially; the panel of output column o0
/// starts at o0·In. The constant gain is folded in, bias padded to OutPad. Per-latent styles are NOT folded in for line layers (1024² matrices per latent would cost
/// more in page faults than the GEMM): the line pass scales inputs by the style and outputs by the demodulation.
/// </summary>
internal sealed class PackedLayer
{
    public int In { get; }
    public int Out { get; }
    public int InPad => PanelLayout.PadWidth(In);
    public int OutPad => PanelLayout.PadWidth(Out);
    public float[] WeightT { get; }
    public float[] Bias { get; }
    public bool Lrelu { get; }
    public float Clamp { get; }

    public PackedLayer(int inF, int outF, ReadOnlySpan<float> weightOI, float weightGain, ReadOnlySpan<float> bias, float biasGain, bool lrelu, float clamp)
    {
        In = inF; Out = outF; Lrelu = lrelu; Clamp = clamp;
        WeightT = Pinned.Alloc((long)inF * OutPad);
        for (int o = 0; o < outF; o++)
        {
            int width = PanelLayout.PanelWidth(o, OutPad), o0 = PanelLayout.PanelStart(o, OutPad);
            for (int i = 0; i < inF; i++)
                WeightT[(long)o0 * inF + (long)i * width + (o - o0)] = weightOI[o * inF + i] * weightGain;
        }
        Bias = Pinned.Alloc(OutPad);
        for (int o = 0; o < outF; o++) Bias[o] = bias[o] * biasGain;
    }

    /// <summary>The packed weight (gain, and for baked layers style and demodulation, folded in) of output <paramref name="o"/>, input <paramref name="i"/>.</summary>
    public float At(int o, int i)
    {
        int width = PanelLayout.PanelWidth(o, OutPad), o0 = PanelLayout.PanelStart(o, OutPad);
        return WeightT[(long)o0 * In + (long)i * width + (o - o0)];
    }

    public static PackedLayer FromDense(DenseLayer l) =>
        new(l.In, l.Out, l.Weight, l.WeightGain, l.Bias, l.BiasGain, l.Lrelu, float.PositiveInfinity);

    /// <summary>A modulated layer's raw weight (styles applied at run time).</summary>
    public static PackedLayer FromModulated(ModulatedLayer l, float clamp) =>
        new(l.In, l.Out, l.Weight, 1f, l.Bias, 1f, l.Lrelu, clamp);
}
