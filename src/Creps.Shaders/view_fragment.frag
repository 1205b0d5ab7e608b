#version 450
#extension GL_GOOGLE_include_directive : require
// view_fragment.frag — the demo viewer's pass: every window pixel → its plane point at each level (from small
// per-level offsets the host computes in exact arithmetic, see Creps.Demo/ViewPlan), the finest resident page there
// through the streaming service's page table (page_table.glsl), bilinear inside the page (its border holds the
// neighbours' texels), trilinear between the two levels the footprint falls between, and ancestor fallback (L−1, L−2,
// … 0) where a page is not resident yet. The texture's value v is written as the 8-bit value `creps render` writes:
// floor(clamp(v·127.5 + 128, 0, 255)), so a B8G8R8A8_UNORM target stores exactly that byte.

layout(location = 0) out vec4 out_color;

layout(set = 0, binding = 0) uniform sampler2DArray atlas;
layout(std430, set = 0, binding = 1) readonly buffer CrepsPageTable { uint creps_page_table[]; };
#include "page_table.glsl"

struct Level
{
    uvec2 origin_x;     // page index (64-bit: low, high word) of the level's origin page
    uvec2 origin_y;
    vec2 centre;        // the window centre in texels from the origin page's top-left corner
    float rho;          // texels per window pixel at this level
    float pad;
};

layout(std430, set = 0, binding = 2) readonly buffer View
{
    vec2 window_centre;   // in framebuffer pixels
    uint texture_id;
    uint fine;            // the finer level drawn
    uint coarse;          // the coarser one (== fine: one level)
    float fine_weight;    // trilinear weight of the finer level
    uint page_size;
    uint hud_on;
    uvec2 levels_resident; // bit L (low word: 0..31, high: 32..63): some page of level L under the window is resident
    Level levels[];       // 0 .. fine
};

// The HUD: a w×h byte mask (0 clear, 1 shade, 2 text), four bytes per word, drawn at the window's top-left corner.
layout(std430, set = 0, binding = 3) readonly buffer Hud
{
    uint hud_width;
    uint hud_height;
    uint hud_scale;
    uint hud_pad;
    uint hud_bytes[];
};

uvec2 add64(uvec2 v, int d)
{
    uint carry;
    uint lo = uaddCarry(v.x, uint(d), carry);
    return uvec2(lo, v.y + carry + (d < 0 ? 0xFFFFFFFFu : 0u));
}

// The texture at this pixel from level `level`, or its nearest resident ancestor; found = the level it came from, -1
// when none is resident. Levels with nothing resident under the window are skipped without a probe.
vec3 sample_level(uint level, out int found)
{
    float p = float(page_size);
    for (int k = int(level); k >= 0; k--)
    {
        uint bits = k < 32 ? levels_resident.x : levels_resident.y;
        if ((bits & (1u << uint(k & 31))) == 0u) continue;
        Level l = levels[k];
        vec2 t = (gl_FragCoord.xy - window_centre) * l.rho + l.centre;
        vec2 page = floor(t / p);
        ivec2 ip = ivec2(page);
        int slot = creps_page_slot(texture_id, uint(k), add64(l.origin_x, ip.x), add64(l.origin_y, ip.y));
        if (slot >= 0)
        {
            found = k;
            return texture(atlas, creps_atlas_coord(slot, (t - page * p) / p)).rgb;
        }
    }
    found = -1;
    return vec3(-1.0);
}

uint hud_mask(ivec2 px)
{
    ivec2 q = px / int(hud_scale);
    if (hud_on == 0u || q.x >= int(hud_width) || q.y >= int(hud_height)) return 0u;
    uint i = uint(q.y) * hud_width + uint(q.x);
    return (hud_bytes[i >> 2] >> (8u * (i & 3u))) & 0xFFu;
}

void main()
{
    int fine_from, coarse_from;
    vec3 v = sample_level(fine, fine_from);
    // Nothing is resident between fine_from and fine: where fine_from <= coarse the coarser walk ends at the same page.
    if (coarse != fine && !(fine_from >= 0 && fine_from <= int(coarse)))
    {
        vec3 c = sample_level(coarse, coarse_from);
        if (fine_from < 0) v = c;
        else if (coarse_from >= 0) v = mix(c, v, fine_weight);
    }
    vec3 bytes = floor(clamp(v * 127.5 + 128.0, 0.0, 255.0));
    vec3 rgb = bytes / 255.0;
    uint m = hud_mask(ivec2(gl_FragCoord.xy));
    if (m == 1u) rgb *= 0.3;
    else if (m == 2u) rgb = vec3(1.0);
    out_color = vec4(rgb, 1.0);
}
