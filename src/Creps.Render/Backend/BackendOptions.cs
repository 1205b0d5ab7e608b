namespace Creps.Render;

/// <summary>
/// Everything a caller may say about how a backend runs, in one record passed to <see cref="Backends.Create"/>.
/// The library never reads environment variables: a CLI or an engine fills this in.
/// </summary>
public sealed record BackendOptions
{
    /// <summary>CPU threads (cpu backend, and ONNX Runtime's CPU provider); 0 = every core.</summary>
    public int Threads { get; init; }
    /// <summary>cpu backend: which dense kernel (auto: 512-bit where this CPU runs 512-bit FMAs faster; the results are bit-identical).</summary>
    public Cpu.CpuKernel CpuKernel { get; init; }
    /// <summary>Vulkan device: an index or a case-insensitive part of its name; null = the best one (discrete, integrated, virtual, CPU).</summary>
    public string? Device { get; init; }
    /// <summary>Enable VK_LAYER_KHRONOS_validation (messages in <c>VulkanContext.ValidationMessages</c>).</summary>
    public bool Validation { get; init; }
    /// <summary>Also synchronisation validation (implies <see cref="Validation"/>).</summary>
    public bool SyncValidation { get; init; }
    /// <summary>Device memory a GPU backend may hold, in bytes; 0 = the backend's default (256 MiB for Vulkan).</summary>
    public long DeviceBudgetBytes { get; init; }
    /// <summary>Largest tile side of one Vulkan pixel-pass dispatch, a multiple of 64; 0 = the backend's default (1024).</summary>
    public int MaxTile { get; init; }
    /// <summary>Run the Vulkan per-pixel pass in float16 (needs shaderFloat16).</summary>
    public bool Fp16 { get; init; }
    /// <summary>ONNX backend: try the CUDA execution provider first (false: the CPU provider only).</summary>
    public bool TryCuda { get; init; } = true;

    public static BackendOptions Default { get; } = new();
}
