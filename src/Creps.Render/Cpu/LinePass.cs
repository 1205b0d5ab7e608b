using Creps.Render.Coordinates;

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

    public static AxisLines Compute(CpuModel m, LatentStyles st, ReadOnlySpan<double> coords, Axis axis, int threads, bool wide)
    {
        var c = m.Config;
        var lines = new AxisLines(axis, coords.Length, c.StageCount, c.Rank, m.BPad);
        double[] t = coords.ToArray();
        // Short axes are split across threads rather than left in one big chunk.
        int perChunk = Math.Clamp(Math.Min(RowsPerChunk / c.Rank, (t.Length + threads - 1) / threads), 1, Math.Max(1, RowsPerChunk / c.Rank));
        int chunks = (t.Length + perChunk - 1) / perChunk;
        var po = new ParallelOptions { MaxDegreeOfParallelism = threads };
        Parallel.For(0, chunks, po, () => new Scratch(m, perChunk), (chunk, _, scratch) =>
        {
            int first = chunk * perChunk;
            RunChunk(m, st, t.AsSpan(first, Math.Min(perChunk, t.Length - first)), first, axis, lines, scratch, wide);
            return scratch;
        }, _ => { });
        return lines;
    }

    sealed class Scratch
    {
        public readonly float[] X, Y, Pack, ToRes, Biline;
        public Scratch(CpuModel m, int coords)
        {
            int rows = Gemm.PadPackRows(coords * m.Config.Rank);
            int width = m.MaxLineWidth;
            X = Pinned.Alloc(rows * width); Y = Pinned.Alloc(rows * width); Pack = Pinned.Alloc(Gemm.PackFloats(rows));
            ToRes = Pinned.Alloc(rows * m.BPad); Biline = Pinned.Alloc(rows * m.BPad);
        }
    }

    static void RunChunk(CpuModel m, LatentStyles st, ReadOnlySpan<double> coords, int first, Axis axis, AxisLines lines, Scratch s, bool wide)
    {
        var c = m.Config;
        int r = c.Rank, ch = c.InputChannels, half = ch / 2;
        int n = coords.Length * r, rows = Gemm.PadPackRows(n);
        int width = Gemm.PadWidth(ch);
        float* x = Pinned.Ptr(s.X), y = Pinned.Ptr(s.Y);
        var freqs = m.Model.Input.Freqs;
        int jBase = axis == Axis.Rows ? 0 : r;

        // Fourier features: element (l, k), channel q < C/2 → sin, q + C/2 → sin(· + π/2).
        new Span<float>(x, rows * width).Clear();
        for (int l = 0; l < coords.Length; l++)
            for (int k = 0; k < r; k++)
            {
                float* row = x + (long)(l * r + k) * width;
                for (int q = 0; q < half; q++)
                {
                    var (sin, cos) = FourierPhase.SinCos(freqs[q * r + k], coords[l]);
                    row[q] = sin * st.InputMul[q * 2 * r + jBase + k];
                    row[q + half] = cos * st.InputMul[(q + half) * 2 * r + jBase + k];
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
