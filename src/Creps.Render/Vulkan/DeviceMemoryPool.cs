using Silk.NET.Vulkan;

namespace Creps.Render.Vulkan;

/// <summary>A sub-allocation of a <see cref="DeviceMemoryPool"/> block.</summary>
internal readonly unsafe struct MemorySlice(DeviceMemory memory, ulong offset, ulong size, byte* mapped, int block)
{
    public readonly DeviceMemory Memory = memory;
    public readonly ulong Offset = offset, Size = size;
    public readonly byte* Mapped = mapped;
    public readonly int Block = block;
}

/// <summary>
/// Few large vkAllocateMemory blocks, sub-allocated first-fit (free ranges merge; a block that empties is released).
/// Two kinds: device-local (weights, activations, lines, images) and host-visible coherent, persistently mapped
/// (uploads, phases, readback). Tracks the bytes of device memory held, and their peak, for the budget.
/// </summary>
internal sealed unsafe class DeviceMemoryPool : IDisposable
{
    public const ulong BlockSize = 16ul << 20;

    sealed class Block
    {
        public DeviceMemory Memory;
        public ulong Size;
        public int Type;
        public byte* Mapped;
        public readonly List<(ulong Offset, ulong Size)> Free = new();
    }

    readonly VulkanContext _ctx;
    readonly List<Block?> _blocks = new();
    public ulong HeldBytes { get; private set; }
    public ulong PeakBytes { get; private set; }

    public DeviceMemoryPool(VulkanContext ctx) { _ctx = ctx; }

    public void ResetPeak() => PeakBytes = HeldBytes;

    public MemorySlice Allocate(MemoryRequirements req, bool hostVisible)
    {
        var want = hostVisible ? MemoryPropertyFlags.HostVisibleBit | MemoryPropertyFlags.HostCoherentBit : MemoryPropertyFlags.DeviceLocalBit;
        int type = _ctx.MemoryType(req.MemoryTypeBits, want);
        if (type < 0 && !hostVisible) type = _ctx.MemoryType(req.MemoryTypeBits, MemoryPropertyFlags.None);
        if (type < 0) throw new InvalidOperationException($"Vulkan: no memory type for a {(hostVisible ? "host-visible" : "device")} allocation");
        // Buffers and optimal-tiling images share blocks: keep them bufferImageGranularity apart.
        ulong align = Math.Max(Math.Max(req.Alignment, 16), _ctx.Limits.BufferImageGranularity);
        lock (_blocks)
        {
            for (int b = 0; b < _blocks.Count; b++)
            {
                var blk = _blocks[b];
                if (blk == null || blk.Type != type || (blk.Mapped != null) != hostVisible) continue;
                if (TryTake(blk, req.Size, align, out ulong off)) return new MemorySlice(blk.Memory, off, req.Size, blk.Mapped == null ? null : blk.Mapped + off, b);
            }
            var block = NewBlock(Math.Max(BlockSize, (req.Size + align - 1) / align * align), type, hostVisible);
            int index = _blocks.IndexOf(null);
            if (index < 0) { index = _blocks.Count; _blocks.Add(block); } else _blocks[index] = block;
            TryTake(block, req.Size, align, out ulong o);
            return new MemorySlice(block.Memory, o, req.Size, block.Mapped == null ? null : block.Mapped + o, index);
        }
    }

    /// <summary>Allocates and binds with <paramref name="bind"/> (vkBind*Memory); the slice is returned to the pool if binding fails.</summary>
    public MemorySlice AllocateBound(MemoryRequirements req, bool hostVisible, Func<DeviceMemory, ulong, Result> bind, string what)
    {
        var slice = Allocate(req, hostVisible);
        var r = bind(slice.Memory, slice.Offset);
        if (r != Result.Success)
        {
            Free(slice);
            throw new BackendUnavailableException($"Vulkan: {what} failed ({r})");
        }
        return slice;
    }

    static bool TryTake(Block blk, ulong size, ulong align, out ulong offset)
    {
        for (int i = 0; i < blk.Free.Count; i++)
        {
            var (fo, fs) = blk.Free[i];
            ulong start = (fo + align - 1) / align * align;
            if (start + size > fo + fs) continue;
            blk.Free.RemoveAt(i);
            if (start + size < fo + fs) blk.Free.Insert(i, (start + size, fo + fs - start - size));
            if (start > fo) blk.Free.Insert(i, (fo, start - fo));
            offset = start;
            return true;
        }
        offset = 0;
        return false;
    }

    Block NewBlock(ulong size, int type, bool map)
    {
        var info = new MemoryAllocateInfo(allocationSize: size, memoryTypeIndex: (uint)type);
        DeviceMemory mem;
        var r = _ctx.Vk.AllocateMemory(_ctx.Device, &info, null, &mem);
        if (r != Result.Success) throw new BackendUnavailableException($"Vulkan: allocating {size >> 20} MiB of device memory failed ({r})");
        var block = new Block { Memory = mem, Size = size, Type = type };
        block.Free.Add((0, size));
        if (map)
        {
            void* p;
            VulkanContext.Check(_ctx.Vk.MapMemory(_ctx.Device, mem, 0, size, 0, &p), "vkMapMemory");
            block.Mapped = (byte*)p;
        }
        HeldBytes += size;
        PeakBytes = Math.Max(PeakBytes, HeldBytes);
        return block;
    }

    public void Free(MemorySlice slice)
    {
        lock (_blocks)
        {
            var blk = _blocks[slice.Block]!;
            // Align the returned range to what was taken: the slice starts at its offset; merge with neighbours.
            blk.Free.Add((slice.Offset, slice.Size));
            blk.Free.Sort((a, b) => a.Offset.CompareTo(b.Offset));
            for (int i = blk.Free.Count - 1; i > 0; i--)
                if (blk.Free[i - 1].Offset + blk.Free[i - 1].Size == blk.Free[i].Offset)
                {
                    blk.Free[i - 1] = (blk.Free[i - 1].Offset, blk.Free[i - 1].Size + blk.Free[i].Size);
                    blk.Free.RemoveAt(i);
                }
            if (blk.Free.Count == 1 && blk.Free[0].Size == blk.Size)
            {
                _ctx.Vk.FreeMemory(_ctx.Device, blk.Memory, null);
                HeldBytes -= blk.Size;
                _blocks[slice.Block] = null;
            }
        }
    }

    public void Dispose()
    {
        lock (_blocks)
        {
            foreach (var b in _blocks) if (b != null) _ctx.Vk.FreeMemory(_ctx.Device, b.Memory, null);
            _blocks.Clear();
            HeldBytes = 0;
        }
    }
}
