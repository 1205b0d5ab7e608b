using Creps.Render.Imaging;

namespace Creps.Native;

/// <summary>Planar float output → a caller's buffer in a creps_format, through the bake's texel encodings.</summary>
static unsafe class HostPixels
{
    public const int Rgba8 = 1, Rgba16F = 2, Rgba32F = 3, PlanarF32 = 4;

    /// <summary>Bytes of one pixel in one row (planar: one float per plane).</summary>
    public static int BytesPerPixel(int format) => format switch
    {
        Rgba8 => 4, Rgba16F => 8, Rgba32F => 16, PlanarF32 => 4,
        _ => throw new ArgumentException($"format {format} is not a creps_format (1 RGBA8, 2 RGBA16F, 3 RGBA32F, 4 PLANAR_F32)"),
    };

    /// <summary>Checks the destination and returns the row stride to use (0 = tightly packed).</summary>
    public static nuint CheckDestination(int format, long width, long height, void* dst, nuint size, nuint stride)
    {
        if (dst == null) throw new ArgumentException("dst is NULL");
        ulong row = checked((ulong)width * (ulong)BytesPerPixel(format));
        ulong s = stride == 0 ? row : stride;
        if (s < row) throw new ArgumentException($"row_stride {stride} is below the {row} bytes of a {width}-pixel row");
        ulong planes = format == PlanarF32 ? 3UL : 1UL;
        // Last byte written: the last row of the last plane.
        ulong need = checked((planes * (ulong)height - 1) * s + row);
        if (size < need) throw new ArgumentException($"dst_size {size} is below the {need} bytes this {width}x{height} image needs at row_stride {s}");
        return (nuint)s;
    }

    /// <summary>Writes planar [3][h][w] <paramref name="planar"/> into <paramref name="dst"/> (checked by <see cref="CheckDestination"/>).</summary>
    public static void Write(int format, ReadOnlySpan<float> planar, int w, int h, byte* dst, nuint stride)
    {
        long plane = (long)w * h;
        if (format == PlanarF32)
        {
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < h; y++)
                    planar.Slice((int)(c * plane + (long)y * w), w).CopyTo(new Span<float>(dst + ((nuint)(c * h + y) * stride), w));
            return;
        }
        // The layouts of streamed pages: the raw output as the Vulkan backend writes float images (RGBA8: the official rule).
        var layout = format switch { Rgba8 => TexelLayout.Rgba8, Rgba16F => TexelLayout.Rgba16Float, _ => TexelLayout.Rgba32Float };
        int bpp = TexelEncoding.BytesPerPixel(layout);
        for (int y = 0; y < h; y++)
        {
            int o = y * w;
            TexelEncoding.Encode(layout, planar.Slice(o, w), planar.Slice((int)(plane + o), w), planar.Slice((int)(2 * plane + o), w),
                new Span<byte>(dst + (nuint)y * stride, w * bpp));
        }
    }
}
