namespace Creps.Render.Streaming;

/// <summary>A rendered page: planar float32 [3][T][T] (T = P + 2B, border included), rows top to bottom. Immutable once published.</summary>
public sealed class Page
{
    internal Page(TextureDescription texture, PageKey key, float[] texels)
    {
        Texture = texture; Key = key; Texels = texels;
    }

    public TextureDescription Texture { get; }
    public PageKey Key { get; }
    /// <summary>Side in texels, border included.</summary>
    public int Side => Texture.Layout.Texels;
    /// <summary>The texels; do not write to them (every holder of this page sees the same array).</summary>
    public float[] Texels { get; }
    public long Bytes => Texels.LongLength * sizeof(float);
}

/// <summary>One entry of <see cref="PageStreamer.PopCompleted"/>: a page that landed (look it up with TryGetPage or pin it) or failed.</summary>
public readonly record struct CompletedPage(TextureDescription Texture, PageKey Key, Exception? Error)
{
    public bool Succeeded => Error == null;
}
