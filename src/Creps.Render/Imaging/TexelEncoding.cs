using System.Buffers.Binary;

namespace Creps.Render.Imaging;

/// <summary>Encodes one row of planar float channels (the generator's output, roughly [−1, 1]) into stored bytes.</summary>
public static class TexelEncoding
{
    public static int BytesPerPixel(TexelLayout layout) => layout switch
    {
        TexelLayout.Rgb8 => 3,
        TexelLayout.Rgb16BigEndian => 6,
        TexelLayout.Rgba8 => 4,
        TexelLayout.Rgba16Half or TexelLayout.Rgba16Float => 8,
        TexelLayout.Rgba32Float => 16,
        _ => throw new ArgumentOutOfRangeException(nameof(layout)),
    };

    /// <summary>The half-float KTX2 value of a generator output.</summary>
    public static Half ToHalf(float v) => (Half)((v + 1f) * 0.5f);

    public static void Encode(TexelLayout layout, ReadOnlySpan<float> r, ReadOnlySpan<float> g, ReadOnlySpan<float> b, Span<byte> dst)
    {
        int w = r.Length;
        if (g.Length != w || b.Length != w || dst.Length < w * BytesPerPixel(layout)) throw new ArgumentException("row lengths differ");
        switch (layout)
        {
            case TexelLayout.Rgb8:
                for (int x = 0; x < w; x++)
                {
                    dst[3 * x] = PixelFormat.ToByte(r[x]);
                    dst[3 * x + 1] = PixelFormat.ToByte(g[x]);
                    dst[3 * x + 2] = PixelFormat.ToByte(b[x]);
                }
                break;
            case TexelLayout.Rgb16BigEndian:
                for (int x = 0; x < w; x++)
                {
                    BinaryPrimitives.WriteUInt16BigEndian(dst[(6 * x)..], PixelFormat.ToUInt16(r[x]));
                    BinaryPrimitives.WriteUInt16BigEndian(dst[(6 * x + 2)..], PixelFormat.ToUInt16(g[x]));
                    BinaryPrimitives.WriteUInt16BigEndian(dst[(6 * x + 4)..], PixelFormat.ToUInt16(b[x]));
                }
                break;
            case TexelLayout.Rgba8:
                for (int x = 0; x < w; x++)
                {
                    dst[4 * x] = PixelFormat.ToByte(r[x]);
                    dst[4 * x + 1] = PixelFormat.ToByte(g[x]);
                    dst[4 * x + 2] = PixelFormat.ToByte(b[x]);
                    dst[4 * x + 3] = 255;
                }
                break;
            case TexelLayout.Rgba16Half:
                for (int x = 0; x < w; x++)
                {
                    BinaryPrimitives.WriteHalfLittleEndian(dst[(8 * x)..], ToHalf(r[x]));
                    BinaryPrimitives.WriteHalfLittleEndian(dst[(8 * x + 2)..], ToHalf(g[x]));
                    BinaryPrimitives.WriteHalfLittleEndian(dst[(8 * x + 4)..], ToHalf(b[x]));
                    BinaryPrimitives.WriteHalfLittleEndian(dst[(8 * x + 6)..], Half.One);
                }
                break;
            case TexelLayout.Rgba16Float:
                for (int x = 0; x < w; x++)
                {
                    BinaryPrimitives.WriteHalfLittleEndian(dst[(8 * x)..], (Half)r[x]);
                    BinaryPrimitives.WriteHalfLittleEndian(dst[(8 * x + 2)..], (Half)g[x]);
                    BinaryPrimitives.WriteHalfLittleEndian(dst[(8 * x + 4)..], (Half)b[x]);
                    BinaryPrimitives.WriteHalfLittleEndian(dst[(8 * x + 6)..], Half.One);
                }
                break;
            case TexelLayout.Rgba32Float:
                for (int x = 0; x < w; x++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(dst[(16 * x)..], r[x]);
                    BinaryPrimitives.WriteSingleLittleEndian(dst[(16 * x + 4)..], g[x]);
                    BinaryPrimitives.WriteSingleLittleEndian(dst[(16 * x + 8)..], b[x]);
                    BinaryPrimitives.WriteSingleLittleEndian(dst[(16 * x + 12)..], 1f);
                }
                break;
            default: throw new ArgumentOutOfRangeException(nameof(layout));
        }
    }
}
