namespace Creps.Render.Streaming;

/// <summary>
/// One caller's request for a page: await <see cref="Completion"/> (or watch <see cref="PageStreamer.PopCompleted"/>),
/// change <see cref="Priority"/> as the view moves, <see cref="Cancel"/> when the page is no longer wanted. Identical
/// requests share one render; a page whose every request was cancelled before it started is never rendered.
/// </summary>
public sealed class PageRequest
{
    readonly PageStreamer _owner;
    internal readonly TaskCompletionSource<Page> Source = new(TaskCreationOptions.RunContinuationsAsynchronously);
    internal readonly long StartTicks = System.Diagnostics.Stopwatch.GetTimestamp();
    internal PageStreamer.Job? Job;     // null once resolved
    int _priority;

    internal PageRequest(PageStreamer owner, TextureDescription texture, PageKey key, int priority)
    {
        _owner = owner; Texture = texture; Key = key; _priority = priority;
    }

    public TextureDescription Texture { get; }
    public PageKey Key { get; }
    /// <summary>The page (or the render's exception; cancelled when <see cref="Cancel"/> or Dispose came first).</summary>
    public Task<Page> Completion => Source.Task;

    /// <summary>Higher renders first; setting it re-orders the queue (a page shared by several requests takes their highest).</summary>
    public int Priority
    {
        get => Volatile.Read(ref _priority);
        set => _owner.Reprioritize(this, value);
    }

    internal void SetPriority(int p) => Volatile.Write(ref _priority, p);

    /// <summary>Drops this request; its page is not rendered if no other request wants it and it has not started.</summary>
    public void Cancel() => _owner.Cancel(this);
}
