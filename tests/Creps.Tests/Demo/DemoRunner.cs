using System.Text.Json;

namespace Creps.Tests.Demo;

/// <summary>
/// Runs creps-demo (src/Creps.Demo, built with the solution) as a child process on a private X server (one Xvfb for the
/// run, on a display number it picks itself with -displayfd), with Vulkan validation and synchronisation validation on
/// (--validation; the process-wide CREPS_VK_VALIDATION=sync of <see cref="TestEnvironment"/> says the same).
/// </summary>
public static class DemoRunner
{
    static readonly object Gate = new();
    static System.Diagnostics.Process? _xvfb;
    static string? _display;

    /// <summary>The private X server's display (":N"), started on first use and stopped when the test run ends.</summary>
    public static string Display
    {
        get
        {
            lock (Gate)
            {
                if (_display != null) return _display;
                var psi = new System.Diagnostics.ProcessStartInfo("Xvfb") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                foreach (var a in new[] { "-displayfd", "1", "-screen", "0", "1024x768x24", "-nolisten", "tcp" }) psi.ArgumentList.Add(a);
                _xvfb = System.Diagnostics.Process.Start(psi)!;
                _xvfb.ErrorDataReceived += (_, _) => { };   // drained: a full pipe would stall the server
                _xvfb.BeginErrorReadLine();
                var line = _xvfb.StandardOutput.ReadLineAsync();
                if (!line.Wait(TimeSpan.FromSeconds(30)) || line.Result is not { Length: > 0 } n)
                {
                    _xvfb.Kill();
                    Assert.Fail("Xvfb did not start (apt package xvfb; scripts/setup.sh test installs it)");
                    return "";
                }
                AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop();
                return _display = ":" + n.Trim();
            }
        }
    }

    public static void Stop()
    {
        lock (Gate)
        {
            if (_xvfb is { HasExited: false }) { _xvfb.Kill(); _xvfb.WaitForExit(); }
            _xvfb?.Dispose();
            _xvfb = null;
            _display = null;
        }
    }

    /// <summary>creps-demo on the private display with extra environment; no --validation added.</summary>
    public static ProcessRunner.Result RunPlain(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null, double minutes = 3)
    {
        Assert.That(File.Exists(Dll), $"{Dll} is missing: build the solution first");
        var env = new Dictionary<string, string?>(environment ?? new Dictionary<string, string?>());
        env.TryAdd("DISPLAY", Display);
        env.TryAdd("WAYLAND_DISPLAY", null);
        return ProcessRunner.Run("dotnet", [Dll, .. args], TimeSpan.FromMinutes(minutes), environment: env);
    }
    static string Configuration => AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? "Debug" : "Release";

    public static string Dll => Path.Combine(Fixtures.RepoRoot, "src", "Creps.Demo", "bin", Configuration, "net10.0", "creps-demo.dll");

    /// <summary>The demo under Xvfb; fails the test (and kills it) past <paramref name="minutes"/>.</summary>
    public static ProcessRunner.Result Run(IEnumerable<string> args, double minutes = 3) => RunPlain(["--validation", .. args], minutes: minutes);

    /// <summary>A run that must succeed: exit 0 and no validation message (the demo lists them on stderr and exits 1).</summary>
    public static ProcessRunner.Result RunOk(params string[] args)
    {
        var r = Run(args);
        Assert.That(r.Code, Is.EqualTo(0), $"creps-demo {string.Join(' ', args)} exited {r.Code}\nstderr: {r.Stderr}");
        Assert.That(r.Stderr, Does.Not.Contain("validation message"), r.Stderr);
        return r;
    }

    public sealed record Stats(JsonElement[] Frames, Dictionary<string, double> Summary);

    public static Stats ReadStats(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var frames = doc.RootElement.GetProperty("frames").EnumerateArray().Select(e => e.Clone()).ToArray();
        var summary = doc.RootElement.GetProperty("summary").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
        return new Stats(frames, summary);
    }

    /// <summary>A PNG as float [y, x, c] 8-bit values.</summary>
    public static (int W, int H, double[] Rgb) ReadPng(string path)
    {
        var img = PngDecoder.Decode(path);
        var v = new double[img.Width * img.Height * 3];
        for (int y = 0; y < img.Height; y++)
            for (int x = 0; x < img.Width; x++)
                for (int c = 0; c < 3; c++) v[(y * img.Width + x) * 3 + c] = img.At(y, x, c);
        return (img.Width, img.Height, v);
    }
}
