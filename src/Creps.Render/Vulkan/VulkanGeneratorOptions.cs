namespace Creps.Render.Vulkan;

/// <summary>Settings of a <see cref="VulkanGenerator"/>.</summary>
public sealed record VulkanGeneratorOptions
{
    /// <summary>Device memory the generator may hold (weights, styles, scratch, lines, tile images); the caller's image is extra.</summary>
    public long BudgetBytes { get; init; } = 256L << 20;
    /// <summary>Smallest budget: the pool holds memory in blocks, one device-local and one host-visible at least.</summary>
    public const long MinBudgetBytes = 2 * (long)DeviceMemoryPool.BlockSize;
    /// <summary>Largest tile side (pixels) of one pixel-pass dispatch; a multiple of 64.</summary>
    public int MaxTile { get; init; } = 1024;
    /// <summary>
    /// Run the per-pixel pass in float16 (needs shaderFloat16; the line pass stays float32). Faster on GPUs with
    /// fast half arithmetic; the error it adds is measured in tests/…/Vulkan/Fp16Tests and BENCHMARKS.md.
    /// </summary>
    public bool Fp16 { get; init; }
}
