using System.Runtime.InteropServices;
using Creps.Shaders;
using Silk.NET.Vulkan;

namespace Creps.Render.Vulkan;

/// <summary>Push constants of fourier_input.comp (same order as the shader's block).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FourierPush
{
    public int Count, Ldx, XOff, FreqOff, MulOff, JBase, StepOff, SegOff, CoordFirst, SegFirst;
}
