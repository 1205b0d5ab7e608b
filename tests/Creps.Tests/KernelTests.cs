using Creps.Render;
using Creps.Render.Coordinates;
using Creps.Render.Cpu;
using Creps.Render.Latents;

namespace Creps.Tests;

/// <summary>The cpu backend's two dense kernels: the same image bit for bit, named on the device line, chosen by option.</summary>
public class KernelTests
{
    /// <summary>Skips a test of the 512-bit kernel on a CPU without AVX-512F (saying so); the 256-bit one runs everywhere.</summary>
    public static void Require(CpuKernel kernel)
    {
        if (kernel == CpuKernel.Avx512 && !KernelChoice.Avx512Supported) Assert.Ignore("this CPU has no AVX-512F: the 512-bit kernel cannot run here");
    }

    [TestCase("public-small")]
    [TestCase("public-tiny")]
    public void BothKernelsGiveBitIdenticalImages(string layout)
    {
        Require(CpuKernel.Avx512);
        var m = Fixtures.Model(layout);
        var latent = Latent.FromSeed(m, 5);
        // An odd size: row groups of 8 and 4, panels and 8-wide strips, partial pixel blocks.
        double[] rows = Grid.Centers(-0.3, 1.1, 37), cols = Grid.Centers(0.2, 0.9, 53);
        using var narrow = new CpuGenerator(m, kernel: CpuKernel.Avx2);
        using var wide = new CpuGenerator(m, kernel: CpuKernel.Avx512);
        float[] a = narrow.Render(latent, rows, cols), b = wide.Render(latent, rows, cols);
        Assert.That(a.Any(v => v != 0f), "a real image");
        Assert.That(b, Is.EqualTo(a));
    }

    [Test]
    public void DeviceLineNamesTheKernel()
    {
        var m = Fixtures.Model("public-tiny");
        using var narrow = new CpuGenerator(m, threads: 2, kernel: CpuKernel.Avx2);
        Assert.That(narrow.DeviceDescription, Is.EqualTo("CPU (2 threads, AVX2 256-bit kernel)"));
        using var auto = (CpuGenerator)Backends.Create(m, "cpu", new BackendOptions { Threads = 2 });
        Assert.That(auto.Kernel, Is.AnyOf(CpuKernel.Avx2, CpuKernel.Avx512), "auto resolves to a kernel");
        if (!KernelChoice.Avx512Supported) return;
        using var wide = (CpuGenerator)Backends.Create(m, "cpu", new BackendOptions { Threads = 2, CpuKernel = CpuKernel.Avx512 });
        Assert.That(wide.DeviceDescription, Is.EqualTo("CPU (2 threads, AVX-512 512-bit kernel)"));
    }

    [Test]
    public void AutoTakesTheWideKernelOnlyWhereItsFmaPeakIsHigher()
    {
        var (g256, g512) = KernelChoice.Measurement;
        var auto = KernelChoice.Resolve(CpuKernel.Auto);
        if (!KernelChoice.Avx512Supported) { Assert.That(auto, Is.EqualTo(CpuKernel.Avx2)); return; }
        Assert.That(auto, Is.EqualTo(g512 >= KernelChoice.MinSpeedup * g256 ? CpuKernel.Avx512 : CpuKernel.Avx2), $"256-bit {g256:F1}, 512-bit {g512:F1} GFLOP/s");
    }

    [TestCase("avx2", CpuKernel.Avx2)]
    [TestCase("AVX512", CpuKernel.Avx512)]
    [TestCase("auto", CpuKernel.Auto)]
    [TestCase("sse", null)]
    public void KernelNamesParse(string s, CpuKernel? expected) => Assert.That(KernelChoice.Parse(s), Is.EqualTo(expected));
}
