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
