namespace Creps.Render.Streaming;

/// <summary>
/// A rendered page: in host memory, planar float32 [3][T][T] (T = P + 2B, border included), rows top to bottom; or, for a
/// streamer with a <see cref="PageAtlas"/>, a layer of the atlas (<see cref="AtlasSlot"/>, no host texels). Immutable once published.
/// </summary>
public sealed class Page
{
    internal Page(TextureDescription texture, PageKey key, float[] texels)
    {
        Texture = texture; Key = key; Texels = texels; Encoded = [];
    }

    /// <summary>A host page in an RGBA format: <paramref name="encoded"/> holds T·T texels of <paramref name="format"/>.</summary>
    internal Page(TextureDescription texture, PageKey key, PageFormat format, byte[] encoded)
    {
        Texture = texture; Key = key; Format = format; Texels = []; Encoded = encoded;
    }

    internal Page(TextureDescription texture, PageKey key, int atlasSlot)
    {
        Texture = texture; Key = key; Texels = []; Encoded = []; AtlasSlot = atlasSlot;
    }

    /// <summary>How the host texels are stored: <see cref="PageFormat.Float32Planar"/> in <see cref="Texels"/>, an RGBA format in <see cref="Encoded"/>.</summary>
    public PageFormat Format { get; } = PageFormat.Float32Planar;
    /// <summary>Interleaved RGBA texels of <see cref="Format"/>, rows top to bottom (empty for planar and atlas pages); do not write to them.</summary>
    public byte[] Encoded { get; }

    /// <summary>The atlas layer holding this page while it is resident (pin it while a frame samples it); −1 for a host page.</summary>
    public int AtlasSlot { get; } = -1;

    public TextureDescription Texture { get; }
    public PageKey Key { get; }
    /// <summary>Side in texels, border included.</summary>
    public int Side => Texture.Layout.Texels;
    /// <summary>The texels (empty for an atlas page); do not write to them (every holder of this page sees the same array).</summary>
    public float[] Texels { get; }
    /// <summary>Host bytes the page holds (0 for an atlas page).</summary>
    public long Bytes => Texels.LongLength * sizeof(float) + Encoded.LongLength;
}

/// <summary>One entry of <see cref="PageStreamer.PopCompleted"/>: a page that landed (look it up with TryGetPage or pin it) or failed.</summary>
public readonly record struct CompletedPage(TextureDescription Texture, PageKey Key, Exception? Error)
{
    public bool Succeeded => Error == null;
}
