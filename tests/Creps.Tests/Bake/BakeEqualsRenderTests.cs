using static Creps.Tests.Bake.BakeHarness;

namespace Creps.Tests.Bake;

/// <summary>README: a bake is "exactly as creps render --size … --region … (the same pixels, bit for bit)" — checked through the CLI.</summary>
public class BakeEqualsRenderTests
{
    [Test]
    public void Png8BakeIsTheRenderPixelForPixel()
    {
        string dir = TempDir(), baked = Path.Combine(dir, "bake.png"), png = Path.Combine(dir, "render.png"), f32 = Path.Combine(dir, "render.f32");
        string[] what = ["--model", TinyModel, "--seed", "5", "--psi", "0.7", "--size", "37x23", "--region", "-0.2,0.3,0.9,1.1"];
        var b = RunCli(["bake", .. what, "--format", "png8", "--tile", "8", "--out", baked]);
        Assert.That(b.Code, Is.EqualTo(0), b.ToString());
        foreach (var output in new[] { png, f32 })
        {
            var r = RunCli(["render", .. what, "--out", output]);
            Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        }
        var fromBake = PngDecoder.Decode(baked);
        var fromRender = PngDecoder.Decode(png);
        Assert.That((fromBake.Width, fromBake.Height, fromBake.Channels), Is.EqualTo((37, 23, 3)));
        Assert.That(fromBake.Samples, Is.EqualTo(fromRender.Samples), "bake png8 vs render .png");

        // And against the render's floats quantised here with README's rule: clamp(v·127.5 + 128, 0, 255) truncated (float32, as the official code).
        float[] v = Fixtures.ReadF32(f32);
        FloatAssert.AllFinite(v, "render .f32");
        int w = 37, h = 23, mismatches = 0;
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    float s = v[(c * h + y) * w + x] * 127.5f + 128f;
                    int expected = (int)Math.Clamp(s, 0f, 255f);
                    if (fromBake.At(y, x, c) != expected) mismatches++;
                }
        Assert.That(mismatches, Is.EqualTo(0), "bake png8 vs the render's floats quantised by the official rule");
    }
}
