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
    public const long MaxHeaderBytes = 100 << 20;

    public sealed record Contents(IReadOnlyDictionary<string, Tensor> Tensors, IReadOnlyDictionary<string, string> Metadata);

    public static Contents Read(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException(Directory.Exists(path) ? $"model path '{path}' is a directory, not a file" : $"model file '{path}' does not exist", path);
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (IOException e) { throw new ModelFormatException($"{path}: cannot read: {e.Message}", e); }
        catch (UnauthorizedAccessException e) { throw new ModelFormatException($"{path}: cannot read: {e.Message}", e); }
        try { return Parse(bytes); }
        catch (ModelFormatException e) { throw new ModelFormatException($"{path}: {e.Message}", e); }
    }

    public static Contents Parse(ReadOnlySpan<byte> file)
    {
        if (file.Length < 8) throw new ModelFormatException($"truncated: {file.Length} bytes, not even a safetensors header length");
        ulong headerLen = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (headerLen > (ulong)(file.Length - 8))
            throw new ModelFormatException($"header length {headerLen} runs past the end of the file ({file.Length} bytes): truncated or not a safetensors file");
        if (headerLen > MaxHeaderBytes) throw new ModelFormatException($"header length {headerLen} is absurd");
        var header = file.Slice(8, (int)headerLen);
        var data = file[(8 + (int)headerLen)..];

        JsonDocument doc;
        try { doc = JsonDocument.Parse(header.ToArray()); }
        catch (JsonException e) { throw new ModelFormatException($"header is not valid JSON ({e.Message}): not a safetensors file?"); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new ModelFormatException("header is not a JSON object");
            var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var ranges = new List<(long Begin, long End, string Name)>();
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (prop.Name == "__metadata__")
                {
                    if (prop.Value.ValueKind != JsonValueKind.Object) throw new ModelFormatException("__metadata__ is not an object");
                    foreach (var m in prop.Value.EnumerateObject())
                        if (m.Value.ValueKind == JsonValueKind.String) metadata[m.Name] = m.Value.GetString()!;
                    continue;
                }
                var (dtype, shape, begin, end) = ParseEntry(prop);
                int elemSize = ElementSize(dtype) ?? throw new ModelFormatException($"tensor '{prop.Name}' has dtype {dtype}, which this loader does not know (F32, F16, BF16, F64)");
                long count = 1;
                foreach (int d in shape) count = checked(count * d);
                if (end - begin != count * elemSize)
                    throw new ModelFormatException($"tensor '{prop.Name}': data_offsets [{begin},{end}) hold {end - begin} bytes but shape [{string.Join(",", shape)}] of {dtype} needs {count * elemSize}");
                if (end > data.Length)
                    throw new ModelFormatException($"tensor '{prop.Name}': data_offsets end {end} is past the data section ({data.Length} bytes): truncated file");
                ranges.Add((begin, end, prop.Name));
                var values = Widen(data[(int)begin..(int)end], dtype, count);
                tensors[prop.Name] = new Tensor(prop.Name, shape, values);
            }
            ranges.Sort((a, b) => a.Begin.CompareTo(b.Begin));
            for (int i = 1; i < ranges.Count; i++)
                if (ranges[i].Begin < ranges[i - 1].End)
                    throw new ModelFormatException($"tensors '{ranges[i - 1].Name}' and '{ranges[i].Name}' overlap in the data section");
            return new Contents(tensors, metadata);
        }
    }

    static (string Dtype, int[] Shape, long Begin, long End) ParseEntry(JsonProperty prop)
    {
        var v = prop.Value;
        if (v.ValueKind != JsonValueKind.Object
            || !v.TryGetProperty("dtype", out var dt) || dt.ValueKind != JsonValueKind.String
            || !v.TryGetProperty("shape", out var sh) || sh.ValueKind != JsonValueKind.Array
            || !v.TryGetProperty("data_offsets", out var off) || off.ValueKind != JsonValueKind.Array || off.GetArrayLength() != 2)
            throw new ModelFormatException($"tensor '{prop.Name}' lacks dtype, shape or data_offsets");
        var shape = new int[sh.GetArrayLength()];
        int k = 0;
        foreach (var d in sh.EnumerateArray())
        {
            if (!d.TryGetInt32(out int n) || n < 0) throw new ModelFormatException($"tensor '{prop.Name}' has a bad shape {sh.GetRawText()}");
            shape[k++] = n;
        }
        long begin = off[0].TryGetInt64(out long b0) ? b0 : -1, end = off[1].TryGetInt64(out long e0) ? e0 : -1;
        if (begin < 0 || end < begin) throw new ModelFormatException($"tensor '{prop.Name}' has bad data_offsets {off.GetRawText()}");
        return (dt.GetString()!, shape, begin, end);
    }

    static int? ElementSize(string dtype) => dtype switch { "F32" => 4, "F16" => 2, "BF16" => 2, "F64" => 8, _ => null };

    static float[] Widen(ReadOnlySpan<byte> raw, string dtype, long count)
    {
        var dst = new float[count];
        switch (dtype)
        {
            case "F32":
                if (BitConverter.IsLittleEndian) System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(raw).CopyTo(dst);
                else for (int i = 0; i < dst.Length; i++) dst[i] = BinaryPrimitives.ReadSingleLittleEndian(raw[(4 * i)..]);
                break;
            case "F16":
                for (int i = 0; i < dst.Length; i++) dst[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(raw[(2 * i)..]);
                break;
            case "BF16":
                for (int i = 0; i < dst.Length; i++) dst[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(raw[(2 * i)..]) << 16);
                break;
            case "F64":
                for (int i = 0; i < dst.Length; i++) dst[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(raw[(8 * i)..]);
                break;
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
