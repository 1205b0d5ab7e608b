using Creps.Render.Packing;

namespace Creps.Render.Vulkan;

/// <summary>Floats appended to one buffer image; every entry starts on a 16-byte boundary (the shaders' vec4 loads).</summary>
internal sealed class FloatPacker
{
    readonly List<float> _data = new();
    public int Count => _data.Count;
    public float[] ToArray() => _data.ToArray();

    public int Add(ReadOnlySpan<float> values)
    {
        Align();
        int off = _data.Count;
        foreach (float v in values) _data.Add(v);
        return off;
    }

    void Align() { while (_data.Count % 4 != 0) _data.Add(0f); }

    /// <summary>
    /// A dense layer for the per-pixel pass: W [outP][inP] then bias [outP], from a CPU-packed layer (gains, and for the
    /// head its styles and demodulation, folded in); rows and columns beyond the layer's real size are zero.
    /// </summary>
    public int AddDense(PackedLayer l, int inP, int outP)
    {
        if (l.In > inP || l.Out > outP) throw new InvalidOperationException($"layer {l.In}→{l.Out} does not fit {inP}→{outP}");
        var w = new float[outP * inP + outP];
        for (int o = 0; o < l.Out; o++)
        {
            for (int i = 0; i < l.In; i++) w[o * inP + i] = l.At(o, i);
            w[outP * inP + o] = l.Bias[o];
        }
        return Add(w);
    }

    /// <summary>A line layer for line_gemm.comp: Wᵀ [In][OutPad] (row i holds every output's weight for input i).</summary>
    public int AddTransposed(PackedLayer l)
    {
        var w = new float[l.In * l.OutPad];
        for (int i = 0; i < l.In; i++)
            for (int o = 0; o < l.Out; o++) w[i * l.OutPad + o] = l.At(o, i);
        return Add(w);
    }
}
