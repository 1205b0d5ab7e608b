namespace Creps.Tests.Native;

/// <summary>
/// libcreps.so and the C tests, built once per test run: scripts/build-native.sh publishes the library (NativeAOT,
/// incremental, under a lock shared with Creps.Unity.Binding.Tests), then gcc builds every tests/native/*.c against
/// include/creps.h and that library, as strictly as a C99 client would (-std=c99 -pedantic -Werror).
/// </summary>
static class NativeBuild
{
    static readonly Lazy<(string Lib, string Bin)> Built = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The published libcreps.so.</summary>
    public static string Library => Built.Value.Lib;

    /// <summary>The gcc-built test program of tests/native/NAME.c.</summary>
    public static string Program(string name) => Path.Combine(Built.Value.Bin, name);

    public static string Source(string name) => Path.Combine(Fixtures.RepoRoot, "tests", "native", name);

    static (string, string) Build()
    {
        var root = Fixtures.RepoRoot;
        var publish = ProcessRunner.Run(Path.Combine(root, "scripts", "build-native.sh"), [], TimeSpan.FromMinutes(20), root);
        Assert.That(publish.Code, Is.EqualTo(0), $"scripts/build-native.sh failed:\n{publish.Stderr}");
        string lib = publish.Stdout.Trim().Split('\n')[^1];
        Assert.That(File.Exists(lib), $"build-native.sh printed {lib}, which does not exist");
        string libDir = Path.GetDirectoryName(lib)!;
        string bin = Directory.CreateTempSubdirectory("creps-native-tests-").FullName;
        foreach (var src in Directory.GetFiles(Path.Combine(root, "tests", "native"), "*.c"))
        {
            string name = Path.GetFileNameWithoutExtension(src);
            List<string> args = ["-std=c99", "-Wall", "-Wextra", "-Wno-missing-field-initializers", "-Werror", "-pedantic", "-O1",
                "-I", Path.Combine(root, "include"), "-I", Path.Combine(root, "tests", "native"), src, "-o", Path.Combine(bin, name),
                "-L", libDir, "-lcreps", $"-Wl,-rpath,{libDir}", "-lm", "-lpthread"];
            if (name == "test_vulkan") args.Add("-lvulkan");
            var cc = ProcessRunner.Run("gcc", args, TimeSpan.FromMinutes(2));
            Assert.That(cc.Code, Is.EqualTo(0), $"gcc {Path.GetFileName(src)} failed:\n{cc.Stderr}");
        }
        return (lib, bin);
    }
}
