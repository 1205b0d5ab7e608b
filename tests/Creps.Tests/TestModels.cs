using Creps.Render.Latents;
using Creps.Render.Model;
using Creps.Tests.Reference;

namespace Creps.Tests;

/// <summary>Deterministic random models of any layout, calibrated so their output spans about [−1, 1].</summary>
public static class TestModels
{
    public static readonly CrepsConfig Tiny = new()
    { ZDim = 64, WDim = 64, ImgResolution = 32, ChannelBase = 1024, ChannelMax = 64, BilineChannels = 16, Rank = 8, MappingLayers = 2 };
    public static readonly CrepsConfig Small = new()
    { ZDim = 128, WDim = 128, ImgResolution = 64, ChannelBase = 4096, ChannelMax = 128, BilineChannels = 24, Rank = 8, MappingLayers = 4 };
    /// <summary>≥512 channels, R 256 (w kept small so the model builds fast).</summary>
    public static readonly CrepsConfig Wide = new()
    { ZDim = 128, WDim = 128, ImgResolution = 256, ChannelBase = 131072, ChannelMax = 512, BilineChannels = 32, Rank = 8, MappingLayers = 2 };
    /// <summary>The official `--cfg=creps` layout at R = 256.</summary>
    public static readonly CrepsConfig Official256 = new()
    { ZDim = 512, WDim = 512, ImgResolution = 256, ChannelBase = 65536, ChannelMax = 1024, BilineChannels = 32, Rank = 8, MappingLayers = 8 };

    static readonly Dictionary<(CrepsConfig, int), CrepsModel> Cache = new();

    public static CrepsModel Random(CrepsConfig c, int seed = 1)
    {
        lock (Cache)
        {
            if (Cache.TryGetValue((c, seed), out var cached)) return cached;
            var tensors = RandomTensors(c, seed);
            var model = CrepsModel.FromTensors(new SafeTensors.Contents(tensors, new Dictionary<string, string> { ["creps_config"] = c.ToJson() }));
            // Calibrate: the image is linear in decoder_img and both head ToRes layers, so one scale puts it in ~[−1, 1].
            var probe = Grid(c, 6);
            var img = ReferenceGenerator.Render(model, Latent.FromSeed(model, 0), probe, probe);
            float k = (float)(0.9 / img.Max(Math.Abs));
            foreach (var name in new[] { "synthesis.decoder_img", "synthesis.block0.tores", "synthesis.block1.tores" })
                foreach (var part in new[] { "weight", "bias" })
                {
                    var d = tensors[$"{name}.{part}"].Data;
                    for (int i = 0; i < d.Length; i++) d[i] *= k;
                }
            model = CrepsModel.FromTensors(new SafeTensors.Contents(tensors, new Dictionary<string, string> { ["creps_config"] = c.ToJson() }));
            Cache[(c, seed)] = model;
            return model;
        }
    }

    public static Dictionary<string, Tensor> RandomTensors(CrepsConfig c, int seed)
    {
        var rng = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        var tensors = new Dictionary<string, Tensor>();
        foreach (var (name, shape) in ModelLayout.Expected(c))
        {
            long n = shape.Aggregate(1L, (a, b) => a * b);
            var data = new float[n];
            bool affineBias = name.EndsWith(".affine.bias");
            for (long i = 0; i < n; i++)
                data[i] = name.EndsWith("freqs") ? (float)(Normal() * 3)
                    : affineBias ? (float)(1 + 0.3 * Normal())
                    : name.EndsWith(".bias") ? (float)(0.2 * Normal())
                    : name == "mapping.w_avg" ? (float)(0.5 * Normal())
                    : name.StartsWith("mapping.") ? (float)(Normal() / c.MappingLrMultiplier)
                    : (float)Normal();
            tensors[name] = new Tensor(name, shape, data);
        }
        return tensors;
    }

    public static double[] Grid(CrepsConfig c, int n) => Render.Coordinates.Grid.Linspace(0, 1, n);
}
