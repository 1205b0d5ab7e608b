namespace Creps.Render.Packing;

/// <summary>
/// How packed weights and activations are laid out: widths padded to 8 floats (one 256-bit vector), weights cut into
/// column panels of 32 outputs (then 8-wide strips), each panel contiguous [In][width]. The CPU kernels
/// (<c>Cpu.Gemm</c>) stream these panels; the Vulkan backend repacks from them through <see cref="PackedLayer.At"/>.
/// </summary>
internal static class PanelLayout
{
    public const int Lanes = 8;
    /// <summary>Output columns per full panel; the rest of the width comes in 8-wide strips.</summary>
    public const int Panel = 32;

    /// <summary>Width of the panel holding output column o (32 for full panels, 8 for the tail strips).</summary>
    public static int PanelWidth(int o, int outPad) => o < outPad / Panel * Panel ? Panel : Lanes;

    /// <summary>First output column of the panel holding column o.</summary>
    public static int PanelStart(int o, int outPad) => o / PanelWidth(o, outPad) * PanelWidth(o, outPad);

    public static int PadWidth(int n) => (n + Lanes - 1) / Lanes * Lanes;
}
