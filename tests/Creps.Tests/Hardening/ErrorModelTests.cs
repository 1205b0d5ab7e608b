using Creps.Cli;
using Creps.Render;
using Creps.Render.IO;
using Creps.Render.Model;
using static Creps.Tests.Bake.BakeHarness;
using static Creps.Tests.Hardening.Hostile;

namespace Creps.Tests.Hardening;

/// <summary>One error model: usage 2, input/environment 1, bugs 70 ("internal error", never disguised), signals 130; limits refused with numbers.</summary>
public class ErrorModelTests
{
    public static IEnumerable<TestCaseData> Exceptions()
    {
        TestCaseData Case(Exception e, int code, string line) => new TestCaseData(e, code, line).SetName($"Classify({e.GetType().Name})");
        yield return Case(new UsageException("--size 'x': bad"), 2, "--size 'x': bad");
        yield return Case(new ModelFormatException("'m': bad"), 1, "'m': bad");
        yield return Case(new InputFileException("f", "coordinate file 'f':3: bad"), 1, "coordinate file 'f':3: bad");
        yield return Case(new FileNotFoundException("gone"), 1, "gone");
        yield return Case(new UnauthorizedAccessException("denied"), 1, "denied");
        yield return Case(new InvalidDataException("corrupt"), 1, "corrupt");
        yield return Case(new BackendUnavailableException("no vulkan"), 1, "no vulkan");
        yield return Case(new RenderLimitException("too big"), 1, "too big");
        yield return Case(new ArgumentException("size 0x0"), 1, "size 0x0");
        yield return Case(new OperationCanceledException(), 130, "interrupted; no output written");
        yield return Case(new OutOfMemoryException("no memory"), 1, "out of memory: no memory");
        yield return Case(new IOException("line1\nline2\u001b[0m"), 1, "line1 line2\\x1B[0m");
    }

    [TestCaseSource(nameof(Exceptions))]
    public void Classify(Exception e, int code, string line) => Assert.That(ExitCodes.Classify(e), Is.EqualTo((code, line)));

    [TestCase(typeof(InvalidOperationException))]
    [TestCase(typeof(NullReferenceException))]
    [TestCase(typeof(IndexOutOfRangeException))]
    [TestCase(typeof(ArgumentOutOfRangeException))]
    [TestCase(typeof(ArgumentNullException))]
    [TestCase(typeof(NotSupportedException))]
    [TestCase(typeof(FormatException))]
    public void BugsAreInternalErrors(Type type)
    {
        Exception e;
        try { throw (Exception)Activator.CreateInstance(type, "oops")!; }
        catch (Exception caught) { e = caught; }
        var (code, line) = ExitCodes.Classify(e);
        Assert.That(code, Is.EqualTo(70));
        Assert.That(line, Does.StartWith($"internal error: {type.Name}: ").And.Contain("oops").And.Contain("this is a bug in creps; please report it"));
        Assert.That(line, Does.Not.Contain("\n"));
    }

    [TestCase("12x")]
    [TestCase("x12")]
    [TestCase("0")]
    [TestCase("-4x4")]
    [TestCase("99999999999x1")]
    public void MalformedSizeIsUsageEverywhere(string size)
    {
        string dir = TempDir();
        var render = Fails(2, dir, ["render", "--model", TinyModel, "--seed", "1", "--size", size, "--out", Path.Combine(dir, "x.png")], [$"size '{size}'"]);
        var bake = Fails(2, dir, ["bake", "--model", TinyModel, "--seed", "1", "--size", size, "--format", "png8", "--out", Path.Combine(dir, "x.png")], [$"size '{size}'"]);
        Assert.That(render["creps render: ".Length..], Is.EqualTo(bake["creps bake: ".Length..]));
    }

    [Test]
    public void CpuColumnLinesOverTheLimitAreRefused()
    {
        // The issue's example: 1048576 columns of the terrain model's lines would take 4 GiB of host memory.
        string model = Fixtures.GanTerrain;
        string dir = TempDir();
        string line = Fails(1, dir, ["render", "--model", model, "--seed", "1", "--size", "1048576x1", "--out", Path.Combine(dir, "x.png")],
            ["creps render: 1048576 columns (4096 bytes of lines each) needs 4 GiB (4294967296 bytes) of host memory for lines; the limit is 1 GiB (1073741824 bytes)"]);
        Assert.That(line, Does.EndWith("use `creps bake`, which streams bands of lines"));
    }

    [Test]
    public void LineLimitWordingIsSharedWithTheDeviceBudget()
    {
        var cpu = Assert.Throws<RenderLimitException>(() => RenderLimits.CheckLines(1 << 20, 4096, "columns"))!.Message;
        var gpu = RenderLimitException.Over("1048576 columns (…)", "device memory", 300L << 20, 256L << 20, "hint").Message;
        Assert.That(cpu, Does.Match(@"^1048576 columns \(4096 bytes of lines each\) needs .* of host memory for lines; the limit is .*: "));
        Assert.That(gpu, Is.EqualTo("1048576 columns (…) needs 300 MiB (314572800 bytes) of device memory; the limit is 256 MiB (268435456 bytes): hint"));
    }

    [Test]
    public void BudgetBelowTheBlockSizeIsUsage()
    {
        string dir = TempDir();
        Fails(2, dir, ["render", "--model", TinyModel, "--seed", "1", "--size", "8", "--backend", "vulkan", "--budget-mb", "16", "--out", Path.Combine(dir, "x.png")], ["--budget-mb '16' must be a whole number in 32.."]);
    }
}
