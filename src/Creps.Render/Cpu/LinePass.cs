using Creps.Render.Coordinates;
using Creps.Render.Packing;

namespace Creps.Render.Cpu;

/// <summary>
/// The 1-D half of the network: every coordinate's r line elements go through the Fourier input and all blocks
/// (1×1 layers: GEMMs over channels), and each block's ToRes output is summed into the biline. Work is split
/// into chunks of coordinates that run the whole network while their activations stay in cache.
/// </summary>
internal static unsafe class LinePass
{
    /// <summary>
    /// Line elements per chunk: each chunk streams every weight matrix once, so bigger chunks cut weight traffic.
    /// Measured on official256 lines (1 thread): 64 rows 1.66–1.83 s, 128 rows 1.56–1.83 s, 256 rows 1.39–1.47 s.
    /// </summary>
    const int RowsPerChunk = 256;

    public static AxisLines Compute(IGenerator owner, PackedModel m, LatentStyles st, ReadOnlySpan<double> coords, Axis axis, int threads, bool wide)
    {
        var c = m.Config;
        var lines = new AxisLines(owner, axis, coords.Length, c.StageCount, c.Rank, m.BPad);
        double[] t = coords.ToArray();
        var input = new InputTables(m, st, axis);
        // Short axes are split across threads rather than left in one big chunk.
        int perChunk = Math.Clamp(Math.Min(RowsPerChunk / c.Rank, (t.Length + threads - 1) / threads), 1, Math.Max(1, RowsPerChunk / c.Rank));
        int chunks = (t.Length + perChunk - 1) / perChunk;
        var po = new ParallelOptions { MaxDegreeOfParallelism = threads };
        Parallel.For(0, chunks, po, () => new Scratch(m, perChunk), (chunk, _, scratch) =>
        {
            int first = chunk * perChunk;
            RunChunk(m, st, input, t.AsSpan(first, Math.Min(perChunk, t.Length - first)), first, lines, scratch, wide);
            return scratch;
        }, _ => { });
        return lines;
    }

    /// <summary>The Fourier input's frequencies and this latent's input weights for one axis, laid out [k][q] (per rank element, per channel pair).</summary>
    sealed class InputTables
    {
        public readonly int Half;
        public readonly double[] Freqs;
        public readonly float[] MulSin, MulCos;
        public InputTables(PackedModel m, LatentStyles st, Axis axis)
        {
            int r = m.Config.Rank;
            Half = m.Config.InputChannels / 2;
            Freqs = new double[r * Half]; MulSin = new float[r * Half]; MulCos = new float[r * Half];
            int jBase = axis == Axis.Rows ? 0 : r;
            var freqs = m.Model.Input.Freqs;
            for (int k = 0; k < r; k++)
                for (int q = 0; q < Half; q++)
                {
                    Freqs[k * Half + q] = freqs[q * r + k];
                    MulSin[k * Half + q] = st.InputMul[q * 2 * r + jBase + k];
                    MulCos[k * Half + q] = st.InputMul[(q + Half) * 2 * r + jBase + k];
                }
        }
    }

    sealed class Scratch
    {
        public readonly float[] X, Y, Pack, ToRes, Biline, Sin, Cos;
        public Scratch(PackedModel m, int coords)
        {
            int rows = Gemm.PadPackRows(coords * m.Config.Rank);
            int width = m.MaxLineWidth;
            X = Pinned.Alloc(rows * width); Y = Pinned.Alloc(rows * width); Pack = Pinned.Alloc(Gemm.PackFloats(rows));
            ToRes = Pinned.Alloc(rows * m.BPad); Biline = Pinned.Alloc(rows * m.BPad);
            Sin = new float[m.Config.InputChannels / 2]; Cos = new float[m.Config.InputChannels / 2];
        }
    }

    static void RunChunk(PackedModel m, LatentStyles st, InputTables input, ReadOnlySpan<double> coords, int first, AxisLines lines, Scratch s, bool wide)
    {
        var c = m.Config;
        int r = c.Rank, ch = c.InputChannels, half = ch / 2;
        int n = coords.Length * r, rows = Gemm.PadPackRows(n);
        int width = PanelLayout.PadWidth(ch);
        float* x = Pinned.Ptr(s.X), y = Pinned.Ptr(s.Y);

        // Fourier features: element (l, k), channel q < C/2 → sin, q + C/2 → sin(· + π/2).
        new Span<float>(x, rows * width).Clear();
        for (int l = 0; l < coords.Length; l++)
            for (int k = 0; k < r; k++)
            {
                float* row = x + (long)(l * r + k) * width;
                FourierPhase.SinCos(input.Freqs.AsSpan(k * half, half), coords[l], s.Sin, s.Cos);
                for (int q = 0; q < half; q++)
                {
                    row[q] = s.Sin[q] * input.MulSin[k * half + q];
                    row[q + half] = s.Cos[q] * input.MulCos[k * half + q];
                }
            }

        Modulated(m.B4Fc1, st.B4Fc1, ref x, ref y, rows, s, wide);
        float* tores = Pinned.Ptr(s.ToRes), biline = Pinned.Ptr(s.Biline);
        int bp = m.BPad;
        float half2 = MathF.Sqrt(0.5f);
        for (int b = 0; b < m.LineBlocks.Length; b++)
        {
            var (fc0, fc1, toRes) = m.LineBlocks[b];
            var (s0, s1, sr) = st.LineBlocks[b];
            Modulated(fc0, s0, ref x, ref y, rows, s, wide);
            Modulated(fc1, s1, ref x, ref y, rows, s, wide);
            Apply(toRes, sr, x, tores, rows, s, wide);
            for (int e = 0; e < n * bp; e++) biline[e] = b == 0 ? tores[e] : biline[e] + tores[e];
            float* dst = Pinned.Ptr(lines.Data) + lines.Offset(b, first);
            for (int e = 0; e < n * bp; e++) dst[e] = biline[e] * half2;
        }
    }

    /// <summary>x ← layer(x) (swapping buffers).</summary>
    static void Modulated(PackedLayer layer, LatentStyles.LineStyle style, ref float* x, ref float* y, int rows, Scratch s, bool wide)
    {
        Apply(layer, style, x, y, rows, s, wide);
        float* t = x; x = y; y = t;
    }

    /// <summary>y = layer(x · style): the style scales the inputs as they are packed for the kernel.</summary>
    static void Apply(PackedLayer layer, LatentStyles.LineStyle style, float* x, float* y, int rows, Scratch s, bool wide)
    {
        var ep = new Epilogue(style.Demod == null ? null : Pinned.Ptr(style.Demod), Pinned.Ptr(layer.Bias), layer.Lrelu, layer.Clamp);
        // The input rows' stride is the activation's padded width, which equals this layer's InPad.
        Gemm.RunPacked(x, layer.InPad, Pinned.Ptr(style.Style), layer.In, Pinned.Ptr(layer.WeightT), layer.OutPad, y, layer.OutPad, rows, ep,
            Pinned.Ptr(s.Pack), wide);
    }
}
