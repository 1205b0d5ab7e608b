namespace Creps.Render.Streaming;

/// <summary>
/// A rendered page: in host memory, planar float32 [3][T][T] (T = P + 2B, border included), rows top to bottom; or, for a
/// streamer with a <see cref="PageAtlas"/>, a layer of the atlas (<see cref="AtlasSlot"/>, no host texels). Immutable once published.
/// </summary>
public sealed class Page
{
    internal Page(TextureDescription texture, PageKey key, float[] texels)
    {
        Texture = texture; Key = key; Texels = texels;
    }

    internal Page(TextureDescription texture, PageKey key, int atlasSlot)
    {
        Texture = texture; Key = key; Texels = []; AtlasSlot = atlasSlot;
    }

    /// <summary>The atlas layer holding this page while it is resident (pin it while a frame samples it); −1 for a host page.</summary>
    public int AtlasSlot { get; } = -1;

    public TextureDescription Texture { get; }
    public PageKey Key { get; }
    /// <summary>Side in texels, border included.</summary>
    public int Side => Texture.Layout.Texels;
    /// <summary>The texels (empty for an atlas page); do not write to them (every holder of this page sees the same array).</summary>
    public float[] Texels { get; }
    public long Bytes => Texels.LongLength * sizeof(float);
}

/// <summary>One entry of <see cref="PageStreamer.PopCompleted"/>: a page that landed (look it up with TryGetPage or pin it) or failed.</summary>
public readonly record struct CompletedPage(TextureDescription Texture, PageKey Key, Exception? Error)
{
    public bool Succeeded => Error == null;
}
