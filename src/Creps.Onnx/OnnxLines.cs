using Creps.Render;
using Creps.Render.Coordinates;

namespace Creps.Onnx;

/// <summary>The line pass's output for one axis on the ONNX backend: [S, L, r, B] floats in host memory.</summary>
public sealed class OnnxLines : LineSet
{
    internal float[] Data { get; }
    internal OnnxLines(IGenerator owner, Axis axis, int count, float[] data) : base(owner, axis, count) { Data = data; }
    public override long Bytes => Data.LongLength * sizeof(float);
}
