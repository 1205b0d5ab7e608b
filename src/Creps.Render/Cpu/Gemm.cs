using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

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
/// y[r, o] = epilogue(Σᵢ a[r, i]·w[i, o]): the one dense kernel behind both the line pass and the per-pixel MLP.
/// Register-blocked 4 rows × 32 outputs (16 accumulators); widths that are not a multiple of 32 finish in 8-wide
/// strips. Every output is the same FMA chain over i whichever strip or row group computes it, so results never
/// depend on how rows are grouped into tiles (the tile-exactness the product promises).
/// Rows must be a multiple of 4 and output widths a multiple of 8 (callers pad).
/// </summary>
internal static unsafe class Gemm
{
    public const int RowBlock = 4;
    public const int Lanes = 8;
    static readonly float Sqrt2 = MathF.Sqrt(2f);

    public static int PadRows(int n) => (n + RowBlock - 1) / RowBlock * RowBlock;
    public static int PadWidth(int n) => (n + Lanes - 1) / Lanes * Lanes;

    /// <param name="a">rows × lda (k used)</param>
    /// <param name="w">k × ldw (outPad used)</param>
    /// <param name="y">rows × ldy</param>
    public static void Run(float* a, int lda, int k, float* w, int ldw, int outPad, float* y, int ldy, int rows, in Epilogue ep)
    {
        int o = 0;
        for (; o + 32 <= outPad; o += 32)
            for (int r = 0; r < rows; r += RowBlock)
                Kernel4x32(a + (long)r * lda, lda, k, w + o, ldw, y + (long)r * ldy + o, ldy, ep, o);
        for (; o < outPad; o += 8)
            for (int r = 0; r < rows; r += RowBlock)
                Kernel4x8(a + (long)r * lda, lda, k, w + o, ldw, y + (long)r * ldy + o, ldy, ep, o);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<float> Fma(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.FusedMultiplyAdd(a, b, c);

    static void Kernel4x32(float* a, int lda, int k, float* w, int ldw, float* y, int ldy, in Epilogue ep, int o)
    {
        var z = Vector256<float>.Zero;
        Vector256<float> c00 = z, c01 = z, c02 = z, c03 = z, c10 = z, c11 = z, c12 = z, c13 = z;
        Vector256<float> c20 = z, c21 = z, c22 = z, c23 = z, c30 = z, c31 = z, c32 = z, c33 = z;
        float* a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda;
        for (int i = 0; i < k; i++)
        {
            float* wr = w + (long)i * ldw;
            var w0 = Vector256.Load(wr); var w1 = Vector256.Load(wr + 8); var w2 = Vector256.Load(wr + 16); var w3 = Vector256.Load(wr + 24);
            var b = Vector256.Create(a0[i]);
            c00 = Fma(b, w0, c00); c01 = Fma(b, w1, c01); c02 = Fma(b, w2, c02); c03 = Fma(b, w3, c03);
            b = Vector256.Create(a1[i]);
            c10 = Fma(b, w0, c10); c11 = Fma(b, w1, c11); c12 = Fma(b, w2, c12); c13 = Fma(b, w3, c13);
            b = Vector256.Create(a2[i]);
            c20 = Fma(b, w0, c20); c21 = Fma(b, w1, c21); c22 = Fma(b, w2, c22); c23 = Fma(b, w3, c23);
            b = Vector256.Create(a3[i]);
            c30 = Fma(b, w0, c30); c31 = Fma(b, w1, c31); c32 = Fma(b, w2, c32); c33 = Fma(b, w3, c33);
        }
        Store(y, ep, o, c00, c01, c02, c03);
        Store(y + ldy, ep, o, c10, c11, c12, c13);
        Store(y + 2 * ldy, ep, o, c20, c21, c22, c23);
        Store(y + 3 * ldy, ep, o, c30, c31, c32, c33);
    }

    static void Kernel4x8(float* a, int lda, int k, float* w, int ldw, float* y, int ldy, in Epilogue ep, int o)
    {
        var z = Vector256<float>.Zero;
        Vector256<float> c0 = z, c1 = z, c2 = z, c3 = z;
        float* a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda;
        for (int i = 0; i < k; i++)
        {
            var wv = Vector256.Load(w + (long)i * ldw);
            c0 = Fma(Vector256.Create(a0[i]), wv, c0);
            c1 = Fma(Vector256.Create(a1[i]), wv, c1);
            c2 = Fma(Vector256.Create(a2[i]), wv, c2);
            c3 = Fma(Vector256.Create(a3[i]), wv, c3);
        }
        Store1(y, ep, o, c0);
        Store1(y + ldy, ep, o, c1);
        Store1(y + 2 * ldy, ep, o, c2);
        Store1(y + 3 * ldy, ep, o, c3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store(float* y, in Epilogue ep, int o, Vector256<float> v0, Vector256<float> v1, Vector256<float> v2, Vector256<float> v3)
    {
        Store1(y, ep, o, v0); Store1(y + 8, ep, o + 8, v1); Store1(y + 16, ep, o + 16, v2); Store1(y + 24, ep, o + 24, v3);
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
