namespace Creps.Render.Streaming;

/// <summary>How a <see cref="PageStreamer"/> runs.</summary>
public sealed record StreamingOptions
{
    /// <summary>Worker threads that render pages (each page already uses the backend's own threads; 1 suits the cpu backend).</summary>
    public int Workers { get; init; } = 1;
    /// <summary>Most pages being rendered at once (each holds its page buffer and its two line sets); 0 = <see cref="Workers"/>.</summary>
    public int MaxInFlight { get; init; }
    /// <summary>
    /// Host memory the service may hold: resident pages, cached host line sets and the buffers of pages in flight.
    /// Never exceeded: least recently used pages and lines are evicted, pinned pages never.
    /// </summary>
    public long HostBudgetBytes { get; init; } = 256L << 20;
    /// <summary>Device memory for line sets a GPU backend keeps on the device (the cpu backend's lines are host memory).</summary>
    public long DeviceBudgetBytes { get; init; } = 256L << 20;

    /// <summary>
    /// How host pages are stored: planar float32 (default, <see cref="Page.Texels"/>) or RGBA8 / RGBA16F / RGBA32F
    /// (<see cref="Page.Encoded"/>, encoded by the bake's texel encoder). An atlas's pages take the atlas's format instead.
    /// </summary>
    public PageFormat HostPageFormat { get; init; } = PageFormat.Float32Planar;

    public static StreamingOptions Default { get; } = new();
}
