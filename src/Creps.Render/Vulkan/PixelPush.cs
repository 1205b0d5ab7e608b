using System.Runtime.InteropServices;
using Creps.Shaders;
using Silk.NET.Vulkan;

namespace Creps.Render.Vulkan;

/// <summary>Push constants of pixel.comp.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct PixelPush
{
    public int Nr, Nc, R0, C0, RowCount, ColCount, Dy, Dx, DecOff, HeadOff, Quantize8;
    public float Clamp;
}
