using Creps.Render.Coordinates;
using Creps.Render.Packing;

namespace Creps.Render.Cpu;

/// <summary>
/// The line pass's output for one axis: for every entanglement stage and coordinate, the biline running sum
/// (times √½) as [rank][BPad]. O(length), shared by every tile that touches these coordinates.
/// </summary>
public sealed class AxisLines : LineSet
{
    public int Stages { get; }
    public int Rank { get; }
    public int BPad { get; }
    internal float[] Data { get; }

    internal AxisLines(IGenerator owner, Axis axis, int count, int stages, int rank, int bPad) : base(owner, axis, count)
    {
        Stages = stages; Rank = rank; BPad = bPad;
        Data = Pinned.Alloc((long)stages * count * rank * bPad);
    }

    /// <summary>Floats per coordinate per stage.</summary>
    internal int Stride => Rank * BPad;

    internal long Offset(int stage, int index) => ((long)stage * Count + index) * Stride;

    /// <summary>Bytes held (for memory accounting); the array is the GC's, so there is nothing to release early.</summary>
    public override long Bytes => Data.LongLength * sizeof(float);
}
