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

    /// <summary>Output columns per full panel; the rest of the width comes in 8-wide strips.</summary>
    public const int Panel = 32;

    /// <summary>Width of the panel holding output column o (32 for full panels, 8 for the tail strips).</summary>
    public static int PanelWidth(int o, int outPad) => o < outPad / Panel * Panel ? Panel : Lanes;

    /// <summary>First output column of the panel holding column o.</summary>
    public static int PanelStart(int o, int outPad) => o / PanelWidth(o, outPad) * PanelWidth(o, outPad);

    public static int PadRows(int n) => (n + RowBlock - 1) / RowBlock * RowBlock;
    public static int PadWidth(int n) => (n + Lanes - 1) / Lanes * Lanes;

    /// <param name="a">rows × lda (k used)</param>
    /// <param name="w">panel-packed weights (see <see cref="PackedLayer"/>): k × outPad in panels</param>
    /// <param name="y">rows × ldy</param>
    public static void Run(float* a, int lda, int k, float* w, int outPad, float* y, int ldy, int rows, in Epilogue ep)
    {
        int o = 0;
        for (; o + Panel <= outPad; o += Panel)
            for (int r = 0; r < rows; r += RowBlock)
                Kernel4x32(a + (long)r * lda, lda, k, w + (long)o * k, Panel, y + (long)r * ldy + o, ldy, ep, o);
        for (; o < outPad; o += Lanes)
            for (int r = 0; r < rows; r += RowBlock)
                Kernel4x8(a + (long)r * lda, lda, k, w + (long)o * k, Lanes, y + (long)r * ldy + o, ldy, ep, o);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<float> Fma(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.FusedMultiplyAdd(a, b, c);

    static void Kernel4x32(float* a, int lda, int k, float* w, int ldw, float* y, int ldy, in Epilogue ep, int o)
    {
        // Each accumulator initialised through Create (a splat): measured, the JIT then keeps all 16 in registers;
        // copies of one shared zero made it spill every accumulator to the stack on every iteration.
        Vector256<float> c00 = Vector256.Create(0f), c01 = Vector256.Create(0f), c02 = Vector256.Create(0f), c03 = Vector256.Create(0f);
        Vector256<float> c10 = Vector256.Create(0f), c11 = Vector256.Create(0f), c12 = Vector256.Create(0f), c13 = Vector256.Create(0f);
        Vector256<float> c20 = Vector256.Create(0f), c21 = Vector256.Create(0f), c22 = Vector256.Create(0f), c23 = Vector256.Create(0f);
        Vector256<float> c30 = Vector256.Create(0f), c31 = Vector256.Create(0f), c32 = Vector256.Create(0f), c33 = Vector256.Create(0f);
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
        // Raw sums go to the output first and the epilogue runs after: no call while accumulators are live
        // (every vector register is caller-saved on SysV, so a call there made the JIT spill them in the loop).
        c00.Store(y); c01.Store(y + 8); c02.Store(y + 16); c03.Store(y + 24);
        float* y1 = y + ldy; c10.Store(y1); c11.Store(y1 + 8); c12.Store(y1 + 16); c13.Store(y1 + 24);
        float* y2 = y + 2 * ldy; c20.Store(y2); c21.Store(y2 + 8); c22.Store(y2 + 16); c23.Store(y2 + 24);
        float* y3 = y + 3 * ldy; c30.Store(y3); c31.Store(y3 + 8); c32.Store(y3 + 16); c33.Store(y3 + 24);
        Finish(y, ldy, Panel / Lanes, ep, o);
    }

    static void Kernel4x8(float* a, int lda, int k, float* w, int ldw, float* y, int ldy, in Epilogue ep, int o)
    {
        Vector256<float> c0 = Vector256.Create(0f), c1 = Vector256.Create(0f), c2 = Vector256.Create(0f), c3 = Vector256.Create(0f);
        float* a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda;
        for (int i = 0; i < k; i++)
        {
            var wv = Vector256.Load(w + (long)i * ldw);
            c0 = Fma(Vector256.Create(a0[i]), wv, c0);
            c1 = Fma(Vector256.Create(a1[i]), wv, c1);
            c2 = Fma(Vector256.Create(a2[i]), wv, c2);
            c3 = Fma(Vector256.Create(a3[i]), wv, c3);
        }
        c0.Store(y); c1.Store(y + ldy); c2.Store(y + 2 * ldy); c3.Store(y + 3 * ldy);
        Finish(y, ldy, 1, ep, o);
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
