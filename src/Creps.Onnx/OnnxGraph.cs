using Creps.Render;
using System.Runtime.InteropServices;

namespace Creps.Onnx;

/// <summary>
/// Builds one ONNX graph: named inputs and outputs, float32/int64 initializers, and nodes whose outputs get fresh
/// names. Serialises to a ModelProto (IR 8, opset 17) through <see cref="OnnxProto"/>.
/// </summary>
internal sealed class OnnxGraph
{
    public const int Opset = 17;
    public const long IrVersion = 8;

    readonly string _name;
    readonly List<byte[]> _nodes = new(), _initializers = new(), _inputs = new(), _outputs = new();
    readonly HashSet<string> _names = new(StringComparer.Ordinal);
    readonly Dictionary<string, string> _constants = new(StringComparer.Ordinal);
    int _next;

    public OnnxGraph(string name) { _name = name; }

    /// <summary>A graph input; a dim is a long (fixed) or a string (a named dynamic size).</summary>
    public string Input(string name, OnnxProto.DataType type, params object[] dims)
    {
        Claim(name);
        _inputs.Add(OnnxProto.ValueInfo(name, type, dims));
        return name;
    }

    /// <summary>Renames <paramref name="value"/> to the graph output <paramref name="name"/> (through Identity).</summary>
    public void Output(string value, string name, OnnxProto.DataType type, params object[] dims)
    {
        Claim(name);
        _nodes.Add(OnnxProto.Node($"out_{name}", "Identity", [value], [name], []));
        _outputs.Add(OnnxProto.ValueInfo(name, type, dims));
    }

    /// <summary>A float32 initializer under its own (e.g. official state_dict) name, added once.</summary>
    public string Initializer(string name, float[] data, params long[] dims)
    {
        if (_names.Contains(name)) return name;
        Claim(name);
        _initializers.Add(OnnxProto.Tensor(name, dims, OnnxProto.DataType.Float, MemoryMarshal.AsBytes(data.AsSpan())));
        return name;
    }

    /// <summary>A float32 constant (a scalar when <paramref name="dims"/> is empty), shared by every use.</summary>
    public string Const(float[] values, params long[] dims) => Constant(OnnxProto.DataType.Float, MemoryMarshal.AsBytes(values.AsSpan()).ToArray(), dims);
    public string Const(float value) => Const([value]);

    /// <summary>An int64 constant: a 1-D vector, or a scalar when <paramref name="scalar"/>.</summary>
    public string ConstI64(long[] values, bool scalar = false) =>
        Constant(OnnxProto.DataType.Int64, MemoryMarshal.AsBytes(values.AsSpan()).ToArray(), scalar ? [] : [values.Length]);

    string Constant(OnnxProto.DataType type, byte[] raw, long[] dims)
    {
        string key = $"{type}/{string.Join(",", dims)}/{Convert.ToHexString(raw)}";
        if (_constants.TryGetValue(key, out var name)) return name;
        name = $"const_{_constants.Count}";
        Claim(name);
        _initializers.Add(OnnxProto.Tensor(name, dims, type, raw));
        _constants[key] = name;
        return name;
    }

    /// <summary>Adds a node with one output and returns that output's name.</summary>
    public string Op(string opType, string[] inputs, params (string Name, object Value)[] attributes) => OpN(opType, inputs, 1, attributes)[0];

    public string[] OpN(string opType, string[] inputs, int outputs, params (string Name, object Value)[] attributes)
    {
        int id = _next++;
        var outs = Enumerable.Range(0, outputs).Select(k => $"{opType}_{id}" + (outputs > 1 ? $"_{k}" : "")).ToArray();
        foreach (var o in outs) Claim(o);
        _nodes.Add(OnnxProto.Node($"n{id}_{opType}", opType, inputs, outs, attributes));
        return outs;
    }

    void Claim(string name)
    {
        if (!_names.Add(name)) throw new InvalidOperationException($"ONNX graph '{_name}': the name '{name}' is used twice");
    }

    public byte[] ToModel(string doc) =>
        OnnxProto.Model(IrVersion, Opset, "creps", typeof(OnnxGraph).Assembly.GetName().Version?.ToString() ?? "0",
            doc, OnnxProto.Graph(_name, _nodes, _initializers, _inputs, _outputs));
}
