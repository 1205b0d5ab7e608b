using System.Numerics;
using Creps.Render.Imaging;

namespace Creps.Tests;

/// <summary>
/// The suite's one family of float comparisons. Each asserts first that both sides are finite and names the first
/// non-finite index: NUnit's <c>Is.LessThanOrEqualTo</c> orders NaN below every number, <c>Math.Max</c> propagates
/// it and LINQ's <c>Max</c> skips it, so without this a worst error of NaN (or an all-NaN image) would pass.
/// </summary>
public static class FloatAssert
{
    /// <summary>max |a − b|, where (flat index) it is, and mean |a − b|.</summary>
    public readonly record struct Error(double MaxAbs, int At, double MeanAbs)
    {
        public override string ToString() => $"max abs {MaxAbs:G4} at index {At}, mean abs {MeanAbs:G4}";
    }

    public static void AllFinite<T>(ReadOnlySpan<T> values, string what) where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < values.Length; i++)
            if (!T.IsFinite(values[i])) Assert.Fail($"{what}: value {i} of {values.Length} is {values[i]} (first non-finite index)");
    }

    /// <summary>max − min of finite values.</summary>
    public static double Range<T>(ReadOnlySpan<T> values, string what) where T : IFloatingPointIeee754<T>
    {
        AllFinite(values, what);
        if (values.Length == 0) Assert.Fail($"{what}: no values");
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (T v in values) { lo = Math.Min(lo, double.CreateChecked(v)); hi = Math.Max(hi, double.CreateChecked(v)); }
        return hi - lo;
    }

    /// <summary>The error of <paramref name="ours"/> against <paramref name="expected"/> (float32 or double), both checked finite and of one length.</summary>
    public static Error Diff<T>(ReadOnlySpan<float> ours, ReadOnlySpan<T> expected, string what) where T : IFloatingPointIeee754<T>
    {
        Check(ours.Length, expected.Length, what);
        AllFinite(ours, what);
        AllFinite(expected, what + " (expected)");
        double max = 0, sum = 0; int at = -1;
        for (int i = 0; i < ours.Length; i++)
        {
            double d = Math.Abs(ours[i] - double.CreateChecked(expected[i]));
            sum += d;
            if (at < 0 || d > max) { max = d; at = i; }
        }
        return new Error(max, at, ours.Length == 0 ? 0 : sum / ours.Length);
    }

    /// <summary>max |a − b| ≤ <paramref name="tol"/>.</summary>
    public static Error MaxAbs<T>(ReadOnlySpan<float> ours, ReadOnlySpan<T> expected, double tol, string what) where T : IFloatingPointIeee754<T>
    {
        var e = Diff(ours, expected, what);
        Assert.That(e.MaxAbs, Is.LessThanOrEqualTo(tol), $"{what}: {e} (allowed {tol:G3})");
        return e;
    }

    /// <summary>max |a − b| ≤ <paramref name="tol"/> × (range of <paramref name="expected"/>, at least <paramref name="minRange"/>).</summary>
    public static Error WithinRange(ReadOnlySpan<float> ours, ReadOnlySpan<float> expected, double tol, string what, double minRange = 1e-6)
    {
        double range = Math.Max(Range(expected, what + " (expected)"), minRange);
        var e = Diff(ours, expected, what);
        Assert.That(e.MaxAbs / range, Is.LessThanOrEqualTo(tol), $"{what}: {e} on a range of {range:G4} ({e.MaxAbs / range:G3} of range, allowed {tol:G3})");
        return e;
    }

    /// <summary>max |a − b| ≤ <paramref name="maxTol"/>·scale and mean |a − b| ≤ <paramref name="meanTol"/>·scale.</summary>
    public static Error Close(ReadOnlySpan<float> ours, ReadOnlySpan<float> expected, double maxTol, double meanTol, double scale, string what)
    {
        var e = Diff(ours, expected, what);
        TestContext.Out.WriteLine($"{what}: {e} (scale {scale:G3})");
        Assert.That(e.MaxAbs / scale, Is.LessThanOrEqualTo(maxTol), $"{what}: {e}; max allowed {maxTol * scale:G3}");
        Assert.That(e.MeanAbs / scale, Is.LessThanOrEqualTo(meanTol), $"{what}: {e}; mean allowed {meanTol * scale:G3}");
        return e;
    }

    /// <summary>Bit for bit (and finite: two NaN images are not "equal"), naming the first differing index.</summary>
    public static void BitEqual(ReadOnlySpan<float> ours, ReadOnlySpan<float> expected, string what)
    {
        Check(ours.Length, expected.Length, what);
        AllFinite(ours, what);
        AllFinite(expected, what + " (expected)");
        for (int i = 0; i < ours.Length; i++)
            if (BitConverter.SingleToInt32Bits(ours[i]) != BitConverter.SingleToInt32Bits(expected[i]))
                Assert.Fail($"{what}: value {i} of {ours.Length} is {ours[i]:R}, expected {expected[i]:R} (first difference)");
    }

    /// <summary>The official 8-bit values of finite floats (a NaN would quantise to a plausible byte).</summary>
    public static byte[] EightBit(float[] values, string what)
    {
        AllFinite(values, what);
        return values.Select(PixelFormat.ToByte).ToArray();
    }

    /// <summary>One ulp of a half float at |x|: 11 significant bits, subnormal (2^-24) below 2^-14.</summary>
    public static double HalfUlp(double x) => Math.Pow(2, Math.Max(Math.Floor(Math.Log2(Math.Max(Math.Abs(x), 1e-30))), -14) - 10);

    static void Check(int a, int b, string what)
    {
        if (a != b) Assert.Fail($"{what}: {a} values, expected {b}");
    }
}
