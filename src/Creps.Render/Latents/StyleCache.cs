namespace Creps.Render.Latents;

/// <summary>A small most-recently-used cache of per-latent data (styles), keyed by the ws values.</summary>
public sealed class StyleCache<T> where T : class
{
    readonly int _capacity;
    readonly Func<Latent, T> _make;
    readonly LinkedList<(Latent Key, T Value)> _items = new();

    public StyleCache(int capacity, Func<Latent, T> make) { _capacity = capacity; _make = make; }

    public T Get(Latent latent)
    {
        lock (_items)
        {
            for (var node = _items.First; node != null; node = node.Next)
                if (ReferenceEquals(node.Value.Key, latent) || node.Value.Key.Equals(latent))
                {
                    _items.Remove(node);
                    _items.AddFirst(node);
                    return node.Value.Value;
                }
        }
        T value = _make(latent);
        lock (_items)
        {
            _items.AddFirst((latent, value));
            while (_items.Count > _capacity) _items.RemoveLast();
        }
        return value;
    }
}
