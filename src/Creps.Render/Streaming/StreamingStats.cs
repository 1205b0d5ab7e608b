using System.Text.Json;

namespace Creps.Render.Streaming;

/// <summary>A snapshot of a <see cref="PageStreamer"/>'s counters (all since it was created).</summary>
public sealed record StreamingStats
{
    /// <summary>Page requests made (each call to Request, cache hits included).</summary>
    public long Requests { get; init; }
    /// <summary>Requests answered by a resident page.</summary>
    public long CacheHits { get; init; }
    /// <summary>Requests that joined a render already queued or running for the same page.</summary>
    public long SharedRequests { get; init; }
    public long RequestsCancelled { get; init; }
    /// <summary>Queued renders dropped because every request for them was cancelled (never rendered).</summary>
    public long RendersDropped { get; init; }
    public long PagesRendered { get; init; }
    public long PagesFailed { get; init; }
    public long LineSetsComputed { get; init; }
    /// <summary>Line sets a page took from the cache (or from a computation another page started) instead of computing them.</summary>
    public long LineSetsReused { get; init; }
    public long PageEvictions { get; init; }
    public long LineSetEvictions { get; init; }
    public int QueueDepth { get; init; }
    public int InFlight { get; init; }
    public int ResidentPages { get; init; }
    public long HostBytes { get; init; }
    public long PeakHostBytes { get; init; }
    public long HostBudgetBytes { get; init; }
    public long DeviceBytes { get; init; }
    public long PeakDeviceBytes { get; init; }
    public long DeviceBudgetBytes { get; init; }
    /// <summary>Request → ready, over every request that got its page (cache hits included), nearest-rank percentiles.</summary>
    public double LatencyMsP50 { get; init; }
    public double LatencyMsP99 { get; init; }

    /// <summary>The counters as one JSON object with snake_case names (pages_rendered, line_sets_computed, …).</summary>
    public void WriteJson(Stream stream)
    {
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteNumber("requests", Requests);
        w.WriteNumber("cache_hits", CacheHits);
        w.WriteNumber("shared_requests", SharedRequests);
        w.WriteNumber("requests_cancelled", RequestsCancelled);
        w.WriteNumber("renders_dropped", RendersDropped);
        w.WriteNumber("pages_rendered", PagesRendered);
        w.WriteNumber("pages_failed", PagesFailed);
        w.WriteNumber("line_sets_computed", LineSetsComputed);
        w.WriteNumber("line_sets_reused", LineSetsReused);
        w.WriteNumber("page_evictions", PageEvictions);
        w.WriteNumber("line_set_evictions", LineSetEvictions);
        w.WriteNumber("queue_depth", QueueDepth);
        w.WriteNumber("in_flight", InFlight);
        w.WriteNumber("resident_pages", ResidentPages);
        w.WriteNumber("host_bytes", HostBytes);
        w.WriteNumber("peak_host_bytes", PeakHostBytes);
        w.WriteNumber("host_budget_bytes", HostBudgetBytes);
        w.WriteNumber("device_bytes", DeviceBytes);
        w.WriteNumber("peak_device_bytes", PeakDeviceBytes);
        w.WriteNumber("device_budget_bytes", DeviceBudgetBytes);
        w.WriteNumber("latency_ms_p50", Math.Round(LatencyMsP50, 3));
        w.WriteNumber("latency_ms_p99", Math.Round(LatencyMsP99, 3));
        w.WriteEndObject();
    }

    /// <summary>Nearest-rank percentile <paramref name="p"/> (0..100) of <paramref name="sorted"/>; 0 when empty.</summary>
    internal static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
}
