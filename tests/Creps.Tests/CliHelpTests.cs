using System.Text.RegularExpressions;
using Creps.Cli;
using Creps.Render;
using Creps.Render.Model;

namespace Creps.Tests;

/// <summary><c>creps --help</c>, typo suggestions, the exit codes (2 usage, 1 failure, 70 internal) and the README's commands.</summary>
public class CliHelpTests
{
    string _dir = "";

    [SetUp] public void MakeDir() => Directory.CreateDirectory(_dir = Path.Combine(Path.GetTempPath(), $"creps-help-{Guid.NewGuid():N}"));
    [TearDown] public void RemoveDir() => Directory.Delete(_dir, true);

    static (int Code, string Out, string Err) Run(params string[] args) => CliRenderTests.Run(args);

    static string Tiny => Path.Combine(Fixtures.Official, "public-tiny", "weights.safetensors");

    /// <summary>The option table of a help text: option name → its description (the text after the name and its value).</summary>
    static Dictionary<string, string> OptionRows(string help)
    {
        var rows = new Dictionary<string, string>();
        bool inOptions = false;
        foreach (var line in help.Split('\n'))
        {
            if (line.TrimEnd() == "Options:") { inOptions = true; continue; }
            if (inOptions && line.Trim().Length == 0) break;
            if (!inOptions) continue;
            var m = Regex.Match(line, @"^\s+((?:-[-\w?]+, )*)(--[\w-]+)(?: <[^>]+>)?\s{2,}(.*)$");
            Assert.That(m.Success, Is.True, $"not an option row: '{line}'");
            rows[m.Groups[2].Value] = m.Groups[3].Value.Trim();
        }
        return rows;
    }

    // Written out here (not read from the parser) so that an option added without help, or dropped, fails the test.
    static readonly string[] RenderOptions =
        ["--model", "--seed", "--z", "--ws", "--psi", "--cutoff", "--scale", "--size", "--region", "--rows", "--cols",
         "--octaves", "--octave-gain", "--octave-scale", "--backend", "--budget-mb", "--gpu-tile", "--fp16", "--stats", "--out", "--help"];

    [Test]
    public void RenderHelpDescribesEveryOptionInASentence()
    {
        var (code, stdout, stderr) = Run("render", "--help");
        Assert.That(code, Is.EqualTo(0), stderr);
        var rows = OptionRows(stdout);
        Assert.That(rows.Keys, Is.EquivalentTo(RenderOptions));
        foreach (var (name, description) in rows)
        {
            Assert.That(description.Split(' ', StringSplitOptions.RemoveEmptyEntries), Has.Length.GreaterThanOrEqualTo(4), name);
            Assert.That(description, Does.EndWith("."), $"{name}: a sentence");
        }
        Assert.That(rows["--backend"], Does.Contain("(default cpu)"));
        Assert.That(rows["--budget-mb"], Does.Contain("(default 256)"));
        Assert.That(rows["--psi"], Does.Contain("default 1"));
        Assert.That(rows["--model"], Does.EndWith("Required."));
        Assert.That(stdout, Does.Contain("Usage:\n  creps render --model PATH (--seed N | --z FILE | --ws FILE)"), "the hand-written synopsis is the usage");
        Assert.That(stdout, Does.Contain("CREPS_VK_DEVICE").And.Contain("CREPS_VK_VALIDATION"), "render picks a backend: the environment is documented");
    }

    [TestCase("bake", "--tile", "(default 64)")]
    [TestCase("bake", "--supersample", "(default 1)")]
    [TestCase("bake", "--octaves", "(default 0: the plain model")]
    [TestCase("merge", "--shards", "(default: PATH's folder)")]
    [TestCase("bench", "--runs", "(default 3; 2 with --quick)")]
    [TestCase("tiles", "--budget-mb", "(default 256)")]
    [TestCase("tiles", "--backend", "(default auto)")]
    [TestCase("tiles", "--order", "morton (Z-order, default)")]
    [TestCase("export-onnx", "--out", "Required.")]
    public void EveryCommandsHelpDescribesEveryOption(string command, string option, string expected)
    {
        var (code, stdout, _) = Run(command, "--help");
        Assert.That(code, Is.EqualTo(0));
        var rows = OptionRows(stdout);
        Assert.That(rows, Has.Count.GreaterThanOrEqualTo(2));
        foreach (var (name, description) in rows) Assert.That(description, Does.EndWith("."), $"{command} {name}");
        Assert.That(rows[option], Does.Contain(expected));
    }

    [Test]
    public void RootHelpListsCommandsAndEnvironment()
    {
        var (code, stdout, _) = Run("--help");
        Assert.That(code, Is.EqualTo(0));
        foreach (var c in new[] { "render", "bake", "merge", "bench", "tiles", "stream-bench", "export-onnx" }) Assert.That(stdout, Does.Match($@"\n  {c}\s+\S"), c);
        Assert.That(stdout, Does.Contain("CREPS_VK_DEVICE").And.Contain("CREPS_VK_VALIDATION"));
        Assert.That(stdout, Does.Not.Contain("vulkan-bench"));
        var bare = Run();
        Assert.That((bare.Code, bare.Out), Is.EqualTo((2, stdout)), "creps alone prints the help and exits 2");
        Assert.That(Run("help", "bake").Out, Is.EqualTo(Run("bake", "--help").Out));
    }

    [TestCase("render", "--sedd", "--seed")]
    [TestCase("render", "--scal", "--scale")]
    [TestCase("bake", "--supersampel", "--supersample")]
    [TestCase("bake", "--thread", "--threads")]
    public void MisspelledOptionSuggestsTheNearest(string command, string typed, string meant)
    {
        var (code, _, stderr) = Run(command, "--model", Tiny, typed, "3", "--out", "x.png");
        Assert.That(code, Is.EqualTo(2));
        var lines = stderr.TrimEnd().Split('\n');
        Assert.That(lines[0], Is.EqualTo($"creps {command}: unknown option '{typed}' (did you mean {meant}?)"));
        Assert.That(lines, Has.Length.EqualTo(2));
        Assert.That(lines[1], Does.StartWith($"usage: creps {command} --model PATH"));
    }

    [Test]
    public void UnknownOptionFarFromAnyNameHasNoSuggestion()
    {
        var (code, _, stderr) = Run("render", "--model", Tiny, "--sharpness", "3", "--out", "x.png");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr.Split('\n')[0], Is.EqualTo("creps render: unknown option '--sharpness'"));
    }

    [TestCase("rendr", "render")]
    [TestCase("bak", "bake")]
    [TestCase("export-onx", "export-onnx")]
    public void MisspelledCommandSuggestsTheNearest(string typed, string meant)
    {
        var (code, _, stderr) = Run(typed, "--model", Tiny);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr.Split('\n')[0], Is.EqualTo($"creps: unknown command '{typed}'; did you mean '{meant}'? (commands: bake, bench, export-onnx, merge, render, stream-bench, tiles)"));
    }

    [Test]
    public void VulkanBenchSaysWhatReplacesIt()
    {
        var (code, _, stderr) = Run("vulkan-bench", "--model", Tiny, "--seed", "1");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr.Split('\n')[0], Does.StartWith("creps: 'vulkan-bench' is no longer a command: `creps render --backend vulkan --stats`"));
    }

    /// <summary>One malformed value, one message and exit 2, whichever command takes it.</summary>
    [TestCase("--size", "12x", "size '12x': expected WxH or N (whole numbers)")]
    [TestCase("--size", "0", "size '0': width and height must be ≥ 1")]
    [TestCase("--region", "0,0,1", "region '0,0,1': expected x0,y0,x1,y1 (four numbers)")]
    [TestCase("--seed", "-1", "--seed '-1' must be a whole number in 0..4294967295")]
    [TestCase("--psi", "abc", "--psi 'abc' is not a number")]
    [TestCase("--backend", "quantum", "unknown backend 'quantum' (known: vulkan, cpu, onnx, auto)")]
    [TestCase("--budget-mb", "8", "--budget-mb '8' must be a whole number in 32..1048576")]
    public void MalformedValueIsTheSameUsageErrorInRenderAndBake(string option, string value, string message)
    {
        string[] latent = option == "--seed" ? [] : ["--seed", "1"];
        string[] size = option == "--size" ? [] : ["--size", "8"];
        var render = Run(["render", "--model", Tiny, .. latent, .. size, option, value, "--out", Path.Combine(_dir, "r.png")]);
        var bake = Run(["bake", "--model", Tiny, .. latent, .. size, "--format", "png8", option, value, "--out", Path.Combine(_dir, "b.png")]);
        foreach (var (command, r) in new[] { ("render", render), ("bake", bake) })
        {
            Assert.That(r.Code, Is.EqualTo(2), $"{command}: {r.Err}");
            Assert.That(r.Err.Split('\n')[0], Is.EqualTo($"creps {command}: {message}"));
        }
        Assert.That(Directory.GetFileSystemEntries(_dir), Is.Empty);
    }

    [Test]
    public void SizeNIsNByNInRenderAndBake()
    {
        var r = Run("render", "--model", Tiny, "--seed", "1", "--size", "12", "--out", Path.Combine(_dir, "r.png"));
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        var b = Run("bake", "--model", Tiny, "--seed", "1", "--size", "12", "--format", "png8", "--out", Path.Combine(_dir, "b.png"));
        Assert.That(b.Code, Is.EqualTo(0), b.Err);
        Assert.That(File.ReadAllBytes(Path.Combine(_dir, "r.png")), Is.EqualTo(File.ReadAllBytes(Path.Combine(_dir, "b.png"))), "12 is 12x12 in both");
    }

    [Test]
    public void EqualsFormAndRepeatedOptions()
    {
        string a = Path.Combine(_dir, "a.f32"), b = Path.Combine(_dir, "b.f32");
        Assert.That(Run("render", $"--model={Tiny}", "--seed=3", "--size=5x4", $"--out={a}").Code, Is.EqualTo(0));
        Assert.That(Run("render", "--model", Tiny, "--seed", "3", "--size", "5x4", "--out", b).Code, Is.EqualTo(0));
        Assert.That(File.ReadAllBytes(a), Is.EqualTo(File.ReadAllBytes(b)));
        var twice = Run("render", "--model", Tiny, "--seed", "3", "--seed", "4", "--out", a);
        Assert.That((twice.Code, twice.Err.Split('\n')[0]), Is.EqualTo((2, "creps render: --seed given twice")));
        var noValue = Run("render", "--model", Tiny, "--seed");
        Assert.That((noValue.Code, noValue.Err.Split('\n')[0]), Is.EqualTo((2, "creps render: --seed needs a value")));
        var flagValue = Run("bake", "--force=yes");
        Assert.That(flagValue.Code, Is.EqualTo(2));
    }

    [Test]
    public void StatsPrintTimeThroughputAndSetup()
    {
        var r = Run("render", "--model", Tiny, "--seed", "1", "--size", "16x8", "--stats", "--out", Path.Combine(_dir, "s.png"));
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        Assert.That(r.Out.TrimEnd().Split('\n').Last(), Does.Match(@"^cpu 16x8: \d+\.\d\d s \(\d+\.\d{3} Mpx/s\), setup \d+\.\d\d s$"));
    }

    [TestCase(typeof(InvalidOperationException))]
    [TestCase(typeof(NullReferenceException))]
    [TestCase(typeof(IndexOutOfRangeException))]
    public void InternalErrorExits70AndAsksForAReport(Type type)
    {
        Cli.Cli.TestFault = _ => throw (Exception)Activator.CreateInstance(type, "the line cache is empty")!;
        try
        {
            var (code, stdout, stderr) = Run("render", "--model", Tiny, "--seed", "1", "--out", "x.png");
            Assert.That(code, Is.EqualTo(70));
            Assert.That(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(1), "one line");
            Assert.That(stderr, Does.StartWith($"creps render: internal error: {type.Name}: the line cache is empty — this is a bug in creps; please report it"));
            Assert.That(stdout, Is.Empty);
        }
        finally { Cli.Cli.TestFault = null; }
    }

    /// <summary>The mapping itself: what the user can act on is 1, a parallel loop's wrapper is seen through, the rest is ours.</summary>
    [Test]
    public void ExceptionsMapToExitCodes()
    {
        int Code(Exception e, out string line)
        {
            var err = new StringWriter();
            int code = ExitCodes.Report(e, "bake", err, "creps bake --model PATH …");
            line = err.ToString();
            return code;
        }
        Assert.That(Code(new UsageException("give exactly one of --seed, --z, --ws"), out var usage), Is.EqualTo(2));
        Assert.That(usage, Is.EqualTo($"creps bake: give exactly one of --seed, --z, --ws{Environment.NewLine}usage: creps bake --model PATH …{Environment.NewLine}"));
        Assert.That(Code(new OperationCanceledException(), out var cancelled), Is.EqualTo(130));
        Assert.That(cancelled.TrimEnd(), Is.EqualTo("creps bake: interrupted; no output written"));
        Assert.That(Code(new ModelFormatException("m.safetensors: truncated"), out _), Is.EqualTo(1));
        Assert.That(Code(new IOException("No space left on device"), out var io), Is.EqualTo(1));
        Assert.That(io.TrimEnd(), Is.EqualTo("creps bake: No space left on device"));
        Assert.That(Code(new FileNotFoundException("model 'x' does not exist"), out _), Is.EqualTo(1));
        Assert.That(Code(new BackendUnavailableException("no Vulkan device"), out _), Is.EqualTo(1));
        Assert.That(Code(new Creps.Render.Vulkan.VulkanException("vkQueueSubmit", Silk.NET.Vulkan.Result.ErrorDeviceLost), out _), Is.EqualTo(1));
        Assert.That(Code(new AggregateException(new IOException("disk")), out var aggregate), Is.EqualTo(1));
        Assert.That(aggregate.TrimEnd(), Is.EqualTo("creps bake: disk"));
        Assert.That(Code(new AggregateException(new InvalidOperationException("bug")), out _), Is.EqualTo(70));
        Assert.That(Code(new KeyNotFoundException("k"), out var internalLine), Is.EqualTo(70));
        Assert.That(internalLine.TrimEnd(), Does.StartWith("creps bake: internal error: KeyNotFoundException: k — this is a bug in creps; please report it"));
    }


    /// <summary>Every <c>./creps.sh</c> command in README.md and BENCHMARKS.md parses as written (shell variables given sample values).</summary>
    [Test]
    public void ReadmeCommandsParse()
    {
        var samples = new Dictionary<string, string> { ["$SLURM_ARRAY_TASK_ID"] = "0", ["$SLURM_ARRAY_TASK_COUNT"] = "4", ["$JOB_COMPLETION_INDEX"] = "0" };
        int found = 0;
        foreach (var doc in new[] { "README.md", "BENCHMARKS.md" })
        {
            var lines = File.ReadAllLines(Path.Combine(Fixtures.RepoRoot, doc));
            bool code = false;
            for (int i = 0; i < lines.Length; i++)
            {
                if (lines[i].StartsWith("```")) { code = !code; continue; }
                if (!code || !lines[i].StartsWith("./creps.sh ")) continue;
                string command = lines[i];
                while (command.TrimEnd().EndsWith('\\')) command = command.TrimEnd()[..^1] + " " + lines[++i];
                int comment = command.IndexOf(" #", StringComparison.Ordinal);
                if (comment >= 0) command = command[..comment];
                foreach (var (k, v) in samples) command = command.Replace(k, v);
                var words = Regex.Matches(command, "\"([^\"]*)\"|(\\S+)").Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value).Skip(1).ToArray();
                var parse = Cli.Cli.Parse(words);
                Assert.That(parse.Errors.Select(e => e.Message), Is.Empty, $"{doc}:{i + 1}: {command}");
                Assert.That(parse.CommandResult.Command, Is.InstanceOf<CrepsCommand>(), command);
                found++;
            }
        }
        Assert.That(found, Is.GreaterThanOrEqualTo(6), "the README's and BENCHMARKS.md's ./creps.sh commands");
    }
}
