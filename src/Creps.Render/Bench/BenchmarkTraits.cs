using Creps.Render.Latents;

namespace Creps.Render;

/// <param name="Name">The row's backend label ("onnx (CUDA)").</param>
/// <param name="GpuClass">Fast enough that the benchmark also runs the 4096² case.</param>
/// <param name="SeparatesPerLatent">Per-latent work (styles) can be run apart through <see cref="IBenchmarkStages.PrepareLatent"/>.</param>
/// <param name="HasReadback">Results cross from a device to host memory (counted in pixels); false: none at all (0 ms).</param>
/// <param name="DeviceBytes">Device memory held now, for GPU backends.</param>
/// <param name="FmaWidthBits">Vector width of the backend's kernels (cpu: 256 or 512), so % of peak is of that width; null: the widest this CPU has.</param>
public readonly record struct BenchmarkTraits(string Name, bool GpuClass, bool SeparatesPerLatent, bool HasReadback, long? DeviceBytes, int? FmaWidthBits = null);
