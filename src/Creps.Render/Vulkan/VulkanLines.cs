using Creps.Render.Coordinates;

namespace Creps.Render.Vulkan;

/// <summary>
/// The line pass's output for one axis on the device: per stage, coordinate and rank slot the √½-scaled biline,
/// [stage][coordinate][rank][BPad] floats. O(length); every tile touching these coordinates reuses it. Dispose it to
/// return its device memory (lines still alive when the generator is disposed are freed with it).
/// </summary>
public sealed class VulkanLines : LineSet
{
    readonly VulkanGenerator _generator;
    internal GpuBuffer Buffer { get; }
    public override long Bytes => (long)Buffer.Size;

    internal VulkanLines(VulkanGenerator owner, GpuBuffer buffer, Axis axis, int count) : base(owner, axis, count)
    {
        _generator = owner; Buffer = buffer;
    }

    protected override void Release() => _generator.Release(this);
}
