using System.Diagnostics;
using static Creps.Tests.Bake.BakeHarness;

namespace Creps.Tests.Bake;

/// <summary>
/// README: bake's host memory is the column lines plus two bands of tile rows, never the image. Measured from the
/// outside (/proc/PID/status VmHWM of a real creps process): 16× the rows at the same width must not grow the peak
/// by as much as the extra rows' 8-bit pixels (12 MB here; their float32 pixels would be 47 MB).
/// </summary>
public class BakeMemoryTests
{
    [Test]
    public void PeakMemoryDoesNotGrowWithTheImageHeight()
    {
        const int w = 1024, shortH = 256, tallH = 4096;
        long shortPeak = PeakRss($"{w}x{shortH}"), tallPeak = PeakRss($"{w}x{tallH}");
        long extraImage = 3L * w * (tallH - shortH);   // bytes of the extra rows at 8 bits per channel
        TestContext.Out.WriteLine($"peak RSS: {w}x{shortH} {shortPeak >> 10} KiB, {w}x{tallH} {tallPeak >> 10} KiB; the extra rows' 8-bit pixels: {extraImage >> 10} KiB");
        Assert.That(tallPeak - shortPeak, Is.LessThan(extraImage), "bake's peak memory grew with the image height: is it holding the image?");
    }

    /// <summary>The peak resident set (VmHWM) of `creps bake --size SIZE` in its own process, sampled every 10 ms until it exits.</summary>
    static long PeakRss(string size)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "creps.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { dll, "bake", "--model", TinyModel, "--seed", "1", "--size", size, "--format", "png8", "--out", Path.Combine(TempDir(), "t.png") })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        long peak = 0;
        var limit = Stopwatch.StartNew();
        while (!p.HasExited)
        {
            try
            {
                foreach (var line in File.ReadLines($"/proc/{p.Id}/status"))
                    if (line.StartsWith("VmHWM:")) peak = Math.Max(peak, long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024);
            }
            catch (IOException) { }   // exited between HasExited and the read
            if (limit.Elapsed > TimeSpan.FromMinutes(2)) { p.Kill(entireProcessTree: true); Assert.Fail($"bake --size {size} ran past 2 minutes"); }
            Thread.Sleep(10);
        }
        p.WaitForExit();
        Assert.That(p.ExitCode, Is.EqualTo(0), $"bake --size {size}: {stderr.Result}{stdout.Result}");
        Assert.That(peak, Is.GreaterThan(0), "no VmHWM sample was read");
        return peak;
    }
}
