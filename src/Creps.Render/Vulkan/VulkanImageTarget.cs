using Silk.NET.Vulkan;

namespace Creps.Render.Vulkan;

/// <summary>
/// A caller's VkImage to render into (the render-into-image contract, see README "Vulkan: rendering into your VkImage"):
/// 2D, created on the generator's device, format R8G8B8A8_UNORM, R16G16B16A16_SFLOAT or R32G32B32A32_SFLOAT, usage
/// including STORAGE, mip level 0 / array layer <see cref="ArrayLayer"/> written, owned by the generator's queue family (or CONCURRENT).
/// The image is in <see cref="OldLayout"/> when our commands start (UNDEFINED discards its contents) and is left in
/// <see cref="NewLayout"/>. Our first barrier on the image waits for <see cref="WaitStages"/>/<see cref="WaitAccess"/>
/// (what the engine did to it before; default: any stage, any write) and our last one makes our writes visible to
/// <see cref="ThenStages"/>/<see cref="ThenAccess"/> (what it does after). Blocking calls return after the GPU
/// finished writing. RGBA8 holds the official 8-bit values (alpha 255); the float formats hold the raw output
/// (roughly [−1, 1], alpha 1).
/// </summary>
public readonly record struct VulkanImageTarget(Image Image, Format Format, int Width, int Height,
    ImageLayout OldLayout = ImageLayout.General, ImageLayout NewLayout = ImageLayout.General)
{
    /// <summary>Stages of the engine's earlier work on the image that our first barrier waits for.</summary>
    public PipelineStageFlags WaitStages { get; init; } = PipelineStageFlags.AllCommandsBit;
    /// <summary>The engine's earlier writes to the image that our first barrier makes available.</summary>
    public AccessFlags WaitAccess { get; init; } = AccessFlags.MemoryWriteBit;
    /// <summary>Stages of the engine's later work on the image that wait for our writes.</summary>
    public PipelineStageFlags ThenStages { get; init; } = PipelineStageFlags.AllCommandsBit;
    /// <summary>How the engine's later work accesses the image (our writes are made visible to it).</summary>
    public AccessFlags ThenAccess { get; init; } = AccessFlags.MemoryReadBit | AccessFlags.MemoryWriteBit;

    /// <summary>The array layer written (0 for a plain 2D image; a slot of a 2D array image such as a page atlas).</summary>
    public int ArrayLayer { get; init; }

    public static readonly Format[] SupportedFormats = [Format.R8G8B8A8Unorm, Format.R16G16B16A16Sfloat, Format.R32G32B32A32Sfloat];

    internal void Validate()
    {
        if (Image.Handle == 0) throw new ArgumentException("target image is a null handle");
        if (!SupportedFormats.Contains(Format))
            throw new ArgumentException($"target format {Format} is not supported (use {string.Join(", ", SupportedFormats)})");
        if (Width < 1 || Height < 1) throw new ArgumentException($"target size {Width}x{Height} is empty");
        if (ArrayLayer < 0) throw new ArgumentException($"target array layer {ArrayLayer} is negative");
    }
}
