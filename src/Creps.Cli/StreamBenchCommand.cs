using System.Globalization;
using Creps.Render;
using Creps.Render.IO;
using Creps.Render.Streaming;
using Creps.Render.Vulkan;

namespace Creps.Cli;

/// <summary>
/// <c>creps stream-bench</c>: the streaming service under a scripted pan-and-zoom camera (bench/streaming-camera.json):
/// pages/s, request→ready percentiles, line sets per page, peak host and device bytes. The BENCHMARKS.md streaming section.
/// </summary>
public static class StreamBenchCommand
{
    public const string Synopsis =
        "stream-bench --model PATH " + LatentOptions.Synopsis + " --camera FILE.json [--backend cpu|vulkan] [--atlas] [--workers N]\n" +
        "       [--seconds S] [--budget-mb N] [--stats FILE.json]";

    const string Description =
        "Runs a scripted camera over the plane in real time against the streaming service and reports pages/s, request→ready p50/p99, " +
        "line sets per page and peak host/device bytes. --atlas keeps pages in a Vulkan page atlas (RGBA16F): rendered into it on vulkan, " +
        "rendered on the cpu and uploaded otherwise. A benchmark, not a test.";

    public static CrepsCommand Create()
    {
        var model = ModelOption.Create();
        var latent = new LatentOptions();
        var camera = Opt.Text("--camera", "FILE.json", "The camera script (view, page, border, frame_ms, key frames). Required.");
        var backend = Opt.Parsed<string?>("--backend", "NAME", "cpu or vulkan: which backend renders pages (default cpu).",
            s => s is "cpu" or "vulkan" ? s : throw new FormatException($"--backend {Untrusted.Quote(s)}: expected cpu or vulkan"));
        var atlas = Opt.Flag("--atlas", "Keep pages in a Vulkan page atlas (RGBA16F) instead of host memory.");
        var workers = Opt.Long("--workers", 1, 64, "N", "Worker threads of the service (default 1).");
        var seconds = Opt.Double("--seconds", "S", "Stop after S seconds in all, finished or not (default 120).");
        var budget = Opt.Long("--budget-mb", 1, 1 << 20, "N", "Host and device budget of the service, in MiB each (default 256).");
        var statsFile = Opt.Text("--stats", "FILE.json", "Also write the service's counters as JSON.");

        var command = new CrepsCommand("stream-bench", Description, Synopsis, (p, stdout, stderr) =>
        {
            var script = CameraScript.Load(p.Require(camera));
            double maxSeconds = p.GetValue(seconds) ?? 120;
            if (!(maxSeconds > 0)) throw new UsageException("--seconds must be > 0");
            var m = ModelOption.Load(p, model);
            var texture = new TextureDescription(m, TextureDescription.HashModelFile(p.Require(model)), latent.Latent(p, m), script.Layout);
            long budgetBytes = (p.GetValue(budget) ?? 256) << 20;
            var streaming = new StreamingOptions { Workers = (int)(p.GetValue(workers) ?? 1), HostBudgetBytes = budgetBytes, DeviceBudgetBytes = budgetBytes };
            string name = p.GetValue(backend) ?? "cpu";
            bool useAtlas = p.GetValue(atlas);
            using var gen = Backends.Create(m, name, EnvironmentVariables.Backend() with { DeviceBudgetBytes = budgetBytes });
            using var context = useAtlas && gen is not VulkanGenerator ? VulkanContext.Create() : null;
            var ctx = (gen as VulkanGenerator)?.Context ?? context;
            using var pageAtlas = useAtlas
                ? new PageAtlas(ctx!, script.Layout, Math.Min(1024, PageAtlas.SlotsFor(budgetBytes / 2, script.Layout, PageFormat.Rgba16F)))
                : null;
            var streamer = pageAtlas != null ? new PageStreamer(gen, pageAtlas, streaming) : new PageStreamer(gen, streaming);
            string how = pageAtlas == null ? "host pages" : streamer.RendersIntoAtlas ? $"rendered into a {pageAtlas.Slots}-slot atlas" : $"uploaded into a {pageAtlas.Slots}-slot atlas";
            stderr.WriteLine($"creps stream-bench: {script.ViewWidth}x{script.ViewHeight} view, {script.Frames} frames of {script.FrameMs} ms, " +
                             $"pages of {script.Layout.Texels}² on {gen.DeviceDescription}, {how}");
            StreamingBenchmarkResult r;
            try { r = StreamingBenchmark.Run(streamer, texture, script, maxSeconds); }
            finally { streamer.Dispose(); }
            var s = r.Stats;
            long peakDevice = s.PeakDeviceBytes + (gen is VulkanGenerator vk ? (long)vk.PeakDeviceBytes : 0);
            if (p.GetValue(statsFile) is string path) AtomicFile.Write(path, s.WriteJson);
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{(r.Finished ? "finished" : $"stopped at {maxSeconds} s ({r.LastViewMissing} of the last view's {r.LastViewPages} pages missing)")}: " +
                $"{r.Frames} frames, {r.PagesRequested} pages requested, {s.PagesRendered} rendered in {r.Seconds:F1} s = {r.PagesPerSecond:F2} pages/s; " +
                $"request→ready p50 {s.LatencyMsP50:F0} ms, p99 {s.LatencyMsP99:F0} ms; line sets per page {r.LineSetsPerPage:F2}; " +
                $"cancelled {s.RequestsCancelled} (never rendered {s.RendersDropped}); peak host {RenderLimits.Bytes(s.PeakHostBytes)}, " +
                $"peak device {RenderLimits.Bytes(peakDevice)} (service {RenderLimits.Bytes(s.PeakDeviceBytes)})"));
            return 0;
        });
        command.Add([model, .. latent.All, camera, backend, atlas, workers, seconds, budget, statsFile]);
        return command;
    }
}
