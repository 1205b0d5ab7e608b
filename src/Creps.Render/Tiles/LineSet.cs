using Creps.Render.Coordinates;

namespace Creps.Render;

/// <summary>
/// The line pass's output for one axis range, computed by one backend (<see cref="Owner"/>) and opaque to everyone else:
/// O(length) memory (host or device) that every tile touching these coordinates reuses. Dispose it when no tile needs it.
/// </summary>
public abstract class LineSet : IDisposable
{
    int _disposed;

    protected LineSet(IGenerator owner, Axis axis, int count)
    {
        Owner = owner; Axis = axis; Count = count;
    }

    /// <summary>The generator that computed these lines; only it can render tiles of them.</summary>
    public IGenerator Owner { get; }
    public Axis Axis { get; }
    /// <summary>Coordinates covered: a tile may use any sub-range [0, Count).</summary>
    public int Count { get; }
    /// <summary>Bytes the lines hold (host memory, or device memory for GPU backends).</summary>
    public abstract long Bytes { get; }
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Frees what the lines hold (once; later calls do nothing).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        Release();
        GC.SuppressFinalize(this);
    }

    /// <summary>Returns the memory; called once, from <see cref="Dispose"/>.</summary>
    protected virtual void Release() { }
}
