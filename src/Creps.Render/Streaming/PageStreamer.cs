using System.Diagnostics;
using Creps.Render.Coordinates;

namespace Creps.Render.Streaming;

/// <summary>
/// The streaming service on any <see cref="IGenerator"/>: pages of procedural textures rendered on request, highest
/// priority first, within a host (and device) memory budget. Row lines are cached per (texture, level, page-row) and
/// column lines per (texture, level, page-column), so a W×H block of pages costs W + H line sets while they fit; pages
/// and lines share one LRU within the budget, pinned pages are never evicted. Thread-safe: one lock guards every
/// queue, cache and counter; lines and pixels are computed outside it, on <see cref="StreamingOptions.Workers"/> threads.
/// With a <see cref="PageAtlas"/> pages live in the atlas's slots instead of host memory (see PageStreamer.Atlas.cs).
/// </summary>
public sealed partial class PageStreamer : IDisposable
{
    readonly IGenerator _gen;
    readonly bool _ownsGenerator;
    readonly bool _linesOnDevice;
    readonly int _maxInFlight;
    readonly object _gate = new();
    readonly Dictionary<PageId, Job> _jobs = new();
    readonly SortedSet<Job> _queue = new(JobOrder.Instance);
    readonly Dictionary<PageId, PageEntry> _pages = new();
    readonly Dictionary<LineId, LineEntry> _lines = new();
    readonly LinkedList<Resident> _lru = new();          // most recently used first
    readonly Queue<CompletedPage> _completed = new();
    readonly LatencyLog _latency = new();
    readonly Thread[] _workers;
    long _seq, _host, _peakHost, _device, _peakDevice;
    int _inFlight, _holds;
    bool _disposed;
    long _requests, _hits, _shared, _cancelled, _dropped, _rendered, _failed, _linesComputed, _linesReused, _pageEvictions, _lineEvictions;

    public StreamingOptions Options { get; }
    public IGenerator Generator => _gen;

    /// <param name="ownsGenerator">Dispose <paramref name="generator"/> with the service.</param>
    public PageStreamer(IGenerator generator, StreamingOptions? options = null, bool ownsGenerator = false)
        : this(generator, options, ownsGenerator, null) { }

    PageStreamer(IGenerator generator, StreamingOptions? options, bool ownsGenerator, PageAtlas? atlas)
    {
        ArgumentNullException.ThrowIfNull(generator);
        Options = options ?? StreamingOptions.Default;
        if (Options.Workers < 1 || Options.Workers > 256) throw new ArgumentException($"workers {Options.Workers} is outside 1..256");
        if (Options.MaxInFlight < 0) throw new ArgumentException($"max in flight {Options.MaxInFlight} is negative");
        if (Options.HostBudgetBytes < 1 || Options.DeviceBudgetBytes < 1) throw new ArgumentException("budgets must be positive");
        _gen = generator;
        _ownsGenerator = ownsGenerator;
        _linesOnDevice = generator is Vulkan.VulkanGenerator;
        _maxInFlight = Options.MaxInFlight > 0 ? Options.MaxInFlight : Options.Workers;
        if (atlas != null) UseAtlas(atlas);
        _workers = new Thread[Options.Workers];
        for (int i = 0; i < _workers.Length; i++)
        {
            _workers[i] = new Thread(WorkerLoop) { IsBackground = true, Name = $"creps-stream-{i}" };
            _workers[i].Start();
        }
    }

    /// <summary>
    /// Host bytes one page of <paramref name="texture"/> needs at least (its buffer, and its two line sets when lines
    /// live in host memory): a host budget below this can render nothing.
    /// </summary>
    public long MinimumHostBytes(TextureDescription texture) =>
        HostPageBytes(texture) + (_linesOnDevice ? 0 : 2 * LineBytes(texture));

    long LineBytes(TextureDescription t) => _gen.LineBytesPerCoordinate * t.Layout.Texels;

    // ---- requests ----

    /// <summary>
    /// Asks for a page. A resident page completes at once (a cache hit); a page already queued or rendering is shared.
    /// Throws ArgumentException for a page outside the exactly addressable plane (<see cref="PageLayout.Check"/>).
    /// </summary>
    public PageRequest Request(TextureDescription texture, PageKey key, int priority = 0)
    {
        ArgumentNullException.ThrowIfNull(texture);
        if (!ReferenceEquals(texture.Model, _gen.Model)) throw new ArgumentException("the texture's model is not the one this service's generator renders");
        texture.Layout.Check(key);
        CheckAtlasLayout(texture);
        var id = new PageId(texture.ContentKey, key);
        var request = new PageRequest(this, texture, key, priority);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _requests++;
            if (_pages.TryGetValue(id, out var resident))
            {
                _hits++;
                Touch(resident);
                _completed.Enqueue(new CompletedPage(texture, key, null));
                Resolve(request, resident.Page);
                return request;
            }
            if (_jobs.TryGetValue(id, out var job)) _shared++;
            else
            {
                job = new Job(id, texture, key, replace: false, ++_seq);
                _jobs.Add(id, job);
                _queue.Add(job);
                Monitor.PulseAll(_gate);
            }
            job.Requests.Add(request);
            request.Job = job;
            Requeue(job);
        }
        return request;
    }

    internal void Reprioritize(PageRequest request, int priority)
    {
        lock (_gate)
        {
            request.SetPriority(priority);
            if (request.Job is { } job) Requeue(job);
        }
    }

    internal void Cancel(PageRequest request)
    {
        lock (_gate)
        {
            if (request.Job is not { } job) return;   // already resolved
            job.Requests.Remove(request);
            request.Job = null;
            _cancelled++;
            request.Source.TrySetCanceled();
            if (job.Requests.Count == 0 && !job.Running && !job.Replace)
            {
                _queue.Remove(job);
                _jobs.Remove(job.Id);
                _dropped++;
            }
            else Requeue(job);
        }
    }

    /// <summary>A queued job's priority is its requests' highest; re-sorts it (the set's order must not change while it is inside).</summary>
    void Requeue(Job job)
    {
        if (job.Running) return;
        int p = job.Requests.Count > 0 ? job.Requests.Max(r => r.Priority) : job.Priority;
        if (p == job.Priority) return;
        _queue.Remove(job);
        job.Priority = p;
        _queue.Add(job);
    }

    /// <summary>
    /// While held, no new render starts (those running finish): a frame's requests, re-prioritisations and
    /// cancellations then take effect together. Dispose the result to release.
    /// </summary>
    public IDisposable HoldQueue()
    {
        lock (_gate) _holds++;
        return new Hold(this);
    }

    sealed class Hold(PageStreamer owner) : IDisposable
    {
        int _released;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0) return;
            lock (owner._gate) { owner._holds--; Monitor.PulseAll(owner._gate); }
        }
    }

    /// <summary>Pages that landed (or failed) since the last call, in completion order: for engines with a main thread.</summary>
    public CompletedPage[] PopCompleted()
    {
        lock (_gate)
        {
            var done = _completed.ToArray();
            _completed.Clear();
            return done;
        }
    }

    // ---- residency ----

    /// <summary>The resident page, if any (marks it recently used).</summary>
    public bool TryGetPage(TextureDescription texture, PageKey key, out Page page)
    {
        lock (_gate)
        {
            if (_pages.TryGetValue(new PageId(texture.ContentKey, key), out var e)) { Touch(e); page = e.Page; return true; }
        }
        page = null!;
        return false;
    }

    /// <summary>
    /// The page itself if resident, else its nearest resident ancestor (level L−1, L−2, … 0) — what to draw until the
    /// page lands, so the view never shows a hole. Null when no ancestor is resident.
    /// </summary>
    public Page? BestResident(TextureDescription texture, PageKey key)
    {
        for (PageKey? k = key; k is { } cur; k = cur.Parent)
            if (TryGetPage(texture, cur, out var page)) return page;
        return null;
    }

    /// <summary>Keeps a resident page from eviction until <see cref="Unpin"/> (counted: pin twice, unpin twice). False if not resident.</summary>
    public bool Pin(TextureDescription texture, PageKey key)
    {
        lock (_gate)
        {
            if (!_pages.TryGetValue(new PageId(texture.ContentKey, key), out var e)) return false;
            e.Refs++;
            Touch(e);
            return true;
        }
    }

    public void Unpin(TextureDescription texture, PageKey key)
    {
        lock (_gate)
        {
            if (!_pages.TryGetValue(new PageId(texture.ContentKey, key), out var e) || e.Refs == 0)
                throw new InvalidOperationException($"page {key} of {texture} is not pinned");
            e.Refs--;
            Monitor.PulseAll(_gate);   // a waiting render may now make room
        }
    }

    /// <summary>Drops a resident page now; false if it is not resident or pinned.</summary>
    public bool Evict(TextureDescription texture, PageKey key)
    {
        lock (_gate)
        {
            if (!_pages.TryGetValue(new PageId(texture.ContentKey, key), out var e) || e.Refs > 0) return false;
            Remove(e);
            _pageEvictions++;
            Monitor.PulseAll(_gate);
        }
        _atlas?.FlushPending();   // the device table stops naming the page now, not at the slot's next write
        return true;
    }

    /// <summary>
    /// Re-renders a resident page; the old page stays resident (and is what requests get) until the new one lands.
    /// False if the page is not resident.
    /// </summary>
    public bool Invalidate(TextureDescription texture, PageKey key, int priority = 0)
    {
        var id = new PageId(texture.ContentKey, key);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_pages.ContainsKey(id)) return false;
            if (_jobs.ContainsKey(id)) return true;
            var job = new Job(id, texture, key, replace: true, ++_seq) { Priority = priority };
            _jobs.Add(id, job);
            _queue.Add(job);
            Monitor.PulseAll(_gate);
            return true;
        }
    }

    public StreamingStats Stats()
    {
        lock (_gate)
        {
            var (p50, p99) = _latency.Percentiles();
            return new StreamingStats
            {
                Requests = _requests, CacheHits = _hits, SharedRequests = _shared, RequestsCancelled = _cancelled, RendersDropped = _dropped,
                PagesRendered = _rendered, PagesFailed = _failed, LineSetsComputed = _linesComputed, LineSetsReused = _linesReused,
                PageEvictions = _pageEvictions, LineSetEvictions = _lineEvictions, QueueDepth = _queue.Count, InFlight = _inFlight,
                ResidentPages = _pages.Count, HostBytes = _host, PeakHostBytes = _peakHost, HostBudgetBytes = Options.HostBudgetBytes,
                DeviceBytes = _device, PeakDeviceBytes = _peakDevice, DeviceBudgetBytes = Options.DeviceBudgetBytes,
                LatencyMsP50 = p50, LatencyMsP99 = p99,
            };
        }
    }

    // ---- the workers ----

    void WorkerLoop()
    {
        while (true)
        {
            Job job;
            Plan plan;
            lock (_gate)
            {
                while (true)
                {
                    if (_disposed) return;
                    if (_holds == 0 && _queue.Count > 0 && _inFlight < _maxInFlight)
                    {
                        job = _queue.Min!;
                        if (TryReserve(job, out plan)) break;
                        if (_inFlight == 0)   // nobody will free anything: this page cannot fit
                        {
                            _queue.Remove(job);
                            Fail(job, new InvalidOperationException(_atlas != null && _atlas.FreeSlots == 0
                                ? $"page {job.Key}: every one of the atlas's {_atlas.Slots} slots holds a pinned page"
                                : $"page {job.Key}: the host budget of {Options.HostBudgetBytes} bytes cannot hold it " +
                                  $"(one page with its lines needs {MinimumHostBytes(job.Texture)}; pinned pages hold {PinnedBytes()})"));
                            continue;
                        }
                    }
                    Monitor.Wait(_gate);
                }
                _queue.Remove(job);
                job.Running = true;
                _inFlight++;
            }
            Render(job, plan);
        }
    }

    /// <summary>What a render reserved: its lines, the host bytes of its page buffer and, with an atlas, its slot (else −1).</summary>
    readonly record struct Plan(LineEntry Rows, bool ComputeRows, LineEntry Cols, bool ComputeCols, long PageBytes, int Slot);

    /// <summary>
    /// Takes the job's line entries (existing ones referenced, missing ones created pending) and reserves its page buffer
    /// and missing lines, evicting least recently used unreferenced entries to fit. False (nothing changed) if it cannot fit now.
    /// </summary>
    bool TryReserve(Job job, out Plan plan)
    {
        plan = default;
        var t = job.Texture;
        var rowId = new LineId(t.ContentKey, job.Key.Level, Axis.Rows, job.Key.Y);
        var colId = new LineId(t.ContentKey, job.Key.Level, Axis.Cols, job.Key.X);
        _lines.TryGetValue(rowId, out var rows);
        _lines.TryGetValue(colId, out var cols);
        long lineBytes = LineBytes(t), pageBytes = HostPageBytes(t);
        long missing = (rows == null ? lineBytes : 0) + (cols == null ? lineBytes : 0);
        long hostNeed = pageBytes + (_linesOnDevice ? 0 : missing), deviceNeed = _linesOnDevice ? missing : 0;
        if (rows != null) rows.Refs++;
        if (cols != null) cols.Refs++;
        int slot = -1;
        if (!MakeRoom(hostNeed, onDevice: false) || !MakeRoom(deviceNeed, onDevice: true) || !TakeSlot(out slot))
        {
            if (rows != null) rows.Refs--;
            if (cols != null) cols.Refs--;
            return false;
        }
        Charge(pageBytes, onDevice: false);
        bool computeRows = rows == null, computeCols = cols == null;
        rows ??= NewPendingLines(rowId, lineBytes);
        cols ??= NewPendingLines(colId, lineBytes);
        _linesReused += (computeRows ? 0 : 1) + (computeCols ? 0 : 1);
        plan = new Plan(rows, computeRows, cols, computeCols, pageBytes, slot);
        return true;
    }

    LineEntry NewPendingLines(LineId id, long bytes)
    {
        var e = new LineEntry(id) { Bytes = bytes, Refs = 1, OnDevice = _linesOnDevice };
        _lines.Add(id, e);
        Charge(bytes, _linesOnDevice);
        return e;
    }

    /// <summary>Evicts least recently used unreferenced entries of one memory until <paramref name="bytes"/> more fit; false if they cannot.</summary>
    bool MakeRoom(long bytes, bool onDevice)
    {
        long budget = onDevice ? Options.DeviceBudgetBytes : Options.HostBudgetBytes;
        ref long held = ref onDevice ? ref _device : ref _host;
        if (held + bytes <= budget) return true;
        long freeable = 0;
        foreach (var e in _lru) if (e.Refs == 0 && e.OnDevice == onDevice) freeable += e.Bytes;
        if (held - freeable + bytes > budget) return false;
        for (var node = _lru.Last; node != null && held + bytes > budget;)
        {
            var prev = node.Previous;
            var e = node.Value;
            if (e.Refs == 0 && e.OnDevice == onDevice)
            {
                Remove(e);
                if (e is PageEntry) _pageEvictions++; else _lineEvictions++;
            }
            node = prev;
        }
        return true;
    }

    void Charge(long bytes, bool onDevice)
    {
        if (onDevice) { _device += bytes; _peakDevice = Math.Max(_peakDevice, _device); }
        else { _host += bytes; _peakHost = Math.Max(_peakHost, _host); }
    }

    long PinnedBytes() => _pages.Values.Where(e => e.Refs > 0).Sum(e => e.Bytes);

    void Render(Job job, Plan plan)
    {
        var t = job.Texture;
        try
        {
            var rows = Lines(t, plan.Rows, plan.ComputeRows);
            var cols = Lines(t, plan.Cols, plan.ComputeCols);
            var page = plan.Slot >= 0 ? RenderIntoAtlas(job, rows, cols, plan.Slot) : HostPage(t, job.Key, RenderOnHost(t, rows, cols));
            lock (_gate)
            {
                ReleaseLines(plan);
                _host -= plan.PageBytes - page.Bytes;   // what the render held beyond the page it keeps (an upload's or encoding's float buffer)
                Publish(job, page, page.Bytes);
            }
        }
        catch (Exception e)
        {
            lock (_gate)
            {
                ReleaseLines(plan);
                _host -= plan.PageBytes;
                if (plan.Slot >= 0) ReleaseSlot(plan.Slot, t, job.Key);
                Fail(job, e);
            }
        }
        finally
        {
            lock (_gate) { _inFlight--; Monitor.PulseAll(_gate); }
        }
    }

    /// <summary>The rendered planar texels as a host page in <see cref="StreamingOptions.HostPageFormat"/>.</summary>
    Page HostPage(TextureDescription t, PageKey key, float[] planar)
    {
        var format = Options.HostPageFormat;
        if (format == PageFormat.Float32Planar) return new Page(t, key, planar);
        var encoded = new byte[format.PageBytes(t.Layout)];
        format.Encode(planar, t.Layout.Texels, encoded);
        return new Page(t, key, format, encoded);
    }

    float[] RenderOnHost(TextureDescription t, LineSet rows, LineSet cols)
    {
        int n = t.Layout.Texels;
        var texels = new float[3L * n * n];
        _gen.RenderTile(t.Latent, rows, cols, new TileRect(0, 0, n, n), new PlanarView(texels, n, n));
        return texels;
    }

    /// <summary>The entry's lines: computed here if this render created the entry, else awaited from the render computing them.</summary>
    LineSet Lines(TextureDescription t, LineEntry entry, bool compute)
    {
        if (!compute) return entry.Ready.Task.GetAwaiter().GetResult();
        LineSet lines;
        try { lines = _gen.ComputeLines(t.Latent, t.Layout.AxisCoords(entry.Id.Level, entry.Id.Index), entry.Id.Axis); }
        catch (Exception e)
        {
            lock (_gate)
            {
                _lines.Remove(entry.Id);
                Uncharge(entry.Bytes, entry.OnDevice);
                entry.Failed = true;
            }
            entry.Ready.SetException(e);
            throw;
        }
        lock (_gate)
        {
            entry.Lines = lines;
            if (lines.Bytes != entry.Bytes) { Charge(lines.Bytes - entry.Bytes, entry.OnDevice); entry.Bytes = lines.Bytes; }
            _linesComputed++;
            entry.Node = _lru.AddFirst(entry);
        }
        entry.Ready.SetResult(lines);
        return lines;
    }

    void Uncharge(long bytes, bool onDevice)
    {
        if (onDevice) _device -= bytes; else _host -= bytes;
    }

    void ReleaseLines(Plan plan)
    {
        foreach (var e in new[] { plan.Rows, plan.Cols })
        {
            e.Refs--;
            if (!e.Failed && e.Node != null) Touch(e);
        }
    }

    void Publish(Job job, Page page, long bytes)
    {
        int pins = 0;
        if (_pages.TryGetValue(job.Id, out var old))   // an invalidated page: the new one takes its place and its pins
        {
            pins = old.Refs;
            old.Refs = 0;
            Remove(old);
        }
        var entry = new PageEntry(job.Id, page) { Bytes = bytes, Refs = pins, OnDevice = page.AtlasSlot >= 0 };
        _pages.Add(job.Id, entry);
        entry.Node = _lru.AddFirst(entry);
        _rendered++;
        _jobs.Remove(job.Id);
        _completed.Enqueue(new CompletedPage(job.Texture, job.Key, null));
        foreach (var r in job.Requests) Resolve(r, page);
        job.Requests.Clear();
    }

    void Resolve(PageRequest r, Page page)
    {
        r.Job = null;
        _latency.Add(Stopwatch.GetElapsedTime(r.StartTicks).TotalMilliseconds);
        r.Source.TrySetResult(page);
    }

    void Fail(Job job, Exception e)
    {
        _failed++;
        _jobs.Remove(job.Id);
        _completed.Enqueue(new CompletedPage(job.Texture, job.Key, e));
        foreach (var r in job.Requests) { r.Job = null; r.Source.TrySetException(e); }
        job.Requests.Clear();
    }

    void Touch(Resident e)
    {
        if (e.Node == null) return;
        _lru.Remove(e.Node);
        _lru.AddFirst(e.Node);
    }

    void Remove(Resident e)
    {
        if (e.Node != null) { _lru.Remove(e.Node); e.Node = null; }
        Uncharge(e.Bytes, e.OnDevice);
        switch (e)
        {
            case PageEntry p:
                _pages.Remove(p.Id);
                if (p.Page.AtlasSlot >= 0) ReleaseSlot(p.Page.AtlasSlot, p.Page.Texture, p.Page.Key);
                break;
            case LineEntry l: _lines.Remove(l.Id); l.Lines?.Dispose(); break;
        }
    }

    /// <summary>
    /// Cancels queued renders, lets running ones finish, then frees every line set and page: the service holds no
    /// bytes afterwards. Disposes the generator if the service owns it.
    /// </summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            foreach (var job in _queue)
            {
                foreach (var r in job.Requests) { r.Job = null; r.Source.TrySetCanceled(); }
                _jobs.Remove(job.Id);
            }
            _queue.Clear();
            Monitor.PulseAll(_gate);
        }
        foreach (var w in _workers) w.Join();
        lock (_gate)
        {
            foreach (var e in _lru.ToList()) Remove(e);
            _completed.Clear();
            ReleaseAtlas();
        }
        _atlas?.FlushPending();   // the device table names no page of this service any more
        if (_ownsGenerator) _gen.Dispose();
    }

    // ---- state ----

    internal readonly record struct PageId(string Texture, PageKey Key);
    readonly record struct LineId(string Texture, int Level, Axis Axis, long Index);

    /// <summary>Something held within a budget: Refs &gt; 0 (pinned, or in use by a render) keeps it from eviction.</summary>
    abstract class Resident
    {
        public long Bytes;
        public int Refs;
        public bool OnDevice;
        public LinkedListNode<Resident>? Node;   // in the LRU once usable
    }

    sealed class PageEntry(PageId id, Page page) : Resident
    {
        public readonly PageId Id = id;
        public readonly Page Page = page;
    }

    sealed class LineEntry(LineId id) : Resident
    {
        public readonly LineId Id = id;
        public LineSet? Lines;
        public bool Failed;
        public readonly TaskCompletionSource<LineSet> Ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    internal sealed class Job(PageId id, TextureDescription texture, PageKey key, bool replace, long seq)
    {
        public readonly PageId Id = id;
        public readonly TextureDescription Texture = texture;
        public readonly PageKey Key = key;
        /// <summary>An <see cref="Invalidate"/>: the page is resident and is replaced when this lands; it runs without requests.</summary>
        public readonly bool Replace = replace;
        public readonly long Seq = seq;
        public readonly List<PageRequest> Requests = new();
        public int Priority = int.MinValue;
        public bool Running;
    }

    /// <summary>Highest priority first, then first requested.</summary>
    sealed class JobOrder : IComparer<Job>
    {
        public static readonly JobOrder Instance = new();
        public int Compare(Job? a, Job? b)
        {
            if (ReferenceEquals(a, b)) return 0;
            int c = b!.Priority.CompareTo(a!.Priority);
            return c != 0 ? c : a.Seq.CompareTo(b.Seq);
        }
    }

    /// <summary>The last 65 536 request → ready latencies, for percentiles.</summary>
    sealed class LatencyLog
    {
        readonly double[] _ms = new double[1 << 16];
        long _count;
        public void Add(double ms) => _ms[_count++ % _ms.Length] = ms;
        public (double P50, double P99) Percentiles()
        {
            var v = _ms.AsSpan(0, (int)Math.Min(_count, _ms.Length)).ToArray();
            Array.Sort(v);
            return (StreamingStats.Percentile(v, 50), StreamingStats.Percentile(v, 99));
        }
    }
}
