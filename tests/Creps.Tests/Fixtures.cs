using System.Text.Json;
using Creps.Render.Latents;
using Creps.Render.Model;

namespace Creps.Tests;

/// <summary>Paths of the repository and of ../shared/fixtures/official (outputs of the official generator).</summary>
public static class Fixtures
{
    public static string RepoRoot { get; } = FindRoot();

    static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "Creps.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Creps.sln not found above the test binaries");
    }

    public static string Official { get; } = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "fixtures", "official"));

    public static readonly string[] Layouts = ["public-tiny", "public-small"];

    /// <summary>models/: the models that ship (the terrain set, models/README.md).</summary>
    public static string BundledModels { get; } = Path.Combine(RepoRoot, "models");
    public static string BundledModel(string file) => Path.Combine(BundledModels, file);

    /// <summary>
    /// The GAN-era trained models (tests/fixtures/gan-models/README.md): real trained weights of the shipped layout, one with a
    /// non-tileable plane (far-pan, octave and streaming tests need one) and one tileable. They fail the quality gates, so
    /// they no longer ship in models/.
    /// </summary>
    public static string GanTerrain { get; } = Path.Combine(RepoRoot, "tests", "fixtures", "gan-models", "terrain.safetensors");
    public static string GanRockTileable { get; } = Path.Combine(RepoRoot, "tests", "fixtures", "gan-models", "rock-tileable.safetensors");

    public static float[] ReadF32(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var v = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, v, 0, v.Length * 4);
        return v;
    }

    public sealed record Case(string Layout, string Name, uint Seed, float Psi, int? Cutoff, double[] Rows, double[] Cols,
        string Output, string? Png, string? WsFile, double Scale)
    {
        public override string ToString() => $"{Layout}/{Name}";
        public string Dir => Path.Combine(Official, Layout);

        public Latent Latent(CrepsModel m) =>
            WsFile != null ? Render.Latents.Latent.FromWsFile(m, Path.Combine(Dir, WsFile)) : Render.Latents.Latent.FromSeed(m, Seed, Psi, Cutoff);
    }

    public static IEnumerable<Case> Cases()
    {
        foreach (var layout in Layouts)
        {
            var dir = Path.Combine(Official, layout);
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "cases.json")));
            foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
            {
                double[] Values(string axis) => c.GetProperty(axis).GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToArray();
                string name = c.GetProperty("name").GetString()!;
                string? ws = File.Exists(Path.Combine(dir, $"case_{name}_ws.f32")) ? $"case_{name}_ws.f32" : null;
                uint seed = c.TryGetProperty("seed", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetUInt32() : 0;
                float psi = c.TryGetProperty("truncation_psi", out var p) && p.ValueKind == JsonValueKind.Number ? (float)p.GetDouble() : 1f;
                int? cutoff = c.TryGetProperty("truncation_cutoff", out var co) && co.ValueKind == JsonValueKind.Number ? co.GetInt32() : null;
                string? png = c.TryGetProperty("png", out var pg) && pg.ValueKind == JsonValueKind.String ? pg.GetString() : null;
                double scale = c.TryGetProperty("scale", out var sc) && sc.ValueKind == JsonValueKind.Number ? sc.GetDouble() : double.NaN;
                yield return new Case(layout, name, seed, psi, cutoff, Values("rows"), Values("cols"),
                    c.GetProperty("output").GetString()!, png, ws, scale);
            }
        }
    }

    static readonly Dictionary<string, CrepsModel> Models = new();
    public static CrepsModel Model(string layout)
    {
        lock (Models)
        {
            if (!Models.TryGetValue(layout, out var m)) Models[layout] = m = CrepsModel.Load(Path.Combine(Official, layout, "weights.safetensors"));
            return m;
        }
    }
}
