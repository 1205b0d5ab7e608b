/* Unity native plugin for the Vulkan path (VulkanProceduralTexture.cs). NOT built or run by this repository's tests:
 * it needs Unity's plugin headers (IUnityInterface.h, IUnityGraphics.h, IUnityGraphicsVulkan.h from
 * <Unity>/Editor/Data/PluginAPI). Build: cc -shared -fPIC -std=c99 -I<PluginAPI> -I<creps>/include CrepsUnityVulkan.c
 * -o libCrepsUnityVulkan.so -L. -lcreps, and put it next to libcreps.so in Plugins/x86_64.
 *
 * On Unity's render thread (GL.IssuePluginEvent): adopt Unity's device (IUnityGraphicsVulkan::Instance() gives exactly
 * creps_vulkan_handles), create a STORAGE|SAMPLED RGBA32F image, and record Creps' render into Unity's current command
 * buffer (CommandRecordingState, outside a render pass) — Unity submits it; the recording is released once Unity's
 * safe frame number passes the frame it was recorded in. */
#include <stdint.h>
#include <string.h>
#include "IUnityGraphics.h"
#include "IUnityGraphicsVulkan.h"
#include "creps.h"

static IUnityGraphicsVulkan *s_vulkan;
static const void *s_model_bytes;
static size_t s_model_size;
static uint32_t s_seed;
static float s_psi;
static int s_side, s_status;
static char s_error[512];
static VkImage s_image;
static VkDeviceMemory s_memory;
static creps_model *s_model;
static creps_latent *s_latent;
static creps_generator *s_gen;
static creps_recording *s_recording;
static unsigned long long s_recorded_frame;

static void fail(creps_status s) {
    strncpy(s_error, creps_last_error(), sizeof s_error - 1);
    s_status = -(int)s;
}

void UNITY_INTERFACE_EXPORT UNITY_INTERFACE_API UnityPluginLoad(IUnityInterfaces *interfaces) {
    s_vulkan = UNITY_GET_INTERFACE(interfaces, IUnityGraphicsVulkan);
}

int CrepsUnity_Begin(const void *bytes, size_t size, uint32_t seed, float psi, int side) {
    if (!s_vulkan) { strcpy(s_error, "IUnityGraphicsVulkan is not available (not on Vulkan?)"); return 1; }
    s_model_bytes = bytes; s_model_size = size; s_seed = seed; s_psi = psi; s_side = side; s_status = 0;
    creps_status st = creps_model_open_memory(bytes, size, &s_model);   /* copied: the C# pin may end now */
    if (st == CREPS_OK) st = creps_latent_from_seed(s_model, seed, psi, -1, &s_latent);
    if (st != CREPS_OK) { fail(st); return 1; }
    return 0;
}

static void create_image(UnityVulkanInstance *vk) {
    PFN_vkCreateImage create = (PFN_vkCreateImage)vk->getInstanceProcAddr(vk->instance, "vkCreateImage");
    PFN_vkGetImageMemoryRequirements reqs = (PFN_vkGetImageMemoryRequirements)vk->getInstanceProcAddr(vk->instance, "vkGetImageMemoryRequirements");
    PFN_vkAllocateMemory alloc = (PFN_vkAllocateMemory)vk->getInstanceProcAddr(vk->instance, "vkAllocateMemory");
    PFN_vkBindImageMemory bind = (PFN_vkBindImageMemory)vk->getInstanceProcAddr(vk->instance, "vkBindImageMemory");
    PFN_vkGetPhysicalDeviceMemoryProperties props = (PFN_vkGetPhysicalDeviceMemoryProperties)vk->getInstanceProcAddr(vk->instance, "vkGetPhysicalDeviceMemoryProperties");
    VkImageCreateInfo info = {VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO};
    info.imageType = VK_IMAGE_TYPE_2D;
    info.format = VK_FORMAT_R32G32B32A32_SFLOAT;
    info.extent.width = info.extent.height = (uint32_t)s_side;
    info.extent.depth = 1;
    info.mipLevels = info.arrayLayers = 1;
    info.samples = VK_SAMPLE_COUNT_1_BIT;
    info.tiling = VK_IMAGE_TILING_OPTIMAL;
    info.usage = VK_IMAGE_USAGE_STORAGE_BIT | VK_IMAGE_USAGE_SAMPLED_BIT;
    create(vk->device, &info, NULL, &s_image);
    VkMemoryRequirements r;
    reqs(vk->device, s_image, &r);
    VkPhysicalDeviceMemoryProperties mp;
    props(vk->physicalDevice, &mp);
    VkMemoryAllocateInfo ai = {VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
    ai.allocationSize = r.size;
    for (uint32_t i = 0; i < mp.memoryTypeCount; i++)
        if ((r.memoryTypeBits & (1u << i)) && (mp.memoryTypes[i].propertyFlags & VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT)) { ai.memoryTypeIndex = i; break; }
    alloc(vk->device, &ai, NULL, &s_memory);
    bind(vk->device, s_image, s_memory, 0);
}

static void UNITY_INTERFACE_API on_render_event(int event) {
    (void)event;
    UnityVulkanInstance vk = s_vulkan->Instance();
    if (!s_gen) {
        creps_vulkan_handles h = {0};
        h.instance = vk.instance;
        h.physical_device = vk.physicalDevice;
        h.device = vk.device;
        h.queue_family = vk.queueFamilyIndex;
        h.queue = vk.graphicsQueue;
        h.get_instance_proc_addr = (creps_get_instance_proc_addr_fn)vk.getInstanceProcAddr;
        creps_status st = creps_generator_adopt_vulkan(s_model, &h, NULL, &s_gen);
        if (st != CREPS_OK) { fail(st); return; }
        create_image(&vk);
        s_vulkan->EnsureOutsideRenderPass();
        UnityVulkanRecordingState state;
        if (!s_vulkan->CommandRecordingState(&state, kUnityVulkanGraphicsQueueAccess_DontCare)) { strcpy(s_error, "no Unity command buffer"); s_status = -70; return; }
        creps_region region = {0.0, 0.0, 1.0, 1.0, s_side, s_side, 0, 0};
        creps_vk_image t = {0};
        t.image = s_image;
        t.format = VK_FORMAT_R32G32B32A32_SFLOAT;
        t.old_layout = VK_IMAGE_LAYOUT_UNDEFINED;
        t.new_layout = VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL;
        t.width = t.height = s_side;
        t.then_stages = VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT;
        t.then_access = VK_ACCESS_SHADER_READ_BIT;
        st = creps_record_vk_image(s_gen, s_latent, &region, &t, state.commandBuffer, &s_recording);
        if (st != CREPS_OK) { fail(st); return; }
        s_recorded_frame = state.currentFrameNumber;
        s_status = 1;   /* Unity submits the command buffer this frame; sampling later frames sees the pixels */
        return;
    }
    /* Later events: release what the recording held once the GPU is past its frame. */
    UnityVulkanRecordingState state;
    if (s_recording && s_vulkan->CommandRecordingState(&state, kUnityVulkanGraphicsQueueAccess_DontCare) &&
        state.safeFrameNumber >= s_recorded_frame) {
        creps_recording_release(s_recording);
        s_recording = NULL;
    }
}

UnityRenderingEvent CrepsUnity_RenderEventFunc(void) { return on_render_event; }
static VkImage s_image_for_unity;
void *CrepsUnity_ImagePointer(void) { s_image_for_unity = s_image; return &s_image_for_unity; }
int CrepsUnity_Status(void) { return s_status; }
const char *CrepsUnity_Error(void) { return s_error; }
