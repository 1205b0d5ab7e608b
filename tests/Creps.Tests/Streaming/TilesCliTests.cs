using System.Text.Json;
using Creps.Render.Streaming;

namespace Creps.Tests.Streaming;

/// <summary><c>creps tiles</c> end to end, in process: the files, the stats, the order, and bad command lines.</summary>
public class TilesCliTests
{
    string _dir = "";

    [SetUp] public void MakeDir() => Directory.CreateDirectory(_dir = Path.Combine(Path.GetTempPath(), $"creps-tiles-{Guid.NewGuid():N}"));
    [TearDown] public void RemoveDir() => Directory.Delete(_dir, true);

    static readonly string Model = StreamingHarness.ModelPath("public-tiny");

    /// <summary>creps tiles on public-tiny, seed 3, cpu; pages of 16 (border 4, the default) unless <paramref name="extra"/> says otherwise.</summary>
    (int Code, string Out, string Err) Tiles(params string[] extra) =>
        CliRenderTests.Run(["tiles", "--model", Model, "--seed", "3", .. extra.Contains("--page") ? Array.Empty<string>() : ["--page", "16"], "--backend", "cpu", .. extra]);

    [Test]
    public void WritesEveryPageOfTheBlockAsCreps_RenderOfItsRegionWithStats()
    {
        string outDir = Path.Combine(_dir, "pages"), stats = Path.Combine(_dir, "stats.json");
        var (code, stdout, err) = Tiles("--level", "3", "--x", "-4:3", "--y", "-1:0", "--out", outDir, "--stats", stats, "--png");
        Assert.That(code, Is.EqualTo(0), err);
        Assert.That(stdout, Does.StartWith($"wrote 16 pages under {outDir} in "));
        var layout = new PageLayout(16, 4);
        for (long y = -1; y <= 0; y++)
            for (long x = -4; x <= 3; x++)
            {
                string stem = Path.Combine(outDir, "3", x.ToString(), y.ToString());
                var key = new PageKey(3, x, y);
                FloatAssert.BitEqual(Fixtures.ReadF32(stem + ".f32"), StreamingHarness.CliRender(Model, 3, layout, key, _dir), $"page {key}");
                var png = PngDecoder.Decode(stem + ".png");
                Assert.That((png.Width, png.Height), Is.EqualTo((24, 24)));
            }
        Assert.That(Directory.GetFiles(outDir, "*", SearchOption.AllDirectories), Has.Length.EqualTo(32));
        using var doc = JsonDocument.Parse(File.ReadAllText(stats));
        var s = doc.RootElement;
        Assert.That(s.GetProperty("pages_rendered").GetInt64(), Is.EqualTo(16));
        Assert.That(s.GetProperty("line_sets_computed").GetInt64(), Is.EqualTo(8 + 2));
        Assert.That(s.GetProperty("line_sets_reused").GetInt64(), Is.EqualTo(32 - 10));
        Assert.That(s.GetProperty("peak_host_bytes").GetInt64(), Is.GreaterThanOrEqualTo(16 * layout.PageBytes));
        Assert.That(s.GetProperty("peak_device_bytes").GetInt64(), Is.Zero);
        Assert.That(s.GetProperty("latency_ms_p99").GetDouble(), Is.GreaterThanOrEqualTo(s.GetProperty("latency_ms_p50").GetDouble()));
    }

    [Test]
    public void ABlockCostsWPlusHLineSetsAndATightBudgetSaysItRecomputed()
    {
        string Stats(string name, params string[] budget)
        {
            string path = Path.Combine(_dir, name);
            var (code, _, err) = Tiles(["--level", "5", "--x", "-8:7", "--y", "0:7", "--out", Path.Combine(_dir, name + "-pages"), "--stats", path, "--page", "48", .. budget]);
            Assert.That(code, Is.EqualTo(0), err);
            return File.ReadAllText(path);
        }
        using var big = JsonDocument.Parse(Stats("big.json"));
        Assert.That(big.RootElement.GetProperty("line_sets_computed").GetInt64(), Is.EqualTo(16 + 8));
        // 1 MiB: the block's 24 line sets (56 coordinates × 1 KiB each) alone do not fit.
        using var small = JsonDocument.Parse(Stats("small.json", "--budget-mb", "1"));
        Assert.That(small.RootElement.GetProperty("pages_rendered").GetInt64(), Is.EqualTo(128));
        Assert.That(small.RootElement.GetProperty("line_sets_computed").GetInt64(), Is.GreaterThan(24));
        Assert.That(small.RootElement.GetProperty("peak_host_bytes").GetInt64(), Is.LessThanOrEqualTo(1 << 20));
        Assert.That(small.RootElement.GetProperty("line_set_evictions").GetInt64(), Is.GreaterThan(0));
    }

    [Test]
    public void RandomOrderWritesTheSamePages()
    {
        string a = Path.Combine(_dir, "a"), b = Path.Combine(_dir, "b");
        Assert.That(Tiles("--level", "2", "--x", "-2:1", "--y", "-2:1", "--out", a).Code, Is.EqualTo(0));
        Assert.That(Tiles("--level", "2", "--x=-2:1", "--y=-2:1", "--order", "random", "--out", b).Code, Is.EqualTo(0));
        var files = Directory.GetFiles(a, "*.f32", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(a, f)).Order().ToArray();
        Assert.That(files, Has.Length.EqualTo(16));
        foreach (var f in files) Assert.That(File.ReadAllBytes(Path.Combine(b, f)), Is.EqualTo(File.ReadAllBytes(Path.Combine(a, f))), f);
    }

    [TestCase(new[] { "--level", "3", "--x", "3:1", "--y", "0:0" }, "--x '3:1': the first index must not exceed the second")]
    [TestCase(new[] { "--level", "3", "--x", "a:1", "--y", "0:0" }, "--x 'a:1': expected A:B with whole numbers (e.g. -4:3)")]
    [TestCase(new[] { "--level", "63", "--x", "0:0", "--y", "0:0" }, "--level '63' must be a whole number in 0..62")]
    [TestCase(new[] { "--level", "40", "--x", "0:0", "--y", "1099511627776:1099511627776" },
        "page L40 (0, 1099511627776) lies beyond ±2^44 texels of 16 at level 40: double coordinates there are no longer exact and distinct; this spot of the plane is exact down to level 39")]
    [TestCase(new[] { "--level", "3", "--x", "0:0", "--y", "0:0", "--border", "17" }, "--border 17 must not exceed --page 16")]
    [TestCase(new[] { "--level", "3", "--x", "0:0", "--y", "0:0", "--order", "zigzag" }, "--order 'zigzag': expected morton or random")]
    [TestCase(new[] { "--level", "3", "--y", "0:0" }, "--x is required")]
    public void BadCommandLinesAreUsageErrors(string[] args, string message)
    {
        var (code, _, err) = Tiles([.. args, "--out", Path.Combine(_dir, "o")]);
        Assert.That(code, Is.EqualTo(2), err);
        Assert.That(err.Split('\n')[0], Is.EqualTo($"creps tiles: {message}"));
        Assert.That(Directory.Exists(Path.Combine(_dir, "o")), Is.False);
    }
}
