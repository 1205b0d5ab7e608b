using System.Diagnostics;
using static Creps.Tests.Bake.BakeHarness;

namespace Creps.Tests.Bake;

/// <summary>Bad input: one clear line on stderr, a non-zero exit, and no file (partial or temp) left behind.</summary>
public class BakeErrorTests
{
    public static IEnumerable<TestCaseData> BadArguments()
    {
        // Every malformed option value is a usage error (exit 2), in bake as in render — an unknown backend too.
        TestCaseData Case(string why, string expected, params string[] args) => new TestCaseData(args, expected, 2).SetName($"BadInput({why})");
        yield return Case("size 0", "size '0'", "--seed", "1", "--size", "0", "--format", "png8");
        yield return Case("negative size", "size '-5x8'", "--seed", "1", "--size", "-5x8", "--format", "png8");
        yield return Case("size past the limit", "at most 131072", "--seed", "1", "--size", "131073x4", "--format", "png8");
        yield return Case("size not a number", "expected WxH", "--seed", "1", "--size", "big", "--format", "png8");
        yield return Case("supersampled past the sample limit", "samples per side", "--seed", "1", "--size", "131072x1", "--supersample", "16", "--format", "png8");
        yield return Case("seed range reversed", "range is empty", "--seeds", "7-3", "--size", "8", "--format", "png8");
        yield return Case("seed range malformed", "expected A-B", "--seeds", "3..7", "--size", "8", "--format", "png8");
        yield return Case("seed range negative", "expected A-B", "--seeds", "-3-7", "--size", "8", "--format", "png8");
        yield return Case("seeds with a seed", "--seeds replaces --seed", "--seeds", "1-2", "--seed", "1", "--size", "8", "--format", "png8");
        yield return Case("unknown backend", "unknown backend 'nope'", "--seed", "1", "--size", "8", "--format", "png8", "--backend", "nope");
        yield return Case("shard index past count", "shard '2/2'", "--seed", "1", "--shard", "2/2", "--size", "8", "--format", "png8");
        yield return Case("region malformed", "region '0,0,1'", "--seed", "1", "--size", "8", "--region", "0,0,1", "--format", "png8");
        yield return Case("unknown format", "format 'jpeg'", "--seed", "1", "--size", "8", "--format", "jpeg");
        yield return Case("supersample 0", "--supersample '0'", "--seed", "1", "--size", "8", "--supersample", "0", "--format", "png8");
    }

    [TestCaseSource(nameof(BadArguments))]
    public void BadInput(string[] args, string expected, int code)
    {
        string dir = TempDir();
        var r = RunBake([.. args, "--out", Path.Combine(dir, args.Contains("--seeds") ? "t{seed}.png" : "t.png")]);
        Assert.That(r.Code, Is.EqualTo(code), r.ToString());
        Assert.That(r.ErrLines[0], Does.StartWith("creps bake: ").And.Contain(expected), r.ToString());
        Assert.That(r.ErrLines.Count(l => !l.StartsWith("usage:") && !l.StartsWith("bake --model")), Is.EqualTo(1), "one error line (plus the usage synopsis)");
        Assert.That(Files(dir), Is.Empty);
    }

    [Test]
    public void UnwritablePathFailsBeforeRendering()
    {
        string dir = TempDir();
        var r = RunBake("--seed", "1", "--size", "8", "--format", "png8", "--out", Path.Combine(dir, "missing", "t.png"));
        Assert.That((r.Code, r.ErrLines.Length), Is.EqualTo((1, 1)), r.ToString());
        Assert.That(r.ErrLines[0], Does.StartWith("creps bake: output folder").And.Contain("does not exist"));
        Assert.That(Directory.GetFileSystemEntries(dir), Is.Empty);
    }

    [Test]
    public void ExistingOutputIsKeptUnlessForced()
    {
        string dir = TempDir(), png = Path.Combine(dir, "t.png");
        File.WriteAllText(png, "precious");
        var r = RunBake("--seed", "1", "--size", "8", "--format", "png8", "--out", png);
        Assert.That((r.Code, r.ErrLines.Length), Is.EqualTo((1, 1)), r.ToString());
        Assert.That(r.ErrLines[0], Does.Contain("exists (use --force to replace it)"));
        Assert.That(File.ReadAllText(png), Is.EqualTo("precious"));
        Assert.That(RunBake("--seed", "1", "--size", "8", "--format", "png8", "--out", png, "--force").Code, Is.EqualTo(0));
        Assert.That(PngDecoder.Decode(png).Width, Is.EqualTo(8));
        Assert.That(Files(dir), Is.EqualTo(new[] { "t.png" }));
    }

    [Test]
    public void FullDiskGivesOneLineAndNoFile()
    {
        string dir = TempDir();
        var mount = Run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", dir);
        if (mount.Code != 0) Assert.Ignore($"cannot mount a 64 KiB tmpfs here (needs root / CAP_SYS_ADMIN): {mount.Stderr.Trim()}");
        try
        {
            // 256×256 at 16 bits is ~390 KB of noisy pixels: it cannot fit in 64 KiB.
            var r = RunBake("--seed", "1", "--size", "256", "--format", "png16", "--out", Path.Combine(dir, "t.png"));
            Assert.That(r.Code, Is.EqualTo(1), r.ToString());
            Assert.That(r.ErrLines.Last(), Does.StartWith("creps bake: ").And.Contain("space"), r.ToString());
            Assert.That(r.ErrLines.Count(l => l.StartsWith("creps bake: ") && !l.StartsWith("creps bake: 1 texture")), Is.EqualTo(1));
            Assert.That(Files(dir), Is.Empty, "no partial or temp file on the full disk");
        }
        finally { Run("umount", dir); }
    }

    /// <summary>A real process, a real SIGINT/SIGTERM: exit 130 and nothing left in the output folder.</summary>
    [TestCase("INT")]
    [TestCase("TERM")]
    public void SignalStopsCleanly(string signal)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "creps.dll");
        Assert.That(File.Exists(dll), $"{dll} is not beside the tests (the test project references Creps.Cli)");
        string dir = TempDir();
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { dll, "bake", "--model", TinyModel, "--seed", "1", "--size", "4096", "--format", "png8", "--threads", "1", "--tile", "16", "--out", Path.Combine(dir, "t.png") })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var lines = new List<string>();
        var started = new ManualResetEventSlim();
        p.ErrorDataReceived += (_, e) => { if (e.Data == null) return; lock (lines) lines.Add(e.Data); if (e.Data.StartsWith("bake:")) started.Set(); };
        p.BeginErrorReadLine();
        Assert.That(started.Wait(TimeSpan.FromSeconds(30)), Is.True, "bake did not start");
        if (signal == "INT" && SignalIgnored(p.Id, 2))
        {
            p.Kill();
            Assert.Ignore("SIGINT is ignored by this process tree (a background job of a non-interactive shell): the TERM case covers the handler");
        }
        Assert.That(Run("kill", $"-{signal}", p.Id.ToString()).Code, Is.EqualTo(0));
        Assert.That(p.WaitForExit(30_000), Is.True, "bake did not stop");
        p.WaitForExit();
        Assert.That(p.ExitCode, Is.EqualTo(130), string.Join("\n", lines));
        lock (lines) Assert.That(lines.Last(), Is.EqualTo("creps bake: interrupted; no output written"));
        Assert.That(Files(dir), Is.Empty);
    }

    /// <summary>Whether signal <paramref name="number"/> is in the process's ignored set (/proc/PID/status SigIgn).</summary>
    internal static bool SignalIgnored(int pid, int number)
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("SigIgn:"));
        return line != null && (Convert.ToUInt64(line[7..].Trim(), 16) & (1UL << (number - 1))) != 0;
    }
}
