using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Creps.Render.IO;

namespace Creps.Render.Bake;

/// <summary>What a shard file holds: which shard, the texture, and a fingerprint of the model and latent it came from.</summary>
public sealed record ShardHeader(int Index, int Count, BakeSpec Spec, string Job)
{
    public Shard Shard => new(Index, Count);
}

/// <summary>
/// A shard of one texture (<c>--shard i/n</c>): magic, a JSON header, then the shard's encoded rows (levels in render
/// order, each level's rows of this shard top to bottom) through zlib. <see cref="ShardMerge"/> re-encodes the rows of
/// all shards through the same writers, so the merged file has exactly the bytes of an unsharded bake.
/// </summary>
public static class ShardFile
{
    static readonly byte[] Magic = "CREPSSHD"u8.ToArray();
    const int Version = 1;

    /// <summary><c>OUT.shard-I-of-N</c>: the file shard I of N writes for output OUT.</summary>
    public static string PathFor(string outPath, Shard shard) => $"{outPath}.shard-{shard.Index}-of-{shard.Count}";

    /// <summary>Longest JSON header, its nesting (header → spec), and the longest job fingerprint a shard may carry.</summary>
    public const int MaxHeaderBytes = 1 << 16, MaxHeaderDepth = 4, MaxJobChars = 4096;

    public static ITextureSink Create(Stream output, ShardHeader header)
    {
        byte[] json = HeaderJson(header);
        Span<byte> head = stackalloc byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(head, Version);
        BinaryPrimitives.WriteInt32LittleEndian(head[4..], json.Length);
        output.Write(Magic);
        output.Write(head);
        output.Write(json);
        return new Sink(new ZLibStream(output, CompressionLevel.Fastest, leaveOpen: true));
    }

    /// <summary>Opens a shard file (a regular file; see <see cref="InputFile"/>) and reads its header; the returned stream yields its rows.</summary>
    public static (ShardHeader Header, Stream Rows) Open(string path)
    {
        var fs = InputFile.Open(path, "shard file", long.MaxValue);
        try { return Open(fs, path); }
        catch { fs.Dispose(); throw; }
    }

    /// <summary>
    /// Reads a shard's header from <paramref name="file"/> (named <paramref name="path"/> in errors), checked in full:
    /// every failure is an <see cref="InputFileException"/> naming the file and the field. The returned stream yields
    /// the rows and names the file in its own errors (corrupt compressed data).
    /// </summary>
    public static (ShardHeader Header, Stream Rows) Open(Stream file, string path)
    {
        string name = $"shard file {Untrusted.Quote(path, 200)}";
        InputFileException Bad(string what) => new(path, $"{name}: {what}");
        Span<byte> head = stackalloc byte[16];
        if (file.ReadAtLeast(head, 16, throwOnEndOfStream: false) < 16 || !head[..8].SequenceEqual(Magic))
            throw Bad("not a creps shard file");
        int version = BinaryPrimitives.ReadInt32LittleEndian(head[8..]), len = BinaryPrimitives.ReadInt32LittleEndian(head[12..]);
        if (version != Version) throw Bad($"shard format version {version}, this creps reads {Version}");
        if (len < 2 || len > MaxHeaderBytes) throw Bad($"header length {len} is outside 2..{MaxHeaderBytes}");
        var json = new byte[len];
        if (file.ReadAtLeast(json, len, throwOnEndOfStream: false) < len) throw Bad("truncated in its header");
        var header = ParseHeader(json, Bad);
        return (header, new NamedRows(new ZLibStream(file, CompressionMode.Decompress), name));
    }

    static byte[] HeaderJson(ShardHeader h)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("Index", h.Index);
            w.WriteNumber("Count", h.Count);
            w.WriteStartObject("Spec");
            var s = h.Spec;
            w.WriteNumber("Width", s.Width); w.WriteNumber("Height", s.Height);
            w.WriteNumber("X0", s.X0); w.WriteNumber("Y0", s.Y0); w.WriteNumber("X1", s.X1); w.WriteNumber("Y1", s.Y1);
            w.WriteNumber("Supersample", s.Supersample); w.WriteBoolean("Mips", s.Mips); w.WriteNumber("Format", (int)s.Format);
            w.WriteEndObject();
            w.WriteString("Job", h.Job);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The header's fields, each present with its type and within its range (the spec within <see cref="BakeSpec.Validate"/>).</summary>
    static ShardHeader ParseHeader(byte[] json, Func<string, InputFileException> bad)
    {
        if (!System.Text.Unicode.Utf8.IsValid(json)) throw bad("header is not valid UTF-8"); // JsonDocument would throw InvalidOperationException on reading it
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = MaxHeaderDepth }); }
        catch (JsonException e) { throw bad($"header is not valid JSON ({Untrusted.Escape(e.Message, 160)})"); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw bad("header is not a JSON object");
            JsonElement Field(JsonElement o, string key, JsonValueKind kind, string where)
            {
                if (!o.TryGetProperty(key, out var v)) throw bad($"header lacks {where}{key}");
                bool ok = v.ValueKind == kind || (kind == JsonValueKind.True && v.ValueKind == JsonValueKind.False);
                if (!ok) throw bad($"header field {where}{key} is {Untrusted.Quote(v.GetRawText(), 40)}, expected {(kind == JsonValueKind.True ? "a boolean" : kind.ToString().ToLowerInvariant())}");
                return v;
            }
            int Int(JsonElement o, string key, int min, int max, string where = "")
            {
                var v = Field(o, key, JsonValueKind.Number, where);
                if (!v.TryGetInt32(out int i) || i < min || i > max) throw bad($"header field {where}{key} is {Untrusted.Quote(v.GetRawText(), 40)}, expected a whole number in {min}..{max}");
                return i;
            }
            double Real(JsonElement o, string key)
            {
                var v = Field(o, key, JsonValueKind.Number, "Spec.");
                if (!v.TryGetDouble(out double d) || !double.IsFinite(d)) throw bad($"header field Spec.{key} is {Untrusted.Quote(v.GetRawText(), 40)}, expected a finite number");
                return d;
            }
            int count = Int(root, "Count", 1, Shard.MaxCount);
            int index = Int(root, "Index", 0, count - 1);
            var spec = Field(root, "Spec", JsonValueKind.Object, "");
            string job = Field(root, "Job", JsonValueKind.String, "").GetString()!;
            if (job.Length > MaxJobChars) throw bad($"header field Job is {job.Length} characters; at most {MaxJobChars}");
            var bakeSpec = new BakeSpec(
                Int(spec, "Width", 1, BakeSpec.MaxSide, "Spec."), Int(spec, "Height", 1, BakeSpec.MaxSide, "Spec."),
                Real(spec, "X0"), Real(spec, "Y0"), Real(spec, "X1"), Real(spec, "Y1"),
                Int(spec, "Supersample", 1, BakeSpec.MaxSupersample, "Spec."), Field(spec, "Mips", JsonValueKind.True, "Spec.").GetBoolean(),
                (BakeFormat)Int(spec, "Format", 0, BakeSpec.FormatNames.Length - 1, "Spec."));
            try { bakeSpec.Validate(); }
            catch (ArgumentException e) { throw bad($"header holds an impossible texture: {e.Message}"); }
            return new ShardHeader(index, count, bakeSpec, job);
        }
    }

    /// <summary>The rows of a shard: errors of the compressed data (zlib's "unsupported compression method"…) name the file.</summary>
    sealed class NamedRows(ZLibStream z, string name) : Stream
    {
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer)
        {
            try { return z.Read(buffer); }
            catch (InvalidDataException e) { throw new InvalidDataException($"{name}: corrupt compressed rows ({e.Message})", e); }
        }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        protected override void Dispose(bool disposing) { if (disposing) z.Dispose(); base.Dispose(disposing); }
    }

    sealed class Sink(ZLibStream z) : ITextureSink
    {
        public void WriteRow(int level, ReadOnlySpan<byte> row) => z.Write(row);
        public void Finish() => z.Dispose();
        public void Dispose() => z.Dispose();
    }
}
