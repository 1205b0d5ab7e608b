using static Creps.Tests.Bake.BakeHarness;

namespace Creps.Tests.Vulkan;

/// <summary>`creps bake --backend vulkan` streams through the Vulkan tile API and bakes the cpu's texture (within one 8-bit step).</summary>
[NonParallelizable]
public class VulkanBakeTests : VulkanTestBase
{
    [Test]
    public void VulkanBackendBakesTheSameTexture()
    {
        string dir = TempDir(), cpu = Path.Combine(dir, "cpu.png"), vk = Path.Combine(dir, "vk.png");
        string[] common = ["--seed", "3", "--size", "40x24", "--format", "png8", "--mips", "--supersample", "2", "--tile", "8"];
        Assert.That(RunBake([.. common, "--out", cpu]).Code, Is.EqualTo(0));
        var r = RunBake([.. common, "--backend", "vulkan", "--out", vk]);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Stderr, Does.Contain(" on vulkan: "));
        foreach (var level in new[] { "", ".mip1", ".mip3", ".mip5" })
        {
            var a = PngDecoder.Decode(Path.Combine(dir, $"cpu{level}.png"));
            var b = PngDecoder.Decode(Path.Combine(dir, $"vk{level}.png"));
            Assert.That((b.Width, b.Height), Is.EqualTo((a.Width, a.Height)));
            int worst = a.Samples.Zip(b.Samples).Max(p => Math.Abs(p.First - p.Second));
            Assert.That(worst, Is.LessThanOrEqualTo(1), $"level{level}: vulkan differs from cpu by {worst}");
        }
    }
}
