/*
 * creps.h — the C ABI of Creps (libcreps.so): textures of any resolution from a CREPS model, rendered at run time
 * on the CPU or on a Vulkan device (your engine's own, or one Creps creates), into host memory, into your VkImage,
 * into a texture file, or streamed as pages.
 *
 * C99. Link with -lcreps (libcreps.so is a NativeAOT build of Creps.Render: no .NET installation is needed).
 *
 * CONVENTIONS (they hold for every function unless its comment says otherwise)
 *  - Every function returns a creps_status; CREPS_OK (0) is success. Only creps_version() and creps_last_error()
 *    return something else. On failure, creps_last_error() gives a one-line message; output parameters are left as
 *    they were (a failed create never returns a handle).
 *  - No exception, signal or longjmp ever leaves the library: every error is a status code.
 *  - Ownership: a creps_X_create / _open / _from_* call gives you a handle you own; release it with the matching
 *    _destroy / _close / _release exactly once. Passing NULL to a release function does nothing. A handle keeps what
 *    it needs alive (a generator its model, a streamer its generator and latent), so you may release handles in any
 *    order. A released or foreign pointer is undefined behaviour (it is not detected reliably).
 *  - Buffers you pass are only read or written during the call; the library keeps no pointer to them after it returns
 *    (except the callback and user pointer of creps_bake, during that call only).
 *  - Sizes and counts are size_t or int64_t and are checked: a size that does not fit, a buffer too small or an absurd
 *    request fails with CREPS_ERROR_INVALID_ARGUMENT or CREPS_ERROR_LIMIT, never writes out of bounds.
 *  - Thread safety: every function may be called from any thread. Models and latents are immutable and may be shared
 *    by any number of threads. A generator may render on several threads at once (the cpu backend runs them
 *    concurrently; the vulkan backend serialises its own submissions). A streamer is thread-safe. creps_last_error()
 *    is per thread.
 *  - Blocking: creps_model_open*, creps_generator_create/adopt (the vulkan backend compiles its pipelines: seconds
 *    on a CPU Vulkan device), creps_render*, creps_render_vk_image and creps_bake block until done. creps_record_vk_image
 *    only records. The creps_stream_* calls never wait for a render (pages are rendered on the streamer's workers).
 *  - Vulkan handles are passed as void* (dispatchable handles and, on 64-bit platforms, VkImage/VkCommandBuffer
 *    convert implicitly), formats, layouts and flags as their numeric VkFormat/VkImageLayout/Vk*Flags values, so this
 *    header does not need vulkan.h. 64-bit platforms only.
 *
 * PIXELS. Output values are the generator's RGB, roughly [-1, 1]. Rows run down the image (height, the plane's y),
 * columns across (width, the plane's x). A region [x0,x1)×[y0,y1) of the model's plane at width×height has pixel
 * centres x0 + (j+½)(x1−x0)/width (and likewise in y): exactly `creps render --size WxH --region x0,y0,x1,y1`, so
 * adjacent regions tile exactly, and [0,1]² is the model's training tile (a tileable model repeats with period 1).
 */
#ifndef CREPS_H
#define CREPS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The ABI this header describes: creps_version() >> 16 must equal CREPS_VERSION_MAJOR. */
#define CREPS_VERSION_MAJOR 1
#define CREPS_VERSION_MINOR 0
#define CREPS_VERSION_PATCH 0

typedef enum creps_status {
    CREPS_OK = 0,
    CREPS_ERROR_INVALID_ARGUMENT = 1, /* NULL/wrong handle, bad value, buffer too small, mismatched latent */
    CREPS_ERROR_IO = 2,               /* a file cannot be read or written (missing, not regular, permissions, disk full) */
    CREPS_ERROR_MODEL_FORMAT = 3,     /* the bytes are not a valid CREPS model (truncated, garbage, wrong shapes) */
    CREPS_ERROR_LIMIT = 4,            /* over a size or memory limit (pixels, coordinates, budget, out of memory) */
    CREPS_ERROR_UNAVAILABLE = 5,      /* the backend cannot run here (no Vulkan device, missing feature) */
    CREPS_ERROR_VULKAN = 6,           /* a Vulkan call failed (device lost, out of device memory) */
    CREPS_ERROR_CANCELLED = 7,        /* the progress callback asked to stop (nothing was written) */
    CREPS_ERROR_NOT_RESIDENT = 8,     /* creps_stream_read_page: that page is not (or no longer) resident */
    CREPS_ERROR_WRONG_BACKEND = 9,    /* a Vulkan-image call on a generator that is not on Vulkan */
    CREPS_ERROR_INTERNAL = 70         /* a bug in Creps: please report the message */
} creps_status;

/* (major << 16) | (minor << 8) | patch of the library. Never fails. */
uint32_t creps_version(void);

/* This thread's message for the last failed call: one line of UTF-8, never NULL ("" after a success). Owned by the
 * library; valid until this thread's next creps_* call. Never fails. */
const char *creps_last_error(void);

/* ---------------------------------------------------------------------------------------------------------------
 * Models: a .safetensors CREPS model (as written by Creps' trainer or tools/export_official.py). Immutable.
 * The whole file is validated (header extents, shapes, finite weights) before a handle is returned.
 */
typedef struct creps_model creps_model;

typedef struct creps_model_info {
    int64_t resolution; /* the training resolution R: the model's plane [0,1]² at R×R is its training image */
    int64_t z_dim;      /* values in a z (creps_latent_from_z) */
    int64_t num_ws;     /* w vectors in a ws array (creps_latent_from_ws takes num_ws × w_dim floats) */
    int64_t w_dim;
    int32_t tileable;   /* 1 if the model repeats over [0,1]² (seamless textures) */
    int32_t reserved;
} creps_model_info;

/* Opens the model file at `path` (UTF-8). CREPS_ERROR_IO: missing/unreadable; CREPS_ERROR_MODEL_FORMAT: not a model. */
creps_status creps_model_open(const char *path, creps_model **out_model);
/* The same from `size` bytes of a file's contents in memory (copied: the buffer may be freed after the call). */
creps_status creps_model_open_memory(const void *data, size_t size, creps_model **out_model);
creps_status creps_model_info_get(const creps_model *model, creps_model_info *out_info);
creps_status creps_model_close(creps_model *model);

/* ---------------------------------------------------------------------------------------------------------------
 * Latents: which texture of the model. Immutable; usable with any generator of the same model.
 */
typedef struct creps_latent creps_latent;

/* z = NumPy RandomState(seed).randn(z_dim) (seed N here is seed N in the official tools), mapped to ws, truncated
 * towards the average w by psi (1 = none) for the first `cutoff` ws (cutoff < 0: all). */
creps_status creps_latent_from_seed(const creps_model *model, uint32_t seed, float psi, int32_t cutoff, creps_latent **out_latent);
/* The same from your own z: `count` must equal z_dim. */
creps_status creps_latent_from_z(const creps_model *model, const float *z, size_t count, float psi, int32_t cutoff, creps_latent **out_latent);
/* ws used as given (style mixing, projections): num_ws × w_dim floats, row-major; `count` must equal num_ws·w_dim. */
creps_status creps_latent_from_ws(const creps_model *model, const float *ws, size_t count, creps_latent **out_latent);
creps_status creps_latent_destroy(creps_latent *latent);

/* ---------------------------------------------------------------------------------------------------------------
 * Generators: a model on a backend.
 */
typedef struct creps_generator creps_generator;

typedef struct creps_generator_options {
    const char *backend;        /* "cpu", "vulkan" or "auto"/NULL (Vulkan on a GPU; cpu where the only Vulkan device is a
                                   CPU implementation such as lavapipe, which is slower than the cpu backend) */
    int32_t threads;            /* cpu backend threads; 0 = every core */
    int32_t validation;         /* vulkan (created device): 1 enables VK_LAYER_KHRONOS_validation (a test setting) */
    const char *device;         /* vulkan (created device): a device index ("0") or part of its name; NULL = the best */
    int64_t device_budget_bytes;/* vulkan: device memory the generator may hold; 0 = 256 MiB */
} creps_generator_options;

/* Creates a generator on a backend; `options` may be NULL (all defaults). CREPS_ERROR_UNAVAILABLE: not on this machine. */
creps_status creps_generator_create(const creps_model *model, const creps_generator_options *options, creps_generator **out_generator);

/* An engine's Vulkan device, adopted: Creps creates its own command pool, fences, pipelines and memory on it and
 * destroys only those; your instance, device and queue stay yours and must outlive the generator. Requirements: Vulkan
 * 1.2+, the device created with the feature shaderStorageImageWriteWithoutFormat, `queue` of `queue_family` supports
 * compute. Creps submits its blocking work (creps_render*, creps_render_vk_image, streaming on this generator) to
 * `queue`: Vulkan requires you not to use that queue on another thread during those calls (or pass a queue of your
 * own). This is exactly what Unity's IUnityGraphicsVulkan::Instance() returns. */
/* PFN_vkGetInstanceProcAddr with vulkan.h's types spelt out: pass (creps_get_instance_proc_addr_fn)vkGetInstanceProcAddr. */
typedef void (*creps_void_fn)(void);
typedef creps_void_fn (*creps_get_instance_proc_addr_fn)(void *instance, const char *name);

typedef struct creps_vulkan_handles {
    void *instance;                /* VkInstance */
    void *physical_device;         /* VkPhysicalDevice */
    void *device;                  /* VkDevice */
    uint32_t queue_family;         /* the queue family index of `queue` */
    uint32_t float16_enabled;      /* 1 if the device was created with Vulkan 1.2 shaderFloat16 (allows a float16 pixel pass) */
    void *queue;                   /* VkQueue; NULL = queue 0 of queue_family */
    creps_get_instance_proc_addr_fn get_instance_proc_addr; /* loads Vulkan through it; NULL = the system loader (libvulkan.so.1) */
} creps_vulkan_handles;

/* `options` may be NULL; its backend, device and validation fields are ignored (validation is yours to enable). */
creps_status creps_generator_adopt_vulkan(const creps_model *model, const creps_vulkan_handles *handles,
                                          const creps_generator_options *options, creps_generator **out_generator);
/* The backend's name and device, e.g. "cpu: CPU (8 threads, AVX-512)" — NUL-terminated, cut to `capacity`. */
creps_status creps_generator_describe(const creps_generator *generator, char *buffer, size_t capacity);
/* Waits for the generator's own work in flight, then releases it. Not while another thread renders with it. */
creps_status creps_generator_destroy(creps_generator *generator);

/* ---------------------------------------------------------------------------------------------------------------
 * Rendering a region into host memory.
 */
typedef enum creps_format {
    CREPS_FORMAT_RGBA8 = 1,      /* 4 bytes/pixel: the official 8-bit rule clamp(v·127.5+128, 0, 255) truncated, alpha 255
                                    (what `creps render --out x.png` writes, plus alpha) */
    CREPS_FORMAT_RGBA16F = 2,    /* 8 bytes/pixel: the raw output as half floats (round to nearest even), alpha 1 — what a
                                    Vulkan R16G16B16A16_SFLOAT target and streamed RGBA16F pages hold (not ktx2-f16's (v+1)/2) */
    CREPS_FORMAT_RGBA32F = 3,    /* 16 bytes/pixel: the raw output as floats, alpha 1 (as an R32G32B32A32_SFLOAT target) */
    CREPS_FORMAT_PLANAR_F32 = 4  /* the raw output: 3 planes (R, G, B) of height rows of width floats, each plane
                                    height·row_stride bytes; with row_stride = 4·width exactly `creps render --out x.f32` */
} creps_format;

typedef struct creps_region {
    double x0, y0, x1, y1;  /* the rectangle of the model's plane (x across, y down); [0,0,1,1] = the training tile */
    int64_t width, height;  /* pixels, each 1 .. 1048576, width·height ≤ 2^28 */
    int32_t octaves;        /* 0 = the plain model; N > 0 adds N detail octaves (README "Infinite zoom: octaves") */
    int32_t reserved;       /* 0 */
} creps_region;

/* Renders `region` into `dst`: row y of the image starts at dst + y·row_stride (row_stride ≥ width · bytes per pixel;
 * 0 = tightly packed), and `dst_size` must cover the last byte written. Blocks. */
creps_status creps_render(creps_generator *generator, const creps_latent *latent, const creps_region *region,
                          creps_format format, void *dst, size_t dst_size, size_t row_stride);

/* ---------------------------------------------------------------------------------------------------------------
 * Rendering into your VkImage (a generator from creps_generator_adopt_vulkan, or a created vulkan one).
 * The image: 2D, on the generator's device, VK_FORMAT_R8G8B8A8_UNORM (37), R16G16B16A16_SFLOAT (97) or
 * R32G32B32A32_SFLOAT (109), usage including VK_IMAGE_USAGE_STORAGE_BIT, mip level 0 / layer 0 is written, owned by
 * the generator's queue family (or CONCURRENT). RGBA8 holds the official 8-bit values (alpha 255); the float formats
 * hold the raw output (roughly [-1, 1], alpha 1).
 */
typedef struct creps_vk_image {
    void *image;              /* VkImage */
    int32_t format;           /* VkFormat */
    int32_t old_layout;       /* VkImageLayout when our commands start (0 = UNDEFINED: contents discarded) */
    int32_t new_layout;       /* VkImageLayout it is left in (e.g. 5 = SHADER_READ_ONLY_OPTIMAL, 1 = GENERAL) */
    int32_t reserved;
    int64_t width, height;    /* the image's size */
    int64_t x, y;             /* where the region's top-left pixel lands; the region must fit */
    uint32_t wait_stages;     /* VkPipelineStageFlags of your earlier work on the image our first barrier waits for; 0 = ALL_COMMANDS */
    uint32_t wait_access;     /* VkAccessFlags of those earlier writes; 0 = MEMORY_WRITE */
    uint32_t then_stages;     /* stages of your later work that wait for our writes; 0 = ALL_COMMANDS */
    uint32_t then_access;     /* how that later work accesses the image; 0 = MEMORY_READ | MEMORY_WRITE */
} creps_vk_image;

/* Renders `region` into the image on the generator's queue and waits until the GPU finished. */
creps_status creps_render_vk_image(creps_generator *generator, const creps_latent *latent, const creps_region *region,
                                   const creps_vk_image *target);

typedef struct creps_recording creps_recording;
/* Records the whole render into `command_buffer` (a VkCommandBuffer in the recording state, of the generator's queue
 * family); you submit it to the generator's queue. Barriers recorded: one memory barrier against Creps' own earlier
 * work, one on your image old_layout → GENERAL (after wait_stages/wait_access), one GENERAL → new_layout (before
 * then_stages/then_access); between them only compute dispatches. Pipelines and push constants bound in the command
 * buffer are left changed. Release `*out_recording` only after the GPU finished executing the command buffer (its
 * fence signalled): it holds the buffers and descriptor sets the commands use. */
creps_status creps_record_vk_image(creps_generator *generator, const creps_latent *latent, const creps_region *region,
                                   const creps_vk_image *target, void *command_buffer, creps_recording **out_recording);
creps_status creps_recording_release(creps_recording *recording);

/* ---------------------------------------------------------------------------------------------------------------
 * Baking a texture file, tile by tile (any size up to 131072 a side, host memory far below the image).
 */
typedef enum creps_bake_format {
    CREPS_BAKE_PNG8 = 1,     /* .png, 8-bit RGB */
    CREPS_BAKE_PNG16 = 2,    /* .png, 16-bit RGB */
    CREPS_BAKE_KTX2 = 3,     /* .ktx2, VK_FORMAT_R8G8B8A8_UNORM */
    CREPS_BAKE_KTX2_F16 = 4  /* .ktx2, VK_FORMAT_R16G16B16A16_SFLOAT holding (v+1)/2 */
} creps_bake_format;

typedef struct creps_bake_options {
    int64_t width, height;    /* the texture's size, each 1 .. 131072 */
    double x0, y0, x1, y1;    /* the region of the plane it covers (0,0,1,1: the training tile) */
    creps_bake_format format; /* the file's extension must match (.png / .ktx2) */
    int32_t mips;             /* 1: every level down to 1×1, each rendered at its own size (PNG: OUT.mipL.png) */
    int32_t supersample;      /* K×K samples per pixel, box filtered; 0 = 1 */
    int32_t tile;             /* tile side rendered at a time, 1..256; 0 = 64 (the bytes do not depend on it) */
    int32_t overwrite;        /* 1: replace an existing file; 0: CREPS_ERROR_IO if it exists */
    int32_t octaves;          /* detail octaves as creps_region.octaves */
} creps_bake_options;

/* Called on the calling thread after each tile: `done` of `total` pixels. Return 0 to go on, anything else to cancel. */
typedef int (*creps_progress_fn)(int64_t done, int64_t total, void *user);

/* Bakes into `out_path` (UTF-8): written to a temp file and renamed when complete, so an error or a cancel
 * (CREPS_ERROR_CANCELLED) leaves no file. `progress` may be NULL. Blocks. */
creps_status creps_bake(creps_generator *generator, const creps_latent *latent, const creps_bake_options *options,
                        const char *out_path, creps_progress_fn progress, void *user);

/* ---------------------------------------------------------------------------------------------------------------
 * Streaming: pages of one texture (a model + latent), rendered on request, highest priority first, within budgets.
 * Level L cuts the plane into 2^L × 2^L pages per unit square; page (L, x, y) covers [x, x+1)/2^L × [y, y+1)/2^L
 * (x, y any 64-bit integers, negative too) with page_size² texels plus a border of `border` texels on each side:
 * its texels are `creps render --size T×T --region` of the bordered rectangle, T = page_size + 2·border.
 * Rows of pages share their row lines and columns their column lines (cached within the host budget).
 */
typedef struct creps_streamer creps_streamer;

typedef struct creps_stream_options {
    int32_t page_size;          /* texels per page side without border, 1..4096 (default 128) */
    int32_t border;             /* border texels on each side, ≥ 0 (default 4) */
    int32_t workers;            /* render threads, 1..256 (default 1: the cpu backend already uses every core per page) */
    int32_t max_in_flight;      /* pages rendered at once; 0 = workers */
    int64_t host_budget_bytes;  /* resident pages + cached lines + pages in flight never exceed it (default 256 MiB) */
    int64_t device_budget_bytes;/* device memory: a Vulkan generator's line sets and the atlas (default 256 MiB) */
    int32_t atlas_slots;        /* 0: host pages. N > 0: pages live in a device page atlas of N layers on the generator's
                                   Vulkan device (a vulkan or adopted generator; CREPS_ERROR_WRONG_BACKEND otherwise):
                                   Vulkan pages are rendered straight into their layer, no host round trip */
    creps_format atlas_format;  /* the atlas image: RGBA8, RGBA16F (0 = this default) or RGBA32F */
} creps_stream_options;

/* Fills `options` with the defaults above. */
creps_status creps_stream_options_init(creps_stream_options *options);
/* A streamer of `latent`'s texture on `generator` (which it keeps alive; the generator may be used for other work). */
creps_status creps_stream_create(creps_generator *generator, const creps_latent *latent, const creps_stream_options *options,
                                 creps_streamer **out_streamer);
/* Texels per page side, border included (page_size + 2·border). */
creps_status creps_stream_page_texels(const creps_streamer *streamer, int64_t *out_texels);
/* Asks for page (level, x, y). A resident page completes at once; a page already queued is shared. `*out_request` names
 * this request for creps_stream_reprioritize/cancel (ids are never reused). CREPS_ERROR_INVALID_ARGUMENT: a level
 * outside 0..62 or a page past the exactly addressable plane (2^44 texels a side at its level). */
creps_status creps_stream_request(creps_streamer *streamer, int32_t level, int64_t x, int64_t y, int32_t priority,
                                  uint64_t *out_request);
/* While held, no new render starts (those running finish): a frame's requests, re-prioritisations and cancellations
 * then take effect together, in priority order. Counted: every creps_stream_hold needs one creps_stream_release. */
creps_status creps_stream_hold(creps_streamer *streamer);
creps_status creps_stream_release(creps_streamer *streamer);
/* Higher priority renders first; call it every frame from what is visible. A request that already completed is left alone. */
creps_status creps_stream_reprioritize(creps_streamer *streamer, uint64_t request, int32_t priority);
/* Drops the request; its page is not rendered if no other request wants it and it has not started. */
creps_status creps_stream_cancel(creps_streamer *streamer, uint64_t request);

typedef struct creps_page_event {
    int32_t level;
    int32_t status;            /* CREPS_OK: the page is resident; otherwise the render failed (message not kept) */
    int64_t x, y;
    int64_t atlas_layer;       /* the atlas layer holding the page; -1: a host page (read it with creps_stream_read_page) */
    uint32_t texture_id;       /* the page table's id of this texture (creps_page_slot(texture_id, level, x, y) in
                                  src/Creps.Shaders/page_table.glsl finds atlas_layer on the GPU); 0 for host pages */
    uint32_t reserved;
} creps_page_event;

/* Pages that completed since the last poll, oldest first (one event per render however many requests shared it, one
 * per request that found its page resident), up to `capacity` of them; the rest
 * stay for the next poll. Call it once per frame on your main thread. */
creps_status creps_stream_poll(creps_streamer *streamer, creps_page_event *events, size_t capacity, size_t *out_count);
/* Copies a resident host page (texels × texels, border included) into `dst` in `format`, rows as in creps_render.
 * CREPS_ERROR_NOT_RESIDENT if it is not resident (never requested, evicted by the budget or by creps_stream_evict);
 * CREPS_ERROR_INVALID_ARGUMENT for a page in the atlas (sample or copy it on the GPU). */
creps_status creps_stream_read_page(creps_streamer *streamer, int32_t level, int64_t x, int64_t y, creps_format format,
                                    void *dst, size_t dst_size, size_t row_stride);
/* Drops a resident page now; `*out_evicted` (may be NULL) is 1 if it was resident. */
creps_status creps_stream_evict(creps_streamer *streamer, int32_t level, int64_t x, int64_t y, int32_t *out_evicted);

/* The device page atlas of a streamer made with atlas_slots > 0. Synchronisation contract: every write Creps makes to
 * the atlas (a layer's texels, page-table entries) is a submission to the generator's VkQueue, and each begins and ends
 * with a full barrier (ALL_COMMANDS, memory write → read|write). Submit your command buffers that sample the atlas to
 * that same queue, between creps_stream_queue_lock and creps_stream_queue_unlock (vkQueueSubmit needs external
 * synchronisation): then you need no barrier, semaphore or fence of your own for the atlas, and a layer is overwritten
 * only after every command buffer submitted before the overwrite finished with it. The image stays in `layout`
 * (GENERAL). A layer found on the host (creps_page_event.atlas_layer) holds that page until it is evicted. */
typedef struct creps_stream_atlas {
    void *image;                /* VkImage: a 2-D array, one layer per slot, side × side texels (border included) */
    void *view;                 /* VkImageView: VK_IMAGE_VIEW_TYPE_2D_ARRAY over every layer */
    void *page_table;           /* VkBuffer: the page table, laid out as src/Creps.Shaders/page_table.glsl documents */
    int64_t page_table_bytes;
    int64_t page_table_capacity;/* entries (a power of two) */
    int64_t slots, side;
    int32_t format;             /* VkFormat of the image */
    int32_t layout;             /* VkImageLayout the image is always in (1 = GENERAL) */
    uint32_t texture_id;        /* this streamer's texture in the table */
    uint32_t reserved;
} creps_stream_atlas;

/* CREPS_ERROR_INVALID_ARGUMENT for a streamer without an atlas. */
creps_status creps_stream_atlas_get(creps_streamer *streamer, creps_stream_atlas *out_atlas);
/* Hold around each of your vkQueueSubmit calls to the generator's queue (any thread; unlock on the same thread). */
creps_status creps_stream_queue_lock(creps_streamer *streamer);
creps_status creps_stream_queue_unlock(creps_streamer *streamer);

typedef struct creps_stream_stats {
    int64_t requests, cache_hits, shared_requests, requests_cancelled, renders_dropped;
    int64_t pages_rendered, pages_failed, line_sets_computed, line_sets_reused, page_evictions, line_set_evictions;
    int64_t queue_depth, in_flight, resident_pages;
    int64_t host_bytes, peak_host_bytes, host_budget_bytes, device_bytes, peak_device_bytes, device_budget_bytes;
    double latency_ms_p50, latency_ms_p99; /* request → ready */
} creps_stream_stats;

creps_status creps_stream_stats_get(creps_streamer *streamer, creps_stream_stats *out_stats);
/* Cancels what is queued, waits for the pages being rendered, and releases every page. */
creps_status creps_stream_destroy(creps_streamer *streamer);

#ifdef __cplusplus
}
#endif

#endif /* CREPS_H */
