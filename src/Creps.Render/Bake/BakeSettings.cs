using Creps.Render.Coordinates;
using Creps.Render.Imaging;
using Creps.Render.Latents;

namespace Creps.Render.Bake;

/// <summary>How a bake runs: none of these change the bytes it writes.</summary>
public sealed record BakeSettings
{
    /// <summary>Tile side in output pixels; a band of rows is one tile tall.</summary>
    public int Tile { get; init; } = 64;
    /// <summary>Most bytes of column lines held at once; a wider image is rendered in column bands.</summary>
    public long ColumnLineBudget { get; init; } = 256L << 20;
    /// <summary>Called with the output pixels each finished tile adds.</summary>
    public Action<long>? Progress { get; init; }
    public CancellationToken Cancel { get; init; }
}
