#version 450
#extension GL_GOOGLE_include_directive : require
// One modulated 1×1 layer of the line network for a batch of line elements (one GEMM per layer):
//   y[n][o] = clamp(act(d[o] · Σᵢ (x[n][i]·s[i]) · W[o][i] + b[o]), ±clamp)
// s = the latent's style, d = its demodulation (synthesis layers; none for ToRes), act = lrelu·√2 or none.
// ToRes layers add their output into the biline running sum and store √½·biline as this stage's lines.
// Tiled for GPUs: a TY×TX workgroup computes a (TY·4)×(TX·4) block of y, each thread a 4×4 register block
// (rows ty + i·TY, outputs tx + j·TX: loads and stores coalesce along tx); K advances in steps of KT through
// shared memory. Every y[n][o] is the same ordered sum whatever the tiling, so results never depend on
// which rows share a dispatch.
#include "common.glsl"

layout(local_size_x_id = 0, local_size_y_id = 1) in;
layout(constant_id = 0) const int TX = 16;   // threads along outputs
layout(constant_id = 1) const int TY = 16;   // threads along rows
layout(constant_id = 2) const int KT = 16;   // K step held in shared memory
const int RB = 4;                            // register block: RB rows × RB outputs per thread
const int BM = TY * RB, BN = TX * RB;

shared float As[KT * BM];   // [k][row], style applied
shared float Bs[KT * BN];   // [k][out]

const int LRELU = 1, TORES = 2, FIRST = 4;
layout(push_constant) uniform Push {
    int rows, k, outs;   // GEMM shape: rows × k times k × outs
    int ldx, ldy;        // row strides of x and y (= padded k and outs)
    int xOff, yOff;      // acts[]: input, output (ToRes: the biline running sum)
    int wOff, bOff;      // weights[]: Wᵀ [k][ldy] and bias [outs]
    int styleOff;        // styles[]: s[k]
    int demodOff;        // styles[]: d[outs]; < 0 for none
    int flags;           // LRELU | TORES | FIRST (first ToRes: the running sum starts here)
    int linesOff;        // linesA[]: this stage's lines (ToRes only), row stride ldy
    float clampValue;
} pc;

void main() {
    int tx = int(gl_LocalInvocationID.x), ty = int(gl_LocalInvocationID.y);
    int tid = ty * TX + tx;
    int row0 = int(gl_WorkGroupID.y) * BM, col0 = int(gl_WorkGroupID.x) * BN;
    vec4 acc[RB];
    for (int i = 0; i < RB; i++) acc[i] = vec4(0.0);

    for (int k0 = 0; k0 < pc.k; k0 += KT) {
        for (int e = tid; e < KT * BM; e += TX * TY) {
            int r = e / KT, kk = e % KT, gr = row0 + r, gk = k0 + kk;
            As[kk * BM + r] = (gr < pc.rows && gk < pc.k) ? acts[pc.xOff + gr * pc.ldx + gk] * styles[pc.styleOff + gk] : 0.0;
        }
        for (int e = tid; e < KT * BN; e += TX * TY) {
            int kk = e / BN, c = e % BN, gk = k0 + kk, gc = col0 + c;
            Bs[kk * BN + c] = (gk < pc.k && gc < pc.outs) ? weights[pc.wOff + gk * pc.ldy + gc] : 0.0;
        }
        barrier();
        for (int kk = 0; kk < KT; kk++) {
            vec4 b = vec4(Bs[kk * BN + tx], Bs[kk * BN + tx + TX], Bs[kk * BN + tx + 2 * TX], Bs[kk * BN + tx + 3 * TX]);
            acc[0] += As[kk * BM + ty] * b;
            acc[1] += As[kk * BM + ty + TY] * b;
            acc[2] += As[kk * BM + ty + 2 * TY] * b;
            acc[3] += As[kk * BM + ty + 3 * TY] * b;
        }
        barrier();
    }

    for (int i = 0; i < RB; i++) {
        int n = row0 + ty + i * TY;
        if (n >= pc.rows) continue;
        for (int j = 0; j < RB; j++) {
            int o = col0 + tx + j * TX;
            if (o >= pc.ldy) continue;
            float v = 0.0;   // padding columns (outs ≤ o < ldy) are written as exact zeros
            if (o < pc.outs) {
                v = acc[i][j];
                if (pc.demodOff >= 0) v *= styles[pc.demodOff + o];
                v += weights[pc.bOff + o];
                if ((pc.flags & LRELU) != 0) v = lrelu(v);
                v = clamp(v, -pc.clampValue, pc.clampValue);
            }
            int y = pc.yOff + n * pc.ldy + o;
            if ((pc.flags & TORES) != 0) {
                float sum = (pc.flags & FIRST) != 0 ? v : acts[y] + v;
                acts[y] = sum;
                linesA[pc.linesOff + n * pc.ldy + o] = sum * SQRT_HALF;
            } else {
                acts[y] = v;
            }
        }
    }
}
