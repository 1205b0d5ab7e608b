using Creps.Render.Coordinates;
using Creps.Render.Cpu;
using Creps.Render.Latents;
using Creps.Render.Octaves;

namespace Creps.Tests.Vulkan;

/// <summary>The octave stack on Vulkan: the same layers, within 2e-3 of the CPU's stack.</summary>
[NonParallelizable]
public class OctaveVulkanTests : VulkanTestBase
{
    [Test]
    public void VulkanStackMatchesCpuStack()
    {
        var model = Fixtures.Model("public-small");
        var latent = Latent.FromSeed(model, 3);
        double[] rows = Grid.Centers(0.61, 0.61 + 2e-5, 48), cols = Grid.Centers(0.37, 0.37 + 3e-5, 72);
        var footprint = OctaveFootprint.OfAxes(rows, cols);
        using var cpu = new CpuGenerator(model);
        var onCpu = new OctaveGenerator(cpu, new OctaveSpec(24), footprint);
        var onGpu = new OctaveGenerator(VulkanFixture.Generator("public-small"), new OctaveSpec(24), footprint);
        Assert.That(onGpu.Active, Is.EqualTo(onCpu.Active));
        Assert.That(onGpu.Active.Count, Is.GreaterThanOrEqualTo(3));
        float[] a = onCpu.Render(latent, rows, cols), b = onGpu.Render(latent, rows, cols);
        static float Spread(float[] img) { var red = img.AsSpan(0, img.Length / 3).ToArray(); return red.Max() - red.Min(); }
        float plainSpread = Spread(cpu.Render(latent, rows, cols));
        double max = a.Zip(b, (x, y) => Math.Abs(x - y)).Max();
        Assert.That(max, Is.LessThan(2e-3), $"max abs difference {max}");
        Assert.That(Spread(a), Is.GreaterThan(10 * plainSpread), "the layers are on");
    }
}
