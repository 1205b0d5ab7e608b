using System.Text.Json;

namespace Creps.Demo;

/// <summary>One frame of <c>--stats</c>.</summary>
public sealed record FrameRecord(int Frame, int Width, int Height, double TimeS, double FrameMs, double WorkMs, double Coverage, int LevelWanted, int LevelDrawnFinest,
    int LevelDrawnCoarsest, bool FullResolution, int PagesWanted, int PagesRequested, int PagesInFlight, int PagesResident, double Span, bool Magnified);

/// <summary>The per-frame records and the run's summary, written as one JSON file (<c>--stats</c>).</summary>
internal sealed class FrameLog
{
    public List<FrameRecord> Frames { get; } = new();
    public Dictionary<string, double> Summary { get; } = new();

    /// <summary>Nearest-rank percentile of the frame intervals after the first frame.</summary>
    public double FrameMsPercentile(double p)
    {
        var v = Frames.Skip(1).Select(f => f.FrameMs).Order().ToList();
        return v.Count == 0 ? 0 : v[Math.Clamp((int)Math.Ceiling(p / 100 * v.Count) - 1, 0, v.Count - 1)];
    }

    public void Write(string path)
    {
        using var stream = File.Create(path);
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteStartArray("frames");
        foreach (var f in Frames)
        {
            w.WriteStartObject();
            w.WriteNumber("frame", f.Frame);
            w.WriteNumber("width", f.Width);
            w.WriteNumber("height", f.Height);
            w.WriteNumber("t_s", Math.Round(f.TimeS, 4));
            w.WriteNumber("frame_ms", Math.Round(f.FrameMs, 3));
            w.WriteNumber("work_ms", Math.Round(f.WorkMs, 3));
            w.WriteNumber("coverage", f.Coverage);
            w.WriteNumber("level_wanted", f.LevelWanted);
            w.WriteNumber("level_drawn_finest", f.LevelDrawnFinest);
            w.WriteNumber("level_drawn_coarsest", f.LevelDrawnCoarsest);
            w.WriteBoolean("full_resolution", f.FullResolution);
            w.WriteNumber("pages_wanted", f.PagesWanted);
            w.WriteNumber("pages_requested", f.PagesRequested);
            w.WriteNumber("pages_in_flight", f.PagesInFlight);
            w.WriteNumber("pages_resident", f.PagesResident);
            w.WriteNumber("span", f.Span);
            w.WriteBoolean("magnified", f.Magnified);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartObject("summary");
        foreach (var (k, v) in Summary) w.WriteNumber(k, v);
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
