#version 450
#extension GL_GOOGLE_include_directive : require
// Looks keys up in a page table with page_table.glsl (creps_page_slot): one invocation per query. Used by
// PageAtlas.ProbeOnDevice (tests and debugging: the shader lookup engines include, run on the device's table).
layout(local_size_x = 64) in;

layout(std430, set = 0, binding = 0) readonly buffer CrepsPageTable { uint creps_page_table[]; };
// Query i: words 6i..6i+5 = texture id, level, x low, x high, y low, y high.
layout(std430, set = 0, binding = 1) readonly buffer Queries { uint queries[]; };
layout(std430, set = 0, binding = 2) writeonly buffer Results { int slots[]; };
layout(push_constant) uniform Push { uint count; } pc;

#include "page_table.glsl"

void main()
{
    uint q = gl_GlobalInvocationID.x;
    if (q >= pc.count) return;
    uint o = 6u * q;
    slots[q] = creps_page_slot(queries[o], queries[o + 1u], uvec2(queries[o + 2u], queries[o + 3u]), uvec2(queries[o + 4u], queries[o + 5u]));
}
