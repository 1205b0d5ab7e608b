using Creps.Render.Coordinates;
using Creps.Render.Latents;
using Creps.Render.Model;

namespace Creps.Render.Octaves;

/// <summary>
/// The detail layers of one base latent: layer k's latent (the model's mapping of a seed hashed from the base ws and k),
/// its row and column offsets, and its luminance statistics: the mean its detail is measured from, and its fine-scale
/// energy, from which its gain matches the base latent's own (k = 0) — the grain of a soft snowfield stays soft at every
/// zoom and a rocky seed's rough.
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
    readonly Dictionary<int, (float Mean, double Grain)> _stats = new();

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
    /// Layer k's luminance mean and grain (k = 0: the base latent's), rendered once by <paramref name="g"/>. The mean from
    /// MeanSamples² pixels on a grid of spacing φ layer units from the layer's offsets — far apart, so nearly independent
    /// samples of the whole plane (within ~0.003), contiguous enough for every backend's phase reduction. The grain is the
    /// variance of the luminance Laplacian of a MeanSamples² patch at two pixels per native pixel (1/R of the plane): the
    /// base latent's on its own tile (far from it the model is softer), each layer's where it is evaluated.
    /// </summary>
    public (float Mean, double Grain) Stats(IGenerator g, int k)
    {
        lock (_stats) if (_stats.TryGetValue(k, out var st)) return st;
        int n = MeanSamples, nn = n * n;
        double[] Spread(Axis a) { double o = Offset(k, a); return Grid.Centers(o, o + n * Golden, n); }
        float[] img = g.Render(Latent(k), Spread(Coordinates.Axis.Rows), Spread(Coordinates.Axis.Cols));
        double sum = 0;
        for (int i = 0; i < nn; i++) sum += Luma(img[i], img[nn + i], img[2 * nn + i]);
        double patchSide = n / (2.0 * _model.Config.ImgResolution);
        // The base latent's grain where it was trained and is seen whole (its tile from the origin); a layer's at its offsets.
        double[] Patch(Axis a) { double o = k == 0 ? 0 : Offset(k, a); return Grid.Centers(o, o + patchSide, n); }
        float[] patch = g.Render(Latent(k), Patch(Coordinates.Axis.Rows), Patch(Coordinates.Axis.Cols));
        var stats = ((float)(sum / nn), LaplacianVariance(patch, n));
        lock (_stats) _stats[k] = stats;
        return stats;
    }

    /// <summary>Layer k's mean and the gain that gives it the base latent's grain (0 for a flat layer).</summary>
    public (float Mean, float Contrast) Detail(IGenerator g, int k)
    {
        var (mean, grain) = Stats(g, k);
        double baseGrain = Stats(g, 0).Grain;
        return (mean, grain > 1e-12 ? (float)Math.Sqrt(baseGrain / grain) : 0f);
    }

    /// <summary>Variance of the 4-neighbour Laplacian of the luminance of a planar n×n image (interior pixels).</summary>
    static double LaplacianVariance(float[] img, int n)
    {
        int nn = n * n;
        double L(int i, int j) => Luma(img[i * n + j], img[nn + i * n + j], img[2 * nn + i * n + j]);
        double sum = 0, sq = 0;
        for (int i = 1; i < n - 1; i++)
            for (int j = 1; j < n - 1; j++)
            {
                double v = L(i - 1, j) + L(i + 1, j) + L(i, j - 1) + L(i, j + 1) - 4 * L(i, j);
                sum += v; sq += v * v;
            }
        int m = (n - 2) * (n - 2);
        return Math.Max(0, sq / m - sum / m * (sum / m));
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
