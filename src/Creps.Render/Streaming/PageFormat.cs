using Creps.Render.Imaging;
using Silk.NET.Vulkan;

namespace Creps.Render.Streaming;

/// <summary>
/// How a page's texels are stored. Host pages default to <see cref="Float32Planar"/> (what <c>creps tiles</c> writes);
/// the RGBA formats are interleaved, rows top to bottom, alpha opaque, and are also the formats of a <see cref="PageAtlas"/>.
/// RGBA8 holds the official 8-bit values (<see cref="PixelFormat.ToByte"/>); the float formats hold the raw output
/// (roughly [−1, 1]), as the Vulkan backend writes float images.
/// </summary>
public enum PageFormat
{
    /// <summary>float32 [3][T][T], channel planes.</summary>
    Float32Planar,
    /// <summary>R8G8B8A8_UNORM.</summary>
    Rgba8,
    /// <summary>R16G16B16A16_SFLOAT (the atlas default).</summary>
    Rgba16F,
    /// <summary>R32G32B32A32_SFLOAT.</summary>
    Rgba32F,
}

public static class PageFormats
{
    public static int BytesPerTexel(this PageFormat f) => f switch
    {
        PageFormat.Float32Planar => 12,
        PageFormat.Rgba8 => 4,
        PageFormat.Rgba16F => 8,
        PageFormat.Rgba32F => 16,
        _ => throw new ArgumentOutOfRangeException(nameof(f)),
    };

    /// <summary>Bytes of one page of <paramref name="layout"/> in this format.</summary>
    public static long PageBytes(this PageFormat f, PageLayout layout) => (long)layout.Texels * layout.Texels * f.BytesPerTexel();

    /// <summary>The Vulkan format of an RGBA page format (the atlas image's format).</summary>
    public static Format VulkanFormat(this PageFormat f) => f switch
    {
        PageFormat.Rgba8 => Format.R8G8B8A8Unorm,
        PageFormat.Rgba16F => Format.R16G16B16A16Sfloat,
        PageFormat.Rgba32F => Format.R32G32B32A32Sfloat,
        _ => throw new ArgumentException($"page format {f} has no Vulkan image format (use Rgba8, Rgba16F or Rgba32F)"),
    };

    /// <summary>The bake's texel layout that encodes this format (one encoder for bake, host pages and atlas uploads).</summary>
    internal static TexelLayout TexelLayout(this PageFormat f) => f switch
    {
        PageFormat.Rgba8 => Imaging.TexelLayout.Rgba8,
        PageFormat.Rgba16F => Imaging.TexelLayout.Rgba16Float,
        PageFormat.Rgba32F => Imaging.TexelLayout.Rgba32Float,
        _ => throw new ArgumentException($"page format {f} is planar float32, not an encoded texel layout"),
    };

    /// <summary>
    /// Encodes planar float32 [3][T][T] texels into <paramref name="dst"/> (T·T·BytesPerTexel bytes) in this RGBA
    /// format, row by row through <see cref="TexelEncoding"/>.
    /// </summary>
    public static void Encode(this PageFormat f, ReadOnlySpan<float> planar, int side, Span<byte> dst)
    {
        var layout = f.TexelLayout();
        long plane = (long)side * side;
        int rowBytes = side * f.BytesPerTexel();
        for (int y = 0; y < side; y++)
        {
            int o = y * side;
            TexelEncoding.Encode(layout, planar.Slice(o, side), planar.Slice((int)plane + o, side), planar.Slice((int)(2 * plane) + o, side),
                dst.Slice(y * rowBytes, rowBytes));
        }
    }
}
