using System.Buffers.Binary;
using System.IO.Compression;

namespace Creps.Tests;

/// <summary>A small independent PNG reader for tests (8/16-bit RGB/RGBA, non-interlaced, all five filters).</summary>
public static class PngDecoder
{
    public sealed record Image(int Width, int Height, int BitDepth, int Channels, ushort[] Samples)
    {
        public int At(int y, int x, int c) => Samples[(y * Width + x) * Channels + c];
    }

    public static Image Decode(string path) => Decode(File.ReadAllBytes(path));

    public static Image Decode(byte[] file)
    {
        if (file.Length < 8 || file[0] != 0x89 || file[1] != (byte)'P') throw new InvalidDataException("not a PNG");
        int pos = 8, w = 0, h = 0, depth = 0, colorType = 0;
        var idat = new MemoryStream();
        while (pos < file.Length)
        {
            int len = BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(pos));
            string type = System.Text.Encoding.ASCII.GetString(file, pos + 4, 4);
            var data = file.AsSpan(pos + 8, len);
            if (type == "IHDR")
            {
                w = BinaryPrimitives.ReadInt32BigEndian(data); h = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                depth = data[8]; colorType = data[9];
                if (data[12] != 0) throw new InvalidDataException("interlaced PNG not supported by the test decoder");
            }
            else if (type == "IDAT") idat.Write(data);
            else if (type == "IEND") break;
            pos += 12 + len;
        }
        int channels = colorType switch { 2 => 3, 6 => 4, 0 => 1, _ => throw new InvalidDataException($"colour type {colorType}") };
        int bpp = channels * depth / 8, stride = w * bpp;
        idat.Position = 0;
        using var z = new ZLibStream(idat, CompressionMode.Decompress);
        var raw = new MemoryStream();
        z.CopyTo(raw);
        var bytes = raw.ToArray();
        var prev = new byte[stride];
        var cur = new byte[stride];
        var samples = new ushort[w * h * channels];
        for (int y = 0; y < h; y++)
        {
            int filter = bytes[y * (stride + 1)];
            Array.Copy(bytes, y * (stride + 1) + 1, cur, 0, stride);
            for (int i = 0; i < stride; i++)
            {
                int a = i >= bpp ? cur[i - bpp] : 0, b = prev[i], c = i >= bpp ? prev[i - bpp] : 0;
                cur[i] = (byte)(cur[i] + filter switch
                {
                    0 => 0, 1 => a, 2 => b, 3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new InvalidDataException($"filter {filter}"),
                });
            }
            for (int x = 0; x < w * channels; x++)
                samples[y * w * channels + x] = depth == 16 ? BinaryPrimitives.ReadUInt16BigEndian(cur.AsSpan(2 * x)) : cur[x];
            (prev, cur) = (cur, prev);
        }
        return new Image(w, h, depth, channels, samples);
    }

    static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
