using System.Globalization;
using Creps.Render.Latents;
using Creps.Render.Model;
using Creps.Render.Streaming;

namespace Creps.Tests.Streaming;

/// <summary>Textures of the fixture models, and `creps render` of a page's bordered region as the independent reference.</summary>
public static class StreamingHarness
{
    public static string ModelPath(string layout) => Path.Combine(Fixtures.Official, layout, "weights.safetensors");

    public static TextureDescription Texture(CrepsModel m, string path, uint seed, int page, int border) =>
        new(m, TextureDescription.HashModelFile(path), Latent.FromSeed(m, seed), new PageLayout(page, border), $"seed {seed}");

    public static TextureDescription Texture(string layout, uint seed, int page, int border) =>
        Texture(Fixtures.Model(layout), ModelPath(layout), seed, page, border);

    /// <summary>The region as the CLI takes it: G17 round-trips every double ("R" does not, in .NET 10).</summary>
    public static string RegionText(PageLayout layout, PageKey key)
    {
        var (x0, y0, x1, y1) = layout.Region(key);
        return string.Join(",", new[] { x0, y0, x1, y1 }.Select(v => v.ToString("G17", CultureInfo.InvariantCulture)));
    }

    /// <summary>`creps render --model PATH --seed S --size T×T --region … [extra] --out x.f32` of the page's bordered rectangle.</summary>
    public static float[] CliRender(string modelPath, uint seed, PageLayout layout, PageKey key, string dir, params string[] extra)
    {
        string outPath = Path.Combine(dir, $"ref-{key.Level}-{key.X}-{key.Y}.f32");
        int t = layout.Texels;
        var (code, _, err) = CliRenderTests.Run(["render", "--model", modelPath, "--seed", seed.ToString(CultureInfo.InvariantCulture),
            "--size", $"{t}x{t}", "--region", RegionText(layout, key), .. extra, "--out", outPath]);
        Assert.That(code, Is.EqualTo(0), err);
        return Fixtures.ReadF32(outPath);
    }

    /// <summary>Every request's page, waiting at most a minute for all of them.</summary>
    public static Page[] All(IEnumerable<PageRequest> requests)
    {
        var tasks = requests.Select(r => r.Completion).ToArray();
        Assert.That(Task.WaitAll(tasks, TimeSpan.FromMinutes(2)), Is.True, "pages did not arrive within two minutes");
        return tasks.Select(t => t.Result).ToArray();
    }
}
