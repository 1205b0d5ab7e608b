using Creps.Render.Streaming;

namespace Creps.Tests.Streaming;

/// <summary>The benchmark's camera script: the committed script loads, frames see the pages their view covers, bad scripts fail in one line.</summary>
public class CameraScriptTests
{
    [Test]
    public void TheCommittedScriptSeesTheLevelAndPagesOfItsView()
    {
        var camera = CameraScript.Load(Path.Combine(Fixtures.RepoRoot, "bench", "streaming-camera.json"));
        Assert.That((camera.ViewWidth, camera.ViewHeight, camera.Frames, camera.Layout.PageSize), Is.EqualTo((1280, 720, 31, 128)));
        // Frame 0: centre (0.5, 0.5), 512 px per unit = 4 pages of 128 per unit: level 2; x ∈ [−0.75, 1.75], y ∈ [−0.203, 1.203].
        var view = camera.Visible(0);
        Assert.That(view.Select(k => k.Level).Distinct(), Is.EqualTo(new[] { 2 }));
        Assert.That(view.Select(k => (k.X, k.Y)), Is.EquivalentTo(
            from y in Enumerable.Range(-1, 6) from x in Enumerable.Range(-3, 11) select ((long)x, (long)y)));
        Assert.That(new[] { view[0].X, view[0].Y }, Is.All.InRange(1L, 2L), "nearest the centre first");
        // Frame 20: 2048 px per unit → level 4; frame 15 lies between (zoom interpolated geometrically: 1024 → level 3).
        Assert.That(camera.Visible(20)[0].Level, Is.EqualTo(4));
        Assert.That(camera.At(15).PixelsPerUnit, Is.EqualTo(1024).Within(1e-9));
        Assert.That(camera.Visible(15)[0].Level, Is.EqualTo(3));
    }

    [Test]
    public void AMalformedScriptIsRefusedInOneLine()
    {
        string path = Path.Combine(Path.GetTempPath(), $"creps-camera-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllText(path, """{ "view": [1280, 720], "page": 128, "border": 4, "frame_ms": 50, "keys": [ { "frame": 3, "x": 0, "y": 0, "pixels_per_unit": 64 } ] }""");
            var e = Assert.Throws<InvalidDataException>(() => CameraScript.Load(path));
            Assert.That(e!.Message, Is.EqualTo("the first key frame must be frame 0"));
            File.WriteAllText(path, """{ "view": [1280], "page": 128 }""");
            e = Assert.Throws<InvalidDataException>(() => CameraScript.Load(path));
            Assert.That(e!.Message, Does.StartWith("camera script '").And.Not.Contain("\n"));
        }
        finally { File.Delete(path); }
    }
}
