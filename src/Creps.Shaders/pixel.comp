#version 450
#extension GL_GOOGLE_include_directive : require
// The fused per-pixel pass: one invocation per pixel runs, on features held in registers,
//   for each stage s (b8 … bR): new_f[c] = Σ_k X_s[row][k][c] · Y_s[col][k][c]   (lines already hold √½·biline)
//     feature = s == 0 ? new_f : decoder_s(feature) + new_f
//   feature = decoder_last(feature);  img = decoder_img(feature)
//   img += block0.tores(x0 = block0.fc1(block0.fc0(feature)))
//   img += block1.tores(block1.fc1(block1.fc0(x0)))
// and writes img straight into the storage image. Nothing of size [C,H,W] exists in device memory.
// Dense layers are stored [out][in] (+ bias [out]); in/out are padded to multiples of 8 (ToRes/decoder_img
// outputs to 4) with zeros, so padding lanes stay exactly 0.
// Built twice from this file: pixel.spv in float32, pixel_fp16.spv with CREPS_FP16 defined (features, weights as
// loaded and all arithmetic in float16 — shaderFloat16; the lines and their entanglement sums stay float32).
#ifdef CREPS_FP16
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#define real float16_t
#define real4 f16vec4
#else
#define real float
#define real4 vec4
#endif
#include "common.glsl"

layout(local_size_x = 8, local_size_y = 8) in;
layout(constant_id = 0) const int B = 16;    // biline channels, padded to a multiple of 8
layout(constant_id = 1) const int R = 8;     // rank
layout(constant_id = 2) const int S = 2;     // entanglement stages (blocks b8 … bR)

layout(set = 1, binding = 0) writeonly uniform image2D outImage;

layout(push_constant) uniform Push {
    int nr, nc;               // tile size: rows × columns
    int r0, c0;               // the tile's first row / column within the lines
    int rowCount, colCount;   // coordinates held by the row / column lines
    int dy, dx;               // where the tile lands in the image
    int decOff;               // weights[]: decoders (stage 1 … S−1), decoder_last, decoder_img
    int headOff;              // styles[]: block0.fc0, fc1, tores, block1.fc0, fc1, tores (styles baked in)
    int quantize8;            // 1: the official 8-bit rule trunc(clamp(v·127.5 + 128, 0, 255)) / 255
    float clampValue;         // fc_clamp of the head's modulated layers
} pc;

real feat[B], newf[B], t1[4 * B], t2[4 * B], img[4], add[4];

real lreluR(real v) { return max(v, real(0.2) * v) * real(SQRT2); }

// Y[o] = act(Σᵢ W[o][i]·X[i] + bias[o]), W [OUT][IN] at float offset OFF of buffer BUF (vec4 view BUF4), then
// bias [OUT]; advances OFF past the layer. Two vec4 dot products per iteration keep loop trip counts small
// (llvmpipe ends any shader after 65 535 loop iterations per invocation).
#define DENSE(BUF, BUF4, OFF, IN, OUT, X, Y, LRELU, CLAMP)                                   \
    for (int o = 0; o < (OUT); o++) {                                                  \
        int w4 = ((OFF) + o * (IN)) / 4;                                               \
        real acc = real(0.0);                                                          \
        for (int i = 0; i < (IN); i += 8, w4 += 2)                                     \
            acc += dot(real4(BUF4[w4]), real4(X[i], X[i + 1], X[i + 2], X[i + 3]))     \
                 + dot(real4(BUF4[w4 + 1]), real4(X[i + 4], X[i + 5], X[i + 6], X[i + 7])); \
        acc += real(BUF[(OFF) + (OUT) * (IN) + o]);                                    \
        if (LRELU) acc = lreluR(acc);                                                  \
        Y[o] = clamp(acc, real(-(CLAMP)), real(CLAMP));                                \
    }                                                                                  \
    OFF += (OUT) * (IN) + (OUT);

#ifdef CREPS_FP16
const float NO_CLAMP = 65504.0;   // "no clamp": float16's largest finite value
#else
const float NO_CLAMP = 3.0e38;
#endif

// decoder B → 2B → 4B → 2B → B (all lrelu), from feat into t2[0..B).
#define DECODER(OFF)                                                         \
    DENSE(weights, weights4, OFF, B, 2 * B, feat, t1, true, NO_CLAMP)        \
    DENSE(weights, weights4, OFF, 2 * B, 4 * B, t1, t2, true, NO_CLAMP)      \
    DENSE(weights, weights4, OFF, 4 * B, 2 * B, t2, t1, true, NO_CLAMP)      \
    DENSE(weights, weights4, OFF, 2 * B, B, t1, t2, true, NO_CLAMP)

void main() {
    ivec2 p = ivec2(gl_GlobalInvocationID.xy);   // x: column, y: row
    if (p.x >= pc.nc || p.y >= pc.nr) return;
    int ri = pc.r0 + p.y, cj = pc.c0 + p.x;
    int off = pc.decOff;

    for (int s = 0; s < S; s++) {
        int xr = ((s * pc.rowCount + ri) * R) * B / 4, yc = ((s * pc.colCount + cj) * R) * B / 4;
        for (int c = 0; c < B; c += 4) {
            vec4 acc = vec4(0.0);
            for (int k = 0; k < R; k++) acc += linesA4[xr + (k * B + c) / 4] * linesB4[yc + (k * B + c) / 4];
            if (s == 0) { feat[c] = real(acc.x); feat[c + 1] = real(acc.y); feat[c + 2] = real(acc.z); feat[c + 3] = real(acc.w); }
            else        { newf[c] = real(acc.x); newf[c + 1] = real(acc.y); newf[c + 2] = real(acc.z); newf[c + 3] = real(acc.w); }
        }
        if (s == 0) continue;
        DECODER(off)
        for (int c = 0; c < B; c++) feat[c] = t2[c] + newf[c];
    }

    DECODER(off)                                                             // decoder_last
    for (int c = 0; c < B; c++) feat[c] = t2[c];
    DENSE(weights, weights4, off, B, 4, feat, img, false, NO_CLAMP)          // decoder_img (linear)

    int h = pc.headOff;
    DENSE(styles, styles4, h, B, 4 * B, feat, t1, true, pc.clampValue)       // block0.fc0
    DENSE(styles, styles4, h, 4 * B, 4 * B, t1, t2, true, pc.clampValue)     // block0.fc1 → x0
    DENSE(styles, styles4, h, 4 * B, 4, t2, add, false, pc.clampValue)       // block0.tores
    for (int c = 0; c < 4; c++) img[c] += add[c];
    DENSE(styles, styles4, h, 4 * B, 2 * B, t2, t1, true, pc.clampValue)     // block1.fc0
    DENSE(styles, styles4, h, 2 * B, 2 * B, t1, t2, true, pc.clampValue)     // block1.fc1
    DENSE(styles, styles4, h, 2 * B, 4, t2, add, false, pc.clampValue)       // block1.tores
    for (int c = 0; c < 4; c++) img[c] += add[c];

    vec4 v = vec4(float(img[0]), float(img[1]), float(img[2]), 1.0);
    if (pc.quantize8 != 0) v.rgb = floor(clamp(v.rgb * 127.5 + 128.0, 0.0, 255.0)) / 255.0;
    imageStore(outImage, ivec2(pc.dx + p.x, pc.dy + p.y), v);
}
