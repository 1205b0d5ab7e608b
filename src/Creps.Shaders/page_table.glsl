// page_table.glsl — where a streamed page lives in the Creps page atlas (Creps.Render.Streaming.PageAtlas).
// The one GPU lookup of the page table; its host twin is PageTable.Probe (C#), the C ABI and the demo use this file.
//
// Declare the table buffer (PageAtlas.PageTable, PageAtlas.PageTableBytes) before including this file, e.g.
//     layout(std430, set = 0, binding = 3) readonly buffer CrepsPageTable { uint creps_page_table[]; };
//     #include "page_table.glsl"
// or define CREPS_PAGE_TABLE_WORD(i) to read word i from wherever the buffer is bound.
//
// Layout (32-bit little-endian words; version 1):
//   header, words 0..7:  [0] magic 0x31545043 ("CPT1")  [1] capacity C (entries, a power of two)
//                        [2] slots (atlas array layers)  [3] texels T per page side, border included (P + 2B)
//                        [4] border B                    [5] page size P        [6..7] 0
//   entry i (0 <= i < C) at words 8 + 8*i:
//                        [0] texture id (PageAtlas.TextureId; ids start at 1)   [1] level L
//                        [2] x low 32 bits  [3] x high 32 bits   (page index x, 64-bit two's complement)
//                        [4] y low 32 bits  [5] y high 32 bits   (page index y)
//                        [6] slot (array layer of the atlas image), 0xFFFFFFFF = empty entry   [7] 0
//   Open addressing with linear probing from creps_page_hash(...) & (C - 1); deletions shift later entries back,
//   so there are no tombstones: a probe stops at the first empty entry. The load factor stays <= 1/2.
//
// Page (L, x, y) covers plane x in [x/2^L, (x+1)/2^L) (columns) and y in [y/2^L, (y+1)/2^L) (rows, downwards); its
// layer holds T x T texels whose centres are those of the bordered rectangle, so the unbordered page is texels
// [B, B + P) of the layer (creps_atlas_coord). Synchronisation: see PageAtlas — on the atlas's queue a frame sees
// the table and the texels as of its submission, never a slot whose texels are not the page the table names.

#ifndef CREPS_PAGE_TABLE_GLSL
#define CREPS_PAGE_TABLE_GLSL

#ifndef CREPS_PAGE_TABLE_WORD
#define CREPS_PAGE_TABLE_WORD(i) creps_page_table[i]
#endif

const uint CREPS_PAGE_TABLE_MAGIC = 0x31545043u;
const uint CREPS_PAGE_TABLE_HEADER_WORDS = 8u;
const uint CREPS_PAGE_TABLE_ENTRY_WORDS = 8u;
const uint CREPS_PAGE_EMPTY = 0xFFFFFFFFu;

uint creps_page_mix(uint h, uint v)
{
    h = (h ^ v) * 0x9E3779B1u;
    return h ^ (h >> 15);
}

// The table's hash of a page key (PageTable.Hash in C# is the same arithmetic).
uint creps_page_hash(uint texture_id, uint level, uvec2 x, uvec2 y)
{
    uint h = 0x811C9DC5u;
    h = creps_page_mix(h, texture_id);
    h = creps_page_mix(h, level);
    h = creps_page_mix(h, x.x);
    h = creps_page_mix(h, x.y);
    h = creps_page_mix(h, y.x);
    h = creps_page_mix(h, y.y);
    h ^= h >> 16;
    h *= 0x85EBCA6Bu;
    h ^= h >> 13;
    h *= 0xC2B2AE35u;
    h ^= h >> 16;
    return h;
}

// The atlas layer holding page (level, x, y) of texture texture_id, or -1 when it is not resident.
// x and y are 64-bit page indices as (low word, high word); creps_page_slot_i takes 32-bit signed ones.
int creps_page_slot(uint texture_id, uint level, uvec2 x, uvec2 y)
{
    uint capacity = CREPS_PAGE_TABLE_WORD(1);
    if (CREPS_PAGE_TABLE_WORD(0) != CREPS_PAGE_TABLE_MAGIC || capacity == 0u) return -1;
    uint mask = capacity - 1u;
    uint i = creps_page_hash(texture_id, level, x, y) & mask;
    for (uint n = 0u; n < capacity; n++)
    {
        uint e = CREPS_PAGE_TABLE_HEADER_WORDS + CREPS_PAGE_TABLE_ENTRY_WORDS * i;
        uint slot = CREPS_PAGE_TABLE_WORD(e + 6u);
        if (slot == CREPS_PAGE_EMPTY) return -1;
        if (CREPS_PAGE_TABLE_WORD(e) == texture_id && CREPS_PAGE_TABLE_WORD(e + 1u) == level &&
            CREPS_PAGE_TABLE_WORD(e + 2u) == x.x && CREPS_PAGE_TABLE_WORD(e + 3u) == x.y &&
            CREPS_PAGE_TABLE_WORD(e + 4u) == y.x && CREPS_PAGE_TABLE_WORD(e + 5u) == y.y)
            return int(slot);
        i = (i + 1u) & mask;
    }
    return -1;
}

int creps_page_slot_i(uint texture_id, uint level, int x, int y)
{
    return creps_page_slot(texture_id, level, uvec2(uint(x), x < 0 ? 0xFFFFFFFFu : 0u), uvec2(uint(y), y < 0 ? 0xFFFFFFFFu : 0u));
}

// Normalised coordinates into the atlas (a sampler2DArray over PageAtlas.View) of a point of the page in slot:
// in_page (0,0) is the page's top-left corner, (1,1) its bottom-right (the border lies outside [0,1]).
vec3 creps_atlas_coord(int slot, vec2 in_page)
{
    float t = float(CREPS_PAGE_TABLE_WORD(3)), b = float(CREPS_PAGE_TABLE_WORD(4)), p = float(CREPS_PAGE_TABLE_WORD(5));
    return vec3((b + in_page * p) / t, float(slot));
}

#endif
