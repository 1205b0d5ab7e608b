using System.Runtime.Intrinsics;
using Creps.Render.Packing;

namespace Creps.Render.Cpu;

/// <summary>
/// The fused per-pixel half: for a block of pixels of one image row, every entanglement stage, decoder,
/// decoder_last, decoder_img and the two head blocks run back to back on features that stay in L1
/// (a few KiB per block). Nothing of size [C,H,W] ever exists.
/// </summary>
internal static unsafe class PixelPass
{
    /// <summary>Pixels per block: a multiple of the GEMM row block; 32 keeps the widest activation (4B) in L1.</summary>
    public const int BlockPixels = 32;

    internal sealed class Scratch
    {
        public readonly float[] Feat, NewF, H, T1, T2, Img, ImgHead;
        public Scratch(PackedModel m)
        {
            int bp = m.BPad, wide = PanelLayout.PadWidth(4 * m.Config.BilineChannels);
            Feat = Pinned.Alloc(BlockPixels * bp); NewF = Pinned.Alloc(BlockPixels * bp); H = Pinned.Alloc(BlockPixels * bp);
            T1 = Pinned.Alloc(BlockPixels * wide); T2 = Pinned.Alloc(BlockPixels * wide);
            Img = Pinned.Alloc(BlockPixels * Gemm.Lanes); ImgHead = Pinned.Alloc(BlockPixels * Gemm.Lanes);
        }
    }

    /// <summary>The pixels of <paramref name="tile"/> of the line sets into <paramref name="dst"/> at its origin.</summary>
    public static void Render(PackedModel m, LatentStyles st, AxisLines rows, AxisLines cols, TileRect tile, PlanarView dst, int threads, bool wide)
    {
        int r0 = tile.Row0, c0 = tile.Col0, nr = tile.Rows, nc = tile.Cols;
        var po = new ParallelOptions { MaxDegreeOfParallelism = threads };
        int blocksPerRow = (nc + BlockPixels - 1) / BlockPixels;
        long total = (long)nr * blocksPerRow;
        // One work item per block of pixels; each worker keeps its own scratch.
        Parallel.For(0L, total, po, () => new Scratch(m), (item, _, s) =>
        {
            int i = (int)(item / blocksPerRow), jb = (int)(item % blocksPerRow) * BlockPixels;
            int count = Math.Min(BlockPixels, nc - jb);
            RenderBlock(m, st, rows, r0 + i, cols, c0 + jb, count, s, wide);
            fixed (float* d = dst.Data)
            {
                float* img = Pinned.Ptr(s.Img);
                long plane = dst.Plane;
                float* outRow = d + dst.Index(0, i, jb);
                for (int p = 0; p < count; p++)
                {
                    outRow[p] = img[p * Gemm.Lanes];
                    outRow[plane + p] = img[p * Gemm.Lanes + 1];
                    outRow[2 * plane + p] = img[p * Gemm.Lanes + 2];
                }
            }
            return s;
        }, _ => { });
    }

    /// <summary>One block of <paramref name="count"/> ≤ BlockPixels pixels of row <paramref name="ri"/>; result in s.Img [p][8].</summary>
    internal static void RenderBlock(PackedModel m, LatentStyles st, AxisLines rows, int ri, AxisLines cols, int cj, int count, Scratch s, bool wide)
    {
        int bp = m.BPad, r = m.Config.Rank;
        const int P = BlockPixels;
        float* feat = Pinned.Ptr(s.Feat), nf = Pinned.Ptr(s.NewF), h = Pinned.Ptr(s.H), t1 = Pinned.Ptr(s.T1), t2 = Pinned.Ptr(s.T2);
        float* rowData = Pinned.Ptr(rows.Data), colData = Pinned.Ptr(cols.Data);

        for (int stage = 0; stage < m.Config.StageCount; stage++)
        {
            // new_f[p][c] = Σ_k X[i][k][c]·Y[j][k][c]; padding pixels repeat the last column (computed, never stored).
            float* xr = rowData + rows.Offset(stage, ri);
            float* target = stage == 0 ? feat : nf;
            for (int p = 0; p < P; p++)
            {
                float* yc = colData + cols.Offset(stage, cj + Math.Min(p, count - 1));
                float* o = target + p * bp;
                for (int cc = 0; cc < bp; cc += Gemm.Lanes)
                {
                    var acc = Vector256<float>.Zero;
                    for (int k = 0; k < r; k++)
                        acc = Vector256.FusedMultiplyAdd(Vector256.Load(xr + k * bp + cc), Vector256.Load(yc + k * bp + cc), acc);
                    acc.Store(o + cc);
                }
            }
            if (stage == 0) continue;
            Mlp(m.StageDecoders[stage - 1], feat, t1, t2, h, wide);
            for (int e = 0; e < P * bp; e += Gemm.Lanes)
                (Vector256.Load(h + e) + Vector256.Load(nf + e)).Store(feat + e);
        }

        Mlp(m.DecoderLast, feat, t1, t2, h, wide);
        float* img = Pinned.Ptr(s.Img), imgHead = Pinned.Ptr(s.ImgHead);
        Dense(m.DecoderImg, h, img, wide);
        var head = st.Head;
        Dense(head[0], h, t1, wide);        // block0.fc0  B → 4B
        Dense(head[1], t1, t2, wide);       // block0.fc1 4B → 4B
        Dense(head[2], t2, imgHead, wide);  // block0.tores → 3
        AddImg(img, imgHead);
        Dense(head[3], t2, t1, wide);       // block1.fc0 4B → 2B
        Dense(head[4], t1, t2, wide);       // block1.fc1 2B → 2B
        Dense(head[5], t2, imgHead, wide);  // block1.tores → 3
        AddImg(img, imgHead);
    }

    static void AddImg(float* img, float* add)
    {
        for (int e = 0; e < BlockPixels * Gemm.Lanes; e += Gemm.Lanes) (Vector256.Load(img + e) + Vector256.Load(add + e)).Store(img + e);
    }

    /// <summary>The 4-layer decoder B → 2B → 4B → 2B → B; result in <paramref name="result"/>.</summary>
    static void Mlp(PackedLayer[] layers, float* input, float* t1, float* t2, float* result, bool wide)
    {
        Dense(layers[0], input, t1, wide);
        Dense(layers[1], t1, t2, wide);
        Dense(layers[2], t2, t1, wide);
        Dense(layers[3], t1, result, wide);
    }

    static void Dense(PackedLayer l, float* x, float* y, bool wide)
    {
        var ep = new Epilogue(null, Pinned.Ptr(l.Bias), l.Lrelu, l.Clamp);
        Gemm.Run(x, l.InPad, l.In, Pinned.Ptr(l.WeightT), l.OutPad, y, l.OutPad, BlockPixels, ep, wide);
    }
}
