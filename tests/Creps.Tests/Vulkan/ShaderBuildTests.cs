using Creps.Shaders;

namespace Creps.Tests.Vulkan;

/// <summary>
/// The embedded SPIR-V is what glslangValidator makes of the GLSL sources now (compiled here, in the test), and the
/// committed prebuilt/ copy (for machines without the tools) equals it. Without glslangValidator and spirv-val the
/// build falls back to prebuilt/ and nothing could be compared, so the test fails: scripts/setup.sh test installs them.
/// </summary>
public class ShaderBuildTests
{
    static string ShaderDir => Path.Combine(Fixtures.RepoRoot, "src", "Creps.Shaders");

    [TestCase(ShaderCode.FourierInput, "fourier_input.comp", null)]
    [TestCase(ShaderCode.LineGemm, "line_gemm.comp", null)]
    [TestCase(ShaderCode.Pixel, "pixel.comp", null)]
    [TestCase(ShaderCode.PixelFp16, "pixel.comp", "CREPS_FP16")]
    [TestCase(ShaderCode.PageTableProbe, "page_table_probe.comp", null)]
    public void EmbeddedSpirvIsTheSourceCompiledAndPrebuiltIsCurrent(string name, string source, string? define)
    {
        foreach (var tool in new[] { "glslangValidator", "spirv-val" })
            Assert.That(ProcessRunner.Run("sh", "-c", $"command -v {tool}").Code, Is.EqualTo(0),
                $"{tool} is not on PATH: the build embedded prebuilt/*.spv unchecked (apt packages glslang-tools spirv-tools; scripts/setup.sh test)");

        string fresh = Path.Combine(Path.GetTempPath(), $"creps-{name}-{Guid.NewGuid():N}.spv");
        try
        {
            // The flags of src/Creps.Shaders/compile.sh: Vulkan 1.2 SPIR-V, one define per variant.
            var args = new List<string> { "-V", "--target-env", "vulkan1.2" };
            if (define != null) args.Add("-D" + define);
            args.AddRange(["-o", fresh, Path.Combine(ShaderDir, source)]);
            var r = ProcessRunner.Run("glslangValidator", args, TimeSpan.FromMinutes(2));
            Assert.That(r.Code, Is.EqualTo(0), $"glslangValidator {source}: {r.Stdout}{r.Stderr}");
            byte[] compiled = File.ReadAllBytes(fresh);
            Assert.That(BitConverter.ToUInt32(compiled, 0), Is.EqualTo(0x07230203u), "not SPIR-V (magic number)");

            Assert.That(ShaderCode.Load(name), Is.EqualTo(compiled),
                $"the embedded {name}.spv is not {source} compiled now: the build used a stale or prebuilt copy (rebuild with the shader tools)");
            string prebuilt = Path.Combine(ShaderDir, "prebuilt", name + ".spv");
            Assert.That(File.Exists(prebuilt), $"{prebuilt} is missing: copy src/Creps.Shaders/obj/spv/Release/{name}.spv there");
            Assert.That(File.ReadAllBytes(prebuilt), Is.EqualTo(compiled),
                $"src/Creps.Shaders/prebuilt/{name}.spv is stale: copy the freshly compiled obj/spv/Release/{name}.spv over it");
        }
        finally { File.Delete(fresh); }
    }
}
