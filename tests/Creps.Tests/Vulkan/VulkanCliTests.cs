using Creps.Cli;
using Creps.Render.Imaging;

namespace Creps.Tests.Vulkan;

/// <summary><c>creps render --backend vulkan|auto</c> and the one-line failure when Vulkan is asked for but absent.</summary>
[NonParallelizable]
public class VulkanCliTests : VulkanTestBase
{
    static (int Rc, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int rc = Creps.Cli.Cli.Run(args, o, e);
        return (rc, o.ToString(), e.ToString());
    }

    static string Model => Path.Combine(Fixtures.Official, "public-small", "weights.safetensors");

    [TestCase("vulkan", "of device memory; the limit is 256 MiB (268435456 bytes): raise the budget or render a narrower region")]
    [TestCase("cpu", "of host memory for lines; the limit is 1 GiB (1073741824 bytes): render a smaller region")]
    public void TooWideARenderIsRefusedTheSameWayOnEveryBackend(string backend, string tail)
    {
        // The issue's example: 1048576 columns of the terrain model. Both backends: "N columns (…) needs X of RESOURCE; the limit is L: hint".
        string dir = Hardening.Hostile.Write(Bake.BakeHarness.TempDir(), "keep", []);
        dir = Path.GetDirectoryName(dir)!;
        string line = Hardening.Hostile.Fails(1, dir, ["render", "--model", Fixtures.GanTerrain, "--seed", "1",
            "--size", "1048576x1", "--backend", backend, "--out", Path.Combine(dir, "x.png")], ["creps render: 1048576 columns (", tail], "keep");
        Assert.That(line, Does.Match(@"^creps render: 1048576 columns \(.*\) needs [0-9.]+ [MG]iB \([0-9]+ bytes\) of "));
    }

    [TestCase("vulkan")]
    [TestCase("auto")]
    public void RenderOnVulkanPrintsTheDeviceAndMatchesCpu(string backend)
    {
        string dir = Path.Combine(Path.GetTempPath(), $"creps-vkcli-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            var (rc, _, err) = Run("render", "--model", Model, "--seed", "2", "--backend", backend, "--out", Path.Combine(dir, "vk.png"));
            Assert.That(rc, Is.EqualTo(0), err);
            Assert.That(err, Does.Contain("on vulkan: Vulkan: "), "the CLI prints the device it used");
            var (rc2, _, err2) = Run("render", "--model", Model, "--seed", "2", "--backend", "cpu", "--out", Path.Combine(dir, "cpu.png"));
            Assert.That(rc2, Is.EqualTo(0), err2);
            var a = PngDecoder.Decode(Path.Combine(dir, "vk.png"));
            var b = PngDecoder.Decode(Path.Combine(dir, "cpu.png"));
            VulkanBackendTests.AssertBytesClose(a.Samples.Select(v => (byte)v).ToArray(), b.Samples.Select(v => (byte)v).ToArray(), "vulkan vs cpu PNG");
        }
        finally { Directory.Delete(dir, true); }
    }

    [Test]
    public void VulkanRequestedButAbsentIsOneLineAndNonZeroExit()
    {
        string? old = Environment.GetEnvironmentVariable("CREPS_VK_DEVICE");
        Environment.SetEnvironmentVariable("CREPS_VK_DEVICE", "no-such-device");
        try
        {
            string outPath = Path.Combine(Path.GetTempPath(), $"creps-vkcli-{Guid.NewGuid():N}.png");
            var (rc, _, err) = Run("render", "--model", Model, "--seed", "2", "--backend", "vulkan", "--out", outPath);
            Assert.That(rc, Is.EqualTo(Creps.Cli.Cli.ExitError), "README: asking for Vulkan where there is none is exit 1");
            Assert.That(err.TrimEnd().Split('\n'), Has.Length.EqualTo(1), err);
            Assert.That(err, Does.Contain("no-such-device"));
            Assert.That(File.Exists(outPath), Is.False, "no output on failure");

            var (rcAuto, _, errAuto) = Run("render", "--model", Model, "--seed", "2", "--backend", "auto", "--out", outPath);
            Assert.That(rcAuto, Is.EqualTo(0), errAuto);
            Assert.That(errAuto, Does.Contain("on cpu:"), "auto falls back to the CPU");
            File.Delete(outPath);
        }
        finally { Environment.SetEnvironmentVariable("CREPS_VK_DEVICE", old); }
    }
}
