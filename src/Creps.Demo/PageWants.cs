using Creps.Render.Streaming;

namespace Creps.Demo;

/// <summary>
/// The frame's page requests to the streaming service: every frame the wanted pages are requested (new ones) or
/// re-prioritised (held ones), and the requests no longer wanted are cancelled — all while the service's queue is held,
/// so they take effect together. A page that landed and was later evicted is requested again while it is wanted.
/// </summary>
internal sealed class PageWants
{
    readonly Dictionary<PageKey, PageRequest> _live = new();
    readonly HashSet<PageKey> _failed = new();

    public int Requested => _live.Count;
    public int Pending => _live.Values.Count(r => !r.Completion.IsCompleted);
    public string? FirstError { get; private set; }

    public void Update(PageStreamer streamer, TextureDescription texture, IReadOnlyList<WantedPage> wanted, Func<PageKey, bool> resident)
    {
        var now = new HashSet<PageKey>();
        using var hold = streamer.HoldQueue();
        foreach (var w in wanted)
        {
            now.Add(w.Key);
            if (_failed.Contains(w.Key)) continue;
            if (_live.TryGetValue(w.Key, out var r))
            {
                if (!r.Completion.IsCompleted) { if (r.Priority != w.Priority) r.Priority = w.Priority; continue; }
                if (r.Completion.IsFaulted)
                {
                    _failed.Add(w.Key);
                    FirstError ??= $"page {w.Key}: {r.Completion.Exception!.InnerException!.Message}";
                    continue;
                }
                if (resident(w.Key)) continue;
            }
            _live[w.Key] = streamer.Request(texture, w.Key, w.Priority);
        }
        foreach (var (key, r) in _live.Where(kv => !now.Contains(kv.Key)).ToList())
        {
            r.Cancel();
            _live.Remove(key);
        }
    }

    /// <summary>Waits (at most <paramref name="timeout"/>) for the requests of <paramref name="keys"/>.</summary>
    public bool WaitFor(IEnumerable<PageKey> keys, TimeSpan timeout)
    {
        var tasks = keys.Where(_live.ContainsKey).Select(k => (Task)_live[k].Completion).ToArray();
        try { return Task.WaitAll(tasks, timeout); }
        catch (AggregateException) { return true; }   // failed or cancelled: nothing more to wait for
    }

    /// <summary>Cancels every request (a new texture, or shutting down).</summary>
    public void Clear()
    {
        foreach (var r in _live.Values) r.Cancel();
        _live.Clear();
        _failed.Clear();
    }
}
