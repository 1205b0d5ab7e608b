using Creps.Render.IO;

namespace Creps.Render.Model;

/// <summary>A loaded CREPS generator: config plus typed layers. Immutable; share it between renders and threads.</summary>
public sealed class CrepsModel
{
    public CrepsConfig Config { get; }
    public string Source { get; }
    public DenseLayer[] Mapping { get; }
    public float[] WAvg { get; }
    public InputLayer Input { get; }
    /// <summary>b4, b8, …, bR.</summary>
    public LineBlock[] Blocks { get; }
    /// <summary>Decoders for stages 1..S−1 (decoder_16 … decoder_R), each 4 layers.</summary>
    public DenseLayer[][] StageDecoders { get; }
    public DenseLayer[] DecoderLast { get; }
    public DenseLayer DecoderImg { get; }
    public HeadBlock Block0 { get; }
    public HeadBlock Block1 { get; }

    /// <summary>Every modulated layer, in forward order (for per-latent style computation).</summary>
    public IEnumerable<ModulatedLayer> ModulatedLayers =>
        Blocks.SelectMany(b => new[] { b.Fc0, b.Fc1, b.ToRes }).Where(l => l != null).Select(l => l!)
              .Concat([Block0.Fc0, Block0.Fc1, Block0.ToRes, Block1.Fc0, Block1.Fc1, Block1.ToRes]);

    public static CrepsModel Load(string path)
    {
        var contents = SafeTensors.Read(path);
        try { return FromTensors(contents, path); }
        catch (ModelFormatException e) { throw new ModelFormatException($"{Untrusted.Quote(path, 200)}: {e.Message}", e); }
    }

    public static CrepsModel FromTensors(SafeTensors.Contents contents, string source = "<memory>")
    {
        if (!contents.Metadata.TryGetValue("creps_config", out var json))
            throw new ModelFormatException("no __metadata__.creps_config: not a CREPS model file (export official checkpoints with tools/export_official.py)");
        // Rank may be absent from the config: then it is derived from freqs, which holds (C/2)·rank values.
        long? freqsCount = contents.Tensors.TryGetValue("synthesis.b4.input.freqs", out var fr) ? fr.Count : null;
        var config = CrepsConfig.Parse(json, freqsCount: freqsCount);
        return new CrepsModel(config, contents.Tensors, source);
    }

    CrepsModel(CrepsConfig c, IReadOnlyDictionary<string, Tensor> t, string source)
    {
        Config = c;
        Source = source;
        foreach (var (name, shape) in ModelLayout.Expected(c))
        {
            if (!t.TryGetValue(name, out var tensor))
                throw new ModelFormatException($"missing tensor {Untrusted.Quote(name)} (expected shape [{string.Join(",", shape)}] for this config)");
            if (!tensor.Shape.SequenceEqual(shape))
                throw new ModelFormatException($"tensor '{name}' has shape [{string.Join(",", tensor.Shape)}], expected [{string.Join(",", shape)}] for this config");
            int bad = Array.FindIndex(tensor.Data, v => !float.IsFinite(v));
            if (bad >= 0) throw new ModelFormatException($"tensor '{name}' holds a non-finite value ({tensor.Data[bad]}) at index {bad}");
        }

        float[] T(string n) => t[n].Data;
        DenseLayer Dense(string n, int inF, int outF, float lr, bool lrelu) => new(n, inF, outF, T($"{n}.weight"), T($"{n}.bias"), lr, lrelu);
        ModulatedLayer Mod(string n, int inC, int outC, bool toRes, int wIndex) =>
            new(n, inC, outC, T($"{n}.weight"), T($"{n}.bias"), Dense($"{n}.affine", c.WDim, inC, 1f, false), toRes, wIndex);

        Mapping = Enumerable.Range(0, c.MappingLayers)
            .Select(i => Dense($"mapping.fc{i}", i == 0 ? c.ZDim : c.WDim, c.WDim, c.MappingLrMultiplier, true)).ToArray();
        WAvg = T("mapping.w_avg");

        int c4 = c.InputChannels;
        Input = new InputLayer(c4, c.Rank, T("synthesis.b4.input.freqs"), T("synthesis.b4.input.weight"),
            Dense("synthesis.b4.input.affine", c.WDim, c4 * 2 * c.Rank, 1f, false));
        var blocks = new List<LineBlock> { new(4, null, Mod("synthesis.b4.fc1", c4, c4, false, CrepsConfig.WIndexFc1(4)), null) };
        int prev = c4;
        foreach (int res in c.BlockResolutions.Skip(1))
        {
            int ch = c.Channels(res);
            blocks.Add(new LineBlock(res,
                Mod($"synthesis.b{res}.fc0", prev, ch, false, CrepsConfig.WIndexFc0(res)),
                Mod($"synthesis.b{res}.fc1", ch, ch, false, CrepsConfig.WIndexFc1(res)),
                Mod($"synthesis.b{res}.tores", ch, c.BilineChannels, true, CrepsConfig.WIndexToRes(res))));
            prev = ch;
        }
        Blocks = blocks.ToArray();

        int b = c.BilineChannels;
        DenseLayer[] Decoder(string n) =>
        [
            Dense($"{n}.0", b, 2 * b, 1f, true), Dense($"{n}.1", 2 * b, 4 * b, 1f, true),
            Dense($"{n}.2", 4 * b, 2 * b, 1f, true), Dense($"{n}.3", 2 * b, b, 1f, true),
        ];
        StageDecoders = ModelLayout.DecoderResolutions(c).Select(res => Decoder($"synthesis.decoder_{res}")).ToArray();
        DecoderLast = Decoder("synthesis.decoder_last");
        DecoderImg = Dense("synthesis.decoder_img", b, c.ImgChannels, 1f, false);
        int last = c.NumWs - 1;
        Block0 = new HeadBlock(Mod("synthesis.block0.fc0", b, 4 * b, false, last), Mod("synthesis.block0.fc1", 4 * b, 4 * b, false, last),
            Mod("synthesis.block0.tores", 4 * b, c.ImgChannels, true, last));
        Block1 = new HeadBlock(Mod("synthesis.block1.fc0", 4 * b, 2 * b, false, last), Mod("synthesis.block1.fc1", 2 * b, 2 * b, false, last),
            Mod("synthesis.block1.tores", 2 * b, c.ImgChannels, true, last));
    }

    public override string ToString() =>
        $"CREPS R{Config.ImgResolution} w{Config.WDim} B{Config.BilineChannels} r{Config.Rank} ({Source})";
}
