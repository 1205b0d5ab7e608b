using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Creps.Render.Cpu;

/// <summary>
/// The 256-bit (AVX2/FMA) kernels: 4 rows × 32 outputs (16 accumulators) for full panels where the CPU has 32 vector
/// registers (AVX-512 hardware), 4 × 16 per half panel where it has 16 (AVX2 only), 4 × 8 for the tail strips.
/// Raw sums (or, with <c>accumulate</c>, the sums so far plus this K block) go to y; <see cref="Gemm"/> applies the epilogue.
/// </summary>
internal static unsafe class Gemm256
{
    /// <summary>
    /// One 4-row × 32-output tile. 4 × 32 needs 21 vector registers (16 sums, 4 weights, a broadcast): with 16 (DOTNET_EnableAVX512=0
    /// on this Zen 5, as on an AVX2-only CPU) the JIT spilled 27 of them to the stack in the loop, so there each half panel
    /// runs on its own (8 sums + 2 weights + 1). Avx512F.IsSupported is a JIT-time constant: the test costs nothing.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Tile4x32<TA>(float* a, int lda, int k, float* w, float* y, int ldy, bool accumulate) where TA : struct, IRowLayout
    {
        if (Avx512F.IsSupported) Kernel4x32<TA>(a, lda, k, w, y, ldy, accumulate);
        else { Kernel4x16<TA>(a, lda, k, w, y, ldy, accumulate); Kernel4x16<TA>(a, lda, k, w + 16, y + 16, ldy, accumulate); }
    }

    /// <summary>Half a panel: outputs w[i][0..16) of a 32-wide panel.</summary>
    static void Kernel4x16<TA>(float* a, int lda, int k, float* w, float* y, int ldy, bool accumulate) where TA : struct, IRowLayout
    {
        float* y1 = y + ldy, y2 = y + 2 * ldy, y3 = y + 3 * ldy;
        Vector256<float> c00, c01, c10, c11, c20, c21, c30, c31;
        if (accumulate)
        {
            c00 = Vector256.Load(y); c01 = Vector256.Load(y + 8); c10 = Vector256.Load(y1); c11 = Vector256.Load(y1 + 8);
            c20 = Vector256.Load(y2); c21 = Vector256.Load(y2 + 8); c30 = Vector256.Load(y3); c31 = Vector256.Load(y3 + 8);
        }
        else
        {
            c00 = Vector256.Create(0f); c01 = Vector256.Create(0f); c10 = Vector256.Create(0f); c11 = Vector256.Create(0f);
            c20 = Vector256.Create(0f); c21 = Vector256.Create(0f); c30 = Vector256.Create(0f); c31 = Vector256.Create(0f);
        }
        int ks = TA.KStep, rs = ks == 1 ? lda : 1;
        float* a0 = a, a1 = a + rs, a2 = a + 2 * rs, a3 = a + 3 * rs;
        for (int i = 0; i < k; i++)
        {
            float* wr = w + (long)i * Gemm.Panel;
            long ai = (long)i * ks;
            var w0 = Vector256.Load(wr); var w1 = Vector256.Load(wr + 8);
            var b = Vector256.Create(a0[ai]); c00 = Fma(b, w0, c00); c01 = Fma(b, w1, c01);
            b = Vector256.Create(a1[ai]); c10 = Fma(b, w0, c10); c11 = Fma(b, w1, c11);
            b = Vector256.Create(a2[ai]); c20 = Fma(b, w0, c20); c21 = Fma(b, w1, c21);
            b = Vector256.Create(a3[ai]); c30 = Fma(b, w0, c30); c31 = Fma(b, w1, c31);
        }
        c00.Store(y); c01.Store(y + 8); c10.Store(y1); c11.Store(y1 + 8);
        c20.Store(y2); c21.Store(y2 + 8); c30.Store(y3); c31.Store(y3 + 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<float> Fma(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.FusedMultiplyAdd(a, b, c);

    static void Kernel4x32<TA>(float* a, int lda, int k, float* w, float* y, int ldy, bool accumulate) where TA : struct, IRowLayout
    {
        float* y1 = y + ldy, y2 = y + 2 * ldy, y3 = y + 3 * ldy;
        // Each accumulator initialised through Create (a splat) or a load of its own: measured, the JIT then keeps all 16 in
        // registers; copies of one shared zero made it spill every accumulator to the stack on every iteration.
        Vector256<float> c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33;
        if (accumulate)
        {
            c00 = Vector256.Load(y); c01 = Vector256.Load(y + 8); c02 = Vector256.Load(y + 16); c03 = Vector256.Load(y + 24);
            c10 = Vector256.Load(y1); c11 = Vector256.Load(y1 + 8); c12 = Vector256.Load(y1 + 16); c13 = Vector256.Load(y1 + 24);
            c20 = Vector256.Load(y2); c21 = Vector256.Load(y2 + 8); c22 = Vector256.Load(y2 + 16); c23 = Vector256.Load(y2 + 24);
            c30 = Vector256.Load(y3); c31 = Vector256.Load(y3 + 8); c32 = Vector256.Load(y3 + 16); c33 = Vector256.Load(y3 + 24);
        }
        else
        {
            c00 = Vector256.Create(0f); c01 = Vector256.Create(0f); c02 = Vector256.Create(0f); c03 = Vector256.Create(0f);
            c10 = Vector256.Create(0f); c11 = Vector256.Create(0f); c12 = Vector256.Create(0f); c13 = Vector256.Create(0f);
            c20 = Vector256.Create(0f); c21 = Vector256.Create(0f); c22 = Vector256.Create(0f); c23 = Vector256.Create(0f);
            c30 = Vector256.Create(0f); c31 = Vector256.Create(0f); c32 = Vector256.Create(0f); c33 = Vector256.Create(0f);
        }
        int ks = TA.KStep, rs = ks == 1 ? lda : 1;
        float* a0 = a, a1 = a + rs, a2 = a + 2 * rs, a3 = a + 3 * rs;
        for (int i = 0; i < k; i++)
        {
            float* wr = w + (long)i * Gemm.Panel;
            long ai = (long)i * ks;
            var w0 = Vector256.Load(wr); var w1 = Vector256.Load(wr + 8); var w2 = Vector256.Load(wr + 16); var w3 = Vector256.Load(wr + 24);
            var b = Vector256.Create(a0[ai]);
            c00 = Fma(b, w0, c00); c01 = Fma(b, w1, c01); c02 = Fma(b, w2, c02); c03 = Fma(b, w3, c03);
            b = Vector256.Create(a1[ai]);
            c10 = Fma(b, w0, c10); c11 = Fma(b, w1, c11); c12 = Fma(b, w2, c12); c13 = Fma(b, w3, c13);
            b = Vector256.Create(a2[ai]);
            c20 = Fma(b, w0, c20); c21 = Fma(b, w1, c21); c22 = Fma(b, w2, c22); c23 = Fma(b, w3, c23);
            b = Vector256.Create(a3[ai]);
            c30 = Fma(b, w0, c30); c31 = Fma(b, w1, c31); c32 = Fma(b, w2, c32); c33 = Fma(b, w3, c33);
        }
        // No call while accumulators are live (every vector register is caller-saved on SysV, so a call there made
        // the JIT spill them in the loop): stores only, the epilogue after.
        c00.Store(y); c01.Store(y + 8); c02.Store(y + 16); c03.Store(y + 24);
        c10.Store(y1); c11.Store(y1 + 8); c12.Store(y1 + 16); c13.Store(y1 + 24);
        c20.Store(y2); c21.Store(y2 + 8); c22.Store(y2 + 16); c23.Store(y2 + 24);
        c30.Store(y3); c31.Store(y3 + 8); c32.Store(y3 + 16); c33.Store(y3 + 24);
    }

    public static void Kernel4x8<TA>(float* a, int lda, int k, float* w, float* y, int ldy, bool accumulate) where TA : struct, IRowLayout
    {
        float* y1 = y + ldy, y2 = y + 2 * ldy, y3 = y + 3 * ldy;
        Vector256<float> c0, c1, c2, c3;
        if (accumulate) { c0 = Vector256.Load(y); c1 = Vector256.Load(y1); c2 = Vector256.Load(y2); c3 = Vector256.Load(y3); }
        else { c0 = Vector256.Create(0f); c1 = Vector256.Create(0f); c2 = Vector256.Create(0f); c3 = Vector256.Create(0f); }
        int ks = TA.KStep, rs = ks == 1 ? lda : 1;
        float* a0 = a, a1 = a + rs, a2 = a + 2 * rs, a3 = a + 3 * rs;
        for (int i = 0; i < k; i++)
        {
            var wv = Vector256.Load(w + (long)i * Gemm.Lanes);
            long ai = (long)i * ks;
            c0 = Fma(Vector256.Create(a0[ai]), wv, c0);
            c1 = Fma(Vector256.Create(a1[ai]), wv, c1);
            c2 = Fma(Vector256.Create(a2[ai]), wv, c2);
            c3 = Fma(Vector256.Create(a3[ai]), wv, c3);
        }
        c0.Store(y); c1.Store(y1); c2.Store(y2); c3.Store(y3);
    }
}
