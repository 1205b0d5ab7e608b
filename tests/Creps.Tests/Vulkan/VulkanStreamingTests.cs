using Creps.Render.Cpu;
using Creps.Render.Streaming;
using Creps.Tests.Streaming;

namespace Creps.Tests.Vulkan;

/// <summary>The streaming service on the Vulkan backend (host pages, device line sets) under validation.</summary>
[NonParallelizable]
public class VulkanStreamingTests : VulkanTestBase
{
    [Test]
    public void VulkanPagesMatchCpuPagesAndDeviceLinesStayInBudget()
    {
        var tex = StreamingHarness.Texture("public-tiny", 3, 16, 4);
        PageKey[] keys = [new(0, 0, 0), new(0, -1, 2), new(3, -4, 5), new(20, -1, -1), new(20, 524_288, 3)];
        using var cpu = new PageStreamer(new CpuGenerator(tex.Model), ownsGenerator: true);
        long budget = 40 * VulkanFixture.Generator("public-tiny").LineBytesPerCoordinate * tex.Layout.Texels;
        var vk = new PageStreamer(VulkanFixture.Generator("public-tiny"), new StreamingOptions { DeviceBudgetBytes = budget });
        var expected = StreamingHarness.All(keys.Select(k => cpu.Request(tex, k)));
        var got = StreamingHarness.All(keys.Select(k => vk.Request(tex, k)));
        for (int i = 0; i < keys.Length; i++)
            FloatAssert.MaxAbs(got[i].Texels, expected[i].Texels, 2e-3, $"page {keys[i]} vulkan vs cpu");
        var s = vk.Stats();
        Assert.That(s.LineSetsComputed, Is.EqualTo(10));
        Assert.That(s.PeakDeviceBytes, Is.InRange(1, budget));
        Assert.That(s.PeakHostBytes, Is.EqualTo(keys.Length * tex.Layout.PageBytes), "host holds only the pages");
        vk.Dispose();
        Assert.That((vk.Stats().HostBytes, vk.Stats().DeviceBytes), Is.EqualTo((0L, 0L)));
    }
}
