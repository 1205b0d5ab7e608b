using Creps.Render.Bench;
using Creps.Render.Diagnostics;
using Creps.Render.Model;

namespace Creps.Tests.Bench;

/// <summary><c>creps bench --quick</c> end to end, and the analytic FLOP count against the numbers of docs/creps-model.md.</summary>
public class BenchTests
{
    [Test]
    public void FlopCountMatchesTheModelDoc()
    {
        var c = SyntheticModel.Official256;
        Assert.That(FlopCount.PixelMacs(c), Is.EqualTo(157_856));
        Assert.That(FlopCount.LineMacsPerCoordinate(c), Is.EqualTo(84_606_976));   // "84.6 M MAC with 1024 channels (rank 8 included)"
        Assert.That(BenchRunner.Flop(c, 256) / 1e9, Is.EqualTo(20.7 + 86.6).Within(0.1));
        Assert.That(BenchRunner.Flop(c, 1024) / 1e9, Is.EqualTo(331 + 347).Within(1));
    }

    [Test]
    public void ExponentOfLinearTimeIsOne()
    {
        var rows = new[] { 64, 128, 256 }.Select(s => new BenchRow("x", "x", "tiny", SyntheticModel.Tiny, s, 1, 1, 0.01 * s * s, 1, double.NaN, 0, null, default)).ToList();
        Assert.That(BenchReport.Exponent(rows), Is.EqualTo(1.0).Within(1e-9));
    }

    [Test]
    public void QuickBenchWritesTableAndChartAndReplacesItsOwnSection()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"creps-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            string md = Path.Combine(dir, "BENCHMARKS.md");
            File.WriteAllText(md, "# Benchmarks\n\nHand-written notes stay.\n");
            // The shape tools/bench_official.py writes.
            string official = Path.Combine(dir, "official.json");
            File.WriteAllText(official, """{"device": "PyTorch 1.13 CPU (2 threads, x86_64)", "rows": [{"layout": "tiny", "size": 64, "batch": 1, "runs": 2, "median_ms": 500.0, "peak_rss_bytes": 300000000}]}""");
            // TestEnvironment sets CREPS_VK_VALIDATION=sync: the bench's own Vulkan context validates like the Vulkan tests'.
            int messages = Vulkan.VulkanFixture.MessageCount;
            for (int i = 0; i < 2; i++)
            {
                var o = new StringWriter(); var e = new StringWriter();
                int code = Cli.Cli.Run(["bench", "--quick", "--runs", "1", "--warmup", "0", "--official", official, "--out", md], o, e);
                Assert.That(code, Is.EqualTo(0), e.ToString());
                if (Vulkan.VulkanFixture.MachineHasVulkan)
                    Assert.That(e.ToString(), Does.Not.Contain("bench: vulkan skipped"), "a machine with Vulkan benches it, with validation on");
            }
            if (Vulkan.VulkanFixture.MachineHasVulkan) Vulkan.VulkanFixture.AssertNoValidationMessages(messages, " during bench --quick");
            string text = File.ReadAllText(md);
            if (Vulkan.VulkanFixture.MachineHasVulkan) Assert.That(text, Does.Contain("| vulkan | tiny | 32² | 1 |").And.Contain("| vulkan | tiny | 64² | 1 |"));
            Assert.That(text, Does.StartWith("# Benchmarks\n\nHand-written notes stay."));
            Assert.That(text.Split(BenchReport.Begin), Has.Length.EqualTo(2), "one generated section after two runs");
            Assert.That(text, Does.Contain("| cpu | tiny | 32² | 1 |").And.Contain("| cpu | tiny | 64² | 1 |"));
            Assert.That(text, Does.Contain("| onnx (CPU) | tiny | 64² | 1 |"));
            Assert.That(text, Does.Contain("k = ").And.Contain("vs onnx (CPU)"));
            Assert.That(text, Does.Contain("| official PyTorch | tiny | 64² | 1 | 500.0 | 0.008 |"), "official row: 64²/0.5 s = 0.008 MP/s");
            Assert.That(text, Does.Contain("- vs official PyTorch: tiny 64²×1: "));
            var png = PngDecoder.Decode(Path.Combine(dir, "BENCHMARKS.png"));
            Assert.That((png.Width, png.Height), Is.EqualTo((800, 500)));
        }
        finally { Directory.Delete(dir, true); }
    }
}
