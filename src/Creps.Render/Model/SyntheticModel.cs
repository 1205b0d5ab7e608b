namespace Creps.Render.Model;

/// <summary>
/// Named layouts and deterministic random weights for them: benchmarks and tests need models of the
/// official shapes without shipping hundreds of megabytes of weights.
/// </summary>
public static class SyntheticModel
{
    public static readonly CrepsConfig Tiny = new()
    { ZDim = 64, WDim = 64, ImgResolution = 32, ChannelBase = 1024, ChannelMax = 64, BilineChannels = 16, Rank = 8, MappingLayers = 2 };
    /// <summary>The smallest valid layout (R 8, one channel pair, rank 1): a model file of a few KiB, for fuzzing and mutation tests.</summary>
    public static readonly CrepsConfig Micro = new()
    { ZDim = 2, WDim = 2, ImgResolution = 8, ChannelBase = 16, ChannelMax = 2, BilineChannels = 4, Rank = 1, MappingLayers = 1 };
    public static readonly CrepsConfig Small = new()
    { ZDim = 128, WDim = 128, ImgResolution = 64, ChannelBase = 4096, ChannelMax = 128, BilineChannels = 24, Rank = 8, MappingLayers = 4 };
    /// <summary>≥512 channels at R 256 (w kept small so it builds fast).</summary>
    public static readonly CrepsConfig Wide = new()
    { ZDim = 128, WDim = 128, ImgResolution = 256, ChannelBase = 131072, ChannelMax = 512, BilineChannels = 32, Rank = 8, MappingLayers = 2 };
    /// <summary>The official <c>--cfg=creps</c> layout at R = 256.</summary>
    public static readonly CrepsConfig Official256 = new()
    { ZDim = 512, WDim = 512, ImgResolution = 256, ChannelBase = 65536, ChannelMax = 1024, BilineChannels = 32, Rank = 8, MappingLayers = 8 };

    public static CrepsConfig Layout(string name) => name switch
    {
        "tiny" => Tiny,
        "small" => Small,
        "wide" => Wide,
        "official256" => Official256,
        _ => throw new ArgumentException($"unknown layout '{name}' (tiny, small, wide, official256)"),
    };

    /// <summary>Random tensors in the official init's spirit: N(0,1) weights, affine biases near 1, freqs N(0,3²).</summary>
    public static Dictionary<string, Tensor> RandomTensors(CrepsConfig c, int seed)
    {
        var rng = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        var tensors = new Dictionary<string, Tensor>();
        foreach (var (name, shape) in ModelLayout.Expected(c))
        {
            long n = shape.Aggregate(1L, (a, b) => a * b);
            var data = new float[n];
            double scale = name.EndsWith("freqs") ? 3 : name.EndsWith(".bias") ? 0.2 : name == "mapping.w_avg" ? 0.5
                : name.StartsWith("mapping.") ? 1 / c.MappingLrMultiplier : 1;
            double offset = name.EndsWith(".affine.bias") ? 1 : 0;
            if (name.EndsWith(".affine.bias")) scale = 0.3;
            for (long i = 0; i < n; i++) data[i] = (float)(offset + scale * Normal());
            tensors[name] = new Tensor(name, shape, data);
        }
        return tensors;
    }

    public static CrepsModel Random(CrepsConfig c, int seed = 1) => FromTensors(c, RandomTensors(c, seed));

    public static CrepsModel FromTensors(CrepsConfig c, Dictionary<string, Tensor> tensors) =>
        CrepsModel.FromTensors(new SafeTensors.Contents(tensors, new Dictionary<string, string> { ["creps_config"] = c.ToJson() }), $"synthetic {c.ImgResolution}");
}
