using Creps.Render.Latents;
using Silk.NET.Vulkan;
using Creps.Render.Packing;

namespace Creps.Render.Vulkan;

/// <summary>
/// Per-latent styles and demodulations on the device: a fixed set of slots in one buffer, least recently used refilled.
/// Styles are computed once per latent on the host (<see cref="LatentStyles"/>: a few small matrix–vector products)
/// and copied into a slot by a command recorded with the work that reads them. A slot is pinned by every recording
/// that uses it until that recording's frame is released (the GPU finished), so work in flight never sees its slot
/// refilled. A slot filled inside a caller's command buffer serves later work only once that recording completed,
/// because we cannot know when the caller submits it.
/// </summary>
internal sealed unsafe class DeviceStyles : IDisposable
{
    public const int Slots = 8;

    sealed class SlotState
    {
        public Latent? Latent;
        public bool Resident;
        public int Pins;
        public long LastUse;
    }

    readonly VulkanContext _ctx;
    readonly DeviceMemoryPool _pool;
    readonly DeviceModel _model;
    readonly SlotState[] _slots = Enumerable.Range(0, Slots).Select(_ => new SlotState()).ToArray();
    long _clock;
    public StylesLayout Layout { get; }
    public ulong SlotBytes { get; }
    public GpuBuffer Buffer { get; }

    public DeviceStyles(VulkanContext ctx, DeviceMemoryPool pool, DeviceModel model, Latent sample)
    {
        _ctx = ctx; _pool = pool; _model = model;
        Layout = new StylesLayout(model, new LatentStyles(model.Packed.Model, sample));
        ulong align = Math.Max(16, ctx.Limits.MinStorageBufferOffsetAlignment);
        SlotBytes = ((ulong)Layout.Floats * 4 + align - 1) / align * align;
        Buffer = new GpuBuffer(ctx, pool, SlotBytes * Slots, hostVisible: false);
    }

    /// <summary>
    /// The slot holding <paramref name="latent"/>'s styles for work recorded into <paramref name="cmd"/>, pinned until
    /// <paramref name="frame"/> is released; records the upload first when the slot has to be filled.
    /// <paramref name="ownQueue"/>: cmd is submitted by us, in recording order (so the slot serves later work at once).
    /// </summary>
    public int Acquire(Latent latent, CommandBuffer cmd, Frame frame, bool ownQueue)
    {
        int slot;
        bool fill;
        lock (_slots)
        {
            slot = Array.FindIndex(_slots, s => s.Resident && s.Latent != null && (ReferenceEquals(s.Latent, latent) || s.Latent.Equals(latent)));
            fill = slot < 0;
            if (fill)
            {
                slot = -1;
                for (int i = 0; i < Slots; i++)
                    if (_slots[i].Pins == 0 && (slot < 0 || _slots[i].LastUse < _slots[slot].LastUse)) slot = i;
                if (slot < 0) throw new InvalidOperationException($"more than {Slots} latents in flight on one Vulkan generator; wait for some of them first");
                _slots[slot].Latent = latent;
                _slots[slot].Resident = ownQueue;
            }
            _slots[slot].Pins++;
            _slots[slot].LastUse = ++_clock;
        }
        var state = _slots[slot];
        frame.OnRelease(() =>
        {
            lock (_slots)
            {
                state.Pins--;
                if (fill && ReferenceEquals(state.Latent, latent)) state.Resident = true;
            }
        });
        if (fill)
        {
            var packed = StylesLayout.Pack(_model, new LatentStyles(_model.Packed.Model, latent), out _, out _, out _, out _).ToArray();
            var staging = frame.Own(new GpuBuffer(_ctx, _pool, (ulong)packed.Length * 4, hostVisible: true));
            packed.CopyTo(staging.Floats);
            var region = new BufferCopy(0, (ulong)slot * SlotBytes, (ulong)packed.Length * 4);
            _ctx.Vk.CmdCopyBuffer(cmd, staging.Handle, Buffer.Handle, 1, &region);
            Barriers.TransferToCompute(_ctx.Vk, cmd);
        }
        return slot;
    }

    public DescriptorBufferInfo Descriptor(int slot) => Buffer.Descriptor((ulong)slot * SlotBytes, SlotBytes);

    public void Dispose() => Buffer.Dispose();
}
