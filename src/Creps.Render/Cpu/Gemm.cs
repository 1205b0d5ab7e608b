using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Creps.Render.Packing;

namespace Creps.Render.Cpu;

/// <summary>What happens to a GEMM accumulator before it is stored: <c>clamp(act(acc·scale + bias))</c>.</summary>
internal readonly unsafe struct Epilogue
{
    public readonly float* Scale;   // per output channel (demodulation), or null
    public readonly float* Bias;    // per output channel, padded to the output width
    public readonly bool Lrelu;     // leaky_relu(·, 0.2)·√2
    public readonly float Clamp;    // ±Clamp; +∞ for none

    public Epilogue(float* scale, float* bias, bool lrelu, float clamp) { Scale = scale; Bias = bias; Lrelu = lrelu; Clamp = clamp; }
}

/// <summary>
/// y[r, o] = epilogue(Σᵢ a[r, i]·w[i, o]): the one dense product behind both the line pass and the per-pixel MLP, in two
/// kernels (<see cref="Gemm256"/>, <see cref="Gemm512"/>) and two ways of feeding them: <see cref="Run"/> reads the
/// activations in place (the per-pixel blocks: small, in L1), <see cref="RunPacked"/> packs them, scaled, in blocks
/// of <see cref="KBlock"/> inputs (the line pass: K up to 1024, where the rows no longer fit in L2).
/// Every output is one FMA chain over i = 0, 1, …, K−1 from +0 (a partial sum stored between K blocks and loaded
/// again is the same float), whichever kernel, strip, row group or K block computes it: results never depend on how
/// rows are grouped into tiles, nor on the kernel (lane-wise FMA is the same IEEE operation at any width).
/// Rows must be a multiple of <see cref="RowBlock"/> (<see cref="PackRows"/> for RunPacked) and output widths a
/// multiple of 8 (callers pad).
/// </summary>
internal static unsafe class Gemm
{
    public const int RowBlock = 4;
    public const int Lanes = PanelLayout.Lanes;
    static readonly float Sqrt2 = MathF.Sqrt(2f);

    /// <summary>Output columns per full panel (<see cref="PanelLayout"/>); the rest of the width comes in 8-wide strips.</summary>
    public const int Panel = PanelLayout.Panel;

    /// <summary>Rows per packed row group (the 512-bit kernel's register tile is 8 rows × 32 outputs).</summary>
    public const int PackRows = 8;

    /// <summary>
    /// Inputs per packed block: the weight panel's slice (256 × 32 floats = 32 KiB) stays in L1 for all row groups,
    /// the packed rows (256 rows × 256 = 256 KiB) in L2, whatever the CPU's L2 (the rows in place are 1 MiB at K = 1024).
    /// Measured on this Zen 5 (1 MiB L2, official256 256² lines, 512-bit kernel, 2 threads, load average 5–7): packed
    /// 307–382 GFLOP/s, rows in place after a vectorised scaling pass 312–401: no gain here, within the noise; the
    /// packing costs the same one pass over the rows as that scaling, and it lets each kernel step read its 8 rows'
    /// values from one 32-byte line instead of 8 streams.
    /// </summary>
    public const int KBlock = 256;

    public static int PadRows(int n) => (n + RowBlock - 1) / RowBlock * RowBlock;
    public static int PadPackRows(int n) => (n + PackRows - 1) / PackRows * PackRows;

    /// <summary>Floats of packing scratch <see cref="RunPacked"/> needs for <paramref name="rows"/> rows.</summary>
    public static int PackFloats(int rows) => PadPackRows(rows) * KBlock;

    /// <summary>Activations read in place: a is rows × lda (k used).</summary>
    /// <param name="w">panel-packed weights (see <see cref="PackedLayer"/>): k × outPad in panels</param>
    /// <param name="y">rows × ldy</param>
    public static void Run(float* a, int lda, int k, float* w, int outPad, float* y, int ldy, int rows, in Epilogue ep, bool wide)
    {
        int o = 0;
        for (; o + Panel <= outPad; o += Panel)
        {
            int r = 0;
            if (wide)
                for (; r + PackRows <= rows; r += PackRows)
                    Gemm512.Kernel8x32<InPlace>(a + (long)r * lda, lda, k, w + (long)o * k, y + (long)r * ldy + o, ldy, false);
            for (; r < rows; r += RowBlock)
                Gemm256.Tile4x32<InPlace>(a + (long)r * lda, lda, k, w + (long)o * k, y + (long)r * ldy + o, ldy, false);
            for (r = 0; r < rows; r += RowBlock) Finish(y + (long)r * ldy + o, ldy, Panel / Lanes, ep, o);
        }
        for (; o < outPad; o += Lanes)
            for (int r = 0; r < rows; r += RowBlock)
            {
                Gemm256.Kernel4x8<InPlace>(a + (long)r * lda, lda, k, w + (long)o * k, y + (long)r * ldy + o, ldy, false);
                Finish(y + (long)r * ldy + o, ldy, 1, ep, o);
            }
    }

    /// <summary>
    /// y = epilogue((x · diag(inScale)) · w), x rows × ldx: x is scaled and packed <see cref="KBlock"/> inputs at a time
    /// into <paramref name="pack"/> (<see cref="PackFloats"/>), each K block's partial sums kept in y.
    /// </summary>
    public static void RunPacked(float* x, int ldx, float* inScale, int k, float* w, int outPad, float* y, int ldy, int rows, in Epilogue ep, float* pack, bool wide)
    {
        for (int k0 = 0; k0 < k; k0 += KBlock)
        {
            int kc = Math.Min(KBlock, k - k0);
            bool accumulate = k0 > 0, last = k0 + kc == k;
            Pack(x, ldx, inScale, k0, kc, rows, pack);
            int o = 0;
            for (; o + Panel <= outPad; o += Panel)
            {
                float* wp = w + (long)o * k + (long)k0 * Panel;
                for (int r = 0; r < rows; r += PackRows)
                {
                    float* p = pack + (long)r * kc, yt = y + (long)r * ldy + o;
                    if (wide) Gemm512.Kernel8x32<Packed>(p, 0, kc, wp, yt, ldy, accumulate);
                    else
                    {
                        Gemm256.Tile4x32<Packed>(p, 0, kc, wp, yt, ldy, accumulate);
                        Gemm256.Tile4x32<Packed>(p + RowBlock, 0, kc, wp, yt + (long)RowBlock * ldy, ldy, accumulate);
                    }
                    // The epilogue while the tile is still in L1 (after the whole output: one more pass over it from L2).
                    if (last) { Finish(yt, ldy, Panel / Lanes, ep, o); Finish(yt + (long)RowBlock * ldy, ldy, Panel / Lanes, ep, o); }
                }
            }
            for (; o < outPad; o += Lanes)
            {
                float* wp = w + (long)o * k + (long)k0 * Lanes;
                for (int r = 0; r < rows; r += PackRows)
                {
                    float* p = pack + (long)r * kc, yt = y + (long)r * ldy + o;
                    Gemm256.Kernel4x8<Packed>(p, 0, kc, wp, yt, ldy, accumulate);
                    Gemm256.Kernel4x8<Packed>(p + RowBlock, 0, kc, wp, yt + (long)RowBlock * ldy, ldy, accumulate);
                    if (last) { Finish(yt, ldy, 1, ep, o); Finish(yt + (long)RowBlock * ldy, ldy, 1, ep, o); }
                }
            }
        }
    }

    /// <summary>
    /// pack[g][i][j] = x[8g + j][k0 + i] · inScale[k0 + i] for row groups g of <see cref="PackRows"/>: each kernel
    /// step then reads its 8 row values from one 32-byte line. 8 × 8 blocks are scaled and transposed in registers:
    /// measured (official256 256² lines, 1 thread), the scalar loop took ~8 % of the line pass.
    /// </summary>
    static void Pack(float* x, int ldx, float* inScale, int k0, int kc, int rows, float* pack)
    {
        int kv = Avx.IsSupported ? kc / Lanes * Lanes : 0;
        float* s = inScale + k0;
        for (int g = 0; g < rows; g += PackRows)
        {
            float* dst = pack + (long)g * kc, src = x + (long)g * ldx + k0;
            for (int i = 0; i < kv; i += Lanes)
            {
                var sc = Vector256.Load(s + i);
                Transpose8(Vector256.Load(src + i) * sc, Vector256.Load(src + ldx + i) * sc, Vector256.Load(src + 2 * ldx + i) * sc,
                    Vector256.Load(src + 3 * ldx + i) * sc, Vector256.Load(src + 4 * ldx + i) * sc, Vector256.Load(src + 5 * ldx + i) * sc,
                    Vector256.Load(src + 6 * ldx + i) * sc, Vector256.Load(src + 7 * ldx + i) * sc, dst + i * PackRows);
            }
            for (int j = 0; j < PackRows; j++)
                for (int i = kv; i < kc; i++) dst[i * PackRows + j] = src[(long)j * ldx + i] * s[i];
        }
    }

    /// <summary>Stores the 8 × 8 block with rows r0…r7 column by column: dst[8i + j] = rj[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Transpose8(Vector256<float> r0, Vector256<float> r1, Vector256<float> r2, Vector256<float> r3,
        Vector256<float> r4, Vector256<float> r5, Vector256<float> r6, Vector256<float> r7, float* dst)
    {
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1), t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5), t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE), u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE), u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Permute2x128(u0, u4, 0x20).Store(dst); Avx.Permute2x128(u1, u5, 0x20).Store(dst + 8);
        Avx.Permute2x128(u2, u6, 0x20).Store(dst + 16); Avx.Permute2x128(u3, u7, 0x20).Store(dst + 24);
        Avx.Permute2x128(u0, u4, 0x31).Store(dst + 32); Avx.Permute2x128(u1, u5, 0x31).Store(dst + 40);
        Avx.Permute2x128(u2, u6, 0x31).Store(dst + 48); Avx.Permute2x128(u3, u7, 0x31).Store(dst + 56);
    }

    /// <summary>Applies the epilogue in place to a 4-row block of <paramref name="vectors"/> 8-wide vectors per row.</summary>
    static void Finish(float* y, int ldy, int vectors, in Epilogue ep, int o)
    {
        for (int r = 0; r < RowBlock; r++)
            for (int v = 0; v < vectors; v++)
                Store1(y + (long)r * ldy + v * Lanes, ep, o + v * Lanes, Vector256.Load(y + (long)r * ldy + v * Lanes));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store1(float* y, in Epilogue ep, int o, Vector256<float> v)
    {
        if (ep.Scale != null) v *= Vector256.Load(ep.Scale + o);
        v += Vector256.Load(ep.Bias + o);
        if (ep.Lrelu) v = Vector256.Max(v, v * Vector256.Create(0.2f)) * Vector256.Create(Sqrt2);
        if (ep.Clamp < float.PositiveInfinity) v = Vector256.Min(Vector256.Max(v, Vector256.Create(-ep.Clamp)), Vector256.Create(ep.Clamp));
        v.Store(y);
    }
}

/// <summary>Where a kernel finds a[r, i] (the kernels are generic over it, so the JIT compiles each layout with constant strides).</summary>
internal interface IRowLayout
{
    /// <summary>Distance between a[r, i] and a[r, i + 1].</summary>
    static abstract int KStep { get; }
}

/// <summary>Rows as they are: a[r, i] at a + r·lda + i.</summary>
internal struct InPlace : IRowLayout { public static int KStep => 1; }

/// <summary>Packed by <see cref="Gemm.RunPacked"/>: a[r, i] at a + i·8 + r (lda unused).</summary>
internal struct Packed : IRowLayout { public static int KStep => Gemm.PackRows; }
