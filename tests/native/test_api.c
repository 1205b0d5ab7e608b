/* Every function of creps.h on the cpu backend, against independent references:
 *   argv[1] the model (.safetensors), argv[2] `creps render --seed 7 --psi 0.7 --size 48x32 --region 0.25,0.5,0.75,1.25
 *   --out ref.f32` of it, argv[3] a scratch folder.
 * Host formats are checked against the rules of creps.h written here from scratch (the 8-bit rule, a float → half
 * conversion), pages against creps_render of their bordered region, bakes by their files. Prints one "ok …" line per part. */
#define _POSIX_C_SOURCE 200809L /* nanosleep, access */
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

#include "check.h"

enum { W = 48, H = 32 };

/* creps.h's RGBA8 rule: clamp(v·127.5+128, 0, 255) truncated, in float arithmetic. */
static uint8_t to_byte(float v) {
    float s = v * 127.5f;
    s += 128.0f;
    if (!(s > 0.0f)) return 0;
    if (s >= 255.0f) return 255;
    return (uint8_t)s;
}

/* IEEE binary16 bits of f, rounded to nearest even. */
static uint16_t half_bits(float f) {
    uint32_t x;
    memcpy(&x, &f, 4);
    uint32_t sign = (x >> 16) & 0x8000u, a = x & 0x7fffffffu;
    if (a >= 0x7f800000u) return (uint16_t)(sign | 0x7c00u | (a > 0x7f800000u ? 0x200u : 0u));
    if (a >= 0x477ff000u) return (uint16_t)(sign | 0x7c00u);       /* ≥ 65520 rounds to infinity */
    if (a < 0x38800000u) {                                         /* below 2^-14: a subnormal half */
        float af;
        memcpy(&af, &a, 4);
        return (uint16_t)(sign | (uint32_t)rintf(af * 16777216.0f)); /* units of 2^-24, rint rounds to even */
    }
    uint32_t h = (((a >> 23) - 112u) << 10) | ((a & 0x7fffffu) >> 13), rest = a & 0x1fffu;
    if (rest > 0x1000u || (rest == 0x1000u && (h & 1u))) h++;
    return (uint16_t)(sign | h);
}

static int progress_calls;
static int64_t progress_last, progress_total;
static int on_progress(int64_t done, int64_t total, void *user) {
    progress_calls++;
    progress_last = done;
    progress_total = total;
    return *(int *)user && done > 0;   /* the flag asks to cancel after the first tile */
}

static int file_exists(const char *path) { return access(path, F_OK) == 0; }

static void sleep_ms(int ms) {
    struct timespec t = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

int main(int argc, char **argv) {
    REQUIRE(argc == 4);
    const char *model_path = argv[1], *ref_path = argv[2], *dir = argv[3];
    char path[4096];

    /* Version and the empty last error. */
    REQUIRE(creps_version() >> 16 == CREPS_VERSION_MAJOR);
    REQUIRE(creps_last_error() != NULL);
    printf("ok version %u.%u.%u\n", creps_version() >> 16, (creps_version() >> 8) & 0xff, creps_version() & 0xff);

    /* Models: from a path, from memory, info; the same texture either way. */
    creps_model *model = NULL, *model_mem = NULL;
    CHECK(creps_model_open(model_path, &model));
    REQUIRE(creps_last_error()[0] == '\0');
    size_t file_size;
    void *file = read_all(model_path, &file_size);
    CHECK(creps_model_open_memory(file, file_size, &model_mem));
    memset(file, 0, file_size);   /* the library copied it */
    free(file);
    creps_model_info info;
    CHECK(creps_model_info_get(model, &info));
    REQUIRE(info.resolution >= 16 && info.z_dim > 0 && info.num_ws > 0 && info.w_dim > 0);
    printf("ok model R=%lld z_dim=%lld ws=%lldx%lld tileable=%d\n", (long long)info.resolution, (long long)info.z_dim,
           (long long)info.num_ws, (long long)info.w_dim, info.tileable);

    /* Latents: seed, z, ws. */
    creps_latent *latent = NULL, *latent_z = NULL, *latent_ws = NULL;
    CHECK(creps_latent_from_seed(model, 7, 0.7f, -1, &latent));
    float *z = calloc((size_t)info.z_dim, sizeof(float));
    for (int64_t i = 0; i < info.z_dim; i++) z[i] = (float)((i % 7) - 3) * 0.25f;
    CHECK(creps_latent_from_z(model, z, (size_t)info.z_dim, 1.0f, -1, &latent_z));
    size_t nws = (size_t)(info.num_ws * info.w_dim);
    float *ws = calloc(nws, sizeof(float));
    for (size_t i = 0; i < nws; i++) ws[i] = (float)((int)(i % 5) - 2) * 0.1f;
    CHECK(creps_latent_from_ws(model, ws, nws, &latent_ws));
    EXPECT_FAIL(creps_latent_from_z(model, z, (size_t)info.z_dim - 1, 1.0f, -1, &latent_z), CREPS_ERROR_INVALID_ARGUMENT);
    EXPECT_FAIL(creps_latent_from_ws(model, ws, nws + 1, &latent_ws), CREPS_ERROR_INVALID_ARGUMENT);
    EXPECT_FAIL(creps_latent_from_seed(model, 7, NAN, -1, &latent_ws), CREPS_ERROR_INVALID_ARGUMENT);

    /* Generators: cpu (explicit), the memory model's, describe. */
    creps_generator_options opt = {0};
    opt.backend = "cpu";
    creps_generator *gen = NULL, *gen_mem = NULL;
    CHECK(creps_generator_create(model, &opt, &gen));
    CHECK(creps_generator_create(model_mem, &opt, &gen_mem));
    char desc[256];
    CHECK(creps_generator_describe(gen, desc, sizeof desc));
    REQUIRE(strncmp(desc, "cpu: ", 5) == 0);
    char small[4];
    CHECK(creps_generator_describe(gen, small, sizeof small));
    REQUIRE(strcmp(small, "cpu") == 0);
    printf("ok generator %s\n", desc);
    opt.backend = "metal";
    EXPECT_FAIL(creps_generator_create(model, &opt, &gen_mem), CREPS_ERROR_INVALID_ARGUMENT);
    opt.backend = "cpu";

    /* Planar float32 = `creps render --out x.f32`, bit for bit. */
    creps_region region = {0.25, 0.5, 0.75, 1.25, W, H, 0, 0};
    size_t ref_size;
    float *ref = read_all(ref_path, &ref_size);
    REQUIRE(ref_size == sizeof(float) * 3 * W * H);
    float *planar = malloc(ref_size);
    CHECK(creps_render(gen, latent, &region, CREPS_FORMAT_PLANAR_F32, planar, ref_size, 0));
    REQUIRE(memcmp(planar, ref, ref_size) == 0);
    float *planar_mem = malloc(ref_size);
    CHECK(creps_render(gen_mem, latent, &region, CREPS_FORMAT_PLANAR_F32, planar_mem, ref_size, 0));
    REQUIRE(memcmp(planar_mem, ref, ref_size) == 0);
    printf("ok planar f32 equals the CLI's .f32 bit for bit (%d floats)\n", 3 * W * H);

    /* Planar with a row stride: padding untouched, rows equal. */
    size_t pstride = W * 4 + 12, psize = (3 * H - 1) * pstride + W * 4;
    unsigned char *pbuf = malloc(psize);
    memset(pbuf, 0xAB, psize);
    EXPECT_FAIL(creps_render(gen, latent, &region, CREPS_FORMAT_PLANAR_F32, pbuf, psize - 1, pstride), CREPS_ERROR_INVALID_ARGUMENT);
    CHECK(creps_render(gen, latent, &region, CREPS_FORMAT_PLANAR_F32, pbuf, psize, pstride));
    for (int c = 0; c < 3; c++)
        for (int y = 0; y < H; y++) {
            unsigned char *row = pbuf + (size_t)(c * H + y) * pstride;
            REQUIRE(memcmp(row, ref + (c * H + y) * W, W * 4) == 0);
            if (c * H + y < 3 * H - 1) REQUIRE(row[W * 4] == 0xAB && row[pstride - 1] == 0xAB);
        }
    printf("ok planar f32 with row stride %zu\n", pstride);

    /* RGBA8 with a stride, RGBA16F and RGBA32F tight: the rules of creps.h applied to the reference floats. */
    size_t stride8 = W * 4 + 8;
    unsigned char *rgba8 = malloc(stride8 * H);
    memset(rgba8, 0xCD, stride8 * H);
    CHECK(creps_render(gen, latent, &region, CREPS_FORMAT_RGBA8, rgba8, stride8 * H, stride8));
    uint16_t *rgba16 = malloc((size_t)W * H * 8);
    CHECK(creps_render(gen, latent, &region, CREPS_FORMAT_RGBA16F, rgba16, (size_t)W * H * 8, 0));
    float *rgba32 = malloc((size_t)W * H * 16);
    CHECK(creps_render(gen, latent, &region, CREPS_FORMAT_RGBA32F, rgba32, (size_t)W * H * 16, 0));
    for (int y = 0; y < H; y++) {
        REQUIRE(rgba8[y * stride8 + W * 4] == 0xCD);
        for (int x = 0; x < W; x++) {
            for (int c = 0; c < 3; c++) {
                float v = ref[(c * H + y) * W + x];
                REQUIRE(rgba8[y * stride8 + x * 4 + c] == to_byte(v));
                REQUIRE(rgba16[(y * W + x) * 4 + c] == half_bits(v));
                REQUIRE(memcmp(&rgba32[(y * W + x) * 4 + c], &v, 4) == 0);
            }
            REQUIRE(rgba8[y * stride8 + x * 4 + 3] == 255);
            REQUIRE(rgba16[(y * W + x) * 4 + 3] == 0x3c00);
            REQUIRE(rgba32[(y * W + x) * 4 + 3] == 1.0f);
        }
    }
    printf("ok rgba8 (stride %zu), rgba16f, rgba32f match the header's rules\n", stride8);

    /* Other latents render other pixels; octaves render (and differ from the plain model at a deep zoom). */
    CHECK(creps_render(gen, latent_z, &region, CREPS_FORMAT_PLANAR_F32, planar, ref_size, 0));
    REQUIRE(memcmp(planar, ref, ref_size) != 0);
    CHECK(creps_render(gen, latent_ws, &region, CREPS_FORMAT_PLANAR_F32, planar, ref_size, 0));
    REQUIRE(memcmp(planar, ref, ref_size) != 0);
    creps_region deep = {0.37, 0.61, 0.37 + 1e-4, 0.61 + 1e-4, 32, 32, 0, 0};
    float *plain = malloc(sizeof(float) * 3 * 32 * 32), *detail = malloc(sizeof(float) * 3 * 32 * 32);
    CHECK(creps_render(gen, latent, &deep, CREPS_FORMAT_PLANAR_F32, plain, sizeof(float) * 3 * 32 * 32, 0));
    deep.octaves = 24;
    CHECK(creps_render(gen, latent, &deep, CREPS_FORMAT_PLANAR_F32, detail, sizeof(float) * 3 * 32 * 32, 0));
    REQUIRE(memcmp(plain, detail, sizeof(float) * 3 * 32 * 32) != 0);
    printf("ok z, ws and octave renders\n");

    /* Bad arguments: each a status and a message, nothing written. */
    creps_region bad = region;
    bad.width = 0;
    EXPECT_FAIL(creps_render(gen, latent, &bad, CREPS_FORMAT_RGBA8, rgba8, stride8 * H, 0), CREPS_ERROR_INVALID_ARGUMENT);
    bad.width = (int64_t)1 << 40;
    EXPECT_FAIL(creps_render(gen, latent, &bad, CREPS_FORMAT_RGBA8, rgba8, stride8 * H, 0), CREPS_ERROR_INVALID_ARGUMENT);
    EXPECT_FAIL(creps_render(gen, latent, &region, (creps_format)9, rgba8, stride8 * H, 0), CREPS_ERROR_INVALID_ARGUMENT);
    EXPECT_FAIL(creps_render(gen, latent, &region, CREPS_FORMAT_RGBA8, rgba8, 100, 0), CREPS_ERROR_INVALID_ARGUMENT);
    EXPECT_FAIL(creps_render(gen, latent, &region, CREPS_FORMAT_RGBA8, rgba8, stride8 * H, 3), CREPS_ERROR_INVALID_ARGUMENT);
    EXPECT_FAIL(creps_render(NULL, latent, &region, CREPS_FORMAT_RGBA8, rgba8, stride8 * H, 0), CREPS_ERROR_INVALID_ARGUMENT);
    EXPECT_FAIL(creps_render(gen, (const creps_latent *)model, &region, CREPS_FORMAT_RGBA8, rgba8, stride8 * H, 0), CREPS_ERROR_INVALID_ARGUMENT);
    EXPECT_FAIL(creps_model_info_get(model, NULL), CREPS_ERROR_INVALID_ARGUMENT);
    CHECK(creps_model_info_get(model, &info));
    REQUIRE(creps_last_error()[0] == '\0');   /* a success clears this thread's message */

    /* Vulkan-image calls on a cpu generator: the wrong backend, said so. */
    creps_vk_image target = {0};
    target.image = (void *)(uintptr_t)1;
    target.format = 109;
    target.width = W;
    target.height = H;
    creps_recording *rec = NULL;
    EXPECT_FAIL(creps_render_vk_image(gen, latent, &region, &target), CREPS_ERROR_WRONG_BACKEND);
    EXPECT_FAIL(creps_record_vk_image(gen, latent, &region, &target, (void *)(uintptr_t)1, &rec), CREPS_ERROR_WRONG_BACKEND);
    REQUIRE(rec == NULL);
    CHECK(creps_recording_release(NULL));

    /* Bake: a KTX2 with mips and progress; a cancelled PNG leaves no file; an existing file is kept. */
    creps_bake_options bake = {0};
    bake.width = 64;
    bake.height = 40;
    bake.x0 = 0;
    bake.y0 = 0;
    bake.x1 = 1;
    bake.y1 = 1;
    bake.format = CREPS_BAKE_KTX2;
    bake.mips = 1;
    bake.tile = 16;
    int cancel = 0;
    snprintf(path, sizeof path, "%s/baked.ktx2", dir);
    CHECK(creps_bake(gen, latent, &bake, path, on_progress, &cancel));
    REQUIRE(progress_calls > 1 && progress_last == progress_total);
    REQUIRE(progress_total == 64 * 40 + 32 * 20 + 16 * 10 + 8 * 5 + 4 * 2 + 2 * 1 + 1 * 1);
    FILE *f = fopen(path, "rb");
    REQUIRE(f != NULL);
    unsigned char magic[12];
    REQUIRE(fread(magic, 1, 12, f) == 12);
    fclose(f);
    REQUIRE(memcmp(magic, "\xabKTX 20\xbb\r\n\x1a\n", 12) == 0);
    printf("ok bake ktx2 with mips: %d progress calls, %lld pixels\n", progress_calls, (long long)progress_total);
    EXPECT_FAIL(creps_bake(gen, latent, &bake, path, NULL, NULL), CREPS_ERROR_IO);
    bake.overwrite = 1;
    CHECK(creps_bake(gen, latent, &bake, path, NULL, NULL));
    bake.format = CREPS_BAKE_PNG8;
    bake.mips = 0;
    EXPECT_FAIL(creps_bake(gen, latent, &bake, path, NULL, NULL), CREPS_ERROR_INVALID_ARGUMENT);   /* .ktx2 for a PNG */
    snprintf(path, sizeof path, "%s/cancelled.png", dir);
    cancel = 1;
    progress_calls = 0;
    EXPECT_FAIL(creps_bake(gen, latent, &bake, path, on_progress, &cancel), CREPS_ERROR_CANCELLED);
    REQUIRE(progress_calls == 1 && !file_exists(path));
    snprintf(path, sizeof path, "%s/no-such-folder/x.png", dir);
    EXPECT_FAIL(creps_bake(gen, latent, &bake, path, NULL, NULL), CREPS_ERROR_IO);
    printf("ok bake cancel, overwrite and bad paths\n");

    /* Streaming: request, re-prioritise, cancel, poll, read (= creps_render of the bordered region), evict, stats. */
    creps_stream_options so;
    CHECK(creps_stream_options_init(&so));
    REQUIRE(so.page_size == 128 && so.border == 4 && so.workers == 1 && so.host_budget_bytes == 256ll << 20);
    so.page_size = 24;
    so.border = 2;
    creps_streamer *stream = NULL;
    CHECK(creps_stream_create(gen, latent, &so, &stream));
    int64_t texels;
    CHECK(creps_stream_page_texels(stream, &texels));
    REQUIRE(texels == 28);
    uint64_t ids[5];
    EXPECT_FAIL(creps_stream_release(stream), CREPS_ERROR_INVALID_ARGUMENT);
    CHECK(creps_stream_hold(stream));   /* one frame's requests, applied together */
    CHECK(creps_stream_request(stream, 3, -2, 5, 1, &ids[0]));
    CHECK(creps_stream_request(stream, 3, -1, 5, 2, &ids[1]));
    CHECK(creps_stream_request(stream, 3, 0, 5, 3, &ids[2]));
    CHECK(creps_stream_request(stream, 3, 1, 5, 4, &ids[3]));
    CHECK(creps_stream_request(stream, 3, 1, 5, 0, &ids[4]));   /* the same page again: shared */
    REQUIRE(ids[0] != ids[1] && ids[3] != ids[4]);
    CHECK(creps_stream_reprioritize(stream, ids[0], 10));
    CHECK(creps_stream_cancel(stream, ids[1]));
    EXPECT_FAIL(creps_stream_cancel(stream, 999), CREPS_ERROR_INVALID_ARGUMENT);
    uint64_t far_id;
    EXPECT_FAIL(creps_stream_request(stream, 3, (int64_t)1 << 60, 0, 0, &far_id), CREPS_ERROR_INVALID_ARGUMENT);
    CHECK(creps_stream_release(stream));
    creps_page_event events[8];
    int64_t order[3];
    size_t got = 0, n;
    int waited = 0;
    while (got < 3 && waited < 60000) {
        CHECK(creps_stream_poll(stream, events, 1, &n));   /* one at a time: the rest wait for the next poll */
        REQUIRE(n <= 1);
        for (size_t i = 0; i < n; i++) {
            REQUIRE(events[i].status == CREPS_OK && events[i].level == 3 && events[i].y == 5);
            REQUIRE(events[i].atlas_layer == -1 && events[i].texture_id == 0);
            order[got++] = events[i].x;
        }
        if (n == 0) { sleep_ms(10); waited += 10; }
    }
    /* Priority order, the re-prioritised page first; the cancelled page never renders; the shared one renders once. */
    REQUIRE(got == 3 && order[0] == -2 && order[1] == 1 && order[2] == 0);
    sleep_ms(50);
    CHECK(creps_stream_poll(stream, events, 8, &n));
    REQUIRE(n == 0);
    CHECK(creps_stream_reprioritize(stream, ids[0], 0));   /* completed: left alone */
    CHECK(creps_stream_cancel(stream, ids[0]));
    size_t page_bytes = sizeof(float) * 3 * 28 * 28;
    float *page = malloc(page_bytes), *direct = malloc(page_bytes);
    CHECK(creps_stream_read_page(stream, 3, -2, 5, CREPS_FORMAT_PLANAR_F32, page, page_bytes, 0));
    creps_region bordered = {(-2 * 24 - 2) / (24.0 * 8), (5 * 24 - 2) / (24.0 * 8), (-1 * 24 + 2) / (24.0 * 8), (6 * 24 + 2) / (24.0 * 8), 28, 28, 0, 0};
    CHECK(creps_render(gen, latent, &bordered, CREPS_FORMAT_PLANAR_F32, direct, page_bytes, 0));
    REQUIRE(memcmp(page, direct, page_bytes) == 0);
    unsigned char *page8 = malloc(28 * 28 * 4);
    CHECK(creps_stream_read_page(stream, 3, 0, 5, CREPS_FORMAT_RGBA8, page8, 28 * 28 * 4, 0));
    EXPECT_FAIL(creps_stream_read_page(stream, 3, -1, 5, CREPS_FORMAT_PLANAR_F32, page, page_bytes, 0), CREPS_ERROR_NOT_RESIDENT);
    int evicted = 0;
    CHECK(creps_stream_evict(stream, 3, -2, 5, &evicted));
    REQUIRE(evicted == 1);
    CHECK(creps_stream_evict(stream, 3, -2, 5, &evicted));
    REQUIRE(evicted == 0);
    CHECK(creps_stream_evict(stream, 3, 0, 5, NULL));
    EXPECT_FAIL(creps_stream_read_page(stream, 3, -2, 5, CREPS_FORMAT_PLANAR_F32, page, page_bytes, 0), CREPS_ERROR_NOT_RESIDENT);
    creps_stream_stats st;
    CHECK(creps_stream_stats_get(stream, &st));
    REQUIRE(st.requests == 5 && st.pages_rendered == 3 && st.shared_requests == 1 && st.requests_cancelled == 1);
    REQUIRE(st.renders_dropped == 1 && st.page_evictions == 2 && st.resident_pages == 1);
    REQUIRE(st.peak_host_bytes > 0 && st.peak_host_bytes <= st.host_budget_bytes && st.latency_ms_p99 >= st.latency_ms_p50);
    /* Pages (−2, 0, 1; 5) share one row-line set: 1 row + 3 column sets computed, the row set reused twice. */
    REQUIRE(st.line_sets_computed == 4 && st.line_sets_reused == 2);
    printf("ok streaming: %lld pages rendered, %lld line sets computed, %lld reused, p50 %.1f ms\n", (long long)st.pages_rendered,
           (long long)st.line_sets_computed, (long long)st.line_sets_reused, st.latency_ms_p50);
    creps_stream_atlas atlas;
    EXPECT_FAIL(creps_stream_atlas_get(stream, &atlas), CREPS_ERROR_INVALID_ARGUMENT);   /* host pages: no atlas */
    EXPECT_FAIL(creps_stream_queue_lock(stream), CREPS_ERROR_INVALID_ARGUMENT);
    EXPECT_FAIL(creps_stream_queue_unlock(stream), CREPS_ERROR_INVALID_ARGUMENT);
    CHECK(creps_stream_destroy(stream));
    CHECK(creps_stream_destroy(NULL));
    so.atlas_slots = 4;   /* an atlas needs a Vulkan device */
    EXPECT_FAIL(creps_stream_create(gen, latent, &so, &stream), CREPS_ERROR_WRONG_BACKEND);
    so.atlas_slots = 0;
    so.page_size = 0;
    EXPECT_FAIL(creps_stream_create(gen, latent, &so, &stream), CREPS_ERROR_INVALID_ARGUMENT);

    /* Release in any order: the model before its generator and latents. */
    CHECK(creps_model_close(model));
    CHECK(creps_render(gen, latent, &region, CREPS_FORMAT_PLANAR_F32, planar, ref_size, 0));
    REQUIRE(memcmp(planar, ref, ref_size) == 0);
    CHECK(creps_generator_destroy(gen));
    CHECK(creps_generator_destroy(gen_mem));
    CHECK(creps_latent_destroy(latent));
    CHECK(creps_latent_destroy(latent_z));
    CHECK(creps_latent_destroy(latent_ws));
    CHECK(creps_model_close(model_mem));
    CHECK(creps_model_close(NULL));
    CHECK(creps_generator_destroy(NULL));
    CHECK(creps_latent_destroy(NULL));
    printf("ok released in any order\n");
    free(ref); free(planar); free(planar_mem); free(pbuf); free(rgba8); free(rgba16); free(rgba32); free(z); free(ws);
    free(plain); free(detail); free(page); free(direct); free(page8);
    printf("test_api: all passed\n");
    return 0;
}
