using Creps.Render.Cpu;

namespace Creps.Render.Vulkan;

/// <summary>
/// The line pass's output for one axis on the device: per stage, coordinate and rank slot the √½-scaled biline,
/// [stage][coordinate][rank][BPad] floats. O(length); every tile touching these coordinates reuses it. Dispose it
/// (or let the generator's disposal do it) to return its device memory.
/// </summary>
public sealed class VulkanLines : IDisposable
{
    internal GpuBuffer Buffer { get; }
    public Axis Axis { get; }
    public int Count { get; }
    internal VulkanGenerator Owner { get; }
    public ulong Bytes => Buffer.Size;

    internal VulkanLines(VulkanGenerator owner, GpuBuffer buffer, Axis axis, int count)
    {
        Owner = owner; Buffer = buffer; Axis = axis; Count = count;
        // Callers that treat lines as plain objects (bake, bench through ITiledGenerator) never dispose them: tell the
        // GC what they hold so that the finalizer returns the device memory soon.
        GC.AddMemoryPressure((long)buffer.Size);
    }

    ~VulkanLines() => Dispose();

    bool _disposed;

    public void Dispose()
    {
        lock (this)
        {
            if (_disposed) return;
            _disposed = true;
        }
        GC.SuppressFinalize(this);
        GC.RemoveMemoryPressure((long)Buffer.Size);
        Owner.Release(this);
    }
}
