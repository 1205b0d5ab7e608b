namespace Creps.Render.Streaming;

/// <summary>
/// One page of the infinite plane: level <see cref="Level"/> cuts every unit square into 2^L × 2^L pages; page
/// (X, Y) covers x ∈ [X/2^L, (X+1)/2^L) (columns) and y ∈ [Y/2^L, (Y+1)/2^L) (rows, downwards). Indices are 64-bit and
/// may be negative; whether a page is addressable exactly is <see cref="PageLayout.Check"/>'s business.
/// </summary>
public readonly record struct PageKey(int Level, long X, long Y)
{
    /// <summary>The page one level coarser that contains this one (floor division: −1 → −1, −2 → −1); null at level 0.</summary>
    public PageKey? Parent => Level > 0 ? new PageKey(Level - 1, X >> 1, Y >> 1) : null;

    /// <summary>
    /// Z-order of (x, y) offsets from a range's origin: bits of x and y interleaved (x in the even bits), so pages close
    /// on the plane are close in the order. Offsets must be non-negative and below 2^32.
    /// </summary>
    public static ulong Morton(ulong dx, ulong dy) => Spread(dx) | (Spread(dy) << 1);

    static ulong Spread(ulong v)
    {
        v &= 0xFFFFFFFF;
        v = (v | (v << 16)) & 0x0000FFFF0000FFFF;
        v = (v | (v << 8)) & 0x00FF00FF00FF00FF;
        v = (v | (v << 4)) & 0x0F0F0F0F0F0F0F0F;
        v = (v | (v << 2)) & 0x3333333333333333;
        v = (v | (v << 1)) & 0x5555555555555555;
        return v;
    }

    public override string ToString() => $"L{Level} ({X}, {Y})";
}
