using System.Runtime.InteropServices;
using Creps.Render.Latents;
using Creps.Render.Streaming;

namespace Creps.Native;

[StructLayout(LayoutKind.Sequential)]
struct StreamOptions
{
    public int PageSize, Border, Workers, MaxInFlight;
    public long HostBudgetBytes, DeviceBudgetBytes;
    public int AtlasSlots, AtlasFormat;
}

[StructLayout(LayoutKind.Sequential)]
struct PageEvent
{
    public int Level, Status;
    public long X, Y, AtlasLayer;
    public uint TextureId, Reserved;
}

[StructLayout(LayoutKind.Sequential)]
struct AtlasInfo
{
    public nint Image, View, PageTable;
    public long PageTableBytes, PageTableCapacity, Slots, Side;
    public int Format, Layout;
    public uint TextureId, Reserved;
}

[StructLayout(LayoutKind.Sequential)]
struct StreamStats
{
    public long Requests, CacheHits, SharedRequests, RequestsCancelled, RendersDropped;
    public long PagesRendered, PagesFailed, LineSetsComputed, LineSetsReused, PageEvictions, LineSetEvictions;
    public long QueueDepth, InFlight, ResidentPages;
    public long HostBytes, PeakHostBytes, HostBudgetBytes, DeviceBytes, PeakDeviceBytes, DeviceBudgetBytes;
    public double LatencyMsP50, LatencyMsP99;
}

/// <summary>
/// A streamer handle: one texture on a <see cref="PageStreamer"/>, the caller's open requests by id, and the completed
/// pages a poll did not have room for.
/// </summary>
sealed class NativeStreamer(PageStreamer streamer, TextureDescription texture, PageAtlas? atlas) : IDisposable
{
    public PageStreamer Streamer { get; } = streamer;
    public TextureDescription Texture { get; } = texture;
    /// <summary>The device atlas pages live in (owned: disposed after the streamer), or null for host pages.</summary>
    public PageAtlas? Atlas { get; } = atlas;
    readonly Dictionary<ulong, PageRequest> _requests = new();
    readonly Queue<CompletedPage> _pending = new();
    readonly object _gate = new();
    readonly Stack<IDisposable> _holds = new();
    ulong _next;

    public void Hold()
    {
        lock (_gate) _holds.Push(Streamer.HoldQueue());
    }

    public void Release()
    {
        lock (_gate)
        {
            if (!_holds.TryPop(out var hold)) throw new ArgumentException("the streamer is not held (creps_stream_release without creps_stream_hold)");
            hold.Dispose();
        }
    }

    public ulong Add(PageRequest r)
    {
        lock (_gate)
        {
            Sweep();
            _requests.Add(++_next, r);
            return _next;
        }
    }

    /// <summary>The open request <paramref name="id"/>; null once it completed (it was swept), throws for an id never issued.</summary>
    public PageRequest? Find(ulong id)
    {
        lock (_gate)
        {
            if (id == 0 || id > _next) throw new ArgumentException($"request {id} was never issued by this streamer");
            return _requests.GetValueOrDefault(id);
        }
    }

    /// <summary>Up to <paramref name="capacity"/> completed pages, oldest first.</summary>
    public List<CompletedPage> Take(int capacity)
    {
        lock (_gate)
        {
            foreach (var c in Streamer.PopCompleted()) _pending.Enqueue(c);
            var taken = new List<CompletedPage>(Math.Min(capacity, _pending.Count));
            while (taken.Count < capacity && _pending.TryDequeue(out var c)) taken.Add(c);
            Sweep();
            return taken;
        }
    }

    /// <summary>Forgets requests that completed, failed or were cancelled (their ids stay valid: operations on them do nothing).</summary>
    void Sweep()
    {
        foreach (var (id, r) in _requests.Where(kv => kv.Value.Completion.IsCompleted).ToList()) _requests.Remove(id);
    }

    public void Dispose()
    {
        lock (_gate) while (_holds.TryPop(out var hold)) hold.Dispose();
        Streamer.Dispose();
        Atlas?.Dispose();
    }
}

static unsafe class StreamExports
{
    [UnmanagedCallersOnly(EntryPoint = "creps_stream_options_init")]
    static int OptionsInit(StreamOptions* options) => Errors.Run(() =>
    {
        Handles.CheckOut(options, "options");
        var d = StreamingOptions.Default;
        *options = new StreamOptions
        {
            PageSize = PageLayout.DefaultPageSize, Border = PageLayout.DefaultBorder, Workers = d.Workers, MaxInFlight = d.MaxInFlight,
            HostBudgetBytes = d.HostBudgetBytes, DeviceBudgetBytes = d.DeviceBudgetBytes,
        };
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "creps_stream_create")]
    static int Create(nint generator, nint latent, StreamOptions* options, nint* outStreamer) => Errors.Run(() =>
    {
        var ng = Handles.Get<NativeGenerator>(generator, "generator");
        var g = ng.Generator;
        var z = Handles.Get<Latent>(latent, "latent");
        Handles.CheckOut(outStreamer, "out_streamer");
        if (options == null) throw new ArgumentException("options is NULL (fill one with creps_stream_options_init)");
        var o = *options;
        var layout = new PageLayout(o.PageSize, o.Border);
        var texture = new TextureDescription(g.Model, ng.ModelHash, z, layout);
        var settings = new StreamingOptions
        {
            Workers = o.Workers, MaxInFlight = o.MaxInFlight, HostBudgetBytes = o.HostBudgetBytes, DeviceBudgetBytes = o.DeviceBudgetBytes,
        };
        if (o.AtlasSlots < 0) throw new ArgumentException($"atlas_slots {o.AtlasSlots} is negative");
        if (o.AtlasSlots == 0)
        {
            Handles.Out(outStreamer, new NativeStreamer(new PageStreamer(g, settings), texture, null));
            return Status.Ok;
        }
        if (ng.Vulkan is not { } vulkan)
            return Errors.Report(Status.WrongBackend, $"a page atlas lives on a Vulkan device; this generator runs on {g.Name} (create it with backend \"vulkan\" or adopt your device)");
        var format = o.AtlasFormat switch
        {
            0 or HostPixels.Rgba16F => PageFormat.Rgba16F,
            HostPixels.Rgba8 => PageFormat.Rgba8,
            HostPixels.Rgba32F => PageFormat.Rgba32F,
            _ => throw new ArgumentException($"atlas_format {o.AtlasFormat} is not RGBA8 (1), RGBA16F (2) or RGBA32F (3)"),
        };
        var atlas = new PageAtlas(vulkan.Context, layout, o.AtlasSlots, format);
        try { Handles.Out(outStreamer, new NativeStreamer(new PageStreamer(g, atlas, settings), texture, atlas)); }
        catch { atlas.Dispose(); throw; }
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "creps_stream_page_texels")]
    static int PageTexels(nint streamer, long* outTexels) => Errors.Run(() =>
    {
        var s = Handles.Get<NativeStreamer>(streamer, "streamer");
        Handles.CheckOut(outTexels, "out_texels");
        *outTexels = s.Texture.Layout.Texels;
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "creps_stream_request")]
    static int Request(nint streamer, int level, long x, long y, int priority, ulong* outRequest) => Errors.Run(() =>
    {
        var s = Handles.Get<NativeStreamer>(streamer, "streamer");
        Handles.CheckOut(outRequest, "out_request");
        *outRequest = s.Add(s.Streamer.Request(s.Texture, new PageKey(level, x, y), priority));
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "creps_stream_hold")]
    static int Hold(nint streamer) => Errors.Run(() => { Handles.Get<NativeStreamer>(streamer, "streamer").Hold(); return Status.Ok; });

    [UnmanagedCallersOnly(EntryPoint = "creps_stream_release")]
    static int Release(nint streamer) => Errors.Run(() => { Handles.Get<NativeStreamer>(streamer, "streamer").Release(); return Status.Ok; });

    [UnmanagedCallersOnly(EntryPoint = "creps_stream_reprioritize")]
    static int Reprioritize(nint streamer, ulong request, int priority) => Errors.Run(() =>
    {
        var r = Handles.Get<NativeStreamer>(streamer, "streamer").Find(request);
        if (r != null) r.Priority = priority;
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "creps_stream_cancel")]
    static int Cancel(nint streamer, ulong request) => Errors.Run(() =>
    {
        Handles.Get<NativeStreamer>(streamer, "streamer").Find(request)?.Cancel();
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "creps_stream_poll")]
    static int Poll(nint streamer, PageEvent* events, nuint capacity, nuint* outCount) => Errors.Run(() =>
    {
        var s = Handles.Get<NativeStreamer>(streamer, "streamer");
        Handles.CheckOut(outCount, "out_count");
        if (events == null && capacity > 0) throw new ArgumentException("events is NULL");
        var taken = s.Take((int)Math.Min((ulong)capacity, int.MaxValue));
        for (int i = 0; i < taken.Count; i++)
        {
            var c = taken[i];
            // The layer the host table holds now (−1 once evicted again); the id a shader looks the page up with.
            events[i] = new PageEvent
            {
                Level = c.Key.Level, X = c.Key.X, Y = c.Key.Y,
                AtlasLayer = c.Succeeded && s.Atlas != null ? s.Atlas.SlotOf(s.Texture, c.Key) : -1,
                TextureId = s.Atlas?.TextureId(s.Texture) ?? 0,
                Status = c.Succeeded ? (int)Status.Ok : (int)Status.Internal,
            };
        }
        *outCount = (nuint)taken.Count;
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "creps_stream_read_page")]
    static int ReadPage(nint streamer, int level, long x, long y, int format, byte* dst, nuint dstSize, nuint rowStride) => Errors.Run(() =>
    {
        var s = Handles.Get<NativeStreamer>(streamer, "streamer");
        int t = s.Texture.Layout.Texels;
        var stride = HostPixels.CheckDestination(format, t, t, dst, dstSize, rowStride);
        var key = new PageKey(level, x, y);
        if (!s.Streamer.TryGetPage(s.Texture, key, out var page)) return Errors.Report(Status.NotResident, $"page {key} is not resident");
        if (page.AtlasSlot >= 0) throw new ArgumentException($"page {key} lives in the atlas (layer {page.AtlasSlot}): sample or copy it on the GPU");
        HostPixels.Write(format, page.Texels, t, t, dst, stride);   // pages are immutable: safe to read after an eviction
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "creps_stream_evict")]
    static int Evict(nint streamer, int level, long x, long y, int* outEvicted) => Errors.Run(() =>
    {
        var s = Handles.Get<NativeStreamer>(streamer, "streamer");
        bool evicted = s.Streamer.Evict(s.Texture, new PageKey(level, x, y));
        if (outEvicted != null) *outEvicted = evicted ? 1 : 0;
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "creps_stream_atlas_get")]
    static int AtlasGet(nint streamer, AtlasInfo* outAtlas) => Errors.Run(() =>
    {
        var s = Handles.Get<NativeStreamer>(streamer, "streamer");
        Handles.CheckOut(outAtlas, "out_atlas");
        var a = s.Atlas ?? throw new ArgumentException("this streamer keeps host pages (create it with atlas_slots > 0 for an atlas)");
        *outAtlas = new AtlasInfo
        {
            Image = (nint)a.Image.Handle, View = (nint)a.View.Handle, PageTable = (nint)a.PageTable.Handle,
            PageTableBytes = (long)a.PageTableBytes, PageTableCapacity = a.PageTableCapacity, Slots = a.Slots, Side = a.Side,
            Format = (int)a.Format, Layout = (int)a.ImageLayout, TextureId = a.TextureId(s.Texture),
        };
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "creps_stream_queue_lock")]
    static int QueueLock(nint streamer) => Errors.Run(() =>
    {
        Monitor.Enter(QueueGate(streamer));
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "creps_stream_queue_unlock")]
    static int QueueUnlock(nint streamer) => Errors.Run(() =>
    {
        var gate = QueueGate(streamer);
        if (!Monitor.IsEntered(gate)) throw new ArgumentException("the queue is not locked by this thread");
        Monitor.Exit(gate);
        return Status.Ok;
    });

    static object QueueGate(nint streamer) =>
        (Handles.Get<NativeStreamer>(streamer, "streamer").Atlas ?? throw new ArgumentException("this streamer has no atlas (and so no queue to lock)")).QueueLock;

    [UnmanagedCallersOnly(EntryPoint = "creps_stream_stats_get")]
    static int Stats(nint streamer, StreamStats* outStats) => Errors.Run(() =>
    {
        var st = Handles.Get<NativeStreamer>(streamer, "streamer").Streamer.Stats();
        Handles.CheckOut(outStats, "out_stats");
        *outStats = new StreamStats
        {
            Requests = st.Requests, CacheHits = st.CacheHits, SharedRequests = st.SharedRequests, RequestsCancelled = st.RequestsCancelled,
            RendersDropped = st.RendersDropped, PagesRendered = st.PagesRendered, PagesFailed = st.PagesFailed,
            LineSetsComputed = st.LineSetsComputed, LineSetsReused = st.LineSetsReused, PageEvictions = st.PageEvictions,
            LineSetEvictions = st.LineSetEvictions, QueueDepth = st.QueueDepth, InFlight = st.InFlight, ResidentPages = st.ResidentPages,
            HostBytes = st.HostBytes, PeakHostBytes = st.PeakHostBytes, HostBudgetBytes = st.HostBudgetBytes,
            DeviceBytes = st.DeviceBytes, PeakDeviceBytes = st.PeakDeviceBytes, DeviceBudgetBytes = st.DeviceBudgetBytes,
            LatencyMsP50 = st.LatencyMsP50, LatencyMsP99 = st.LatencyMsP99,
        };
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "creps_stream_destroy")]
    static int Destroy(nint streamer) => Errors.Run(() =>
    {
        Handles.Free<NativeStreamer>(streamer, "streamer")?.Dispose();
        return Status.Ok;
    });
}
