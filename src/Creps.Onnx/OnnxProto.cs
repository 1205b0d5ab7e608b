using Creps.Render;
using Google.Protobuf;

namespace Creps.Onnx;

/// <summary>
/// The few ONNX protobuf messages an exported model needs, encoded by hand with <see cref="CodedOutputStream"/>.
/// Field numbers are those of the public onnx.proto (proto2): ModelProto, GraphProto, NodeProto, AttributeProto,
/// TensorProto, ValueInfoProto, TypeProto(.Tensor), TensorShapeProto(.Dimension), OperatorSetIdProto.
/// Each message is encoded into its own byte array, then embedded in its parent as a length-delimited field.
/// </summary>
internal static class OnnxProto
{
    /// <summary>TensorProto.DataType values used here.</summary>
    public enum DataType { Float = 1, Int64 = 7 }

    /// <summary>AttributeProto.AttributeType values used here.</summary>
    enum AttributeType { Float = 1, Int = 2, String = 3, Floats = 6, Ints = 7 }

    static byte[] Encode(Action<CodedOutputStream> write)
    {
        using var ms = new MemoryStream();
        using (var cos = new CodedOutputStream(ms, leaveOpen: true)) { write(cos); cos.Flush(); }
        return ms.ToArray();
    }

    static void Bytes(CodedOutputStream o, int field, byte[] bytes)
    {
        o.WriteTag(field, WireFormat.WireType.LengthDelimited);
        o.WriteBytes(UnsafeByteOperations.UnsafeWrap(bytes));
    }

    static void String(CodedOutputStream o, int field, string value)
    {
        o.WriteTag(field, WireFormat.WireType.LengthDelimited);
        o.WriteString(value);
    }

    static void Int64(CodedOutputStream o, int field, long value)
    {
        o.WriteTag(field, WireFormat.WireType.Varint);
        o.WriteInt64(value);
    }

    /// <summary>ModelProto: ir_version 1, producer_name 2, producer_version 3, graph 7, opset_import 8, doc_string 6.</summary>
    public static byte[] Model(long irVersion, int opset, string producer, string producerVersion, string doc, byte[] graph) => Encode(o =>
    {
        Int64(o, 1, irVersion);
        String(o, 2, producer);
        String(o, 3, producerVersion);
        String(o, 6, doc);
        Bytes(o, 7, graph);
        // OperatorSetIdProto: domain 1 ("" = the default ai.onnx domain), version 2.
        Bytes(o, 8, Encode(s => { String(s, 1, ""); Int64(s, 2, opset); }));
    });

    /// <summary>GraphProto: node 1, name 2, initializer 5, input 11, output 12.</summary>
    public static byte[] Graph(string name, IEnumerable<byte[]> nodes, IEnumerable<byte[]> initializers, IEnumerable<byte[]> inputs, IEnumerable<byte[]> outputs) => Encode(o =>
    {
        foreach (var n in nodes) Bytes(o, 1, n);
        String(o, 2, name);
        foreach (var t in initializers) Bytes(o, 5, t);
        foreach (var v in inputs) Bytes(o, 11, v);
        foreach (var v in outputs) Bytes(o, 12, v);
    });

    /// <summary>NodeProto: input 1, output 2, name 3, op_type 4, attribute 5.</summary>
    public static byte[] Node(string name, string opType, IEnumerable<string> inputs, IEnumerable<string> outputs, IEnumerable<(string Name, object Value)> attributes) => Encode(o =>
    {
        foreach (var i in inputs) String(o, 1, i);
        foreach (var v in outputs) String(o, 2, v);
        String(o, 3, name);
        String(o, 4, opType);
        foreach (var (n, v) in attributes) Bytes(o, 5, Attribute(n, v));
    });

    /// <summary>AttributeProto: name 1, f 2, i 3, s 4, floats 7, ints 8, type 20.</summary>
    static byte[] Attribute(string name, object value) => Encode(o =>
    {
        String(o, 1, name);
        switch (value)
        {
            case float f:
                o.WriteTag(2, WireFormat.WireType.Fixed32); o.WriteFloat(f);
                Int64(o, 20, (long)AttributeType.Float);
                break;
            case int or long:
                Int64(o, 3, Convert.ToInt64(value));
                Int64(o, 20, (long)AttributeType.Int);
                break;
            case string s:
                Bytes(o, 4, System.Text.Encoding.UTF8.GetBytes(s));
                Int64(o, 20, (long)AttributeType.String);
                break;
            case long[] ints:
                foreach (long v in ints) Int64(o, 8, v);
                Int64(o, 20, (long)AttributeType.Ints);
                break;
            case float[] floats:
                foreach (float v in floats) { o.WriteTag(7, WireFormat.WireType.Fixed32); o.WriteFloat(v); }
                Int64(o, 20, (long)AttributeType.Floats);
                break;
            default:
                throw new ArgumentException($"attribute '{name}': unsupported value type {value.GetType().Name}");
        }
    });

    /// <summary>TensorProto: dims 1, data_type 2, name 8, raw_data 9 (little-endian).</summary>
    public static byte[] Tensor(string name, long[] dims, DataType type, ReadOnlySpan<byte> rawLittleEndian)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX raw_data is little-endian; this exporter assumes a little-endian host");
        var raw = rawLittleEndian.ToArray();
        return Encode(o =>
        {
            foreach (long d in dims) Int64(o, 1, d);
            Int64(o, 2, (long)type);
            String(o, 8, name);
            Bytes(o, 9, raw);
        });
    }

    /// <summary>
    /// ValueInfoProto (name 1, type 2) of a tensor: TypeProto.tensor_type 1 → elem_type 1, shape 2 →
    /// TensorShapeProto.dim 1 → Dimension.dim_value 1 (a long) or dim_param 2 (a symbolic name).
    /// </summary>
    public static byte[] ValueInfo(string name, DataType type, IEnumerable<object> dims) => Encode(o =>
    {
        String(o, 1, name);
        var shape = Encode(s =>
        {
            foreach (var d in dims)
                Bytes(s, 1, Encode(dim =>
                {
                    if (d is string p) String(dim, 2, p); else Int64(dim, 1, Convert.ToInt64(d));
                }));
        });
        var tensorType = Encode(t => { Int64(t, 1, (long)type); Bytes(t, 2, shape); });
        Bytes(o, 2, Encode(t => Bytes(t, 1, tensorType)));
    });
}
