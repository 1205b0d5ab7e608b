using Creps.Render.Coordinates;
using Creps.Render.Latents;
using Creps.Render.Model;

namespace Creps.Render.Octaves;

/// <summary>
/// The detail layers of one base latent: layer k's latent (the model's mapping of a seed hashed from the base ws and k),
/// its row and column offsets, and its luminance statistics: the mean its detail is measured from and the contrast that
/// scales it to the base latent's own (k = 0), so a soft snowy texture stays soft at every zoom and a rocky one rough.
/// All derive from the base ws alone, so a seed, a z file or a ws file each get their own reproducible stack.
/// </summary>
public sealed class OctaveLayers
{
    /// <summary>Rec. 601 luma: detail enters as luminance (see OctaveGenerator).</summary>
    public const float LumaR = 0.299f, LumaG = 0.587f, LumaB = 0.114f;
    /// <summary>The mean is taken over MeanSamples² pixels spread over MeanSamples·φ layer units per axis.</summary>
    public const int MeanSamples = 64;
    const double Golden = 1.6180339887498949;

    readonly CrepsModel _model;
    readonly float _psi;
    readonly ulong _baseKey;
    readonly double _period;
    readonly Dictionary<int, Latent> _latents = new();
    readonly Latent _base;
    readonly Dictionary<int, (float Mean, float Std)> _stats = new();

    public OctaveLayers(CrepsModel model, Latent baseLatent, float psi, double period)
    {
        _model = model; _psi = psi; _period = period; _base = baseLatent;
        _baseKey = Fnv1a(System.Runtime.InteropServices.MemoryMarshal.AsBytes(baseLatent.All));
    }

    /// <summary>The seed of layer <paramref name="k"/>'s latent.</summary>
    public uint Seed(int k) => (uint)(SplitMix(_baseKey ^ (ulong)k * 0x9E3779B97F4A7C15UL) >> 32);

    /// <summary>Layer k's latent; k = 0 is the base latent.</summary>
    public Latent Latent(int k)
    {
        if (k == 0) return _base;
        lock (_latents)
        {
            if (!_latents.TryGetValue(k, out var l)) _latents[k] = l = Render.Latents.Latent.FromSeed(_model, Seed(k), _psi);
            return l;
        }
    }

    /// <summary>Layer k's offset along <paramref name="axis"/>, in [−P/4, P/4): layers do not line up at t = 0 nor with each other.</summary>
    public double Offset(int k, Axis axis)
    {
        ulong bits = SplitMix(_baseKey + (ulong)(2 * k + (int)axis) * 0xD1B54A32D192ED03UL);
        return ((bits >> 11) * Math.ScaleB(1.0, -53) - 0.5) * 0.5 * _period;
    }

    /// <summary>
    /// Layer k's luminance mean and standard deviation (k = 0: the base latent's), rendered once by <paramref name="g"/>:
    /// MeanSamples² pixels on a grid of spacing φ layer units from the layer's offsets — far apart, so nearly independent
    /// samples of the whole plane (the mean within ~0.003), and contiguous enough for every backend's phase reduction.
    /// </summary>
    public (float Mean, float Std) Stats(IGenerator g, int k)
    {
        lock (_stats) if (_stats.TryGetValue(k, out var st)) return st;
        double[] Axis(Axis a) { double o = Offset(k, a); return Grid.Centers(o, o + MeanSamples * Golden, MeanSamples); }
        float[] img = g.Render(Latent(k), Axis(Coordinates.Axis.Rows), Axis(Coordinates.Axis.Cols));
        int n = MeanSamples * MeanSamples;
        double sum = 0, sq = 0;
        for (int i = 0; i < n; i++) { double y = Luma(img[i], img[n + i], img[2 * n + i]); sum += y; sq += y * y; }
        double mean = sum / n;
        var stats = ((float)mean, (float)Math.Sqrt(Math.Max(0, sq / n - mean * mean)));
        lock (_stats) _stats[k] = stats;
        return stats;
    }

    /// <summary>Layer k's mean and the factor that brings its contrast to the base latent's (0 for a flat layer).</summary>
    public (float Mean, float Contrast) Detail(IGenerator g, int k)
    {
        var (mean, std) = Stats(g, k);
        float baseStd = Stats(g, 0).Std;
        return (mean, std > 1e-6f ? baseStd / std : 0f);
    }

    public static float Luma(float r, float g, float b) => LumaR * r + LumaG * g + LumaB * b;

    static ulong Fnv1a(ReadOnlySpan<byte> bytes)
    {
        ulong h = 0xCBF29CE484222325UL;
        foreach (byte b in bytes) h = (h ^ b) * 0x100000001B3UL;
        return h;
    }

    static ulong SplitMix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
