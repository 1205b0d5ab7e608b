using System.Globalization;
using Creps.Render.IO;

namespace Creps.Render.Bake;

/// <summary>
/// Shard <c>i</c> of <c>n</c> (<c>--shard i/n</c>, 0-based): a deterministic share of a seed batch (every n-th seed)
/// or of every level's rows of one texture (a contiguous block), so n machines bake with no coordinator.
/// </summary>
public readonly record struct Shard(int Index, int Count)
{
    public const int MaxCount = 1 << 16;
    public static readonly Shard Whole = new(0, 1);

    public static Shard Parse(string text)
    {
        var p = text.Split('/');
        if (p.Length != 2 || !int.TryParse(p[0], NumberStyles.None, CultureInfo.InvariantCulture, out int i)
            || !int.TryParse(p[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n))
            throw new FormatException($"shard {Untrusted.Quote(text)}: expected i/n (whole numbers, 0 ≤ i < n)");
        if (n < 1 || n > MaxCount || i >= n) throw new FormatException($"shard {Untrusted.Quote(text)}: need 0 ≤ i < n ≤ {MaxCount}");
        return new Shard(i, n);
    }

    public bool IsWhole => Count == 1;

    /// <summary>This shard's rows of a level <paramref name="height"/> rows tall: [h·i/n, h·(i+1)/n).</summary>
    public (int Start, int End, int Count) Rows(int height)
    {
        int a = (int)((long)height * Index / Count), b = (int)((long)height * (Index + 1) / Count);
        return (a, b, b - a);
    }

    /// <summary>This shard's positions (0-based) in a batch of <paramref name="items"/>: i, i + n, i + 2n, …</summary>
    public IEnumerable<long> Positions(long items)
    {
        for (long p = Index; p < items; p += Count) yield return p;
    }

    /// <summary>How many of <see cref="Positions"/> there are.</summary>
    public long CountOf(long items) => items <= Index ? 0 : (items - 1 - Index) / Count + 1;

    public override string ToString() => $"{Index}/{Count}";
}
