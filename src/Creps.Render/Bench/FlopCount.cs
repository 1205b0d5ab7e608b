using Creps.Render.Model;

namespace Creps.Render.Bench;

/// <summary>Analytic multiply–add counts of one render (docs/creps-model.md "Cost"); FLOP = 2 × MAC. Styles per latent are negligible and left out.</summary>
public static class FlopCount
{
    /// <summary>Per pixel: entanglement, stage decoders, decoder_last, decoder_img, block0, block1 (157 856 for the official R=256 layout).</summary>
    public static long PerPixelMacs(CrepsConfig c)
    {
        long b = c.BilineChannels, s = c.StageCount, img = c.ImgChannels;
        long decoder = 2 * b * b + 8 * b * b + 8 * b * b + 2 * b * b;
        long head0 = b * 4 * b + 4 * b * 4 * b + 4 * b * img;
        long head1 = 4 * b * 2 * b + 2 * b * 2 * b + 2 * b * img;
        return s * c.Rank * b + (s - 1) * decoder + decoder + b * img + head0 + head1;
    }

    /// <summary>Per coordinate of one axis: the 1-D blocks on its r line elements (84.6 M for the official R=256 layout).</summary>
    public static long PerLineMacs(CrepsConfig c)
    {
        long c4 = c.InputChannels, macs = c4 * c4, prev = c4;
        foreach (int res in c.BlockResolutions.Skip(1))
        {
            long ch = c.Channels(res);
            macs += prev * ch + ch * ch + ch * c.BilineChannels;
            prev = ch;
        }
        return macs * c.Rank;
    }

    /// <summary>FLOP of one H×W render.</summary>
    public static double Flop(CrepsConfig c, long h, long w) => 2.0 * (h * w * (double)PerPixelMacs(c) + (h + w) * (double)PerLineMacs(c));
}
