using Creps.Render.Cpu;
using Creps.Render.Model;
using Creps.Render.Streaming;

namespace Creps.Tests.Streaming;

/// <summary>Every page is `creps render` of its bordered region, bit for bit (cpu backend), at any level, anywhere.</summary>
public class StreamingExactnessTests
{
    string _dir = "";

    [SetUp] public void MakeDir() => Directory.CreateDirectory(_dir = Path.Combine(Path.GetTempPath(), $"creps-stream-{Guid.NewGuid():N}"));
    [TearDown] public void RemoveDir() => Directory.Delete(_dir, true);

    static readonly PageKey[] Keys =
    [
        new(0, 0, 0), new(0, -1, 0), new(0, 2, -3),
        new(3, 0, 0), new(3, 7, 7), new(3, -4, 5), new(3, -9, -2),
        new(20, 0, 0), new(20, -1, -1), new(20, 524_288, -3), new(20, -(1L << 21), 12_345),
    ];

    [Test]
    public void PagesEqualCreps_RenderOfTheirBorderedRegion()
    {
        var tex = StreamingHarness.Texture("public-tiny", 3, 16, 4);
        using var streamer = new PageStreamer(new CpuGenerator(tex.Model), ownsGenerator: true);
        var pages = StreamingHarness.All(Keys.Select((k, i) => streamer.Request(tex, k, i)));
        for (int i = 0; i < Keys.Length; i++)
        {
            Assert.That(pages[i].Key, Is.EqualTo(Keys[i]));
            var expected = StreamingHarness.CliRender(StreamingHarness.ModelPath("public-tiny"), 3, tex.Layout, Keys[i], _dir);
            FloatAssert.BitEqual(pages[i].Texels, expected, $"page {Keys[i]}");
        }
        // The reference renders differ from page to page: a page is not some constant the check would miss.
        Assert.That(pages.Select(p => p.Texels[0]).Distinct().Count(), Is.GreaterThan(Keys.Length / 2));
    }

    [Test]
    public void ATileableModelsPagesRepeatWithThePeriod()
    {
        string path = Fixtures.GanRockTileable;
        var m = CrepsModel.Load(path);
        Assert.That(m.Config.Tileable, Is.True);
        var tex = StreamingHarness.Texture(m, path, 5, 16, 4);
        using var streamer = new PageStreamer(new CpuGenerator(m), ownsGenerator: true);
        // Level 2: the plane repeats every 4 pages each way. Page (x, y) against (x + 4a, y + 4b), negative shifts too.
        PageKey[] bases = [new(2, 0, 0), new(2, 3, 1)];
        (long, long)[] shifts = [(4, 0), (0, 4), (-4, -8), (8, -4)];
        foreach (var b in bases)
        {
            var page = StreamingHarness.All([streamer.Request(tex, b)])[0];
            foreach (var (dx, dy) in shifts)
            {
                var key = b with { X = b.X + dx, Y = b.Y + dy };
                var shifted = StreamingHarness.All([streamer.Request(tex, key)])[0];
                FloatAssert.BitEqual(shifted.Texels, page.Texels, $"page {key} against {b}");
            }
            FloatAssert.BitEqual(page.Texels, StreamingHarness.CliRender(path, 5, tex.Layout, b, _dir), $"page {b} against creps render");
        }
        // Neighbours within the period differ (the repeat is not a constant image).
        var n1 = StreamingHarness.All([streamer.Request(tex, new PageKey(2, 1, 0))])[0];
        Assert.That(n1.Texels.AsSpan().SequenceEqual(StreamingHarness.All([streamer.Request(tex, new PageKey(2, 0, 0))])[0].Texels), Is.False);
    }
}
