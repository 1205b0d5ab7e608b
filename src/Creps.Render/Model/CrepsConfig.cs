using System.Text.Json;

namespace Creps.Render.Model;

/// <summary>
/// The generator's constructor config (the official keys) and every shape derived from it.
/// This is the one place that knows how many channels a block has, which w each layer reads, etc.
/// </summary>
public sealed record CrepsConfig
{
    public int ZDim { get; init; }
    public int CDim { get; init; }
    public int WDim { get; init; }
    public int ImgResolution { get; init; }
    public int ImgChannels { get; init; } = 3;
    public int ChannelBase { get; init; }
    public int ChannelMax { get; init; }
    public int BilineChannels { get; init; } = 32;
    public int Rank { get; init; } = 8;
    public int MappingLayers { get; init; } = 8;
    public float MappingLrMultiplier { get; init; } = 0.01f;
    public float FcClamp { get; init; } = 256f;
    /// <summary>Integer Fourier frequencies: the plane repeats exactly over [0,1]² (our trainer's flag).</summary>
    public bool Tileable { get; init; }

    // Limits that keep a corrupt header from asking for absurd allocations.
    public const int MaxDim = 4096;
    public const int MaxResolution = 1 << 14;

    /// <summary>Block resolutions 4, 8, …, R.</summary>
    public int[] BlockResolutions
    {
        get
        {
            int n = Log2(ImgResolution) - 1;
            var r = new int[n];
            for (int i = 0; i < n; i++) r[i] = 4 << i;
            return r;
        }
    }

    /// <summary>Channels of the block at resolution <paramref name="res"/>.</summary>
    public int Channels(int res) => Math.Min(ChannelBase / res, ChannelMax);

    /// <summary>Number of ws: b4 reads 2, each later block 2, plus the last block's ToRes (shared by the head).</summary>
    public int NumWs => 2 * Log2(ImgResolution) - 1;

    /// <summary>Blocks with a biline (b8 … bR): each is one entanglement stage of the per-pixel pass.</summary>
    public int StageCount => Log2(ImgResolution) - 2;

    /// <summary>Channels of the first block (the Fourier input).</summary>
    public int InputChannels => Channels(4);

    /// <summary>w index read by block <paramref name="res"/>'s layer: fc0 = 2k−5, fc1 = 2k−4, tores = 2k−3 for res = 2^k ≥ 8.</summary>
    public static int WIndexFc0(int res) => 2 * Log2(res) - 5;
    public static int WIndexFc1(int res) => res == 4 ? 1 : 2 * Log2(res) - 4;
    public static int WIndexToRes(int res) => 2 * Log2(res) - 3;

    public static int Log2(int v) => System.Numerics.BitOperations.Log2((uint)v);

    /// <summary>Longest creps_config JSON read, and how deeply it may nest (the config is one flat object).</summary>
    public const int MaxJsonChars = 64 << 10, MaxJsonDepth = 4;

    /// <summary>
    /// Parses the JSON of <c>__metadata__["creps_config"]</c>; unknown keys are ignored. A missing <c>rank</c> is
    /// <paramref name="derivedRank"/>, else derived from the number of Fourier frequencies (<paramref name="freqsCount"/>).
    /// </summary>
    public static CrepsConfig Parse(string json, int? derivedRank = null, long? freqsCount = null)
    {
        if (json.Length > MaxJsonChars) throw new ModelFormatException($"creps_config is {json.Length} characters; at most {MaxJsonChars}");
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = MaxJsonDepth }); }
        catch (JsonException e) { throw new ModelFormatException($"creps_config is not valid JSON: {IO.Untrusted.Escape(e.Message, 160)}"); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new ModelFormatException("creps_config is not a JSON object");
            int GetInt(string key, int? def = null)
            {
                if (root.TryGetProperty(key, out var v))
                {
                    if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i)) return i;
                    if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out double d) && d == Math.Floor(d) && Math.Abs(d) < int.MaxValue) return (int)d;
                    throw new ModelFormatException($"creps_config key '{key}' must be an integer, got {IO.Untrusted.Quote(v.GetRawText())}");
                }
                if (def is int dv) return dv;
                throw new ModelFormatException($"creps_config lacks the key '{key}'");
            }
            float GetFloat(string key, float def)
            {
                if (!root.TryGetProperty(key, out var v)) return def;
                if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out double d)) return (float)d;
                throw new ModelFormatException($"creps_config key '{key}' must be a number, got {IO.Untrusted.Quote(v.GetRawText())}");
            }
            if (derivedRank == null && freqsCount is long fc && !root.TryGetProperty("rank", out _))
            {
                int c4 = Math.Min(GetInt("channel_base") / 4, GetInt("channel_max"));
                if (c4 >= 2 && fc % (c4 / 2) == 0 && fc / (c4 / 2) <= int.MaxValue) derivedRank = (int)(fc / (c4 / 2));
            }
            bool tileable = root.TryGetProperty("tileable", out var t) && t.ValueKind == JsonValueKind.True;
            int rank = root.TryGetProperty("rank", out _) ? GetInt("rank") : derivedRank ?? 8;
            var cfg = new CrepsConfig
            {
                ZDim = GetInt("z_dim"),
                CDim = GetInt("c_dim", 0),
                WDim = GetInt("w_dim"),
                ImgResolution = GetInt("img_resolution"),
                ImgChannels = GetInt("img_channels", 3),
                ChannelBase = GetInt("channel_base"),
                ChannelMax = GetInt("channel_max"),
                BilineChannels = GetInt("biline_channels", 32),
                Rank = rank,
                MappingLayers = GetInt("mapping_layers", 8),
                MappingLrMultiplier = GetFloat("mapping_lr_multiplier", 0.01f),
                FcClamp = GetFloat("fc_clamp", 256f),
                Tileable = tileable,
            };
            cfg.Validate();
            return cfg;
        }
    }

    /// <summary>Throws <see cref="ModelFormatException"/> for a config this engine cannot or should not build.</summary>
    public void Validate()
    {
        void Check(bool ok, string what) { if (!ok) throw new ModelFormatException($"creps_config: {what}"); }
        Check(ZDim >= 1 && ZDim <= MaxDim, $"z_dim {ZDim} is outside 1..{MaxDim}");
        Check(CDim == 0, $"c_dim {CDim}: conditional models are not supported (c_dim must be 0)");
        Check(WDim >= 1 && WDim <= MaxDim, $"w_dim {WDim} is outside 1..{MaxDim}");
        Check(ImgResolution >= 8 && ImgResolution <= MaxResolution && (ImgResolution & (ImgResolution - 1)) == 0,
            $"img_resolution {ImgResolution} must be a power of two in 8..{MaxResolution}");
        Check(ImgChannels == 3, $"img_channels {ImgChannels}: only 3 (RGB) is supported");
        Check(ChannelBase > 4 && ChannelBase <= 1 << 24, $"channel_base {ChannelBase} is out of range");
        Check(ChannelMax > 1 && ChannelMax <= MaxDim, $"channel_max {ChannelMax} is outside 2..{MaxDim}");
        Check(BilineChannels > ImgChannels && BilineChannels <= 1024, $"biline_channels {BilineChannels} is outside 4..1024");
        Check(Rank >= 1 && Rank <= 64, $"rank {Rank} is outside 1..64");
        Check(MappingLayers >= 1 && MappingLayers <= 32, $"mapping_layers {MappingLayers} is outside 1..32");
        Check(float.IsFinite(MappingLrMultiplier) && MappingLrMultiplier > 0, "mapping_lr_multiplier must be a positive number");
        Check(float.IsFinite(FcClamp) && FcClamp > 0, "fc_clamp must be a positive number");
        foreach (int res in BlockResolutions)
            Check(Channels(res) >= 2 && Channels(res) % 2 == 0, $"block {res} gets {Channels(res)} channels (channel_base/res, capped by channel_max); need an even number ≥ 2");
    }

    /// <summary>The config as the JSON our model files store.</summary>
    public string ToJson()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("z_dim", ZDim); w.WriteNumber("c_dim", CDim); w.WriteNumber("w_dim", WDim);
            w.WriteNumber("img_resolution", ImgResolution); w.WriteNumber("img_channels", ImgChannels);
            w.WriteNumber("channel_base", ChannelBase); w.WriteNumber("channel_max", ChannelMax);
            w.WriteNumber("biline_channels", BilineChannels); w.WriteNumber("rank", Rank); w.WriteNumber("mapping_layers", MappingLayers);
            w.WriteNumber("mapping_lr_multiplier", MappingLrMultiplier); w.WriteNumber("fc_clamp", FcClamp); w.WriteBoolean("tileable", Tileable);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
