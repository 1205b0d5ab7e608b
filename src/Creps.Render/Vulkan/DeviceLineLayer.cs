using Creps.Render.Model;

namespace Creps.Render.Vulkan;

/// <summary>A line layer's place in the weights buffer and its GEMM shape.</summary>
internal sealed record DeviceLineLayer(int In, int Out, int InPad, int OutPad, int WOff, int BOff, bool Lrelu, float Clamp);
