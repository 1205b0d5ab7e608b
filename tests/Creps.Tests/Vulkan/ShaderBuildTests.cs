using Creps.Shaders;

namespace Creps.Tests.Vulkan;

/// <summary>The committed prebuilt SPIR-V (used where glslangValidator is absent) equals what the build compiled.</summary>
public class ShaderBuildTests
{
    [TestCase(ShaderCode.FourierInput)]
    [TestCase(ShaderCode.LineGemm)]
    [TestCase(ShaderCode.Pixel)]
    [TestCase(ShaderCode.PixelFp16)]
    public void PrebuiltSpirvIsCurrent(string name)
    {
        byte[] embedded = ShaderCode.Load(name);
        string prebuilt = Path.Combine(Fixtures.RepoRoot, "src", "Creps.Shaders", "prebuilt", name + ".spv");
        Assert.That(File.Exists(prebuilt), $"{prebuilt} is missing: copy src/Creps.Shaders/obj/spv/Release/{name}.spv there");
        Assert.That(File.ReadAllBytes(prebuilt), Is.EqualTo(embedded),
            $"src/Creps.Shaders/prebuilt/{name}.spv is stale: copy the freshly compiled obj/spv/Release/{name}.spv over it");
        Assert.That(BitConverter.ToUInt32(embedded, 0), Is.EqualTo(0x07230203u), "not SPIR-V (magic number)");
    }
}
