using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Creps.Render.IO;

namespace Creps.Demo;

/// <summary>
/// <c>creps-demo</c>'s command line (System.CommandLine 2.0), and its error model: a usage error is one line and exit 2,
/// a missing display, Vulkan device or bad input file one line and exit 1, validation messages exit 1 after listing them.
/// </summary>
public static class DemoCli
{
    public const int Ok = 0, Failure = 1, Usage = 2;

    public const string Synopsis =
        "creps-demo [--model PATH] [--seed N] [--psi P] [--size WxH] [--center X,Y] [--span S] [--backend cpu|vulkan|auto] " +
        "[--script FILE.json] [--frames DIR] [--screenshot FILE.png] [--wait-resident] [--stats FILE.json] [--exit-after N] [--validation]";

    static Option<T> Opt<T>(string name, string help, string? value = null) => new(name) { Description = help, HelpName = value };

    /// <summary>The command line's options (the test of README commands parses with it too).</summary>
    public static RootCommand Build()
    {
        var model = Opt<string?>("--model", "The model file (default: the bundled models/grass.safetensors).", "PATH");
        var seed = Opt<long?>("--seed", "The latent seed (default 0); [ and ] step it.", "N");
        var psi = Opt<double?>("--psi", "Truncation ψ (default 1); - and = step it.", "P");
        var size = Opt<string?>("--size", "Window size in pixels (default 1280x720).", "WxH");
        var center = Opt<string?>("--center", "The plane point at the window centre, X across and Y down (default 0.5,0.5).", "X,Y");
        var span = Opt<double?>("--span", "The plane width the window shows (default 1).", "S");
        var backend = Opt<string?>("--backend", "What renders pages: cpu, vulkan or auto (default: auto — cpu where Vulkan is a CPU implementation).", "NAME");
        var script = Opt<string?>("--script", "Play camera keyframes from a JSON file ({\"t\": s, \"center\": [x, y], \"span\": s}, geometric in span); exits at its end.", "FILE");
        var frames = Opt<string?>("--frames", "Write every frame as DIR/frame-NNNNN.png (the script then advances 1/30 s per frame).", "DIR");
        var screenshot = Opt<string?>("--screenshot", "Write one frame as a PNG and exit (with --wait-resident: once every wanted page is resident).", "FILE");
        var waitResident = new Option<bool>("--wait-resident") { Description = "With --screenshot: wait until every page the view wants is resident.", Arity = ArgumentArity.Zero };
        var stats = Opt<string?>("--stats", "Write per-frame JSON: frame ms, coverage, finest level drawn vs wanted, pages requested/resident/in flight.", "FILE");
        var exitAfter = Opt<double?>("--exit-after", "Quit N seconds after the script's end (without a script: after the start).", "N");
        var validation = new Option<bool>("--validation") { Description = "Vulkan validation with synchronisation validation; messages are listed and exit 1 (also CREPS_VK_VALIDATION=1|sync).", Arity = ArgumentArity.Zero };
        return new RootCommand("creps-demo: a window that streams a model's infinite plane: drag pans, the wheel zooms at the cursor, " +
            "[ ] seed, M model, - = ψ, O octaves, R reset, S screenshot, H HUD, Esc quits.")
        { model, seed, psi, size, center, span, backend, script, frames, screenshot, waitResident, stats, exitAfter, validation };
    }

    /// <summary>Parses without running.</summary>
    public static ParseResult Parse(string[] args) => Build().Parse(args);

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = Build();
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0) return UsageError(stderr, parse.Errors[0].Message);
        if (parse.GetValue<bool>("--help") || args.Contains("--help") || args.Contains("-h")) { parse.Invoke(new InvocationConfiguration { Output = stdout }); return Ok; }
        DemoOptions options;
        try
        {
            string v = Environment.GetEnvironmentVariable("CREPS_VK_VALIDATION") ?? "";
            var (w, h) = ParseSize(parse.GetValue<string?>("--size") ?? "1280x720");
            var (cx, cy) = ParseCenter(parse.GetValue<string?>("--center") ?? "0.5,0.5");
            string name = parse.GetValue<string?>("--backend") ?? "auto";
            if (name is not ("cpu" or "vulkan" or "auto")) throw new FormatException($"--backend {Untrusted.Quote(name)}: expected cpu, vulkan or auto");
            double s = parse.GetValue<double?>("--span") ?? 1;
            if (!(s >= Camera.MinSpan && s <= Camera.MaxSpan)) throw new FormatException($"--span {s.ToString(CultureInfo.InvariantCulture)} must be in {Camera.MinSpan}..{Camera.MaxSpan}");
            long sd = parse.GetValue<long?>("--seed") ?? 0;
            if (sd < 0 || sd > uint.MaxValue) throw new FormatException($"--seed {sd} must be a whole number in 0..{uint.MaxValue}");
            double p = parse.GetValue<double?>("--psi") ?? 1;
            if (!double.IsFinite(p)) throw new FormatException("--psi must be a number");
            double? after = parse.GetValue<double?>("--exit-after");
            if (after is < 0 or double.NaN) throw new FormatException("--exit-after must be a non-negative number of seconds");
            if (parse.GetValue<bool>("--wait-resident") && parse.GetValue<string?>("--screenshot") == null) throw new FormatException("--wait-resident applies to --screenshot");
            options = new DemoOptions
            {
                ModelPath = parse.GetValue<string?>("--model") ?? DefaultModel(),
                Seed = (uint)sd, Psi = (float)p, Width = w, Height = h, CenterX = cx, CenterY = cy, Span = s, Backend = name,
                ScriptPath = parse.GetValue<string?>("--script"), FramesDir = parse.GetValue<string?>("--frames"), ScreenshotPath = parse.GetValue<string?>("--screenshot"),
                WaitResident = parse.GetValue<bool>("--wait-resident"), StatsPath = parse.GetValue<string?>("--stats"), ExitAfter = after,
                Validation = parse.GetValue<bool>("--validation") || v is "1" or "sync",
                Device = Environment.GetEnvironmentVariable("CREPS_VK_DEVICE") is { Length: > 0 } dev ? dev : null,
            };
        }
        catch (FormatException e) { return UsageError(stderr, e.Message); }
        try
        {
            using var app = new DemoApp(options, stderr);
            return app.Run();
        }
        catch (DemoUnavailableException e) { stderr.WriteLine($"creps-demo: {e.Message}"); return Failure; }
        catch (Exception e) when (IsInput(e)) { stderr.WriteLine($"creps-demo: {e.Message.Split('\n')[0]}"); return Failure; }
    }

    static bool IsInput(Exception e) => e is FormatException or IOException or UnauthorizedAccessException or ArgumentException
        or Render.Model.ModelFormatException or Render.IO.InputFileException or Render.BackendUnavailableException or Render.Vulkan.VulkanException;

    static int UsageError(TextWriter stderr, string message)
    {
        stderr.WriteLine($"creps-demo: {message}");
        stderr.WriteLine($"usage: {Synopsis}");
        return Usage;
    }

    static (int, int) ParseSize(string s)
    {
        var parts = s.Split('x');
        if (parts.Length == 2 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out int w) && int.TryParse(parts[1], CultureInfo.InvariantCulture, out int h)
            && w >= 16 && h >= 16 && w <= 8192 && h <= 8192) return (w, h);
        throw new FormatException($"--size {Untrusted.Quote(s)}: expected WxH with each in 16..8192");
    }

    static (double, double) ParseCenter(string s)
    {
        var parts = s.Split(',');
        if (parts.Length == 2 && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double x)
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double y)
            && Math.Abs(x) <= Camera.PlaneLimit && Math.Abs(y) <= Camera.PlaneLimit) return (x, y);
        throw new FormatException($"--center {Untrusted.Quote(s)}: expected X,Y within ±1e9");
    }

    /// <summary>models/grass.safetensors of the checkout the demo was built in (searched upwards from the binary), else of the working directory.</summary>
    static string DefaultModel() => Path.Combine(BundledModels.Directory ?? "models", BundledModels.Default);
}

/// <summary>The bundled models (models/*.safetensors of the checkout), for the default and for M.</summary>
public static class BundledModels
{
    /// <summary>The model the demo opens without --model (README's first command renders it too).</summary>
    public const string Default = "grass.safetensors";

    public static string? Directory
    {
        get
        {
            for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "models", Default))) return Path.Combine(d.FullName, "models");
            return System.IO.Directory.Exists("models") ? Path.GetFullPath("models") : null;
        }
    }

    public static string[] All => Directory is { } d ? System.IO.Directory.GetFiles(d, "*.safetensors").Order(StringComparer.Ordinal).ToArray() : [];
}
