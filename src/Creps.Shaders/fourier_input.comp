#version 450
#extension GL_GOOGLE_include_directive : require
// The bi-line Fourier input of block b4, for a chunk of coordinates of one axis:
//   x[l·r+k][q]       = sin(2π·f_qk·t_l)        · weight[q][j]·affine(w₀)[q][j]/√C
//   x[l·r+k][q + C/2] = sin(2π·f_qk·t_l + π/2)  · weight[q+C/2][j]·…           (j = jBase + k)
// The phase arrives reduced on the host in double precision (Coordinates/FourierPhase): per segment of
// SEGMENT coordinates the cycles of its base coordinate modulo 1, per coordinate its step from that base.
// So f·t stays exact however far the region lies from the origin.
#include "common.glsl"

layout(local_size_x = 64) in;
layout(constant_id = 0) const int C = 2;         // input channels (block 4)
layout(constant_id = 1) const int R = 8;         // rank
layout(constant_id = 2) const int SEGMENT = 64;  // coordinates per phase segment

layout(push_constant) uniform Push {
    int count;       // coordinates in this chunk
    int ldx;         // row stride of the activations (padded C)
    int xOff;        // output activations in acts[]
    int freqOff;     // freqs [C/2][R] in weights[]
    int mulOff;      // input multiplier [C][2R] in styles[]
    int jBase;       // 0 for rows, R for columns
    int stepOff;     // phase[]: t − base for the chunk's first coordinate onwards
    int segOff;      // phase[]: [segments][C/2·R] cycles of the segment bases, in [0,1)
    int coordFirst;  // the chunk's first coordinate, as an index into the whole axis
    int segFirst;    // the first uploaded segment
} pc;

void main() {
    const int H = C / 2;
    int id = int(gl_GlobalInvocationID.x);
    if (id >= pc.count * R * H) return;
    int q = id % H, n = id / H, k = n % R, l = n / R;
    int f = q * R + k;
    int seg = (pc.coordFirst + l) / SEGMENT - pc.segFirst;
    float cycles = phase[pc.segOff + seg * H * R + f] + weights[pc.freqOff + f] * phase[pc.stepOff + l];
    cycles -= floor(cycles);                 // [0, 1)
    if (cycles >= 0.5) cycles -= 1.0;        // [−½, ½): sin and cos are most accurate near 0
    float ph = 6.28318530717958647692 * cycles;
    int row = pc.xOff + n * pc.ldx;
    acts[row + q]     = sin(ph) * styles[pc.mulOff + q * 2 * R + pc.jBase + k];
    acts[row + q + H] = cos(ph) * styles[pc.mulOff + (q + H) * 2 * R + pc.jBase + k];
}
