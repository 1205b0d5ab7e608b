using Creps.Render.Coordinates;
using Creps.Render.Latents;
using Creps.Render.Model;

namespace Creps.Render.Octaves;

/// <summary>
/// The detail layers of one base latent: layer k's latent (the model's mapping of a seed hashed from the base ws and k),
/// its row and column offsets, its difference shift, and the contrast that scales its detail to the base latent's.
/// A layer's detail is a band-pass of the layer: its luminance at u + h minus at u − h, h half a native pixel in a
/// direction drawn per layer (<see cref="Shift"/>). A difference of two shifted copies has no mean and almost none of the
/// layer's large-scale variation (its response falls linearly with frequency below a native pixel), so each layer adds
/// its fine structure — relief — rather than a second copy of the whole terrain: the stack keeps the base's local mean,
/// and a layer fading in or out changes the picture by its fine grain only (see OctaveWeights). Both copies are CREPS
/// renders of per-axis shifted coordinates, so rows and columns stay separable and tiles exact.
/// All derive from the base ws alone, so a seed, a z file or a ws file each get their own reproducible stack.
/// </summary>
public sealed class OctaveLayers
{
    /// <summary>Rec. 601 luma: detail enters as luminance (see OctaveGenerator).</summary>
    public const float LumaR = 0.299f, LumaG = 0.587f, LumaB = 0.114f;
    /// <summary>Statistics are taken over StatSamples² pixels (a layer's spread over StatSamples·φ layer units per axis).</summary>
    public const int StatSamples = 64;
    /// <summary>The difference shift 2h, in native pixels of the layer (1/R of its plane).</summary>
    public const double ShiftNativePixels = 1;
    const double Golden = 1.6180339887498949;

    readonly CrepsModel _model;
    readonly float _psi;
    readonly ulong _baseKey;
    readonly double _period;
    readonly Dictionary<int, Latent> _latents = new();
    readonly Latent _base;
    readonly Dictionary<int, double> _spread = new();

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
    /// Layer k's half shift h along <paramref name="axis"/>, in layer units: half of <see cref="ShiftNativePixels"/> native
    /// pixels in a direction drawn per layer, so the layers' relief is lit from every side and the sum has no grain direction.
    /// </summary>
    public double Shift(int k, Axis axis)
    {
        double angle = 2 * Math.PI * ((SplitMix(_baseKey ^ ~(ulong)k * 0xA24BAED4963EE407UL) >> 11) * Math.ScaleB(1.0, -53));
        double h = 0.5 * ShiftNativePixels / _model.Config.ImgResolution;
        return axis == Axis.Rows ? h * Math.Sin(angle) : h * Math.Cos(angle);
    }

    /// <summary>
    /// The luminance spread, rendered once by <paramref name="g"/>: k = 0 the base latent's standard deviation over its
    /// own tile (StatSamples² pixel centres of [0, 1)²), k ≥ 1 the standard deviation of layer k's detail (luma at u + h
    /// minus at u − h) over StatSamples² points on a grid of spacing φ layer units from its offsets — far apart, so nearly
    /// independent samples of the whole plane, contiguous enough for every backend's phase reduction.
    /// </summary>
    public double Spread(IGenerator g, int k)
    {
        lock (_spread) if (_spread.TryGetValue(k, out var st)) return st;
        int n = StatSamples;
        double[] Axis(Axis a, double shift)
        {
            if (k == 0) return Grid.Centers(0, 1, n);
            double o = Offset(k, a) + shift * Shift(k, a);
            return Grid.Centers(o, o + n * Golden, n);
        }
        float[] plus = g.Render(Latent(k), Axis(Coordinates.Axis.Rows, 1), Axis(Coordinates.Axis.Cols, 1));
        float[]? minus = k == 0 ? null : g.Render(Latent(k), Axis(Coordinates.Axis.Rows, -1), Axis(Coordinates.Axis.Cols, -1));
        int nn = n * n;
        double sum = 0, sq = 0;
        for (int i = 0; i < nn; i++)
        {
            double v = Luma(plus[i], plus[nn + i], plus[2 * nn + i]);
            if (minus != null) v -= Luma(minus[i], minus[nn + i], minus[2 * nn + i]);
            sum += v; sq += v * v;
        }
        double spread = Math.Sqrt(Math.Max(0, sq / nn - sum / nn * (sum / nn)));
        lock (_spread) _spread[k] = spread;
        return spread;
    }

    /// <summary>The factor that gives layer k's detail the base latent's luminance spread (0 for a flat layer).</summary>
    public float Contrast(IGenerator g, int k)
    {
        double s = Spread(g, k);
        return s > 1e-9 ? (float)(Spread(g, 0) / s) : 0f;
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
