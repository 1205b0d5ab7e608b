using System.Buffers.Binary;
using Creps.Render.Imaging;
using Creps.Render.Latents;
using static Creps.Tests.Bake.BakeHarness;

namespace Creps.Tests.Bake;

/// <summary>Baked files, read back by independent decoders, hold exactly the pixels of in-memory renders.</summary>
public class BakeOutputTests
{
    const int W = 67, H = 45;
    static readonly string[] RegionArgs = ["--region", "-0.25,0.5,1.5,1.25"];

    [TestCase(8)]
    [TestCase(16)]
    public void PngMatchesInMemoryRender(int bits)
    {
        string dir = TempDir(), png = Path.Combine(dir, "t.png");
        var r = RunBake(["--seed", "5", "--psi", "0.7", "--size", $"{W}x{H}", .. RegionArgs, "--format", $"png{bits}", "--tile", "16", "--out", png]);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());

        var m = Fixtures.Model("public-tiny");
        float[] img = RenderInMemory(m, Latent.FromSeed(m, 5, 0.7f), W, H, -0.25, 0.5, 1.5, 1.25);
        int Expected(int y, int x, int c) => bits == 8 ? PixelFormat.ToByte(img[(c * H + y) * W + x]) : PixelFormat.ToUInt16(img[(c * H + y) * W + x]);

        var ours = PngDecoder.Decode(png);
        Assert.That((ours.Width, ours.Height, ours.BitDepth, ours.Channels), Is.EqualTo((W, H, bits, 3)));
        int mismatches = 0;
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++)
                for (int c = 0; c < 3; c++)
                    if (ours.At(y, x, c) != Expected(y, x, c)) mismatches++;
        Assert.That(mismatches, Is.EqualTo(0), "PngDecoder: pixels differ from the in-memory render");

        // Pillow 9.4 opens a 16-bit RGB PNG as 8-bit "RGB" (keeping each sample's high byte): compare what it gives.
        var (mode, pw, ph, bytes) = Pillow(png);
        Assert.That((mode, pw, ph), Is.EqualTo(("RGB", W, H)));
        mismatches = 0;
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++)
                for (int c = 0; c < 3; c++)
                    if (bytes[(y * W + x) * 3 + c] != (bits == 8 ? Expected(y, x, c) : Expected(y, x, c) >> 8)) mismatches++;
        Assert.That(mismatches, Is.EqualTo(0), "Pillow: pixels differ from the in-memory render");
    }

    [TestCase("ktx2")]
    [TestCase("ktx2-f16")]
    public void Ktx2MipChainMatchesPerLevelRenders(string format)
    {
        const int w = 40, h = 24, k = 2;
        string dir = TempDir(), file = Path.Combine(dir, "t.ktx2");
        var r = RunBake(["--seed", "2", "--size", $"{w}x{h}", .. RegionArgs, "--format", format, "--mips", "--supersample", $"{k}", "--tile", "8", "--out", file]);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());

        bool half = format == "ktx2-f16";
        int bpp = half ? 8 : 4;
        var (s, levels) = KtxParse(file);
        Assert.That(s.GetProperty("vkFormat").GetInt32(), Is.EqualTo(half ? 97 : 37));
        Assert.That(s.GetProperty("typeSize").GetInt32(), Is.EqualTo(half ? 2 : 1));
        Assert.That((s.GetProperty("pixelWidth").GetInt32(), s.GetProperty("pixelHeight").GetInt32()), Is.EqualTo((w, h)));
        Assert.That(s.GetProperty("supercompressionScheme").GetInt32(), Is.EqualTo(0));
        Assert.That(s.GetProperty("dfd").GetProperty("samples").GetArrayLength(), Is.EqualTo(4));
        Assert.That(s.GetProperty("dfd").GetProperty("bytesPlane")[0].GetInt32(), Is.EqualTo(bpp));
        (int W, int H)[] sizes = [(40, 24), (20, 12), (10, 6), (5, 3), (2, 1), (1, 1)];
        Assert.That(levels, Has.Length.EqualTo(sizes.Length), "levels: log2(40) + 1");

        var m = Fixtures.Model("public-tiny");
        var latent = Latent.FromSeed(m, 2);
        for (int l = 0; l < sizes.Length; l++)
        {
            var (lw, lh) = sizes[l];
            Assert.That(levels[l], Has.Length.EqualTo(lw * lh * bpp), $"level {l} bytes");
            // Each level from the model at its own size: K×K samples of the region, averaged.
            double[] mean = BoxFilter(RenderInMemory(m, latent, lw * k, lh * k, -0.25, 0.5, 1.5, 1.25), lw, lh, k);
            FloatAssert.AllFinite(mean, $"level {l} expected means");
            double worst = 0;
            for (int y = 0; y < lh; y++)
                for (int x = 0; x < lw; x++)
                {
                    for (int c = 0; c < 3; c++)
                    {
                        double v = mean[(c * lh + y) * lw + x];
                        int at = (y * lw + x) * bpp;
                        // 8-bit: steps; half: ulps of the half float at the expected value (11 significant bits, subnormal below 2^-14).
                        double err = half
                            ? Math.Abs((double)BinaryPrimitives.ReadHalfLittleEndian(levels[l].AsSpan(at + 2 * c)) - (v + 1) / 2) / FloatAssert.HalfUlp((v + 1) / 2)
                            : Math.Abs(levels[l][at + c] - PixelFormat.ToByte((float)v));
                        if (!(err <= worst)) worst = err;   // a NaN becomes the worst and fails below
                    }
                    Assert.That(half ? (double)BinaryPrimitives.ReadHalfLittleEndian(levels[l].AsSpan((y * lw + x) * bpp + 6)) : levels[l][(y * lw + x) * bpp + 3],
                        Is.EqualTo(half ? 1.0 : 255.0), "alpha");
                }
            // 8-bit: ±1 where a float mean lands next to a quantisation step; half: within one ulp of the double mean.
            Assert.That(worst, Is.LessThanOrEqualTo(1.0), $"level {l} ({lw}x{lh}) is off by {worst} (8-bit steps or half ulps)");
        }
    }

    /// <summary>A tileable model's default bake is a seamless tile: the plane continued across the tile's edge is the tile wrapped around.</summary>
    [Test]
    public void TileableModelBakesASeamlessTile()
    {
        string model = Path.Combine(Fixtures.RepoRoot, "tests", "fixtures", "trainer", "model.safetensors");
        const int n = 32;
        string dir = TempDir(), tile = Path.Combine(dir, "tile.png"), across = Path.Combine(dir, "across.png");
        string[] common = ["bake", "--model", model, "--seed", "3", "--size", $"{n}", "--format", "png8"];
        Assert.That(RunCli([.. common, "--out", tile]).Code, Is.EqualTo(0));
        // Half a tile to the right and one tile up: columns 16..47 and rows −32..−1 of the plane.
        Assert.That(RunCli([.. common, "--region", "0.5,-1,1.5,0", "--out", across]).Code, Is.EqualTo(0));
        var a = PngDecoder.Decode(tile);
        var b = PngDecoder.Decode(across);
        int worst = 0;
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++)
                for (int c = 0; c < 3; c++)
                    worst = Math.Max(worst, Math.Abs(b.At(y, x, c) - a.At(y, (x + n / 2) % n, c)));
        // Float phases at t and t + 1 agree to ~1e-6, which may move a value across one 8-bit step.
        Assert.That(worst, Is.LessThanOrEqualTo(1), "the tile does not wrap seamlessly");
    }

    /// <summary>Other backends stream through their own tiles too: an onnx bake matches the cpu bake within one 8-bit step.</summary>
    [Test]
    public void OnnxBackendBakesTheSameTexture()
    {
        string dir = TempDir(), cpu = Path.Combine(dir, "cpu.png"), onnx = Path.Combine(dir, "onnx.png");
        string[] common = ["--seed", "3", "--size", "40x24", "--format", "png8", "--mips", "--supersample", "2", "--tile", "8"];
        Assert.That(RunBake([.. common, "--out", cpu]).Code, Is.EqualTo(0));
        var r = RunBake([.. common, "--backend", "onnx", "--out", onnx]);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Stderr, Does.Contain(" on onnx: "));
        foreach (var level in new[] { "", ".mip1", ".mip3", ".mip5" })
        {
            var a = PngDecoder.Decode(Path.Combine(dir, $"cpu{level}.png"));
            var b = PngDecoder.Decode(Path.Combine(dir, $"onnx{level}.png"));
            Assert.That((b.Width, b.Height), Is.EqualTo((a.Width, a.Height)));
            int worst = a.Samples.Zip(b.Samples).Max(p => Math.Abs(p.First - p.Second));
            Assert.That(worst, Is.LessThanOrEqualTo(1), $"level{level}: onnx differs from cpu by {worst}");
        }
    }
}
