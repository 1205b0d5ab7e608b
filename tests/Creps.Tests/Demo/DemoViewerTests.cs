using System.Globalization;
using Creps.Tests.Vulkan;

namespace Creps.Tests.Demo;

/// <summary>
/// The demo viewer end to end: a window under Xvfb on lavapipe, validation and synchronisation validation on (any
/// message fails the run), pages from the cpu backend through the page atlas. Small windows and short scripts keep
/// the suite quick on two vCPUs.
/// </summary>
[NonParallelizable]
public class DemoViewerTests
{
    string _dir = "";

    [SetUp]
    public void Dir()
    {
        if (!VulkanFixture.MachineHasVulkan) Assert.Ignore("no Vulkan on this machine (the demo needs a Vulkan device): demo tests not run");
        _dir = Directory.CreateTempSubdirectory("creps-demo-test-").FullName;
    }

    [TearDown]
    public void Clean() { if (_dir.Length > 0) Directory.Delete(_dir, recursive: true); }

    [OneTimeTearDown]
    public void StopX() => DemoRunner.Stop();

    static string G(double v) => v.ToString("G17", CultureInfo.InvariantCulture);

    /// <summary>
    /// Window pixels that are level L's texel centres: span = W/(P·2^L) and a left/top edge on a texel edge. The screenshot
    /// (trilinear weight 1 on level L, bilinear at texel centres) is then `creps render` of the same rectangle.
    /// </summary>
    [TestCase(1, 0.0, 0.0, 3u)]
    [TestCase(9, -3.25, 17.5, 5u)]
    public void ScreenshotAtTexelCentresEqualsCrepsRender(int level, double x0, double y0, uint seed)
    {
        const int w = 256, h = 160, page = 128;
        double span = w / (page * Math.ScaleB(1.0, level)), x1 = x0 + span, y1 = y0 + span * h / w;
        string shot = Path.Combine(_dir, "shot.png"), reference = Path.Combine(_dir, "ref.png");
        DemoRunner.RunOk("--model", Fixtures.GanTerrain, "--seed", seed.ToString(CultureInfo.InvariantCulture), "--size", $"{w}x{h}",
            "--center", $"{G((x0 + x1) / 2)},{G((y0 + y1) / 2)}", "--span", G(span), "--screenshot", shot, "--wait-resident");
        var (code, _, err) = CliRenderTests.Run("render", "--model", Fixtures.GanTerrain, "--seed", seed.ToString(CultureInfo.InvariantCulture),
            "--size", $"{w}x{h}", "--region", $"{G(x0)},{G(y0)},{G(x1)},{G(y1)}", "--backend", "cpu", "--out", reference);
        Assert.That(code, Is.EqualTo(0), err);
        var a = DemoRunner.ReadPng(shot);
        var b = DemoRunner.ReadPng(reference);
        Assert.That((a.W, a.H), Is.EqualTo((w, h)));
        double worst = a.Rgb.Zip(b.Rgb, (p, q) => Math.Abs(p - q)).Max();
        Assert.That(worst, Is.LessThanOrEqualTo(1), "screenshot vs creps render: more than one 8-bit step apart somewhere");
    }

    /// <summary>An arbitrary view (no texel alignment, between two levels) against a 4×4-supersampled cpu render of the view.</summary>
    [Test]
    public void ArbitraryViewIsWithin35DbOfASupersampledRender()
    {
        const int w = 256, h = 160, k = 4;
        double cx = 0.3137, cy = -0.4211, span = 0.07319;
        string shot = Path.Combine(_dir, "shot.png"), reference = Path.Combine(_dir, "ref.f32");
        DemoRunner.RunOk("--model", Fixtures.GanTerrain, "--seed", "7", "--size", $"{w}x{h}", "--center", $"{G(cx)},{G(cy)}", "--span", G(span),
            "--screenshot", shot, "--wait-resident");
        double hs = span * h / w;
        var (code, _, err) = CliRenderTests.Run("render", "--model", Fixtures.GanTerrain, "--seed", "7", "--size", $"{w * k}x{h * k}",
            "--region", $"{G(cx - span / 2)},{G(cy - hs / 2)},{G(cx + span / 2)},{G(cy + hs / 2)}", "--backend", "cpu", "--out", reference);
        Assert.That(code, Is.EqualTo(0), err);
        var fine = Fixtures.ReadF32(reference);   // planar [3][h·k][w·k]
        var shotPx = DemoRunner.ReadPng(shot).Rgb;
        double se = 0;
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    double sum = 0;
                    for (int dy = 0; dy < k; dy++)
                        for (int dx = 0; dx < k; dx++) sum += fine[(c * h * k + y * k + dy) * w * k + x * k + dx];
                    double v = Math.Clamp(sum / (k * k) * 127.5 + 128, 0, 255);
                    se += Math.Pow(shotPx[(y * w + x) * 3 + c] - v, 2);
                }
        double psnr = 10 * Math.Log10(255.0 * 255 / (se / (3.0 * w * h)));
        TestContext.Out.WriteLine($"PSNR {psnr:F2} dB");
        Assert.That(psnr, Is.GreaterThanOrEqualTo(35));
    }

    /// <summary>Zoom from span 1 to 1e-9, then a pan of 1e6 plane units: no hole after the first frame, full resolution within 2 s of the end.</summary>
    [Test]
    public void ScriptedZoomAndPanKeepsTheWindowCoveredAndCatchesUp()
    {
        string stats = Path.Combine(_dir, "stats.json");
        DemoRunner.RunOk("--model", Fixtures.GanTerrain, "--size", "256x160", "--script", Path.Combine(Fixtures.RepoRoot, "src", "Creps.Demo", "scripts", "zoom-pan.json"),
            "--stats", stats);
        var s = DemoRunner.ReadStats(stats);
        Assert.That(s.Frames.Length, Is.GreaterThan(5));
        foreach (var f in s.Frames.Skip(1))
            Assert.That(f.GetProperty("coverage").GetDouble(), Is.EqualTo(1.0), $"frame {f.GetProperty("frame")} has a hole");
        Assert.That(s.Frames.Min(f => f.GetProperty("span").GetDouble()), Is.LessThanOrEqualTo(1e-9 * 1.0001), "the script did not reach span 1e-9");
        Assert.That(s.Summary, Does.ContainKey("full_resolution_after_script_end_ms"), "never reached full resolution after the script");
        Assert.That(s.Summary["full_resolution_after_script_end_ms"], Is.LessThanOrEqualTo(2000));
        Assert.That(s.Frames[^1].GetProperty("full_resolution").GetBoolean());
        Assert.That(s.Summary["validation_messages"], Is.EqualTo(0));
    }

    /// <summary>Resize twice, minimise, restore and close while pages are still streaming: exit 0, no validation message, the service's counters back to zero.</summary>
    [Test]
    public void ResizeMinimiseAndCloseMidStreamLeaveNothingBehind()
    {
        string script = Path.Combine(_dir, "script.json"), stats = Path.Combine(_dir, "stats.json");
        File.WriteAllText(script, """
            {"keyframes": [{"t": 0, "center": [0.2, 0.7], "span": 1}, {"t": 3, "center": [0.2, 0.7], "span": 1e-6}],
             "events": [{"t": 0.6, "resize": [200, 120]}, {"t": 1.2, "minimise": true}, {"t": 1.6, "restore": true},
                        {"t": 2.0, "resize": [300, 180]}, {"t": 2.5, "close": true}]}
            """);
        DemoRunner.RunOk("--model", Fixtures.GanTerrain, "--size", "256x160", "--script", script, "--stats", stats);
        var s = DemoRunner.ReadStats(stats);
        var sizes = s.Frames.Select(f => (f.GetProperty("width").GetInt32(), f.GetProperty("height").GetInt32())).Distinct().ToList();
        Assert.That(sizes, Does.Contain((256, 160)).And.Contain((200, 120)).And.Contain((300, 180)), "the swapchain did not follow the window's sizes");
        Assert.That(s.Frames[^1].GetProperty("t_s").GetDouble(), Is.LessThan(3), "closed before the script's end: mid-stream");
        Assert.That(s.Frames[^1].GetProperty("pages_in_flight").GetInt32(), Is.GreaterThan(0), "nothing was streaming when the window closed");
        foreach (var counter in new[] { "service_host_bytes_after", "service_device_bytes_after", "service_in_flight_after", "service_resident_pages_after", "validation_messages" })
            Assert.That(s.Summary[counter], Is.EqualTo(0), counter);
    }

    [Test]
    public void WithoutADisplayItIsOneLineAndExit1()
    {
        var r = DemoRunner.RunPlain([], new Dictionary<string, string?> { ["DISPLAY"] = null }, minutes: 1);
        Assert.That(r.Code, Is.EqualTo(1));
        Assert.That(r.Stderr, Is.EqualTo("creps-demo: cannot open a window: X11: The DISPLAY environment variable is missing\n"));
        Assert.That(r.Stdout, Is.Empty);
    }

    [Test]
    public void WithoutAVulkanDeviceItIsOneLineAndExit1()
    {
        // A display but no Vulkan driver: the loader finds no ICD (validation off: the layer would report the failure too).
        var r = DemoRunner.RunPlain(["--size", "64x64"], new Dictionary<string, string?>
        {
            ["VK_ICD_FILENAMES"] = "/nonexistent.json", ["VK_DRIVER_FILES"] = "/nonexistent.json", ["CREPS_VK_VALIDATION"] = null,
        }, minutes: 1);
        Assert.That(r.Code, Is.EqualTo(1), r.Stderr);
        Assert.That(r.Stderr.TrimEnd('\n').Split('\n'), Has.Length.EqualTo(1), r.Stderr);
        Assert.That(r.Stderr, Does.StartWith("creps-demo: no Vulkan device for the window: "));
    }
}
