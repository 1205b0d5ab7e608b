using Creps.Render.Latents;
using Creps.Render.Model;

namespace Creps.Tests.Reference;

/// <summary>
/// The independent check for every backend: plain scalar loops in double precision, written straight from
/// shared/docs/creps-model.md, one pixel at a time. Slow by design; shares nothing with the production kernels
/// beyond the loaded tensors.
/// </summary>
public static class ReferenceGenerator
{
    static readonly double Sqrt2 = Math.Sqrt(2.0);

    /// <summary>Planar [3][H][W] in double.</summary>
    public static double[] Render(CrepsModel m, Latent latent, double[] rows, double[] cols)
    {
        var c = m.Config;
        double[][] ws = Enumerable.Range(0, c.NumWs).Select(i => latent.W(i).ToArray().Select(v => (double)v).ToArray()).ToArray();
        var rowLines = Lines(m, ws, rows, 0);   // [stage][l][k][b]
        var colLines = Lines(m, ws, cols, c.Rank);
        int h = rows.Length, w = cols.Length, b = c.BilineChannels, r = c.Rank;
        var img = new double[3 * h * w];
        double[] last = ws[c.NumWs - 1];
        for (int i = 0; i < h; i++)
            for (int j = 0; j < w; j++)
            {
                double[]? feature = null;
                for (int s = 0; s < c.StageCount; s++)
                {
                    var nf = new double[b];
                    for (int ch = 0; ch < b; ch++)
                        for (int k = 0; k < r; k++)
                            nf[ch] += rowLines[s][i][k][ch] * Math.Sqrt(0.5) * colLines[s][j][k][ch] * Math.Sqrt(0.5);
                    if (feature == null) feature = nf;
                    else
                    {
                        var dec = Mlp(m.StageDecoders[s - 1], feature);
                        feature = dec.Select((v, ch) => v + nf[ch]).ToArray();
                    }
                }
                feature = Mlp(m.DecoderLast, feature!);
                var rgb = Fc(m.DecoderImg, feature);
                var x0 = Modulated(m.Block0.Fc0, last, feature, c.FcClamp);
                x0 = Modulated(m.Block0.Fc1, last, x0, c.FcClamp);
                var t0 = Modulated(m.Block0.ToRes, last, x0, c.FcClamp);
                var x1 = Modulated(m.Block1.Fc0, last, x0, c.FcClamp);
                x1 = Modulated(m.Block1.Fc1, last, x1, c.FcClamp);
                var t1 = Modulated(m.Block1.ToRes, last, x1, c.FcClamp);
                for (int ch = 0; ch < 3; ch++) img[(ch * h + i) * w + j] = rgb[ch] + t0[ch] + t1[ch];
            }
        return img;
    }

    /// <summary>The biline running sum after each block b8 … bR, per coordinate and rank slot: [stage][l][k][B].</summary>
    static double[][][][] Lines(CrepsModel m, double[][] ws, double[] coords, int jOffset)
    {
        var c = m.Config;
        int ch4 = c.InputChannels, r = c.Rank;
        var inp = m.Input;
        double[] a = Fc(inp.Affine, ws[0]);
        var result = new double[c.StageCount][][][];
        for (int s = 0; s < c.StageCount; s++) result[s] = new double[coords.Length][][];
        for (int l = 0; l < coords.Length; l++)
        {
            var biline = new double[r][];
            for (int s = 0; s < c.StageCount; s++) result[s][l] = new double[r][];
            for (int k = 0; k < r; k++)
            {
                int j = jOffset + k;
                var x = new double[ch4];
                for (int ch = 0; ch < ch4; ch++)
                {
                    int q = ch < ch4 / 2 ? ch : ch - ch4 / 2;
                    double phase = 2 * Math.PI * inp.Freqs[q * r + k] * coords[l] + (ch < ch4 / 2 ? 0 : Math.PI / 2);
                    x[ch] = Math.Sin(phase) * inp.Weight[ch * 2 * r + j] * a[ch * 2 * r + j] / Math.Sqrt(ch4);
                }
                x = Modulated(m.Blocks[0].Fc1, ws[m.Blocks[0].Fc1.WIndex], x, c.FcClamp);
                for (int bi = 1; bi < m.Blocks.Length; bi++)
                {
                    var blk = m.Blocks[bi];
                    x = Modulated(blk.Fc0!, ws[blk.Fc0!.WIndex], x, c.FcClamp);
                    x = Modulated(blk.Fc1, ws[blk.Fc1.WIndex], x, c.FcClamp);
                    var t = Modulated(blk.ToRes!, ws[blk.ToRes!.WIndex], x, c.FcClamp);
                    biline[k] = biline[k] == null ? t : biline[k].Select((v, e) => v + t[e]).ToArray();
                    result[bi - 1][l][k] = (double[])biline[k].Clone();
                }
            }
        }
        return result;
    }

    /// <summary>Equalised FC: x·(W·lr/√in)ᵀ + b·lr, lrelu·√2 if the layer has it.</summary>
    public static double[] Fc(DenseLayer l, double[] x)
    {
        var y = new double[l.Out];
        double g = l.LrMultiplier / Math.Sqrt(l.In);
        for (int o = 0; o < l.Out; o++)
        {
            double acc = 0;
            for (int i = 0; i < l.In; i++) acc += l.Weight[o * l.In + i] * g * x[i];
            acc += l.Bias[o] * (double)l.LrMultiplier;
            y[o] = l.Lrelu ? Lrelu(acc) : acc;
        }
        return y;
    }

    static double Lrelu(double v) => (v < 0 ? 0.2 * v : v) * Sqrt2;

    static double[] Mlp(DenseLayer[] layers, double[] x)
    {
        foreach (var l in layers) x = Fc(l, x);
        return x;
    }

    /// <summary>Synthesis layer (modulate, demodulate, lrelu·√2, clamp) or ToRes (style/√in, no demod, clamp).</summary>
    static double[] Modulated(ModulatedLayer l, double[] w, double[] x, double clamp)
    {
        double[] style = Fc(l.Affine, w);
        if (l.IsToRes) style = style.Select(v => v / Math.Sqrt(l.In)).ToArray();
        var y = new double[l.Out];
        for (int o = 0; o < l.Out; o++)
        {
            double acc = 0, norm = 0;
            for (int i = 0; i < l.In; i++)
            {
                double wi = l.Weight[o * l.In + i] * style[i];
                acc += wi * x[i];
                norm += wi * wi;
            }
            if (!l.IsToRes) acc /= Math.Sqrt(norm + 1e-8);
            acc += l.Bias[o];
            if (!l.IsToRes) acc = Lrelu(acc);
            y[o] = Math.Clamp(acc, -clamp, clamp);
        }
        return y;
    }
}
