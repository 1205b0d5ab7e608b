namespace Creps.Render;

/// <summary>
/// Host memory a render may take for its lines, checked by every backend before it allocates them. A request over a
/// limit is a <see cref="RenderLimitException"/> that says what was asked, how much it needs and the limit, in one
/// form shared with the Vulkan device-memory budget.
/// </summary>
public static class RenderLimits
{
    /// <summary>Host bytes one axis's lines may hold (CPU backend; bake bands its column lines well below it).</summary>
    public const long MaxLineBytes = 1L << 30;

    /// <summary>Throws when <paramref name="count"/> coordinates of <paramref name="bytesPerCoordinate"/> bytes of lines each exceed <see cref="MaxLineBytes"/>.</summary>
    public static void CheckLines(long count, long bytesPerCoordinate, string axis)
    {
        long need = count * bytesPerCoordinate;
        if (need > MaxLineBytes)
            throw RenderLimitException.Over($"{count} {axis} ({bytesPerCoordinate} bytes of lines each)", "host memory for lines", need, MaxLineBytes,
                "render a smaller region, or use `creps bake`, which streams bands of lines");
    }

    /// <summary>"1.5 GiB", "256 MiB", "12 KiB".</summary>
    public static string Bytes(long b) => b >= 1L << 30 ? $"{b / (double)(1L << 30):0.##} GiB" : b >= 1L << 20 ? $"{b / (double)(1L << 20):0.##} MiB" : $"{b / 1024.0:0.##} KiB";
}
