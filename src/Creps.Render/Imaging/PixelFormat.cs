namespace Creps.Render.Imaging;

/// <summary>Conversions from the generator's float output (roughly [−1, 1]) to stored pixels.</summary>
public static class PixelFormat
{
    /// <summary>The official 8-bit rule: clamp(v·127.5 + 128, 0, 255), truncated toward zero (float32 arithmetic).</summary>
    public static byte ToByte(float v)
    {
        float s = v * 127.5f;
        s += 128f;
        if (!(s > 0f)) return 0;        // NaN → 0 as well
        if (s >= 255f) return 255;
        return (byte)s;
    }

    /// <summary>16-bit: the same mapping over 0..65535, rounded (no official rule exists for 16 bits).</summary>
    public static ushort ToUInt16(float v)
    {
        double s = ((double)v + 1.0) * 32767.5;
        if (!(s > 0)) return 0;
        if (s >= 65535) return 65535;
        return (ushort)Math.Round(s);
    }
}
