using Creps.Render.Model;

namespace Creps.Render.Diagnostics;

/// <summary>Analytic multiply–add counts of one render, from the config (for GFLOP/s in benchmarks).</summary>
public static class FlopCount
{
    /// <summary>MACs of the line network for one coordinate on one axis (all rank slots, every 1×1 layer).</summary>
    public static long LineMacsPerCoordinate(CrepsConfig c)
    {
        long perElement = (long)c.InputChannels * c.InputChannels; // b4.fc1
        int prev = c.InputChannels;
        foreach (int res in c.BlockResolutions.Skip(1))
        {
            int ch = c.Channels(res);
            perElement += (long)prev * ch + (long)ch * ch + (long)ch * c.BilineChannels;
            prev = ch;
        }
        return perElement * c.Rank;
    }

    /// <summary>MACs per pixel: entanglement, decoders, decoder_last, decoder_img and the two head blocks.</summary>
    public static long PixelMacs(CrepsConfig c)
    {
        long b = c.BilineChannels;
        long decoder = 2 * b * b + 8 * b * b + 8 * b * b + 2 * b * b;
        long entangle = c.StageCount * b * c.Rank;
        long head = (4 * b * b + 16 * b * b + 4 * b * c.ImgChannels) + (8 * b * b + 4 * b * b + 2 * b * c.ImgChannels);
        return entangle + (c.StageCount - 1) * decoder + decoder + b * c.ImgChannels + head;
    }

    public static double LineFlops(CrepsConfig c, long rows, long cols) => 2.0 * LineMacsPerCoordinate(c) * (rows + cols);
    public static double PixelFlops(CrepsConfig c, long rows, long cols) => 2.0 * PixelMacs(c) * rows * cols;
}
