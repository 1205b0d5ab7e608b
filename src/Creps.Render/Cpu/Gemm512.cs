using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Creps.Render.Cpu;

/// <summary>
/// The 512-bit (AVX-512F) kernel: 8 rows × 32 outputs, 16 accumulators of 16 lanes (of the 32 vector registers
/// AVX-512 has), two weight vectors and one broadcast per row step. Same contract as <see cref="Gemm256"/>.
/// </summary>
internal static unsafe class Gemm512
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector512<float> Fma(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.FusedMultiplyAdd(a, b, c);

    public static void Kernel8x32<TA>(float* a, int lda, int k, float* w, float* y, int ldy, bool accumulate) where TA : struct, IRowLayout
    {
        float* y1 = y + ldy, y2 = y + 2 * ldy, y3 = y + 3 * ldy, y4 = y + 4 * ldy, y5 = y + 5 * ldy, y6 = y + 6 * ldy, y7 = y + 7 * ldy;
        Vector512<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
        if (accumulate)
        {
            c00 = Vector512.Load(y); c01 = Vector512.Load(y + 16); c10 = Vector512.Load(y1); c11 = Vector512.Load(y1 + 16);
            c20 = Vector512.Load(y2); c21 = Vector512.Load(y2 + 16); c30 = Vector512.Load(y3); c31 = Vector512.Load(y3 + 16);
            c40 = Vector512.Load(y4); c41 = Vector512.Load(y4 + 16); c50 = Vector512.Load(y5); c51 = Vector512.Load(y5 + 16);
            c60 = Vector512.Load(y6); c61 = Vector512.Load(y6 + 16); c70 = Vector512.Load(y7); c71 = Vector512.Load(y7 + 16);
        }
        else
        {
            c00 = Vector512.Create(0f); c01 = Vector512.Create(0f); c10 = Vector512.Create(0f); c11 = Vector512.Create(0f);
            c20 = Vector512.Create(0f); c21 = Vector512.Create(0f); c30 = Vector512.Create(0f); c31 = Vector512.Create(0f);
            c40 = Vector512.Create(0f); c41 = Vector512.Create(0f); c50 = Vector512.Create(0f); c51 = Vector512.Create(0f);
            c60 = Vector512.Create(0f); c61 = Vector512.Create(0f); c70 = Vector512.Create(0f); c71 = Vector512.Create(0f);
        }
        int ks = TA.KStep, rs = ks == 1 ? lda : 1;
        float* a0 = a, a1 = a + rs, a2 = a + 2 * rs, a3 = a + 3 * rs, a4 = a + 4 * rs, a5 = a + 5 * rs, a6 = a + 6 * rs, a7 = a + 7 * rs;
        for (int i = 0; i < k; i++)
        {
            float* wr = w + (long)i * Gemm.Panel;
            long ai = (long)i * ks;
            var w0 = Vector512.Load(wr); var w1 = Vector512.Load(wr + 16);
            var b = Vector512.Create(a0[ai]); c00 = Fma(b, w0, c00); c01 = Fma(b, w1, c01);
            b = Vector512.Create(a1[ai]); c10 = Fma(b, w0, c10); c11 = Fma(b, w1, c11);
            b = Vector512.Create(a2[ai]); c20 = Fma(b, w0, c20); c21 = Fma(b, w1, c21);
            b = Vector512.Create(a3[ai]); c30 = Fma(b, w0, c30); c31 = Fma(b, w1, c31);
            b = Vector512.Create(a4[ai]); c40 = Fma(b, w0, c40); c41 = Fma(b, w1, c41);
            b = Vector512.Create(a5[ai]); c50 = Fma(b, w0, c50); c51 = Fma(b, w1, c51);
            b = Vector512.Create(a6[ai]); c60 = Fma(b, w0, c60); c61 = Fma(b, w1, c61);
            b = Vector512.Create(a7[ai]); c70 = Fma(b, w0, c70); c71 = Fma(b, w1, c71);
        }
        c00.Store(y); c01.Store(y + 16); c10.Store(y1); c11.Store(y1 + 16);
        c20.Store(y2); c21.Store(y2 + 16); c30.Store(y3); c31.Store(y3 + 16);
        c40.Store(y4); c41.Store(y4 + 16); c50.Store(y5); c51.Store(y5 + 16);
        c60.Store(y6); c61.Store(y6 + 16); c70.Store(y7); c71.Store(y7 + 16);
    }
}
