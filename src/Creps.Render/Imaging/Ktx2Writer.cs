using System.Buffers.Binary;
using System.Text;

namespace Creps.Render.Imaging;

/// <summary>
/// A streaming KTX2 writer for uncompressed 2-D textures with a mip chain (VK_FORMAT_R8G8B8A8_UNORM or
/// R16G16B16A16_SFLOAT, no supercompression). Everything ahead of the pixels (header, level index, DFD,
/// key/values) depends only on the sizes, so it is written first; the levels then follow in the file order the
/// KTX2 spec gives — smallest level first, base level last — each row top to bottom, each level aligned to
/// lcm(texel size, 4). Memory: none beyond the caller's row.
/// </summary>
public sealed class Ktx2Writer
{
    public const uint VkFormatR8G8B8A8Unorm = 37, VkFormatR16G16B16A16Sfloat = 97;
    static readonly byte[] Identifier = [0xAB, 0x4B, 0x54, 0x58, 0x20, 0x32, 0x30, 0xBB, 0x0D, 0x0A, 0x1A, 0x0A];

    readonly Stream _out;
    readonly TexelLayout _layout;
    readonly IReadOnlyList<(int W, int H)> _levels;
    readonly long[] _offsets;
    long _position;
    int _fileIndex = -1;   // position in file order (0 = the smallest level)
    long _rowsLeft;

    /// <param name="levels">Level sizes by level index (0 = full size).</param>
    public Ktx2Writer(Stream output, TexelLayout layout, IReadOnlyList<(int W, int H)> levels, string writer)
    {
        if (layout is not (TexelLayout.Rgba8 or TexelLayout.Rgba16Half)) throw new ArgumentException("KTX2 stores RGBA8 or RGBA16F");
        if (levels.Count < 1) throw new ArgumentException("a texture has at least one level");
        _out = output; _layout = layout; _levels = levels;
        int bpp = TexelEncoding.BytesPerPixel(layout);
        bool half = layout == TexelLayout.Rgba16Half;

        byte[] dfd = DataFormatDescriptor(half);
        byte[] kvd = KeyValues([("KTXorientation", "rd"), ("KTXwriter", writer)]);
        long levelIndexAt = 12 + 36 + 32, dfdAt = levelIndexAt + 24L * levels.Count, kvdAt = dfdAt + dfd.Length;
        long pos = kvdAt + kvd.Length;
        int align = bpp * 4 / (int)System.Numerics.BigInteger.GreatestCommonDivisor(bpp, 4);
        _offsets = new long[levels.Count];
        for (int level = levels.Count - 1; level >= 0; level--)
        {
            pos = (pos + align - 1) / align * align;
            _offsets[level] = pos;
            pos += LevelBytes(level);
        }

        var head = new byte[dfdAt];
        Identifier.CopyTo(head, 0);
        var h = head.AsSpan(12);
        uint[] header = [half ? VkFormatR16G16B16A16Sfloat : VkFormatR8G8B8A8Unorm, half ? 2u : 1u,
            (uint)levels[0].W, (uint)levels[0].H, 0, 0, 1, (uint)levels.Count, 0];
        for (int i = 0; i < header.Length; i++) BinaryPrimitives.WriteUInt32LittleEndian(h[(4 * i)..], header[i]);
        var index = head.AsSpan(48);
        BinaryPrimitives.WriteUInt32LittleEndian(index, (uint)dfdAt);
        BinaryPrimitives.WriteUInt32LittleEndian(index[4..], (uint)dfd.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(index[8..], (uint)kvdAt);
        BinaryPrimitives.WriteUInt32LittleEndian(index[12..], (uint)kvd.Length);
        // sgdByteOffset, sgdByteLength: 0 (no supercompression global data).
        for (int level = 0; level < levels.Count; level++)
        {
            var e = head.AsSpan((int)levelIndexAt + 24 * level);
            BinaryPrimitives.WriteUInt64LittleEndian(e, (ulong)_offsets[level]);
            BinaryPrimitives.WriteUInt64LittleEndian(e[8..], (ulong)LevelBytes(level));
            BinaryPrimitives.WriteUInt64LittleEndian(e[16..], (ulong)LevelBytes(level));
        }
        _out.Write(head);
        _out.Write(dfd);
        _out.Write(kvd);
        _position = kvdAt + kvd.Length;
    }

    public long LevelBytes(int level) => (long)_levels[level].W * _levels[level].H * TexelEncoding.BytesPerPixel(_layout);

    /// <summary>Level indices in the order their rows must be written (smallest level first).</summary>
    public static IEnumerable<int> FileOrder(int levelCount) => Enumerable.Range(0, levelCount).Reverse();

    /// <summary>Appends the next row in file order (see <see cref="FileOrder"/>), encoded as the writer's layout.</summary>
    public void WriteRow(ReadOnlySpan<byte> row)
    {
        while (_rowsLeft == 0)
        {
            if (++_fileIndex >= _levels.Count) throw new InvalidOperationException("all levels already written");
            int level = _levels.Count - 1 - _fileIndex;
            Pad(_offsets[level] - _position);
            _rowsLeft = _levels[level].H;
        }
        int w = _levels[_levels.Count - 1 - _fileIndex].W;
        if (row.Length != (long)w * TexelEncoding.BytesPerPixel(_layout)) throw new ArgumentException($"a row of this level holds {w} pixels");
        _out.Write(row);
        _position += row.Length;
        _rowsLeft--;
    }

    /// <summary>Checks every row was written and flushes.</summary>
    public void Finish()
    {
        if (_fileIndex != _levels.Count - 1 || _rowsLeft != 0) throw new InvalidOperationException("KTX2: levels are missing rows");
        _out.Flush();
    }

    void Pad(long n)
    {
        if (n < 0) throw new InvalidOperationException("KTX2 level overlaps the previous one");
        Span<byte> zero = stackalloc byte[8];
        zero.Clear();
        _out.Write(zero[..(int)n]);
        _position += n;
    }

    /// <summary>The Khronos basic data format descriptor: RGBSDA, BT.709 primaries, linear transfer, four samples.</summary>
    static byte[] DataFormatDescriptor(bool half)
    {
        const int samples = 4, blockSize = 24 + 16 * samples;
        var d = new byte[4 + blockSize];
        var s = d.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(s, (uint)d.Length);                       // dfdTotalSize
        BinaryPrimitives.WriteUInt32LittleEndian(s[4..], 0);                               // vendorId 0 (Khronos), descriptorType 0 (basic)
        BinaryPrimitives.WriteUInt32LittleEndian(s[8..], 2u | (uint)blockSize << 16);     // versionNumber 2, descriptorBlockSize
        d[12] = 1; d[13] = 1; d[14] = 1; d[15] = 0;                                        // colorModel RGBSDA, primaries BT709, transfer linear, flags straight alpha
        // texelBlockDimension0..3 = 0 (1×1×1×1) at 16..19
        int bits = half ? 16 : 8;
        d[20] = (byte)(4 * bits / 8);                                                      // bytesPlane0
        byte[] channels = [0, 1, 2, 15];                                                   // R, G, B, A
        for (int i = 0; i < samples; i++)
        {
            var e = s[(28 + 16 * i)..];
            byte qualifiers = half ? (byte)0xC0 : (byte)0;                                  // float | signed
            BinaryPrimitives.WriteUInt32LittleEndian(e, (uint)(i * bits) | (uint)(bits - 1) << 16 | (uint)(channels[i] | qualifiers) << 24);
            // samplePosition0..3 = 0
            BinaryPrimitives.WriteUInt32LittleEndian(e[8..], half ? 0xBF800000u : 0u);      // sampleLower: −1.0f or 0
            BinaryPrimitives.WriteUInt32LittleEndian(e[12..], half ? 0x3F800000u : 255u);   // sampleUpper: 1.0f or 255
        }
        return d;
    }

    /// <summary>Key/value entries (keys sorted), each as length, key NUL value NUL, padded to 4 bytes.</summary>
    static byte[] KeyValues(IEnumerable<(string Key, string Value)> entries)
    {
        var ms = new MemoryStream();
        foreach (var (key, value) in entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            byte[] kv = Encoding.UTF8.GetBytes(key + "\0" + value + "\0");
            var len = new byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(len, (uint)kv.Length);
            ms.Write(len);
            ms.Write(kv);
            while (ms.Length % 4 != 0) ms.WriteByte(0);
        }
        return ms.ToArray();
    }
}
