namespace Creps.Render.Cpu;

/// <summary>Which half of the bi-line input an axis reads: rows take rank slots j &lt; r, columns j ≥ r.</summary>
public enum Axis { Rows = 0, Cols = 1 }

/// <summary>
/// The line pass's output for one axis: for every entanglement stage and coordinate, the biline running sum
/// (times √½) as [rank][BPad]. O(length), shared by every tile that touches these coordinates.
/// </summary>
public sealed class AxisLines
{
    public Axis Axis { get; }
    public int Count { get; }
    public int Stages { get; }
    public int Rank { get; }
    public int BPad { get; }
    internal float[] Data { get; }

    internal AxisLines(Axis axis, int count, int stages, int rank, int bPad)
    {
        Axis = axis; Count = count; Stages = stages; Rank = rank; BPad = bPad;
        Data = Pinned.Alloc((long)stages * count * rank * bPad);
    }

    /// <summary>Floats per coordinate per stage.</summary>
    internal int Stride => Rank * BPad;

    internal long Offset(int stage, int index) => ((long)stage * Count + index) * Stride;

    /// <summary>Bytes held (for memory accounting).</summary>
    public long Bytes => Data.LongLength * sizeof(float);
}
