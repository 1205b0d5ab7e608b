using Creps.Render.Vulkan;

namespace Creps.Render.Streaming;

/// <summary>
/// The streamer's page atlas: with one, a page's storage is a slot of the atlas instead of a host buffer. Vulkan pages
/// (a <see cref="VulkanGenerator"/> on the atlas's context) are rendered straight into their layer in one submission
/// that also updates the page table; pages of any other generator are rendered on the host and uploaded. Slots are
/// taken at reservation (evicting the least recently used unpinned atlas page when none is free) and released when a
/// page is evicted, replaced or fails; the atlas keeps the device table in GPU order (see <see cref="PageAtlas"/>).
/// </summary>
public sealed partial class PageStreamer
{
    PageAtlas? _atlas;
    VulkanGenerator? _atlasRenderer;   // null: render on the host and upload
    long _atlasBytes;

    /// <summary>
    /// A service whose pages live in <paramref name="atlas"/> (kept open on dispose: dispose it after the service). Its
    /// device memory counts in <see cref="StreamingOptions.DeviceBudgetBytes"/>, with the line sets of a Vulkan generator.
    /// Throws ArgumentException when the atlas alone exceeds that budget.
    /// </summary>
    public PageStreamer(IGenerator generator, PageAtlas atlas, StreamingOptions? options = null, bool ownsGenerator = false)
        : this(generator, options, ownsGenerator, atlas ?? throw new ArgumentNullException(nameof(atlas))) { }

    /// <summary>The atlas pages live in, or null for host pages.</summary>
    public PageAtlas? Atlas => _atlas;

    /// <summary>Whether pages are rendered straight into the atlas (a Vulkan generator on its context) rather than uploaded.</summary>
    public bool RendersIntoAtlas => _atlasRenderer != null;

    void UseAtlas(PageAtlas atlas)
    {
        if (atlas.DeviceBytes > Options.DeviceBudgetBytes)
            throw new ArgumentException($"the page atlas ({atlas.Slots} slots of {atlas.Side}² {atlas.PageFormat}, {atlas.DeviceBytes} bytes with its table and staging) " +
                                        $"exceeds the device budget of {Options.DeviceBudgetBytes} bytes (PageAtlas.SlotsFor says how many fit)");
        _atlas = atlas;
        _atlasRenderer = _gen is VulkanGenerator vg && ReferenceEquals(vg.Context, atlas.Context) ? vg : null;
        _atlasBytes = atlas.DeviceBytes;
        Charge(_atlasBytes, onDevice: true);
    }

    void CheckAtlasLayout(TextureDescription texture)
    {
        if (_atlas != null && texture.Layout != _atlas.Layout)
            throw new ArgumentException($"the texture's pages are {texture.Layout.PageSize}+2×{texture.Layout.Border} texels, the atlas's {_atlas.Layout.PageSize}+2×{_atlas.Layout.Border}");
    }

    /// <summary>
    /// Host bytes a page's render holds at most: none when it goes straight into the atlas; else its float texels, and
    /// the encoded page next to them for an RGBA host format.
    /// </summary>
    long HostPageBytes(TextureDescription t) =>
        _atlasRenderer != null ? 0
        : t.Layout.PageBytes + (_atlas == null && Options.HostPageFormat != PageFormat.Float32Planar ? Options.HostPageFormat.PageBytes(t.Layout) : 0);

    /// <summary>A slot for a render (−1 without an atlas), evicting the least recently used unpinned atlas page if none is free.</summary>
    bool TakeSlot(out int slot)
    {
        slot = -1;
        if (_atlas == null) return true;
        slot = _atlas.TakeSlot();
        if (slot >= 0) return true;
        for (var node = _lru.Last; node != null; node = node.Previous)
            if (node.Value is PageEntry { Refs: 0 } p && p.Page.AtlasSlot >= 0)
            {
                Remove(p);
                _pageEvictions++;
                slot = _atlas.TakeSlot();
                return slot >= 0;
            }
        return false;
    }

    void ReleaseSlot(int slot, TextureDescription t, PageKey key) => _atlas!.Release(slot, _atlas.TextureId(t), key);

    /// <summary>The page's texels into its slot, and its table entry after them; returns once the GPU finished.</summary>
    Page RenderIntoAtlas(Job job, LineSet rows, LineSet cols, int slot)
    {
        var atlas = _atlas!;
        var t = job.Texture;
        uint id = atlas.TextureId(t);
        if (_atlasRenderer is { } vk)
        {
            int n = t.Layout.Texels;
            using var submission = vk.SubmitTile(t.Latent, rows, cols, new TileRect(0, 0, n, n), atlas.Target(slot), 0, 0,
                atlas.RecordBeforeWrite, cmd => atlas.RecordPublish(cmd, id, job.Key, slot));
            submission.Wait();
        }
        else atlas.Upload(RenderOnHost(t, rows, cols), id, job.Key, slot);
        return new Page(t, job.Key, slot);
    }

    void ReleaseAtlas()
    {
        if (_atlas == null) return;
        Uncharge(_atlasBytes, onDevice: true);
        _atlasBytes = 0;
    }
}
