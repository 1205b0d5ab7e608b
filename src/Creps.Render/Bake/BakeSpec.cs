using Creps.Render.Coordinates;
using Creps.Render.Imaging;
using Creps.Render.IO;

namespace Creps.Render.Bake;

/// <summary>
/// One texture to bake: its size, the region of the model's plane it covers (x along the width, y along the height),
/// K×K supersampling and whether it carries a mip chain. Every level is rendered from the model at its own size.
/// </summary>
public sealed record BakeSpec(int Width, int Height, double X0, double Y0, double X1, double Y1, int Supersample, bool Mips, BakeFormat Format)
{
    /// <summary>Largest side a bake accepts (a band of rows of that width stays ~100 MB).</summary>
    public const int MaxSide = 1 << 17;
    public const int MaxSupersample = 16;
    public static readonly string[] FormatNames = ["png8", "png16", "ktx2", "ktx2-f16"];

    public static BakeFormat ParseFormat(string name) => Array.IndexOf(FormatNames, name) is int i and >= 0
        ? (BakeFormat)i
        : throw new FormatException($"format {Untrusted.Quote(name)}: expected one of {string.Join(", ", FormatNames)}");

    /// <summary>Throws one clear line for a spec outside the documented limits.</summary>
    public void Validate()
    {
        if (Width < 1 || Height < 1 || Width > MaxSide || Height > MaxSide)
            throw new ArgumentException($"size {Width}x{Height}: each side must be in 1..{MaxSide}");
        if (Supersample < 1 || Supersample > MaxSupersample) throw new ArgumentException($"supersample {Supersample} must be in 1..{MaxSupersample}");
        if ((long)Math.Max(Width, Height) * Supersample > Grid.MaxLength)
            throw new ArgumentException($"size {Width}x{Height} with {Supersample}x{Supersample} supersampling needs more than {Grid.MaxLength} samples per side");
        if (!(double.IsFinite(X0) && double.IsFinite(X1) && double.IsFinite(Y0) && double.IsFinite(Y1)) || X0 == X1 || Y0 == Y1)
            throw new ArgumentException("region must be four finite numbers with x0 ≠ x1 and y0 ≠ y1");
    }

    public bool IsKtx2 => Format is BakeFormat.Ktx2 or BakeFormat.Ktx2F16;

    public string Extension => IsKtx2 ? ".ktx2" : ".png";

    public TexelLayout Layout => Format switch
    {
        BakeFormat.Png8 => TexelLayout.Rgb8,
        BakeFormat.Png16 => TexelLayout.Rgb16BigEndian,
        BakeFormat.Ktx2 => TexelLayout.Rgba8,
        _ => TexelLayout.Rgba16Half,
    };

    /// <summary>Level sizes by level index: level l is max(1, side >> l), down to 1×1 when mipmapped.</summary>
    public IReadOnlyList<(int W, int H)> Levels
    {
        get
        {
            int count = Mips ? Model.CrepsConfig.Log2(Math.Max(Width, Height)) + 1 : 1;
            return Enumerable.Range(0, count).Select(l => (Math.Max(1, Width >> l), Math.Max(1, Height >> l))).ToArray();
        }
    }

    /// <summary>Levels in the order they are rendered and stored: smallest first (the KTX2 file order).</summary>
    public IEnumerable<int> RenderOrder => Ktx2Writer.FileOrder(Levels.Count);

    /// <summary>Output pixels of every level (for progress).</summary>
    public long Pixels(Shard shard) => Levels.Sum(l => (long)l.W * shard.Rows(l.H).Count);
}
