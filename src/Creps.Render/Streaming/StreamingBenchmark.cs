using System.Diagnostics;

namespace Creps.Render.Streaming;

/// <summary>What one camera run measured.</summary>
public sealed record StreamingBenchmarkResult(int Frames, long PagesRequested, double Seconds, bool Finished, int LastViewPages, int LastViewMissing,
    StreamingStats Stats)
{
    public double PagesPerSecond => Stats.PagesRendered / Seconds;
    public double LineSetsPerPage => Stats.PagesRendered == 0 ? 0 : (double)Stats.LineSetsComputed / Stats.PagesRendered;
}

/// <summary>
/// Drives a <see cref="PageStreamer"/> with a <see cref="CameraScript"/> in real time: every frame_ms, under
/// <see cref="PageStreamer.HoldQueue"/>, the visible pages are requested (or re-prioritised), nearest the centre highest,
/// and requests for pages that left the view are cancelled; after the last frame it waits for the last view's pages,
/// never past <paramref name="maxSeconds"/> in all. A benchmark, not a test.
/// </summary>
public static class StreamingBenchmark
{
    public static StreamingBenchmarkResult Run(PageStreamer streamer, TextureDescription texture, CameraScript camera, double maxSeconds)
    {
        var live = new Dictionary<PageKey, PageRequest>();
        long requested = 0;
        var clock = Stopwatch.StartNew();
        PageKey[] view = [];
        int frame = 0;
        for (; frame < camera.Frames && clock.Elapsed.TotalSeconds < maxSeconds; frame++)
        {
            double due = frame * camera.FrameMs / 1000;
            while (clock.Elapsed.TotalSeconds < due) Thread.Sleep(1);
            view = camera.Visible(frame);
            var visible = new HashSet<PageKey>(view);
            using (streamer.HoldQueue())
            {
                foreach (var (key, r) in live.ToArray())
                    if (!visible.Contains(key))
                    {
                        if (!r.Completion.IsCompleted) r.Cancel();
                        live.Remove(key);
                    }
                for (int i = 0; i < view.Length; i++)
                {
                    int priority = view.Length - i;
                    if (live.TryGetValue(view[i], out var r)) { if (!r.Completion.IsCompleted) r.Priority = priority; }
                    else { live[view[i]] = streamer.Request(texture, view[i], priority); requested++; }
                }
            }
        }
        var last = view.Select(k => live[k].Completion).ToArray();
        double left = Math.Max(0, maxSeconds - clock.Elapsed.TotalSeconds);
        bool finished = frame == camera.Frames && Task.WaitAll(last, TimeSpan.FromSeconds(left));
        double seconds = clock.Elapsed.TotalSeconds;
        return new StreamingBenchmarkResult(frame, requested, seconds, finished, view.Length, last.Count(t => !t.IsCompletedSuccessfully), streamer.Stats());
    }
}
