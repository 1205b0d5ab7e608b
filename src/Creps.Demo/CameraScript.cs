using System.Globalization;
using System.Text.Json;
using Creps.Render.IO;

namespace Creps.Demo;

/// <summary>One camera keyframe: at time <see cref="T"/> seconds the window centre is (X, Y) and it shows <see cref="Span"/> plane units across.</summary>
public readonly record struct Keyframe(double T, double X, double Y, double Span);

/// <summary>A window action at a time (tests and recordings): resize to W×H, minimise, restore, close, or a key press.</summary>
public readonly record struct ScriptEvent(double T, string Action, int Width = 0, int Height = 0, string Key = "");

/// <summary>
/// A camera script: keyframes interpolated linearly in the centre (in exact plane coordinates) and geometrically in the
/// span, so a zoom runs at a constant speed in zoom levels. JSON: an array of keyframes
/// <c>[{"t": 0, "center": [x, y], "span": s}, …]</c>, or an object <c>{"keyframes": […], "events": [{"t": 1, "resize": [w, h]},
/// {"t": 2, "minimise": true}, {"t": 2.5, "restore": true}, {"t": 3, "close": true}, {"t": 1, "key": "]"}]}</c>.
/// </summary>
public sealed class CameraScript
{
    public IReadOnlyList<Keyframe> Keyframes { get; }
    public IReadOnlyList<ScriptEvent> Events { get; }
    public double End => Math.Max(Keyframes.Count > 0 ? Keyframes[^1].T : 0, Events.Count > 0 ? Events.Max(e => e.T) : 0);

    public CameraScript(IReadOnlyList<Keyframe> keyframes, IReadOnlyList<ScriptEvent> events)
    {
        Keyframes = keyframes.OrderBy(k => k.T).ToList();
        Events = events.OrderBy(e => e.T).ToList();
    }

    /// <summary>Reads a script file; one-line <see cref="FormatException"/> naming the file and the problem.</summary>
    public static CameraScript Load(string path)
    {
        string text;
        try { text = InputFile.ReadText(path, "camera script", 1 << 20); }   // regular files only, size-limited
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new FormatException($"--script {Untrusted.Quote(path)}: {e.Message}"); }
        try
        {
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            var frames = new List<Keyframe>();
            var events = new List<ScriptEvent>();
            JsonElement keys = root.ValueKind == JsonValueKind.Array ? root : root.TryGetProperty("keyframes", out var k) ? k : default;
            if (keys.ValueKind == JsonValueKind.Array)
                foreach (var e in keys.EnumerateArray())
                {
                    var c = e.GetProperty("center");
                    double span = e.GetProperty("span").GetDouble();
                    if (!(span > 0) || !double.IsFinite(span)) throw new FormatException($"span {span} must be a positive number");
                    frames.Add(new Keyframe(e.GetProperty("t").GetDouble(), c[0].GetDouble(), c[1].GetDouble(), span));
                }
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("events", out var ev))
                foreach (var e in ev.EnumerateArray())
                {
                    double t = e.GetProperty("t").GetDouble();
                    if (e.TryGetProperty("resize", out var r)) events.Add(new ScriptEvent(t, "resize", r[0].GetInt32(), r[1].GetInt32()));
                    else if (e.TryGetProperty("minimise", out _)) events.Add(new ScriptEvent(t, "minimise"));
                    else if (e.TryGetProperty("restore", out _)) events.Add(new ScriptEvent(t, "restore"));
                    else if (e.TryGetProperty("close", out _)) events.Add(new ScriptEvent(t, "close"));
                    else if (e.TryGetProperty("key", out var key)) events.Add(new ScriptEvent(t, "key", Key: key.GetString() ?? ""));
                    else throw new FormatException($"event at t={t.ToString(CultureInfo.InvariantCulture)} has none of resize, minimise, restore, close, key");
                }
            if (frames.Count == 0 && events.Count == 0) throw new FormatException("no keyframes and no events");
            return new CameraScript(frames, events);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or IndexOutOfRangeException)
        {
            throw new FormatException($"--script {Untrusted.Quote(path)}: {e.Message.Split('\n')[0]}");
        }
    }

    /// <summary>The camera at time <paramref name="t"/> (held at the first/last keyframe outside their range); null without keyframes.</summary>
    public Camera? At(double t)
    {
        if (Keyframes.Count == 0) return null;
        if (t <= Keyframes[0].T) return Camera.At(Keyframes[0].X, Keyframes[0].Y, Keyframes[0].Span);
        for (int i = 1; i < Keyframes.Count; i++)
        {
            var (a, b) = (Keyframes[i - 1], Keyframes[i]);
            if (t >= b.T) continue;
            double u = (t - a.T) / (b.T - a.T);
            var ca = Camera.At(a.X, a.Y, a.Span);
            var cb = Camera.At(b.X, b.Y, b.Span);
            return new Camera(ca.X.Add(PlaneCoordinate.Difference(cb.X, ca.X) * u), ca.Y.Add(PlaneCoordinate.Difference(cb.Y, ca.Y) * u),
                a.Span * Math.Pow(b.Span / a.Span, u));
        }
        var last = Keyframes[^1];
        return Camera.At(last.X, last.Y, last.Span);
    }
}
