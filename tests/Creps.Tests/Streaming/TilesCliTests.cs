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
    public void StatsMayGoInsideTheOutFolderItCreates_ElsewhereTheirFolderMustExist()
    {
        string outDir = Path.Combine(_dir, "fresh"), stats = Path.Combine(outDir, "stats.json");
        var (code, _, err) = Tiles("--level", "2", "--x", "0:1", "--y", "0:0", "--out", outDir, "--stats", stats);
        Assert.That(code, Is.EqualTo(0), err);
        using (var doc = JsonDocument.Parse(File.ReadAllText(stats)))
            Assert.That(doc.RootElement.GetProperty("pages_rendered").GetInt64(), Is.EqualTo(2));
        Assert.That(File.Exists(Path.Combine(outDir, "2", "1", "0.f32")));

        string missing = Path.Combine(_dir, "nowhere", "stats.json");
        (code, _, err) = Tiles("--level", "2", "--x", "0:1", "--y", "0:0", "--out", Path.Combine(_dir, "other"), "--stats", missing);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(err.Trim(), Is.EqualTo($"creps tiles: output folder '{Path.Combine(_dir, "nowhere")}' does not exist"));
        Assert.That(Directory.Exists(Path.Combine(_dir, "other")), Is.False, "nothing is made when the command line cannot run");
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

    [Test]
    public void Rgba8AndRgba32FPagesAreTheF32PagesEncoded()
    {
        string f32 = Path.Combine(_dir, "f32"), rgba8 = Path.Combine(_dir, "rgba8"), rgba32 = Path.Combine(_dir, "rgba32");
        Assert.That(Tiles("--level", "1", "--x", "-1:0", "--y", "0:0", "--out", f32).Code, Is.EqualTo(0));
        var (code, _, err) = Tiles("--level", "1", "--x", "-1:0", "--y", "0:0", "--format", "rgba8", "--out", rgba8);
        Assert.That(code, Is.EqualTo(0), err);
        Assert.That(Tiles("--level", "1", "--x", "-1:0", "--y", "0:0", "--format", "rgba32f", "--out", rgba32).Code, Is.EqualTo(0));
        foreach (var x in new[] { "-1", "0" })
        {
            var planar = Fixtures.ReadF32(Path.Combine(f32, "1", x, "0.f32"));
            var bytes = File.ReadAllBytes(Path.Combine(rgba8, "1", x, "0.rgba8"));
            var floats = File.ReadAllBytes(Path.Combine(rgba32, "1", x, "0.rgba32f"));
            const int n = 24 * 24;
            Assert.That((bytes.Length, floats.Length), Is.EqualTo((4 * n, 16 * n)));
            for (int i = 0; i < n; i++)
                for (int c = 0; c < 4; c++)
                {
                    float v = c < 3 ? planar[c * n + i] : 1f;
                    Assert.That(BitConverter.ToSingle(floats, 16 * i + 4 * c), Is.EqualTo(v), $"page x {x}, texel {i}, channel {c}");
                    // The official 8-bit rule, written out: clamp(v·127.5 + 128, 0, 255) truncated; alpha 255.
                    byte expected = c < 3 ? (byte)Math.Clamp(MathF.Floor(v * 127.5f + 128f), 0f, 255f) : (byte)255;
                    Assert.That(bytes[4 * i + c], Is.EqualTo(expected), $"page x {x}, texel {i}, channel {c}");
                }
        }
    }

    [TestCase(new[] { "--level", "3", "--x", "3:1", "--y", "0:0" }, "--x '3:1': the first index must not exceed the second")]
    [TestCase(new[] { "--level", "3", "--x", "a:1", "--y", "0:0" }, "--x 'a:1': expected A:B with whole numbers (e.g. -4:3)")]
    [TestCase(new[] { "--level", "63", "--x", "0:0", "--y", "0:0" }, "--level '63' must be a whole number in 0..62")]
    [TestCase(new[] { "--level", "40", "--x", "0:0", "--y", "1099511627776:1099511627776" },
        "page L40 (0, 1099511627776) lies beyond ±2^44 texels of 16 at level 40: double coordinates there are no longer exact and distinct; this spot of the plane is exact down to level 39")]
    [TestCase(new[] { "--level", "3", "--x", "0:0", "--y", "0:0", "--border", "17" }, "--border 17 must not exceed --page 16")]
    [TestCase(new[] { "--level", "3", "--x", "0:0", "--y", "0:0", "--order", "zigzag" }, "--order 'zigzag': expected morton or random")]
    [TestCase(new[] { "--level", "3", "--y", "0:0" }, "--x is required")]
    [TestCase(new[] { "--level", "3", "--x", "0:0", "--y", "0:0", "--format", "rgb9" }, "--format 'rgb9': expected f32, rgba8, rgba16f or rgba32f")]
    [TestCase(new[] { "--level", "3", "--x", "0:0", "--y", "0:0", "--format", "rgba8", "--png" }, "--png needs --format f32 (pages in rgba8 keep no float texels)")]
    public void BadCommandLinesAreUsageErrors(string[] args, string message)
    {
        var (code, _, err) = Tiles([.. args, "--out", Path.Combine(_dir, "o")]);
        Assert.That(code, Is.EqualTo(2), err);
        Assert.That(err.Split('\n')[0], Is.EqualTo($"creps tiles: {message}"));
        Assert.That(Directory.Exists(Path.Combine(_dir, "o")), Is.False);
    }
}
