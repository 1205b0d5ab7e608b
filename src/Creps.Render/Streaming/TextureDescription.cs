using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Creps.Render.IO;
using Creps.Render.Latents;
using Creps.Render.Model;
using Creps.Render.Octaves;

namespace Creps.Render.Streaming;

/// <summary>
/// What is streamed: a model, a latent and how the plane is cut into pages — immutable, with a stable
/// <see cref="ContentKey"/> (SHA-256 of the model file's hash, the latent's ws and the page layout) so caches and files
/// can name it across runs; an <see cref="Octaves"/> stack (infinite zoom) joins the key. The plane mapping is the identity (texture coordinates are the model's plane); a tileable
/// model repeats with period 1, i.e. every 2^L pages at level L.
/// </summary>
public sealed class TextureDescription
{
    public CrepsModel Model { get; }
    /// <summary>Lower-case hex SHA-256 of the model file (<see cref="HashModelFile"/>), or any stable name of the weights for an in-memory model.</summary>
    public string ModelHash { get; }
    /// <summary>The ws actually rendered (seed/z → mapping → ψ/cutoff already applied); two descriptions with equal ws are the same texture.</summary>
    public Latent Latent { get; }
    public PageLayout Layout { get; }
    /// <summary>How the latent was made, for logs ("seed 3, psi 0.7"); not part of the key.</summary>
    public string LatentLabel { get; }
    public bool Tileable => Model.Config.Tileable;
    /// <summary>The octave stack pages are rendered with, each level at its own footprint (<see cref="OctaveSpec.Off"/>: the plain model).</summary>
    public OctaveSpec Octaves { get; }
    /// <summary>Truncation ψ of the octave layers' latents (creps render's --psi).</summary>
    public float OctavePsi { get; }
    /// <summary>Lower-case hex SHA-256 over a version tag, the model hash, ws (little-endian float32) and the layout.</summary>
    public string ContentKey { get; }

    public TextureDescription(CrepsModel model, string modelHash, Latent latent, PageLayout? layout = null, string latentLabel = "",
        OctaveSpec? octaves = null, float octavePsi = 1f)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(latent);
        if (string.IsNullOrEmpty(modelHash)) throw new ArgumentException("a texture needs the model's hash (TextureDescription.HashModelFile)");
        var c = model.Config;
        if (latent.NumWs != c.NumWs || latent.WDim != c.WDim)
            throw new ArgumentException($"latent has {latent.NumWs}×{latent.WDim} ws, the model needs {c.NumWs}×{c.WDim}");
        Model = model;
        ModelHash = modelHash;
        Latent = latent;
        Layout = layout ?? PageLayout.Default;
        LatentLabel = latentLabel;
        Octaves = octaves ?? OctaveSpec.Off;
        Octaves.Validate();
        OctavePsi = octavePsi;
        ContentKey = Key(modelHash, latent, Layout, Tileable, Octaves, octavePsi);
    }

    static string Key(string modelHash, Latent latent, PageLayout layout, bool tileable, OctaveSpec octaves, float octavePsi)
    {
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        h.AppendData(Encoding.UTF8.GetBytes($"creps-texture/1\n{modelHash}\n{latent.NumWs}x{latent.WDim}\n"));
        Span<byte> f = stackalloc byte[4];
        foreach (float v in latent.All)
        {
            BinaryPrimitives.WriteSingleLittleEndian(f, v);
            h.AppendData(f);
        }
        h.AppendData(Encoding.UTF8.GetBytes($"\npage {layout.PageSize} border {layout.Border} tileable {(tileable ? 1 : 0)}\n"));
        // Without octaves the key is what it was before they existed.
        if (!octaves.IsOff) h.AppendData(Encoding.UTF8.GetBytes(FormattableString.Invariant($"{octaves} psi {octavePsi:R}\n")));
        return Convert.ToHexStringLower(h.GetHashAndReset());
    }

    /// <summary>Lower-case hex SHA-256 of a model file, read through <see cref="InputFile"/>.</summary>
    public static string HashModelFile(string path) => Creps.Render.Model.SafeTensors.Sha256(path);

    public override string ToString() =>
        $"texture {ContentKey[..12]} ({Model.Source}{(LatentLabel.Length > 0 ? ", " + LatentLabel : "")}{(Octaves.IsOff ? "" : ", " + Octaves)})";
}
