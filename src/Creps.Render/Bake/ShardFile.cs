using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using System.Text.Json;

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

    public static ITextureSink Create(Stream output, ShardHeader header)
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(header, ShardJson.Default.ShardHeader);
        Span<byte> head = stackalloc byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(head, Version);
        BinaryPrimitives.WriteInt32LittleEndian(head[4..], json.Length);
        output.Write(Magic);
        output.Write(head);
        output.Write(json);
        return new Sink(new ZLibStream(output, CompressionLevel.Fastest, leaveOpen: true));
    }

    /// <summary>Reads a shard's header; the returned stream yields its rows.</summary>
    public static (ShardHeader Header, Stream Rows) Open(string path)
    {
        var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        try
        {
            Span<byte> head = stackalloc byte[16];
            if (fs.ReadAtLeast(head, 16, throwOnEndOfStream: false) < 16 || !head[..8].SequenceEqual(Magic))
                throw new InvalidDataException($"'{path}' is not a creps shard file");
            int version = BinaryPrimitives.ReadInt32LittleEndian(head[8..]), len = BinaryPrimitives.ReadInt32LittleEndian(head[12..]);
            if (version != Version) throw new InvalidDataException($"'{path}': shard format version {version}, this creps reads {Version}");
            if (len < 2 || len > 1 << 20) throw new InvalidDataException($"'{path}': corrupt shard header");
            var json = new byte[len];
            fs.ReadExactly(json);
            ShardHeader header;
            try { header = JsonSerializer.Deserialize(json, ShardJson.Default.ShardHeader) ?? throw new InvalidDataException($"'{path}': empty shard header"); }
            catch (JsonException e) { throw new InvalidDataException($"'{path}': corrupt shard header ({e.Message})"); }
            return (header, new ZLibStream(fs, CompressionMode.Decompress));
        }
        catch
        {
            fs.Dispose();
            throw;
        }
    }

    sealed class Sink(ZLibStream z) : ITextureSink
    {
        public void WriteRow(int level, ReadOnlySpan<byte> row) => z.Write(row);
        public void Finish() => z.Dispose();
        public void Dispose() => z.Dispose();
    }
}
