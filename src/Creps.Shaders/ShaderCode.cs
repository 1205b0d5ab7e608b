namespace Creps.Shaders;

/// <summary>The embedded SPIR-V of the compute passes (compiled from this project's *.comp at build time).</summary>
public static class ShaderCode
{
    public const string FourierInput = "fourier_input";
    public const string LineGemm = "line_gemm";
    public const string Pixel = "pixel";
    /// <summary>The per-pixel pass in float16 (needs shaderFloat16).</summary>
    public const string PixelFp16 = "pixel_fp16";
    /// <summary>Page-table lookups with page_table.glsl, one per query (the streaming atlas's device probe).</summary>
    public const string PageTableProbe = "page_table_probe";

    /// <summary>The SPIR-V words of shader <paramref name="name"/> (without extension).</summary>
    public static byte[] Load(string name)
    {
        using var s = typeof(ShaderCode).Assembly.GetManifestResourceStream($"Creps.Shaders.{name}.spv")
            ?? throw new InvalidOperationException($"shader '{name}' is not embedded in Creps.Shaders");
        var bytes = new byte[s.Length];
        s.ReadExactly(bytes);
        return bytes;
    }
}
