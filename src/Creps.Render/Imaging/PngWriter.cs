using System.Buffers.Binary;
using System.IO.Compression;

namespace Creps.Render.Imaging;

/// <summary>
/// A streaming PNG encoder (RGB, 8 or 16 bits per channel): rows go straight through zlib into IDAT chunks,
/// so memory is one row plus the compressor's window, whatever the image size.
/// </summary>
public sealed class PngWriter : IDisposable
{
    readonly Stream _out;
    readonly int _width, _height, _bitDepth;
    readonly ChunkStream _idat;
    readonly ZLibStream _zlib;
    readonly byte[] _row;
    int _rowsWritten;
    bool _finished;

    public PngWriter(Stream output, int width, int height, int bitDepth = 8, CompressionLevel level = CompressionLevel.Fastest)
    {
        if (width < 1 || height < 1) throw new ArgumentException($"PNG size {width}x{height} must be ≥ 1");
        if (bitDepth != 8 && bitDepth != 16) throw new ArgumentException("PNG bit depth must be 8 or 16");
        if ((long)width * 3 * (bitDepth / 8) > int.MaxValue - 1) throw new ArgumentException($"PNG width {width} is too large");
        _out = output; _width = width; _height = height; _bitDepth = bitDepth;
        _out.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = (byte)bitDepth; ihdr[9] = 2; // truecolour RGB
        WriteChunk(_out, "IHDR", ihdr);
        _idat = new ChunkStream(_out, "IDAT");
        _zlib = new ZLibStream(_idat, level, leaveOpen: true);
        _row = new byte[1 + width * 3 * (bitDepth / 8)];
    }

    public int Width => _width;
    public int Height => _height;

    public int BitDepth => _bitDepth;

    /// <summary>Appends one row from planar float channels (each <c>width</c> long).</summary>
    public void WriteRow(ReadOnlySpan<float> r, ReadOnlySpan<float> g, ReadOnlySpan<float> b)
    {
        TexelEncoding.Encode(_bitDepth == 8 ? TexelLayout.Rgb8 : TexelLayout.Rgb16BigEndian, r, g, b, _row.AsSpan(1));
        AppendRow();
    }

    /// <summary>Appends one row already encoded as <see cref="TexelLayout.Rgb8"/> or <see cref="TexelLayout.Rgb16BigEndian"/> (no filter byte).</summary>
    public void WriteEncodedRow(ReadOnlySpan<byte> pixels)
    {
        if (pixels.Length != _row.Length - 1) throw new ArgumentException($"a row holds {_row.Length - 1} bytes, got {pixels.Length}");
        pixels.CopyTo(_row.AsSpan(1));
        AppendRow();
    }

    void AppendRow()
    {
        if (_rowsWritten >= _height) throw new InvalidOperationException("all rows already written");
        _row[0] = 0; // filter: none (fast; zlib still finds the repeats)
        _zlib.Write(_row);
        _rowsWritten++;
    }

    /// <summary>Writes rows [0, height) of a planar [3][h][w] image whose width equals this PNG's.</summary>
    public void WriteRows(float[] planar, int h)
    {
        long plane = (long)h * _width;
        for (int y = 0; y < h; y++)
        {
            long o = (long)y * _width;
            WriteRow(planar.AsSpan((int)o, _width), planar.AsSpan((int)(plane + o), _width), planar.AsSpan((int)(2 * plane + o), _width));
        }
    }

    /// <summary>Flushes the last IDAT and writes IEND. Throws if rows are missing.</summary>
    public void Finish()
    {
        if (_finished) return;
        if (_rowsWritten != _height) throw new InvalidOperationException($"PNG has {_rowsWritten} of {_height} rows");
        _zlib.Dispose();
        _idat.Flush();
        WriteChunk(_out, "IEND", []);
        _out.Flush();
        _finished = true;
    }

    public void Dispose() => _zlib.Dispose();

    /// <summary>Encodes a whole planar [3][h][w] image.</summary>
    public static void Write(Stream s, float[] planar, int width, int height, int bitDepth = 8)
    {
        using var png = new PngWriter(s, width, height, bitDepth);
        png.WriteRows(planar, height);
        png.Finish();
    }

    static void WriteChunk(Stream s, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> head = stackalloc byte[8];
        BinaryPrimitives.WriteInt32BigEndian(head, data.Length);
        System.Text.Encoding.ASCII.GetBytes(type, head[4..]);
        s.Write(head);
        s.Write(data);
        uint crc = Crc32.Update(Crc32.Update(0xFFFFFFFFu, head[4..]), data) ^ 0xFFFFFFFFu;
        Span<byte> c = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(c, crc);
        s.Write(c);
    }

    /// <summary>Buffers compressed bytes and emits them as chunks of at most 1 MiB.</summary>
    sealed class ChunkStream(Stream output, string type) : Stream
    {
        readonly MemoryStream _buf = new();
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override void Write(ReadOnlySpan<byte> data)
        {
            _buf.Write(data);
            if (_buf.Length >= 1 << 20) Flush();
        }
        public override void Flush()
        {
            if (_buf.Length == 0) return;
            WriteChunk(output, type, _buf.GetBuffer().AsSpan(0, (int)_buf.Length));
            _buf.SetLength(0);
        }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
