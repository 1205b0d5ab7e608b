/* An engine's own Vulkan device, adopted: argv[1] the model. The client creates its instance (VK_LAYER_KHRONOS_validation
 * with synchronisation validation, its own debug messenger counting every warning and error), picks a device (lavapipe
 * here), creates the device and queue the way an engine does, adopts them, and has Creps render
 *   1. blocking into its RGBA32F image (creps_render_vk_image), then copies it to a buffer itself;
 *   2. recorded into its own command buffer (creps_record_vk_image) at an offset of a second image, followed by its own
 *      copy in the same command buffer, submitted with its own fence;
 *   3. streamed pages into a device page atlas on its device, one layer copied back by the client;
 * and compares both readbacks with the cpu backend's planar floats of the same regions (within 2e-3, the Vulkan
 * tolerance of the streaming issue). Validation messages at the end, instance destruction included: must be zero. */
#define _POSIX_C_SOURCE 200809L /* nanosleep */
#include <math.h>
#include <string.h>
#include <time.h>
#include <vulkan/vulkan.h>

#include "check.h"

#define VK(call)                                                                                    \
    do {                                                                                            \
        VkResult vk_r_ = (call);                                                                    \
        if (vk_r_ != VK_SUCCESS) {                                                                  \
            fprintf(stderr, "%s:%d: %s -> VkResult %d\n", __FILE__, __LINE__, #call, (int)vk_r_);   \
            exit(1);                                                                                \
        }                                                                                           \
    } while (0)

static int messages;
static VKAPI_ATTR VkBool32 VKAPI_CALL on_message(VkDebugUtilsMessageSeverityFlagBitsEXT severity, VkDebugUtilsMessageTypeFlagsEXT type,
                                                 const VkDebugUtilsMessengerCallbackDataEXT *data, void *user) {
    (void)severity; (void)type; (void)user;
    messages++;
    fprintf(stderr, "validation: %s\n", data->pMessage);
    return VK_FALSE;
}

static VkPhysicalDevice physical;
static VkDevice device;

static uint32_t memory_type(uint32_t bits, VkMemoryPropertyFlags want) {
    VkPhysicalDeviceMemoryProperties mp;
    vkGetPhysicalDeviceMemoryProperties(physical, &mp);
    for (uint32_t i = 0; i < mp.memoryTypeCount; i++)
        if ((bits & (1u << i)) && (mp.memoryTypes[i].propertyFlags & want) == want) return i;
    fprintf(stderr, "no memory type\n");
    exit(1);
}

static VkDeviceMemory allocate(VkMemoryRequirements req, VkMemoryPropertyFlags want) {
    VkMemoryAllocateInfo alloc = {VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
    alloc.allocationSize = req.size;
    alloc.memoryTypeIndex = memory_type(req.memoryTypeBits, want);
    VkDeviceMemory memory;
    VK(vkAllocateMemory(device, &alloc, NULL, &memory));
    return memory;
}

typedef struct { VkImage image; VkDeviceMemory memory; } image_t;
typedef struct { VkBuffer buffer; VkDeviceMemory memory; float *data; } buffer_t;

static image_t make_image(uint32_t w, uint32_t h) {
    image_t r;
    VkImageCreateInfo info = {VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO};
    info.imageType = VK_IMAGE_TYPE_2D;
    info.format = VK_FORMAT_R32G32B32A32_SFLOAT;
    info.extent.width = w;
    info.extent.height = h;
    info.extent.depth = 1;
    info.mipLevels = 1;
    info.arrayLayers = 1;
    info.samples = VK_SAMPLE_COUNT_1_BIT;
    info.tiling = VK_IMAGE_TILING_OPTIMAL;
    info.usage = VK_IMAGE_USAGE_STORAGE_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT | VK_IMAGE_USAGE_SAMPLED_BIT;
    info.initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;
    VK(vkCreateImage(device, &info, NULL, &r.image));
    VkMemoryRequirements req;
    vkGetImageMemoryRequirements(device, r.image, &req);
    r.memory = allocate(req, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
    VK(vkBindImageMemory(device, r.image, r.memory, 0));
    return r;
}

static buffer_t make_buffer(VkDeviceSize size) {
    buffer_t r;
    VkBufferCreateInfo info = {VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
    info.size = size;
    info.usage = VK_BUFFER_USAGE_TRANSFER_DST_BIT;
    VK(vkCreateBuffer(device, &info, NULL, &r.buffer));
    VkMemoryRequirements req;
    vkGetBufferMemoryRequirements(device, r.buffer, &req);
    r.memory = allocate(req, VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT);
    VK(vkBindBufferMemory(device, r.buffer, r.memory, 0));
    VK(vkMapMemory(device, r.memory, 0, VK_WHOLE_SIZE, 0, (void **)&r.data));
    return r;
}

/* Our image (in TRANSFER_SRC_OPTIMAL after Creps' writes) → our buffer, then visible to the host. */
static void record_copy(VkCommandBuffer cmd, image_t *img, buffer_t *buf, uint32_t w, uint32_t h) {
    VkBufferImageCopy region = {0};
    region.imageSubresource.aspectMask = VK_IMAGE_ASPECT_COLOR_BIT;
    region.imageSubresource.layerCount = 1;
    region.imageExtent.width = w;
    region.imageExtent.height = h;
    region.imageExtent.depth = 1;
    vkCmdCopyImageToBuffer(cmd, img->image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, buf->buffer, 1, &region);
    VkBufferMemoryBarrier b = {VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER};
    b.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    b.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
    b.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    b.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    b.buffer = buf->buffer;
    b.size = VK_WHOLE_SIZE;
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 0, NULL, 1, &b, 0, NULL);
}

/* Largest |image − cpu| over RGB of a w×h block at (x, y) of an iw-wide RGBA32F readback; alpha must be 1. */
static double compare(const float *rgba, int iw, int x, int y, const float *planar, int w, int h) {
    double worst = 0;
    for (int i = 0; i < h; i++)
        for (int j = 0; j < w; j++) {
            const float *p = rgba + ((size_t)(y + i) * iw + x + j) * 4;
            for (int c = 0; c < 3; c++) {
                double d = fabs((double)p[c] - planar[((size_t)c * h + i) * w + j]);
                if (!(d <= worst)) worst = d;   /* NaN propagates */
            }
            REQUIRE(p[3] == 1.0f);
        }
    return worst;
}

int main(int argc, char **argv) {
    REQUIRE(argc == 2);
    /* The engine's instance, with validation and its own messenger (also chained into instance creation). */
    VkDebugUtilsMessengerCreateInfoEXT dbg = {VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT};
    dbg.messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
    dbg.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                      VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT;
    dbg.pfnUserCallback = on_message;
    VkValidationFeatureEnableEXT sync = VK_VALIDATION_FEATURE_ENABLE_SYNCHRONIZATION_VALIDATION_EXT;
    VkValidationFeaturesEXT features = {VK_STRUCTURE_TYPE_VALIDATION_FEATURES_EXT};
    features.enabledValidationFeatureCount = 1;
    features.pEnabledValidationFeatures = &sync;
    dbg.pNext = &features;
    const char *layer = "VK_LAYER_KHRONOS_validation", *ext = VK_EXT_DEBUG_UTILS_EXTENSION_NAME;
    VkApplicationInfo app = {VK_STRUCTURE_TYPE_APPLICATION_INFO};
    app.pApplicationName = "creps-c-client";
    app.apiVersion = VK_API_VERSION_1_2;
    VkInstanceCreateInfo ici = {VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
    ici.pNext = &dbg;
    ici.pApplicationInfo = &app;
    ici.enabledLayerCount = 1;
    ici.ppEnabledLayerNames = &layer;
    ici.enabledExtensionCount = 1;
    ici.ppEnabledExtensionNames = &ext;
    VkInstance instance;
    VK(vkCreateInstance(&ici, NULL, &instance));
    PFN_vkCreateDebugUtilsMessengerEXT create_messenger =
        (PFN_vkCreateDebugUtilsMessengerEXT)vkGetInstanceProcAddr(instance, "vkCreateDebugUtilsMessengerEXT");
    PFN_vkDestroyDebugUtilsMessengerEXT destroy_messenger =
        (PFN_vkDestroyDebugUtilsMessengerEXT)vkGetInstanceProcAddr(instance, "vkDestroyDebugUtilsMessengerEXT");
    dbg.pNext = NULL;
    VkDebugUtilsMessengerEXT messenger;
    VK(create_messenger(instance, &dbg, NULL, &messenger));

    /* A device with a compute queue; lavapipe where it is the only one. */
    uint32_t count = 8;
    VkPhysicalDevice devices[8];
    VK(vkEnumeratePhysicalDevices(instance, &count, devices));
    REQUIRE(count > 0);
    physical = devices[0];
    VkPhysicalDeviceProperties props;
    vkGetPhysicalDeviceProperties(physical, &props);
    uint32_t families = 16, family = UINT32_MAX;
    VkQueueFamilyProperties qf[16];
    vkGetPhysicalDeviceQueueFamilyProperties(physical, &families, qf);
    for (uint32_t i = 0; i < families && family == UINT32_MAX; i++)
        if (qf[i].queueFlags & VK_QUEUE_COMPUTE_BIT) family = i;
    REQUIRE(family != UINT32_MAX);
    float priority = 1.0f;
    VkDeviceQueueCreateInfo qci = {VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
    qci.queueFamilyIndex = family;
    qci.queueCount = 1;
    qci.pQueuePriorities = &priority;
    VkPhysicalDeviceFeatures enabled = {0};
    enabled.shaderStorageImageWriteWithoutFormat = VK_TRUE;   /* what creps.h asks of an adopted device */
    VkDeviceCreateInfo dci = {VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
    dci.queueCreateInfoCount = 1;
    dci.pQueueCreateInfos = &qci;
    dci.pEnabledFeatures = &enabled;
    VK(vkCreateDevice(physical, &dci, NULL, &device));
    VkQueue queue;
    vkGetDeviceQueue(device, family, 0, &queue);
    printf("client device: %s\n", props.deviceName);

    /* Creps on it. */
    creps_model *model = NULL;
    creps_latent *latent = NULL;
    creps_generator *gen = NULL, *cpu = NULL;
    CHECK(creps_model_open(argv[1], &model));
    CHECK(creps_latent_from_seed(model, 11, 0.8f, -1, &latent));
    creps_vulkan_handles h = {0};
    h.instance = instance;
    h.physical_device = physical;
    h.device = device;
    h.queue_family = family;
    h.queue = queue;
    h.get_instance_proc_addr = (creps_get_instance_proc_addr_fn)vkGetInstanceProcAddr;
    CHECK(creps_generator_adopt_vulkan(model, &h, NULL, &gen));
    char desc[256];
    CHECK(creps_generator_describe(gen, desc, sizeof desc));
    REQUIRE(strncmp(desc, "vulkan: ", 8) == 0 && strstr(desc, "engine's device") != NULL);
    printf("creps generator: %s\n", desc);
    creps_generator_options opt = {0};
    opt.backend = "cpu";
    CHECK(creps_generator_create(model, &opt, &cpu));

    enum { W1 = 40, H1 = 24, IW2 = 64, IH2 = 48, W2 = 32, H2 = 20, X2 = 17, Y2 = 9 };
    creps_region r1 = {0.1, 0.2, 0.6, 0.5, W1, H1, 0, 0}, r2 = {-0.4, 0.3, 0.4, 0.8, W2, H2, 0, 0};
    float *want1 = malloc(sizeof(float) * 3 * W1 * H1), *want2 = malloc(sizeof(float) * 3 * W2 * H2);
    CHECK(creps_render(cpu, latent, &r1, CREPS_FORMAT_PLANAR_F32, want1, sizeof(float) * 3 * W1 * H1, 0));
    CHECK(creps_render(cpu, latent, &r2, CREPS_FORMAT_PLANAR_F32, want2, sizeof(float) * 3 * W2 * H2, 0));

    image_t img1 = make_image(W1, H1), img2 = make_image(IW2, IH2);
    buffer_t buf1 = make_buffer(sizeof(float) * 4 * W1 * H1), buf2 = make_buffer(sizeof(float) * 4 * IW2 * IH2);
    VkCommandPool pool;
    VkCommandPoolCreateInfo pci = {VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
    pci.queueFamilyIndex = family;
    pci.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
    VK(vkCreateCommandPool(device, &pci, NULL, &pool));
    VkCommandBuffer cmds[2];
    VkCommandBufferAllocateInfo cai = {VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
    cai.commandPool = pool;
    cai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    cai.commandBufferCount = 2;
    VK(vkAllocateCommandBuffers(device, &cai, cmds));
    VkFence fence;
    VkFenceCreateInfo fci = {VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    VK(vkCreateFence(device, &fci, NULL, &fence));
    VkCommandBufferBeginInfo begin = {VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
    VkSubmitInfo submit = {VK_STRUCTURE_TYPE_SUBMIT_INFO};
    submit.commandBufferCount = 1;

    /* 1. Blocking: Creps submits to our queue and waits; the image is left ready for our transfer. */
    creps_vk_image t1 = {0};
    t1.image = img1.image;
    t1.format = VK_FORMAT_R32G32B32A32_SFLOAT;
    t1.old_layout = VK_IMAGE_LAYOUT_UNDEFINED;
    t1.new_layout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
    t1.width = W1;
    t1.height = H1;
    t1.then_stages = VK_PIPELINE_STAGE_TRANSFER_BIT;
    t1.then_access = VK_ACCESS_TRANSFER_READ_BIT;
    CHECK(creps_render_vk_image(gen, latent, &r1, &t1));
    VK(vkBeginCommandBuffer(cmds[0], &begin));
    record_copy(cmds[0], &img1, &buf1, W1, H1);
    VK(vkEndCommandBuffer(cmds[0]));
    submit.pCommandBuffers = &cmds[0];
    VK(vkQueueSubmit(queue, 1, &submit, fence));
    VK(vkWaitForFences(device, 1, &fence, VK_TRUE, UINT64_MAX));
    VK(vkResetFences(device, 1, &fence));
    double d1 = compare(buf1.data, W1, 0, 0, want1, W1, H1);
    printf("blocking render into the client's image: max |vulkan - cpu| = %.3g\n", d1);
    REQUIRE(d1 <= 2e-3);

    /* 2. Recorded into our command buffer at (X2, Y2) of a bigger image, our copy after it, our submit and fence. */
    creps_vk_image t2 = t1;
    t2.image = img2.image;
    t2.width = IW2;
    t2.height = IH2;
    t2.x = X2;
    t2.y = Y2;
    creps_recording *rec = NULL;
    VK(vkBeginCommandBuffer(cmds[1], &begin));
    CHECK(creps_record_vk_image(gen, latent, &r2, &t2, cmds[1], &rec));
    record_copy(cmds[1], &img2, &buf2, IW2, IH2);
    VK(vkEndCommandBuffer(cmds[1]));
    submit.pCommandBuffers = &cmds[1];
    VK(vkQueueSubmit(queue, 1, &submit, fence));
    VK(vkWaitForFences(device, 1, &fence, VK_TRUE, UINT64_MAX));
    CHECK(creps_recording_release(rec));
    double d2 = compare(buf2.data, IW2, X2, Y2, want2, W2, H2);
    printf("recorded render into the client's command buffer at (%d,%d): max |vulkan - cpu| = %.3g\n", X2, Y2, d2);
    REQUIRE(d2 <= 2e-3);

    /* 3. Streaming into a device page atlas on our device: pages land in layers the poll names; our own copy of a layer
     *    (submitted to the same queue under the streamer's queue lock, no barrier of ours) equals the cpu render of the
     *    page's bordered region. */
    creps_stream_options so;
    CHECK(creps_stream_options_init(&so));
    so.page_size = 24;
    so.border = 2;
    so.atlas_slots = 4;
    so.atlas_format = CREPS_FORMAT_RGBA32F;
    creps_streamer *stream = NULL;
    CHECK(creps_stream_create(gen, latent, &so, &stream));
    creps_stream_atlas atlas;
    CHECK(creps_stream_atlas_get(stream, &atlas));
    REQUIRE(atlas.image != NULL && atlas.view != NULL && atlas.page_table != NULL && atlas.slots == 4 && atlas.side == 28);
    REQUIRE(atlas.format == VK_FORMAT_R32G32B32A32_SFLOAT && atlas.layout == VK_IMAGE_LAYOUT_GENERAL && atlas.page_table_bytes > 0);
    uint64_t req;
    CHECK(creps_stream_request(stream, 2, 1, -1, 5, &req));
    CHECK(creps_stream_request(stream, 2, 2, -1, 4, &req));
    creps_page_event ev[4];
    int64_t layer_of_first = -1, layer_of_second = -1;
    size_t landed = 0, n;
    for (int waited = 0; landed < 2 && waited < 600000; waited += 20) {
        CHECK(creps_stream_poll(stream, ev, 4, &n));
        for (size_t i = 0; i < n; i++) {
            REQUIRE(ev[i].status == CREPS_OK && ev[i].texture_id == atlas.texture_id && ev[i].atlas_layer >= 0 && ev[i].atlas_layer < 4);
            if (ev[i].x == 1) layer_of_first = ev[i].atlas_layer; else layer_of_second = ev[i].atlas_layer;
        }
        landed += n;
        if (n == 0) {
            struct timespec t = {0, 20000000L};
            nanosleep(&t, NULL);
        }
    }
    REQUIRE(landed == 2 && layer_of_first >= 0 && layer_of_second >= 0 && layer_of_first != layer_of_second);
    float page_buf[3 * 28 * 28];
    EXPECT_FAIL(creps_stream_read_page(stream, 2, 1, -1, CREPS_FORMAT_PLANAR_F32, page_buf, sizeof page_buf, 0), CREPS_ERROR_INVALID_ARGUMENT);
    buffer_t layer_buf = make_buffer(sizeof(float) * 4 * 28 * 28);
    VK(vkResetFences(device, 1, &fence));
    VK(vkResetCommandBuffer(cmds[0], 0));
    VK(vkBeginCommandBuffer(cmds[0], &begin));
    VkBufferImageCopy lc = {0};
    lc.imageSubresource.aspectMask = VK_IMAGE_ASPECT_COLOR_BIT;
    lc.imageSubresource.baseArrayLayer = (uint32_t)layer_of_first;
    lc.imageSubresource.layerCount = 1;
    lc.imageExtent.width = lc.imageExtent.height = 28;
    lc.imageExtent.depth = 1;
    /* The atlas is GENERAL between Creps' submissions: we copy in TRANSFER_SRC and put it back before our command ends. */
    VkImageMemoryBarrier to_src = {VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
    to_src.srcAccessMask = 0;
    to_src.dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
    to_src.oldLayout = VK_IMAGE_LAYOUT_GENERAL;
    to_src.newLayout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
    to_src.srcQueueFamilyIndex = to_src.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    to_src.image = (VkImage)atlas.image;
    to_src.subresourceRange.aspectMask = VK_IMAGE_ASPECT_COLOR_BIT;
    to_src.subresourceRange.levelCount = 1;
    to_src.subresourceRange.baseArrayLayer = (uint32_t)layer_of_first;
    to_src.subresourceRange.layerCount = 1;
    vkCmdPipelineBarrier(cmds[0], VK_PIPELINE_STAGE_ALL_COMMANDS_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 0, NULL, 0, NULL, 1, &to_src);
    vkCmdCopyImageToBuffer(cmds[0], (VkImage)atlas.image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, layer_buf.buffer, 1, &lc);
    VkImageMemoryBarrier back = to_src;
    back.srcAccessMask = 0;
    back.dstAccessMask = 0;
    back.oldLayout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
    back.newLayout = VK_IMAGE_LAYOUT_GENERAL;
    vkCmdPipelineBarrier(cmds[0], VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT, 0, 0, NULL, 0, NULL, 1, &back);
    VkBufferMemoryBarrier hb = {VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER};
    hb.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    hb.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
    hb.srcQueueFamilyIndex = hb.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    hb.buffer = layer_buf.buffer;
    hb.size = VK_WHOLE_SIZE;
    vkCmdPipelineBarrier(cmds[0], VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 0, NULL, 1, &hb, 0, NULL);
    VK(vkEndCommandBuffer(cmds[0]));
    submit.pCommandBuffers = &cmds[0];
    CHECK(creps_stream_queue_lock(stream));
    VK(vkQueueSubmit(queue, 1, &submit, fence));
    CHECK(creps_stream_queue_unlock(stream));
    VK(vkWaitForFences(device, 1, &fence, VK_TRUE, UINT64_MAX));
    /* Page (2; 1, -1) with its border: [(24-2)/96, (48+2)/96) x [(-24-2)/96, (0+2)/96). */
    creps_region bordered = {22 / 96.0, -26 / 96.0, 50 / 96.0, 2 / 96.0, 28, 28, 0, 0};
    CHECK(creps_render(cpu, latent, &bordered, CREPS_FORMAT_PLANAR_F32, page_buf, sizeof page_buf, 0));
    double d3 = compare(layer_buf.data, 28, 0, 0, page_buf, 28, 28);
    printf("page in atlas layer %lld (texture id %u): max |vulkan - cpu| = %.3g\n", (long long)layer_of_first, atlas.texture_id, d3);
    REQUIRE(d3 <= 2e-3);
    creps_stream_stats st;
    CHECK(creps_stream_stats_get(stream, &st));
    REQUIRE(st.pages_rendered == 2 && st.peak_device_bytes <= st.device_budget_bytes);
    CHECK(creps_stream_destroy(stream));
    vkDestroyBuffer(device, layer_buf.buffer, NULL);
    vkFreeMemory(device, layer_buf.memory, NULL);

    /* Errors on the Vulkan path: a region that does not fit, octaves, a format Creps does not write. */
    t2.x = IW2 - W2 + 1;
    EXPECT_FAIL(creps_render_vk_image(gen, latent, &r2, &t2), CREPS_ERROR_INVALID_ARGUMENT);
    t2.x = 0;
    t2.format = VK_FORMAT_B8G8R8A8_UNORM;
    EXPECT_FAIL(creps_render_vk_image(gen, latent, &r2, &t2), CREPS_ERROR_INVALID_ARGUMENT);
    t2.format = VK_FORMAT_R32G32B32A32_SFLOAT;
    r2.octaves = 4;
    EXPECT_FAIL(creps_render_vk_image(gen, latent, &r2, &t2), CREPS_ERROR_INVALID_ARGUMENT);
    h.device = NULL;
    creps_generator *none = NULL;
    EXPECT_FAIL(creps_generator_adopt_vulkan(model, &h, NULL, &none), CREPS_ERROR_INVALID_ARGUMENT);
    REQUIRE(none == NULL);

    /* Creps releases what it created; then the client tears down its own device and instance. */
    CHECK(creps_generator_destroy(gen));
    CHECK(creps_generator_destroy(cpu));
    CHECK(creps_latent_destroy(latent));
    CHECK(creps_model_close(model));
    vkDestroyFence(device, fence, NULL);
    vkDestroyCommandPool(device, pool, NULL);
    vkDestroyBuffer(device, buf1.buffer, NULL);
    vkDestroyBuffer(device, buf2.buffer, NULL);
    vkFreeMemory(device, buf1.memory, NULL);
    vkFreeMemory(device, buf2.memory, NULL);
    vkDestroyImage(device, img1.image, NULL);
    vkDestroyImage(device, img2.image, NULL);
    vkFreeMemory(device, img1.memory, NULL);
    vkFreeMemory(device, img2.memory, NULL);
    vkDestroyDevice(device, NULL);
    destroy_messenger(instance, messenger, NULL);
    vkDestroyInstance(instance, NULL);
    free(want1);
    free(want2);
    printf("test_vulkan: validation messages: %d\n", messages);
    REQUIRE(messages == 0);
    return 0;
}
