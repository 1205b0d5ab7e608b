using Creps.Render.Latents;

namespace Creps.Render;

/// <summary>
/// Optional, for <c>creps bench</c>: how a backend's work splits into the benchmark's stages. A backend without it is
/// timed on the tile contract alone (per-latent work counted inside lines and pixels, readback inside pixels).
/// </summary>
public interface IBenchmarkStages
{
    BenchmarkTraits BenchmarkTraits { get; }
    /// <summary>Does the per-latent work now (when <see cref="BenchmarkTraits.SeparatesPerLatent"/>), so it is timed on its own.</summary>
    void PrepareLatent(Latent latent);
}
