using System.Buffers.Binary;
using System.Text.Json;
using Creps.Render.IO;

namespace Creps.Render.Model;

/// <summary>One tensor of a safetensors file, widened to float32.</summary>
public sealed record Tensor(string Name, int[] Shape, float[] Data)
{
    public long Count => Data.LongLength;
}

/// <summary>
/// Reads and writes the safetensors container: an 8-byte little-endian header length, a JSON header
/// (name → dtype, shape, data_offsets; optional <c>__metadata__</c> of strings), then the raw data.
/// Reading validates everything against the file's real size before allocating.
/// </summary>
public static class SafeTensors
{
    /// <summary>Largest JSON header read (the safetensors format's own limit).</summary>
    public const long MaxHeaderBytes = 100 << 20;
    /// <summary>Largest model file read.</summary>
    public const long MaxFileBytes = 4L << 30;

    /// <summary>Lower-case hex SHA-256 of a model file's bytes (read through <see cref="InputFile"/>): what names the weights in shard fingerprints and texture keys.</summary>
    public static string Sha256(string path)
    {
        using var file = InputFile.Open(path, "model file", MaxFileBytes);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(file));
    }
    /// <summary>Nesting the header may have: object → tensor → shape (the rest is slack for unknown keys).</summary>
    public const int MaxHeaderDepth = 8;
    /// <summary>Most dimensions one tensor may have.</summary>
    public const int MaxRank = 8;

    public sealed record Contents(IReadOnlyDictionary<string, Tensor> Tensors, IReadOnlyDictionary<string, string> Metadata);

    /// <summary>
    /// Reads a model file through a bounded stream: the header is validated in full (extents in 128-bit arithmetic, the
    /// data section covered exactly — no overlaps, holes or trailing bytes) before any tensor is allocated, and each
    /// tensor is then read straight into its own float array. Every failure is a <see cref="ModelFormatException"/>
    /// naming the file.
    /// </summary>
    public static Contents Read(string path)
    {
        FileStream fs;
        try { fs = InputFile.Open(path, "model file", MaxFileBytes, bufferSize: 0); }
        catch (InputFileException e) { throw new ModelFormatException(e.Message, e); }
        using (fs)
        {
            try { return Parse(fs); }
            catch (ModelFormatException e) { throw new ModelFormatException($"{Untrusted.Quote(path, 200)}: {e.Message}", e); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            { throw new ModelFormatException($"{Untrusted.Quote(path, 200)}: cannot read: {e.Message}", e); }
        }
    }

    public static Contents Parse(ReadOnlySpan<byte> file)
    {
        using var ms = new MemoryStream(file.ToArray(), writable: false);
        try { return Parse(ms); }
        catch (EndOfStreamException e) { throw new ModelFormatException("truncated while reading the tensors", e); }
    }

    /// <summary>Parses a safetensors stream (seekable; its length is the file's size).</summary>
    public static Contents Parse(Stream file)
    {
        long fileLength = file.Length;
        if (fileLength < 8) throw new ModelFormatException($"truncated: {fileLength} bytes, not even a safetensors header length");
        Span<byte> lenBytes = stackalloc byte[8];
        file.Position = 0;
        file.ReadExactly(lenBytes);
        ulong headerLen = BinaryPrimitives.ReadUInt64LittleEndian(lenBytes);
        if (headerLen > (ulong)(fileLength - 8))
            throw new ModelFormatException($"header length {headerLen} runs past the end of the file ({fileLength} bytes): truncated or not a safetensors file");
        if (headerLen > MaxHeaderBytes) throw new ModelFormatException($"header length {headerLen} is over the limit of {MaxHeaderBytes} bytes");
        var header = new byte[headerLen];
        file.ReadExactly(header);
        long dataStart = 8 + (long)headerLen, dataLength = fileLength - dataStart;

        // JsonDocument checks UTF-8 only when a string is read (InvalidOperationException then): check it all first. Found by fuzzing.
        if (!System.Text.Unicode.Utf8.IsValid(header)) throw new ModelFormatException("header is not valid UTF-8: not a safetensors file?");
        JsonDocument doc;
        try { doc = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = MaxHeaderDepth }); }
        catch (JsonException e) { throw new ModelFormatException($"header is not valid JSON ({Untrusted.Escape(e.Message, 160)}): not a safetensors file?"); }
        var entries = new List<Entry>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new ModelFormatException("header is not a JSON object");
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (!seen.Add(prop.Name)) throw new ModelFormatException($"header names {Untrusted.Quote(prop.Name)} twice");
                if (prop.Name == "__metadata__")
                {
                    if (prop.Value.ValueKind != JsonValueKind.Object) throw new ModelFormatException("__metadata__ is not an object");
                    foreach (var m in prop.Value.EnumerateObject())
                        if (m.Value.ValueKind == JsonValueKind.String) metadata[m.Name] = m.Value.GetString()!;
                    continue;
                }
                entries.Add(ParseEntry(prop, dataLength));
            }
        }
        CheckCoverage(entries, dataLength);

        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var e in entries.OrderBy(e => e.Begin))
        {
            file.Position = dataStart + e.Begin;
            tensors[e.Name] = new Tensor(e.Name, e.Shape, ReadWidened(file, e));
        }
        return new Contents(tensors, metadata);
    }

    /// <summary>One header entry, its extent already checked against the data section.</summary>
    sealed record Entry(string Name, string Dtype, int[] Shape, long Count, long Begin, long End);

    static Entry ParseEntry(JsonProperty prop, long dataLength)
    {
        string name = Untrusted.Quote(prop.Name);
        var v = prop.Value;
        if (v.ValueKind != JsonValueKind.Object
            || !v.TryGetProperty("dtype", out var dt) || dt.ValueKind != JsonValueKind.String
            || !v.TryGetProperty("shape", out var sh) || sh.ValueKind != JsonValueKind.Array
            || !v.TryGetProperty("data_offsets", out var off) || off.ValueKind != JsonValueKind.Array || off.GetArrayLength() != 2)
            throw new ModelFormatException($"tensor {name} lacks dtype, shape or data_offsets");
        string dtype = dt.GetString()!;
        int elemSize = ElementSize(dtype) ?? throw new ModelFormatException($"tensor {name} has dtype {Untrusted.Escape(dtype, 16)}, which this loader does not know (F32, F16, BF16, F64)");
        if (sh.GetArrayLength() > MaxRank) throw new ModelFormatException($"tensor {name} has {sh.GetArrayLength()} dimensions; at most {MaxRank}");
        var shape = new int[sh.GetArrayLength()];
        Int128 count = 1;
        int k = 0;
        foreach (var d in sh.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out int n) || n < 0)
                throw new ModelFormatException($"tensor {name} has a bad shape {Untrusted.Escape(sh.GetRawText(), 120)} (dimensions must be whole numbers in 0..{int.MaxValue})");
            shape[k++] = n;
            count *= n; // ≤ (2³¹)⁸ would overflow Int128, so stop growing once it is already too big
            if (count > Array.MaxLength) count = (Int128)Array.MaxLength + 1;
        }
        if (off[0].ValueKind != JsonValueKind.Number || !off[0].TryGetInt64(out long begin) || begin < 0
            || off[1].ValueKind != JsonValueKind.Number || !off[1].TryGetInt64(out long end) || end < begin)
            throw new ModelFormatException($"tensor {name} has bad data_offsets {Untrusted.Escape(off.GetRawText(), 120)}");
        string shapeText = $"[{string.Join(",", shape)}]";
        if (count > Array.MaxLength)
            throw new ModelFormatException($"tensor {name}: shape {shapeText} holds more than {Array.MaxLength} elements");
        Int128 need = count * elemSize;
        if (end - begin != need)
            throw new ModelFormatException($"tensor {name}: data_offsets [{begin},{end}) hold {end - begin} bytes but shape {shapeText} of {dtype} needs {need}");
        if (end > dataLength)
            throw new ModelFormatException($"tensor {name}: data_offsets end {end} is past the data section ({dataLength} bytes): truncated file");
        return new Entry(prop.Name, dtype, shape, (long)count, begin, end);
    }

    /// <summary>The tensors must cover the data section exactly, as the format requires: no overlap, no hole, nothing after the last.</summary>
    static void CheckCoverage(List<Entry> entries, long dataLength)
    {
        long at = 0;
        Entry? previous = null;
        foreach (var e in entries.Where(e => e.End > e.Begin).OrderBy(e => e.Begin))
        {
            if (e.Begin < at) throw new ModelFormatException($"tensors {Untrusted.Quote(previous!.Name)} and {Untrusted.Quote(e.Name)} overlap in the data section");
            if (e.Begin > at) throw new ModelFormatException($"the data section has {e.Begin - at} bytes that no tensor holds before tensor {Untrusted.Quote(e.Name)} (at offset {at})");
            at = e.End;
            previous = e;
        }
        if (at != dataLength)
            throw new ModelFormatException($"{dataLength - at} trailing bytes after the last tensor (data section {dataLength} bytes, tensors end at {at})");
    }

    static int? ElementSize(string dtype) => dtype switch { "F32" => 4, "F16" => 2, "BF16" => 2, "F64" => 8, _ => null };

    /// <summary>Reads one tensor from the stream's position into a new float array: F32 straight in, others through a small chunk.</summary>
    static float[] ReadWidened(Stream file, Entry e)
    {
        var dst = new float[e.Count];
        if (e.Dtype == "F32")
        {
            var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(dst.AsSpan());
            file.ReadExactly(bytes);
            if (!BitConverter.IsLittleEndian)
                for (int i = 0; i < dst.Length; i++) dst[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]);
            return dst;
        }
        int size = ElementSize(e.Dtype)!.Value;
        var chunk = new byte[Math.Min(1 << 16, Math.Max(size, e.Count * size))];
        for (long done = 0; done < e.Count;)
        {
            int n = (int)Math.Min(chunk.Length / size, e.Count - done);
            var raw = chunk.AsSpan(0, n * size);
            file.ReadExactly(raw);
            var d = dst.AsSpan((int)done, n);
            switch (e.Dtype)
            {
                case "F16":
                    for (int i = 0; i < n; i++) d[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(raw[(2 * i)..]);
                    break;
                case "BF16":
                    for (int i = 0; i < n; i++) d[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(raw[(2 * i)..]) << 16);
                    break;
                case "F64":
                    for (int i = 0; i < n; i++) d[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(raw[(8 * i)..]);
                    break;
            }
            done += n;
        }
        return dst;
    }

    /// <summary>Writes F32 tensors (sorted by name) with string metadata, atomically (temp file + rename).</summary>
    public static void Write(string path, IEnumerable<Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var sorted = tensors.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        byte[] json = Header(sorted, metadata);
        int pad = (8 - json.Length % 8) % 8;
        AtomicFile.Write(path, stream =>
        {
            Span<byte> len = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)(json.Length + pad));
            stream.Write(len);
            stream.Write(json);
            for (int i = 0; i < pad; i++) stream.WriteByte((byte)' ');
            foreach (var t in sorted) stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(t.Data.AsSpan()));
        });
    }

    /// <summary>The JSON header: optional __metadata__, then per tensor its dtype, shape and byte range (compact, in tensor order).</summary>
    static byte[] Header(IReadOnlyList<Tensor> sorted, IReadOnlyDictionary<string, string>? metadata)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            if (metadata != null)
            {
                w.WriteStartObject("__metadata__");
                foreach (var (k, v) in metadata) w.WriteString(k, v);
                w.WriteEndObject();
            }
            long offset = 0;
            foreach (var t in sorted)
            {
                long bytes = t.Count * 4;
                w.WriteStartObject(t.Name);
                w.WriteString("dtype", "F32");
                w.WriteStartArray("shape");
                foreach (var d in t.Shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset); w.WriteNumberValue(offset + bytes);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += bytes;
            }
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
