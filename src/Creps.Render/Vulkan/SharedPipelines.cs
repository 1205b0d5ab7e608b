namespace Creps.Render.Vulkan;

/// <summary>
/// Objects shared by every generator on one context, made on first use and disposed with it: compiled pipelines per
/// model shape (drivers such as lavapipe take seconds to compile the per-pixel pass).
/// </summary>
internal sealed class SharedPipelines : IDisposable
{
    readonly Dictionary<string, IDisposable> _objects = new();
    bool _disposed;

    public T Get<T>(string key, Func<T> make) where T : class, IDisposable
    {
        lock (_objects)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_objects.TryGetValue(key, out var v)) _objects[key] = v = make();
            return (T)v;
        }
    }

    public void Dispose()
    {
        lock (_objects)
        {
            if (_disposed) return;
            _disposed = true;
            foreach (var v in _objects.Values) v.Dispose();
            _objects.Clear();
        }
    }
}
