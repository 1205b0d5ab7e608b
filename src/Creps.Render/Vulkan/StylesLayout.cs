using Creps.Render.Latents;
using Silk.NET.Vulkan;
using Creps.Render.Packing;

namespace Creps.Render.Vulkan;

/// <summary>Where each layer's per-latent data sits inside one latent's slot (float offsets, the same for every latent).</summary>
internal sealed class StylesLayout
{
    public int MulOff { get; }
    public (int Style, int Demod) B4Fc1 { get; }
    public ((int Style, int Demod) Fc0, (int Style, int Demod) Fc1, (int Style, int Demod) ToRes)[] Blocks { get; }
    /// <summary>block0.fc0, fc1, tores, block1.fc0, fc1, tores with styles and demodulation baked in, [out][in].</summary>
    public int HeadOff { get; }
    public int Floats { get; }

    public StylesLayout(DeviceModel m, LatentStyles sample)
    {
        var p = Pack(m, sample, out var mul, out var b4, out var blocks, out int head);
        MulOff = mul; B4Fc1 = b4; Blocks = blocks; HeadOff = head; Floats = p.Count;
    }

    /// <summary>Packs one latent's styles; the offsets are the same for every latent of a model.</summary>
    public static FloatPacker Pack(DeviceModel m, LatentStyles st, out int mulOff, out (int, int) b4,
        out ((int, int), (int, int), (int, int))[] blocks, out int headOff)
    {
        var p = new FloatPacker();
        (int, int) Line(LatentStyles.LineStyle s) => (p.Add(s.Style), s.Demod == null ? -1 : p.Add(s.Demod));
        mulOff = p.Add(st.InputMul);
        b4 = Line(st.B4Fc1);
        blocks = st.LineBlocks.Select(b => (Line(b.Fc0), Line(b.Fc1), Line(b.ToRes))).ToArray();
        int bp = m.BPad;
        var h = st.Head;
        headOff = p.AddDense(h[0], bp, 4 * bp);
        p.AddDense(h[1], 4 * bp, 4 * bp);
        p.AddDense(h[2], 4 * bp, 4);
        p.AddDense(h[3], 4 * bp, 2 * bp);
        p.AddDense(h[4], 2 * bp, 2 * bp);
        p.AddDense(h[5], 2 * bp, 4);
        return p;
    }
}
