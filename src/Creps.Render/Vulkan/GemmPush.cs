using System.Runtime.InteropServices;
using Creps.Shaders;
using Silk.NET.Vulkan;

namespace Creps.Render.Vulkan;

/// <summary>Push constants of line_gemm.comp.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct GemmPush
{
    public const int Lrelu = 1, ToRes = 2, First = 4;
    public int Rows, K, Outs, Ldx, Ldy, XOff, YOff, WOff, BOff, StyleOff, DemodOff, Flags, LinesOff;
    public float Clamp;
}
