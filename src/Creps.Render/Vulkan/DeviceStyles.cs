using Creps.Render.Cpu;
using Creps.Render.Latents;
using Silk.NET.Vulkan;

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

/// <summary>
/// Per-latent styles and demodulations on the device: a fixed set of slots in one buffer, most recently used kept.
/// Styles are computed once per latent on the host (the CPU backend's <see cref="LatentStyles"/>: a few small
/// matrix–vector products) and uploaded; every later tile of that latent reuses the slot.
/// </summary>
internal sealed class DeviceStyles : IDisposable
{
    public const int Slots = 8;
    readonly DeviceModel _model;
    readonly LinkedList<(Latent Latent, int Slot)> _lru = new();
    public StylesLayout Layout { get; }
    public ulong SlotBytes { get; }
    public GpuBuffer Buffer { get; }

    public DeviceStyles(VulkanContext ctx, DeviceMemoryPool pool, DeviceModel model, Latent sample)
    {
        _model = model;
        Layout = new StylesLayout(model, new LatentStyles(model.Packed.Model, sample));
        ulong align = Math.Max(16, ctx.Limits.MinStorageBufferOffsetAlignment);
        SlotBytes = ((ulong)Layout.Floats * 4 + align - 1) / align * align;
        Buffer = new GpuBuffer(ctx, pool, SlotBytes * Slots, hostVisible: false);
    }

    /// <summary>The slot holding <paramref name="latent"/>'s styles, uploading them if needed.</summary>
    public int Slot(Latent latent)
    {
        for (var node = _lru.First; node != null; node = node.Next)
            if (ReferenceEquals(node.Value.Latent, latent) || node.Value.Latent.Equals(latent))
            {
                _lru.Remove(node);
                _lru.AddFirst(node);
                return node.Value.Slot;
            }
        int slot;
        if (_lru.Count < Slots) slot = _lru.Count;
        else { slot = _lru.Last!.Value.Slot; _lru.RemoveLast(); }
        var packed = StylesLayout.Pack(_model, new LatentStyles(_model.Packed.Model, latent), out _, out _, out _, out _).ToArray();
        Buffer.Upload(packed, (ulong)slot * SlotBytes);
        _lru.AddFirst((latent, slot));
        return slot;
    }

    public DescriptorBufferInfo Descriptor(int slot) => Buffer.Descriptor((ulong)slot * SlotBytes, SlotBytes);

    public void Dispose() => Buffer.Dispose();
}
