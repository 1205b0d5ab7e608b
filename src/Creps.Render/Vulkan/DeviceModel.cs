using Creps.Render.Model;
using Creps.Render.Packing;

namespace Creps.Render.Vulkan;

/// <summary>
/// The model's constants on the device, uploaded once: line layers as Wᵀ [In][OutPad] + bias (the CPU backend's
/// packing, styles applied at run time), the Fourier frequencies, and the per-pixel decoders as [out][in] padded
/// to BPad multiples (decoder_16 … decoder_R, decoder_last, decoder_img).
/// </summary>
internal sealed class DeviceModel : IDisposable
{
    public PackedModel Packed { get; }
    public CrepsConfig Config => Packed.Config;
    public DeviceLineLayer B4Fc1 { get; }
    public (DeviceLineLayer Fc0, DeviceLineLayer Fc1, DeviceLineLayer ToRes)[] Blocks { get; }
    public int FreqOff { get; }
    public int DecoderOff { get; }
    /// <summary>Biline channels padded to a multiple of 8 (the lines' row width and the per-pixel feature width).</summary>
    public int BPad { get; }
    /// <summary>Widest padded line activation.</summary>
    public int MaxWidth { get; }
    public GpuBuffer Buffer { get; }

    public DeviceModel(VulkanContext ctx, DeviceMemoryPool pool, PackedModel packed)
    {
        Packed = packed;
        BPad = packed.BPad;
        MaxWidth = packed.MaxLineWidth;
        var p = new FloatPacker();
        DeviceLineLayer Line(PackedLayer l) => new(l.In, l.Out, l.InPad, l.OutPad, p.AddTransposed(l), p.Add(l.Bias), l.Lrelu, l.Clamp);
        B4Fc1 = Line(packed.B4Fc1);
        Blocks = packed.LineBlocks.Select(b => (Line(b.Fc0), Line(b.Fc1), Line(b.ToRes))).ToArray();
        FreqOff = p.Add(packed.Model.Input.Freqs);
        int b = BPad;
        DecoderOff = -1;
        foreach (var dec in packed.StageDecoders.Append(packed.DecoderLast))
        {
            int off = p.AddDense(dec[0], b, 2 * b);
            p.AddDense(dec[1], 2 * b, 4 * b);
            p.AddDense(dec[2], 4 * b, 2 * b);
            p.AddDense(dec[3], 2 * b, b);
            if (DecoderOff < 0) DecoderOff = off;
        }
        p.AddDense(packed.DecoderImg, b, 4);
        var data = p.ToArray();
        Buffer = new GpuBuffer(ctx, pool, (ulong)data.Length * 4, hostVisible: false);
        Buffer.Upload(data);
    }

    public void Dispose() => Buffer.Dispose();
}
