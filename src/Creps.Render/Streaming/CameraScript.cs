using System.Text.Json;
using Creps.Render.IO;

namespace Creps.Render.Streaming;

/// <summary>
/// A scripted camera for the streaming benchmark (bench/streaming-camera.json): a view of W×H screen pixels whose
/// centre (plane units) and zoom (screen pixels per plane unit) are interpolated between key frames — the centre
/// linearly, the zoom geometrically. Each frame sees the pages of the level whose texels are at least as dense as the
/// screen's pixels, nearest the view's centre first.
/// </summary>
public sealed record CameraScript(int ViewWidth, int ViewHeight, PageLayout Layout, double FrameMs, IReadOnlyList<CameraScript.Key> Keys)
{
    public readonly record struct Key(int Frame, double X, double Y, double PixelsPerUnit);

    public int Frames => Keys[^1].Frame + 1;

    /// <summary>Reads a script; one clear line (InvalidDataException) for a malformed one.</summary>
    public static CameraScript Load(string path)
    {
        using var stream = InputFile.Open(path, "camera script", 1 << 20);
        JsonDocument doc;
        try { doc = JsonDocument.Parse(stream); }
        catch (JsonException e) { throw new InvalidDataException($"camera script {Untrusted.Quote(path, 200)} is not JSON: {e.Message}"); }
        using (doc)
        {
            try
            {
                var root = doc.RootElement;
                var view = root.GetProperty("view");
                int w = view[0].GetInt32(), h = view[1].GetInt32();
                if (w < 1 || h < 1 || w > 1 << 16 || h > 1 << 16) throw new InvalidDataException($"view {w}x{h} is outside 1..65536");
                var layout = new PageLayout(root.GetProperty("page").GetInt32(), root.GetProperty("border").GetInt32());
                double frameMs = root.GetProperty("frame_ms").GetDouble();
                var keys = root.GetProperty("keys").EnumerateArray().Select(k => new Key(k.GetProperty("frame").GetInt32(),
                    k.GetProperty("x").GetDouble(), k.GetProperty("y").GetDouble(), k.GetProperty("pixels_per_unit").GetDouble())).ToList();
                if (keys.Count == 0 || keys[0].Frame != 0) throw new InvalidDataException("the first key frame must be frame 0");
                for (int i = 1; i < keys.Count; i++)
                    if (keys[i].Frame <= keys[i - 1].Frame) throw new InvalidDataException("key frames must be in increasing order");
                if (keys.Any(k => !(k.PixelsPerUnit >= 1 && k.PixelsPerUnit <= 1e12) || !double.IsFinite(k.X) || !double.IsFinite(k.Y)))
                    throw new InvalidDataException("pixels_per_unit must be in 1..1e12 and x, y finite");
                if (!(frameMs >= 0 && frameMs <= 10_000)) throw new InvalidDataException("frame_ms must be in 0..10000");
                return new CameraScript(w, h, layout, frameMs, keys);
            }
            catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException or IndexOutOfRangeException)
            {
                throw new InvalidDataException($"camera script {Untrusted.Quote(path, 200)}: {e.Message}");
            }
        }
    }

    /// <summary>The camera at <paramref name="frame"/>: centre and screen pixels per plane unit.</summary>
    public (double X, double Y, double PixelsPerUnit) At(int frame)
    {
        int i = 0;
        while (i + 1 < Keys.Count && Keys[i + 1].Frame <= frame) i++;
        if (i + 1 == Keys.Count) return (Keys[i].X, Keys[i].Y, Keys[i].PixelsPerUnit);
        var (a, b) = (Keys[i], Keys[i + 1]);
        double t = (double)(frame - a.Frame) / (b.Frame - a.Frame);
        return (a.X + t * (b.X - a.X), a.Y + t * (b.Y - a.Y), a.PixelsPerUnit * Math.Pow(b.PixelsPerUnit / a.PixelsPerUnit, t));
    }

    /// <summary>The level whose page texels are at least as dense as the screen's pixels: ⌈log2(ppu / P)⌉, at least 0.</summary>
    public int LevelAt(double pixelsPerUnit) => Math.Max(0, (int)Math.Ceiling(Math.Log2(pixelsPerUnit / Layout.PageSize) - 1e-9));

    /// <summary>The pages the view covers at <paramref name="frame"/>, nearest the view's centre first.</summary>
    public PageKey[] Visible(int frame)
    {
        var (cx, cy, ppu) = At(frame);
        int level = LevelAt(ppu);
        double pages = Math.ScaleB(1.0, level), hw = ViewWidth / 2.0 / ppu, hh = ViewHeight / 2.0 / ppu;
        long x0 = (long)Math.Floor((cx - hw) * pages), x1 = (long)Math.Floor((cx + hw) * pages);
        long y0 = (long)Math.Floor((cy - hh) * pages), y1 = (long)Math.Floor((cy + hh) * pages);
        var keys = new List<(PageKey Key, double D)>();
        for (long y = y0; y <= y1; y++)
            for (long x = x0; x <= x1; x++)
            {
                double dx = (x + 0.5) / pages - cx, dy = (y + 0.5) / pages - cy;
                keys.Add((new PageKey(level, x, y), dx * dx + dy * dy));
            }
        return keys.OrderBy(k => k.D).Select(k => k.Key).ToArray();
    }
}
