using Creps.Render;
using Creps.Render.Latents;
using Creps.Render.Model;
using Creps.Render.Octaves;
using Creps.Render.Streaming;
using Creps.Render.Vulkan;
using Silk.NET.Vulkan;

namespace Creps.Demo;

/// <summary>
/// What the window shows: one model, its page generator (the cpu backend, or Vulkan on the window's own device), the
/// service's page atlas on that device and the streaming service filling it, and the current texture (seed, ψ). A new
/// model is a new scene; a new seed or ψ is a new texture on the same service.
/// </summary>
internal sealed class Scene : IDisposable
{
    public string ModelPath { get; }
    public CrepsModel Model { get; }
    public string BackendName { get; }
    public PageAtlas Atlas { get; }
    public PageStreamer Streamer { get; }
    public TextureDescription Texture { get; private set; }
    public uint Seed { get; private set; }
    public float Psi { get; private set; }
    /// <summary>Deep-zoom octaves (key O): 48 layers at λ = 2 cover 10⁻¹⁴ of zoom; layers only render where their weight is non-zero.</summary>
    public bool Octaves { get; private set; }
    readonly string _hash;
    readonly IGenerator _generator;

    public Scene(VulkanContext ctx, string modelPath, uint seed, float psi, string backend, int slots, Action<string> log)
    {
        ModelPath = modelPath;
        Model = CrepsModel.Load(modelPath);
        _hash = TextureDescription.HashModelFile(modelPath);
        (_generator, BackendName) = Generator(ctx, Model, backend, log);
        try
        {
            var layout = PageLayout.Default;
            Atlas = new PageAtlas(ctx, layout, slots);
            Streamer = new PageStreamer(_generator, Atlas, new StreamingOptions
            {
                Workers = 1,
                HostBudgetBytes = 256L << 20,
                DeviceBudgetBytes = Atlas.DeviceBytes + (256L << 20),
            });
        }
        catch { Atlas?.Dispose(); _generator.Dispose(); throw; }
        Texture = MakeTexture(seed, psi);
    }

    /// <summary>Pages come from the cpu backend where the window's device is a CPU implementation (far faster there), else from Vulkan on that device.</summary>
    static (IGenerator, string) Generator(VulkanContext ctx, CrepsModel model, string name, Action<string> log) =>
        StreamingBackend.Create(model, name, new BackendOptions(), ctx, log);

    TextureDescription MakeTexture(uint seed, float psi)
    {
        Seed = seed; Psi = psi;
        return new TextureDescription(Model, _hash, Latent.FromSeed(Model, seed, psi), PageLayout.Default,
            $"seed {seed}, psi {psi:0.##}{(Octaves ? ", octaves" : "")}", Octaves ? new OctaveSpec(48) : null, psi);
    }

    public void SetLatent(uint seed, float psi) => Texture = MakeTexture(seed, psi);

    public void SetOctaves(bool on) { Octaves = on; Texture = MakeTexture(Seed, Psi); }

    /// <summary>The page is in the atlas (so a frame submitted now samples it).</summary>
    public bool Resident(PageKey key) => Atlas.SlotOf(Texture, key) >= 0;

    public void Dispose()
    {
        Streamer.Dispose();
        Atlas.Dispose();
        _generator.Dispose();
    }
}
