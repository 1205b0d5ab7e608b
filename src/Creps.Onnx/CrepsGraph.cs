using Creps.Render;
using Creps.Render.Model;

namespace Creps.Onnx;

/// <summary>
/// The CREPS generator's arithmetic (docs: creps-model.md) as ONNX nodes on an <see cref="OnnxGraph"/>. Weights
/// are initializers under their official state_dict names; styles and demodulation are computed in the graph from
/// the ws input. Line activations are row-major [N, C]; per-pixel features are channels-first [C, P] so every layer
/// is one Gemm with no transposes of pixel-sized tensors.
/// </summary>
internal sealed class CrepsGraph
{
    static readonly float Sqrt2 = MathF.Sqrt(2f), SqrtHalf = MathF.Sqrt(0.5f);

    readonly OnnxGraph _g;
    readonly CrepsModel _m;
    readonly string? _ws;
    readonly Dictionary<int, string> _w = new();
    readonly Dictionary<string, string> _modulated = new(StringComparer.Ordinal);

    CrepsConfig C => _m.Config;

    /// <param name="ws">The graph value holding ws [1, num_ws, w_dim] (null for the mapping graph).</param>
    public CrepsGraph(OnnxGraph g, CrepsModel m, string? ws) { _g = g; _m = m; _ws = ws; }

    // ---- weights ----
    string Weight(string layer, float[] data, int outF, int inF) => _g.Initializer($"{layer}.weight", data, outF, inF);
    string Bias(string layer, float[] data, int outF) => _g.Initializer($"{layer}.bias", data, outF);
    string BiasColumn(string layer, float[] data, int outF) => _g.Op("Reshape", [Bias(layer, data, outF), _g.ConstI64([outF, 1])]);

    // ---- small helpers ----
    string Mul(string a, string b) => _g.Op("Mul", [a, b]);
    string Add(string a, string b) => _g.Op("Add", [a, b]);
    string Reshape(string x, params long[] shape) => _g.Op("Reshape", [x, _g.ConstI64(shape)]);
    string Transpose(string x, params long[] perm) => _g.Op("Transpose", [x], ("perm", perm));
    string Gather(string x, long index, long axis) => _g.Op("Gather", [x, _g.ConstI64([index], scalar: true)], ("axis", axis));

    string Activation(string y, bool lrelu, float clamp)
    {
        if (lrelu) y = Mul(_g.Op("LeakyRelu", [y], ("alpha", 0.2f)), _g.Const(Sqrt2));
        if (float.IsFinite(clamp)) y = _g.Op("Clip", [y, _g.Const(-clamp), _g.Const(clamp)]);
        return y;
    }

    /// <summary>ws[index] as [1, w_dim].</summary>
    string W(int index)
    {
        if (_ws == null) throw new InvalidOperationException("this graph has no ws input");
        if (!_w.TryGetValue(index, out var w)) _w[index] = w = Gather(_ws, index, 1);
        return w;
    }

    /// <summary>An equalised FC layer on row-major x [N, in] → [N, out].</summary>
    public string DenseRows(string x, DenseLayer l) =>
        Activation(_g.Op("Gemm", [x, Weight(l.Name, l.Weight, l.Out, l.In), Bias(l.Name, l.Bias, l.Out)],
            ("alpha", l.WeightGain), ("beta", l.BiasGain), ("transB", 1L)), l.Lrelu, float.PositiveInfinity);

    /// <summary>An equalised FC layer on channels-first f [in, P] → [out, P].</summary>
    string DenseCols(string f, DenseLayer l) =>
        Activation(_g.Op("Gemm", [Weight(l.Name, l.Weight, l.Out, l.In), f, BiasColumn(l.Name, l.Bias, l.Out)],
            ("alpha", l.WeightGain), ("beta", l.BiasGain)), l.Lrelu, float.PositiveInfinity);

    /// <summary>W'' [out, in]: weight · style (· demodulation), from this graph's ws. Built once per layer.</summary>
    string ModulatedWeight(ModulatedLayer l)
    {
        if (_modulated.TryGetValue(l.Name, out var cached)) return cached;
        string style = DenseRows(W(l.WIndex), l.Affine);
        if (l.StyleGain != 1f) style = Mul(style, _g.Const(l.StyleGain));
        string wm = Mul(Weight(l.Name, l.Weight, l.Out, l.In), style);
        if (l.Demodulate)
        {
            string sq = _g.Op("ReduceSum", [Mul(wm, wm), _g.ConstI64([1])], ("keepdims", 1L));
            string d = _g.Op("Reciprocal", [_g.Op("Sqrt", [Add(sq, _g.Const(1e-8f))])]);
            wm = Mul(wm, d);
        }
        return _modulated[l.Name] = wm;
    }

    string ModulatedRows(string x, ModulatedLayer l) =>
        Activation(_g.Op("Gemm", [x, ModulatedWeight(l), Bias(l.Name, l.Bias, l.Out)], ("transB", 1L)), l.Lrelu, C.FcClamp);

    string ModulatedCols(string f, ModulatedLayer l) =>
        Activation(_g.Op("Gemm", [ModulatedWeight(l), f, BiasColumn(l.Name, l.Bias, l.Out)]), l.Lrelu, C.FcClamp);

    // ---- the network ----

    /// <summary>z [1, z_dim], ψ (scalar) → ws [1, num_ws, w_dim]: normalise, mapping layers, truncation of every ws.</summary>
    public string Mapping(string z, string psi)
    {
        string ms = _g.Op("ReduceMean", [Mul(z, z)], ("axes", new long[] { 1 }), ("keepdims", 1L));
        string x = Mul(z, _g.Op("Reciprocal", [_g.Op("Sqrt", [Add(ms, _g.Const(1e-8f))])]));
        foreach (var l in _m.Mapping) x = DenseRows(x, l);
        string avg = _g.Initializer("mapping.w_avg", _m.WAvg, C.WDim);
        string w = Add(avg, Mul(psi, _g.Op("Sub", [x, avg])));
        return _g.Op("Expand", [_g.Op("Unsqueeze", [w, _g.ConstI64([1])]), _g.ConstI64([1, C.NumWs, C.WDim])]);
    }

    /// <summary>
    /// Fourier features of float32 coordinates t [L] → [L, r, C] (unscaled): channel q &lt; C/2 is
    /// sin((t·freq)·float32(2π)), channel q + C/2 is sin(that + float32(π/2)), as the official float32 code computes them.
    /// </summary>
    public string Features(string t)
    {
        int half = C.InputChannels / 2, r = C.Rank;
        string freqs = _g.Initializer("synthesis.b4.input.freqs", _m.Input.Freqs, 1, half * r);
        string phase = Mul(Mul(_g.Op("Unsqueeze", [t, _g.ConstI64([1])]), freqs), _g.Const((float)(2 * Math.PI)));
        string sin = Reshape(_g.Op("Sin", [phase]), -1, half, r);
        string cos = Reshape(_g.Op("Sin", [Add(phase, _g.Const((float)(Math.PI / 2)))]), -1, half, r);
        return Transpose(_g.Op("Concat", [sin, cos], ("axis", 1L)), 0, 2, 1);
    }

    /// <summary>
    /// The line pass: features [L, r, C] of one axis (<paramref name="slot"/>: int64 scalar, 0 = rows, 1 = columns)
    /// → per stage the biline running sum × √½, [S, L, r, B].
    /// </summary>
    public string Lines(string features, string slot)
    {
        int ch = C.InputChannels, r = C.Rank, b = C.BilineChannels;
        var inp = _m.Input;
        string a = Reshape(DenseRows(W(InputLayer.WIndex), inp.Affine), ch, 2 * r);
        string weight = Reshape(_g.Initializer("synthesis.b4.input.weight", inp.Weight, 1, ch, 1, 2 * r), ch, 2 * r);
        string mul = Mul(Mul(weight, a), _g.Const(1f / MathF.Sqrt(ch)));
        string mulRC = Transpose(_g.Op("Gather", [Reshape(mul, ch, 2, r), slot], ("axis", 1L)), 1, 0);
        string x = Reshape(Mul(features, mulRC), -1, ch);

        x = ModulatedRows(x, _m.Blocks[0].Fc1);
        string? biline = null;
        var stages = new List<string>();
        foreach (var block in _m.Blocks.Skip(1))
        {
            x = ModulatedRows(x, block.Fc0!);
            x = ModulatedRows(x, block.Fc1);
            string t = ModulatedRows(x, block.ToRes!);
            biline = biline == null ? t : Add(biline, t);
            stages.Add(Reshape(Mul(biline, _g.Const(SqrtHalf)), 1, -1, r, b));
        }
        return _g.Op("Concat", stages.ToArray(), ("axis", 0L));
    }

    /// <summary>The per-pixel pass: row lines [S, h, r, B] and column lines [S, w, r, B] → img [1, 3, h, w].</summary>
    public string Pixels(string rowLines, string colLines)
    {
        int b = C.BilineChannels;
        string? feat = null;
        for (int s = 0; s < C.StageCount; s++)
        {
            string x = Transpose(Gather(rowLines, s, 0), 2, 0, 1);   // [B, h, r]
            string y = Transpose(Gather(colLines, s, 0), 2, 1, 0);   // [B, r, w]
            string nf = Reshape(_g.Op("MatMul", [x, y]), b, -1);     // [B, h·w]
            feat = feat == null ? nf : Add(Mlp(feat, _m.StageDecoders[s - 1]), nf);
        }
        string h = Mlp(feat!, _m.DecoderLast);
        string img = DenseCols(h, _m.DecoderImg);
        string t = ModulatedCols(ModulatedCols(h, _m.Block0.Fc0), _m.Block0.Fc1);
        img = Add(img, ModulatedCols(t, _m.Block0.ToRes));
        t = ModulatedCols(ModulatedCols(t, _m.Block1.Fc0), _m.Block1.Fc1);
        img = Add(img, ModulatedCols(t, _m.Block1.ToRes));
        string shape = _g.Op("Concat", [_g.ConstI64([1, C.ImgChannels]),
            _g.Op("Shape", [rowLines], ("start", 1L), ("end", 2L)), _g.Op("Shape", [colLines], ("start", 1L), ("end", 2L))], ("axis", 0L));
        return _g.Op("Reshape", [img, shape]);
    }

    string Mlp(string f, DenseLayer[] layers)
    {
        foreach (var l in layers) f = DenseCols(f, l);
        return f;
    }
}
