using Silk.NET.Vulkan;

namespace Creps.Render.Vulkan;

/// <summary>What one submission used and must release once it completed: descriptor sets, temporary buffers, views, style-slot pins.</summary>
internal sealed class Frame(Kernels kernels) : IDisposable
{
    readonly List<DescriptorSet> _sets = new();
    readonly List<IDisposable> _owned = new();

    public DescriptorSet Set(DescriptorSet s) { _sets.Add(s); return s; }
    public T Own<T>(T d) where T : IDisposable { _owned.Add(d); return d; }
    /// <summary>Runs <paramref name="release"/> when the frame is released (after the GPU finished with it).</summary>
    public void OnRelease(Action release) => _owned.Add(new Callback(release));

    sealed class Callback(Action release) : IDisposable { public void Dispose() => release(); }

    public void Dispose()
    {
        foreach (var s in _sets) kernels.Free(s);
        for (int i = _owned.Count - 1; i >= 0; i--) _owned[i].Dispose();  // last made, first destroyed (a view before its image)
        _sets.Clear(); _owned.Clear();
    }
}
