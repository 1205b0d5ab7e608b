using System.Text.RegularExpressions;

namespace Creps.Tests.Native;

/// <summary>
/// The C ABI from C: libcreps.so as published, the C test programs of tests/native (each asserts its own numbers and
/// exits non-zero on the first failure, printing where), and what only a shell can check (the exported symbols).
/// </summary>
[TestFixture]
public class NativeLibraryTests
{
    static readonly string Model = Fixtures.GanTerrain;
    string _work = "";

    [OneTimeSetUp]
    public void SetUp() => _work = Directory.CreateTempSubdirectory("creps-native-").FullName;

    [OneTimeTearDown]
    public void TearDown() => Directory.Delete(_work, recursive: true);

    static ProcessRunner.Result RunC(string name, TimeSpan timeout, params string[] args)
    {
        var r = ProcessRunner.Run(NativeBuild.Program(name), args, timeout);
        TestContext.Out.WriteLine(r.Stdout);
        Assert.That(r.Code, Is.EqualTo(0), $"{name} failed (exit {r.Code}):\n{r.Stderr}\n{r.Stdout}");
        return r;
    }

    [Test]
    public void ExportsOnlyCrepsFunctionsAndTheRuntimeDebugHeader()
    {
        var nm = ProcessRunner.Run("nm", ["-D", "--defined-only", NativeBuild.Library], TimeSpan.FromMinutes(1));
        Assert.That(nm.Code, Is.EqualTo(0), nm.Stderr);
        // "ADDR TYPE NAME@@VERSION"; type A entries are the version nodes of the linker script, not symbols.
        var names = nm.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' '))
            .Where(f => f.Length == 3 && f[1] != "A").Select(f => f[2].Split('@')[0]).ToList();
        Assert.That(names.Where(n => !n.StartsWith("creps_") && n != "DotNetRuntimeDebugHeader"), Is.Empty);
        // Every function the header declares is exported, and nothing the header does not declare.
        var declared = Regex.Matches(File.ReadAllText(Path.Combine(Fixtures.RepoRoot, "include", "creps.h")), @"^\S.*?\b(creps_\w+)\(", RegexOptions.Multiline)
            .Select(m => m.Groups[1].Value).ToHashSet();
        Assert.That(names.Where(n => n.StartsWith("creps_")).ToHashSet(), Is.EquivalentTo(declared));
        Assert.That(declared, Has.Count.GreaterThan(30));
    }

    [Test]
    public void EveryFunctionOnTheCpuBackendMatchesTheCliAndTheHeadersRules()
    {
        string reference = Path.Combine(_work, "ref.f32");
        var (code, _, err) = CliRenderTests.Run(["render", "--model", Model, "--seed", "7", "--psi", "0.7", "--size", "48x32",
            "--region", "0.25,0.5,0.75,1.25", "--backend", "cpu", "--out", reference]);
        Assert.That(code, Is.EqualTo(0), err);
        string scratch = Directory.CreateDirectory(Path.Combine(_work, "api")).FullName;
        var r = RunC("test_api", TimeSpan.FromMinutes(5), Model, reference, scratch);
        Assert.That(r.Stdout, Does.Contain("ok planar f32 equals the CLI's .f32 bit for bit (4608 floats)"));
        Assert.That(r.Stdout, Does.Contain("test_api: all passed"));
        Assert.That(Directory.GetFiles(scratch).Select(Path.GetFileName), Is.EquivalentTo(new[] { "baked.ktx2" }), "a cancelled or failed bake left a file");
    }

    [Test]
    public void HostileModelsGiveAStatusAndAMessage()
    {
        string dir = Directory.CreateDirectory(Path.Combine(_work, "hostile")).FullName;
        var good = File.ReadAllBytes(Model);
        File.WriteAllBytes(Path.Combine(dir, "good.safetensors"), good);
        File.WriteAllBytes(Path.Combine(dir, "truncated.safetensors"), good[..(good.Length / 3)]);
        var garbage = new byte[65536];
        new Random(16).NextBytes(garbage);
        File.WriteAllBytes(Path.Combine(dir, "garbage.safetensors"), garbage);
        var r = RunC("test_hostile", TimeSpan.FromMinutes(2), dir);
        Assert.That(r.Stdout, Does.Contain("expected failure 3: '").And.Contain("truncated.safetensors': "));
        Assert.That(r.Stdout, Does.Contain("test_hostile: all passed"));
    }

    [Test]
    public void FourThreadsRenderAtOnce()
    {
        var r = RunC("test_threads", TimeSpan.FromMinutes(3), Model);
        Assert.That(r.Stdout, Does.Contain("test_threads: 4 threads x 4 renders, all equal to the renders alone"));
    }

    [Test]
    public void ResidentMemoryIsFlatOver1000Cycles()
    {
        var r = RunC("test_leak", TimeSpan.FromMinutes(5), Model);
        var m = Regex.Match(r.Stdout, @"after 10 cycles (\d+) KiB, after 1000 (\d+) KiB");
        Assert.That(m.Success, r.Stdout);
        double ratio = double.Parse(m.Groups[2].Value) / double.Parse(m.Groups[1].Value);
        Assert.That(ratio, Is.InRange(0.95, 1.05));
    }

    [Test]
    public void AnEnginesOwnVulkanDeviceIsAdoptedUnderValidation()
    {
        if (!Vulkan.VulkanFixture.MachineHasVulkan) Assert.Ignore("no Vulkan on this machine (no loader or device): the C Vulkan client not run");
        var r = RunC("test_vulkan", TimeSpan.FromMinutes(8), Model);
        Assert.That(r.Stdout, Does.Contain("(CPU, engine's device)").Or.Contain("GPU, engine's device)"));
        Assert.That(r.Stdout, Does.Contain("test_vulkan: validation messages: 0"));
    }

    [Test]
    public void TheReadmeExampleIsTheCompiledFileAndRuns()
    {
        string readme = File.ReadAllText(Path.Combine(Fixtures.RepoRoot, "README.md"));
        var block = Regex.Match(readme, @"<!-- tests/native/readme_example\.c -->\s*```c\n(.*?)```", RegexOptions.Singleline);
        Assert.That(block.Success, "README.md has no ```c block after <!-- tests/native/readme_example.c -->");
        Assert.That(block.Groups[1].Value, Is.EqualTo(File.ReadAllText(NativeBuild.Source("readme_example.c"))), "README's C example differs from tests/native/readme_example.c");
        string ppm = Path.Combine(_work, "grass.ppm");
        var r = RunC("readme_example", TimeSpan.FromMinutes(2), Fixtures.BundledModel("grass.safetensors"), ppm);
        Assert.That(r.Stdout.Trim(), Is.EqualTo($"wrote {ppm}"));
        var bytes = File.ReadAllBytes(ppm);
        Assert.That(bytes.Length, Is.EqualTo("P6\n256 256\n255\n".Length + 256 * 256 * 3));
    }
}
