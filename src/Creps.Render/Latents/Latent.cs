using System.Buffers.Binary;
using Creps.Render.IO;
using Creps.Render.Model;

namespace Creps.Render.Latents;

/// <summary>
/// The per-layer latents ws [NumWs, WDim] that drive the synthesis network. Made from a seed or z (through the
/// mapping network and truncation) or read from a file (style mixing, projections). Immutable.
/// </summary>
public sealed class Latent : IEquatable<Latent>
{
    readonly float[] _ws;
    public int NumWs { get; }
    public int WDim { get; }

    public Latent(float[] ws, int numWs, int wDim)
    {
        if (ws.Length != numWs * wDim) throw new ArgumentException($"ws holds {ws.Length} values, expected {numWs}×{wDim}");
        foreach (float v in ws) if (!float.IsFinite(v)) throw new ArgumentException("ws holds a non-finite value");
        _ws = ws;
        NumWs = numWs;
        WDim = wDim;
    }

    public ReadOnlySpan<float> W(int index) => _ws.AsSpan(index * WDim, WDim);
    public ReadOnlySpan<float> All => _ws;

    /// <summary>z = NumPy <c>RandomState(seed).randn(z_dim)</c> cast to float32, as the official tools do.</summary>
    public static float[] ZFromSeed(uint seed, int zDim) => NumpyRandom.Randn(seed, zDim).Select(v => (float)v).ToArray();

    public static Latent FromSeed(CrepsModel model, uint seed, float psi = 1f, int? cutoff = null) =>
        FromZ(model, ZFromSeed(seed, model.Config.ZDim), psi, cutoff);

    public static Latent FromZ(CrepsModel model, ReadOnlySpan<float> z, float psi = 1f, int? cutoff = null)
    {
        var c = model.Config;
        if (z.Length != c.ZDim) throw new ArgumentException($"z has {z.Length} values, the model's z_dim is {c.ZDim}");
        float[] w = MappingNetwork.Map(model, z);
        var ws = new float[c.NumWs * c.WDim];
        for (int i = 0; i < c.NumWs; i++) w.CopyTo(ws, i * c.WDim);
        if (psi != 1f)
        {
            int n = Math.Clamp(cutoff ?? c.NumWs, 0, c.NumWs);
            for (int i = 0; i < n; i++)
                for (int k = 0; k < c.WDim; k++)
                {
                    float avg = model.WAvg[k];
                    ws[i * c.WDim + k] = avg + psi * (ws[i * c.WDim + k] - avg);
                }
        }
        return new Latent(ws, c.NumWs, c.WDim);
    }

    /// <summary>Raw little-endian float32 [z_dim].</summary>
    public static float[] ReadZFile(string path, int zDim) => ReadFloats(path, zDim, $"z_dim {zDim}");

    /// <summary>Raw little-endian float32 [num_ws, w_dim].</summary>
    public static Latent FromWsFile(CrepsModel model, string path)
    {
        var c = model.Config;
        return new Latent(ReadFloats(path, c.NumWs * c.WDim, $"num_ws {c.NumWs} × w_dim {c.WDim}"), c.NumWs, c.WDim);
    }

    static float[] ReadFloats(string path, int count, string what)
    {
        using var file = InputFile.Open(path, "latent file", maxBytes: long.MaxValue);
        string name = $"latent file {Untrusted.Quote(path, 200)}";
        long len = file.Length;
        if (len != 4L * count)
            throw new InputFileException(path, $"{name} has {len} bytes; the model needs {4L * count} (raw little-endian float32, {what})");
        var bytes = new byte[len];
        file.ReadExactly(bytes);
        var v = new float[count];
        for (int i = 0; i < count; i++) v[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(4 * i));
        int bad = Array.FindIndex(v, f => !float.IsFinite(f));
        if (bad >= 0) throw new InputFileException(path, $"{name} holds a non-finite value ({v[bad]}) at index {bad}");
        return v;
    }

    public bool Equals(Latent? other) => other != null && NumWs == other.NumWs && WDim == other.WDim && _ws.AsSpan().SequenceEqual(other._ws);
    public override bool Equals(object? obj) => Equals(obj as Latent);
    public override int GetHashCode()
    {
        var h = new HashCode();
        h.AddBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_ws.AsSpan()));
        return h.ToHashCode();
    }
}
