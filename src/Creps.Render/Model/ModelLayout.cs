namespace Creps.Render.Model;

/// <summary>Every tensor the official forward reads, with its shape, derived from the config alone.</summary>
public static class ModelLayout
{
    /// <summary>Official <c>G.state_dict()</c> keys (minus buffers that are per-run inputs) and shapes.</summary>
    public static IReadOnlyList<(string Name, int[] Shape)> Expected(CrepsConfig c)
    {
        var list = new List<(string, int[])>();
        int b = c.BilineChannels, w = c.WDim;

        void Fc(string name, int outF, int inF) { list.Add(($"{name}.weight", [outF, inF])); list.Add(($"{name}.bias", [outF])); }
        void Modulated(string name, int outC, int inC) { Fc(name, outC, inC); Fc($"{name}.affine", inC, w); }

        // Mapping: fc0 … fc{n-1}, all w_dim wide except the input of fc0 (z_dim).
        for (int i = 0; i < c.MappingLayers; i++) Fc($"mapping.fc{i}", w, i == 0 ? c.ZDim : w);
        list.Add(("mapping.w_avg", [w]));

        int c4 = c.InputChannels;
        list.Add(("synthesis.b4.input.freqs", [1, c4 / 2 * c.Rank]));
        list.Add(("synthesis.b4.input.weight", [1, c4, 1, 2 * c.Rank]));
        Fc("synthesis.b4.input.affine", c4 * 2 * c.Rank, w);
        Modulated("synthesis.b4.fc1", c4, c4);
        int prev = c4;
        foreach (int res in c.BlockResolutions.Skip(1))
        {
            int ch = c.Channels(res);
            Modulated($"synthesis.b{res}.fc0", ch, prev);
            Modulated($"synthesis.b{res}.fc1", ch, ch);
            Modulated($"synthesis.b{res}.tores", b, ch);
            prev = ch;
        }
        foreach (int res in c.BlockResolutions.Skip(2)) Decoder($"synthesis.decoder_{res}");
        Decoder("synthesis.decoder_last");
        Fc("synthesis.decoder_img", c.ImgChannels, b);
        Modulated("synthesis.block0.fc0", 4 * b, b);
        Modulated("synthesis.block0.fc1", 4 * b, 4 * b);
        Modulated("synthesis.block0.tores", c.ImgChannels, 4 * b);
        Modulated("synthesis.block1.fc0", 2 * b, 4 * b);
        Modulated("synthesis.block1.fc1", 2 * b, 2 * b);
        Modulated("synthesis.block1.tores", c.ImgChannels, 2 * b);
        return list;

        void Decoder(string name)
        {
            Fc($"{name}.0", 2 * b, b);
            Fc($"{name}.1", 4 * b, 2 * b);
            Fc($"{name}.2", 2 * b, 4 * b);
            Fc($"{name}.3", b, 2 * b);
        }
    }

    /// <summary>Per-pixel decoders in the order the stages use them: decoder_16 … decoder_R (stage s ≥ 1 uses index s−1).</summary>
    public static IEnumerable<int> DecoderResolutions(CrepsConfig c) => c.BlockResolutions.Skip(2);

    /// <summary>Tensors the official forward never reads; present in official checkpoints, ignored here.</summary>
    public static bool IsUnused(string name) =>
        name.StartsWith("synthesis.b4.tores.", StringComparison.Ordinal) ||
        name.StartsWith("synthesis.decoder_8.", StringComparison.Ordinal) ||
        name == "synthesis.b4.input.coords";
}
