using Creps.Render.Latents;
using Creps.Render.Model;

namespace Creps.Render.Packing;

/// <summary>Styles and demodulation of one latent: computed once per ws, reused by every tile.</summary>
internal sealed class LatentStyles
{
    /// <summary>Per-input scale and per-output demodulation of one line layer.</summary>
    public sealed record LineStyle(float[] Style, float[]? Demod);

    public Latent Latent { get; }
    /// <summary>[C][2r]: input weight · affine(w₀) / √C (j &lt; r rows, j ≥ r columns).</summary>
    public float[] InputMul { get; }
    public LineStyle B4Fc1 { get; }
    public (LineStyle Fc0, LineStyle Fc1, LineStyle ToRes)[] LineBlocks { get; }
    /// <summary>Head layers with style and demodulation baked into the weights (small: at most 4B×4B).</summary>
    public PackedLayer[] Head { get; }

    public LatentStyles(CrepsModel model, Latent latent)
    {
        var c = model.Config;
        if (latent.NumWs != c.NumWs || latent.WDim != c.WDim)
            throw new ArgumentException($"latent is [{latent.NumWs},{latent.WDim}], the model needs [{c.NumWs},{c.WDim}]");
        Latent = latent;
        var inp = model.Input;
        float[] a = Dense.Apply(inp.Affine, latent.W(InputLayer.WIndex));
        InputMul = new float[inp.Channels * 2 * inp.Rank];
        float invSqrtC = 1f / MathF.Sqrt(inp.Channels);
        for (int i = 0; i < InputMul.Length; i++) InputMul[i] = inp.Weight[i] * a[i] * invSqrtC;

        B4Fc1 = Line(model.Blocks[0].Fc1, latent);
        LineBlocks = model.Blocks.Skip(1).Select(b => (Line(b.Fc0!, latent), Line(b.Fc1, latent), Line(b.ToRes!, latent))).ToArray();
        Head = new[] { model.Block0.Fc0, model.Block0.Fc1, model.Block0.ToRes, model.Block1.Fc0, model.Block1.Fc1, model.Block1.ToRes }
            .Select(l => Baked(l, latent, c.FcClamp)).ToArray();
    }

    /// <summary>style = affine(w)·gain, padded with zeros to the packed input width.</summary>
    static float[] StyleOf(ModulatedLayer l, Latent latent)
    {
        float[] s = Dense.Apply(l.Affine, latent.W(l.WIndex));
        var style = Pinned.Alloc(PanelLayout.PadWidth(l.In));
        for (int i = 0; i < l.In; i++) style[i] = s[i] * l.StyleGain;
        return style;
    }

    /// <summary>d[o] = 1/√(Σᵢ (W[o,i]·s[i])² + 1e-8).</summary>
    static float[] DemodOf(ModulatedLayer l, float[] style)
    {
        var d = Pinned.Alloc(PanelLayout.PadWidth(l.Out));
        // Once per latent, but 1024² per layer: vectorised and spread over cores (≈15 M MACs for official256).
        Parallel.For(0, l.Out, o =>
            d[o] = (float)(1.0 / Math.Sqrt(DoubleMath.SumOfSquaredProducts(l.Weight.AsSpan(o * l.In, l.In), style.AsSpan(0, l.In)) + 1e-8)));
        return d;
    }

    static LineStyle Line(ModulatedLayer l, Latent latent)
    {
        var style = StyleOf(l, latent);
        return new LineStyle(style, l.Demodulate ? DemodOf(l, style) : null);
    }

    static PackedLayer Baked(ModulatedLayer l, Latent latent, float clamp)
    {
        var style = StyleOf(l, latent);
        var demod = l.Demodulate ? DemodOf(l, style) : null;
        var w = new float[l.Out * l.In];
        for (int o = 0; o < l.Out; o++)
            for (int i = 0; i < l.In; i++)
                w[o * l.In + i] = l.Weight[o * l.In + i] * style[i] * (demod?[o] ?? 1f);
        return new PackedLayer(l.In, l.Out, w, 1f, l.Bias, 1f, l.Lrelu, clamp);
    }
}
