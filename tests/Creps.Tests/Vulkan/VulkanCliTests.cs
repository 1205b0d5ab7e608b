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
