using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Creps.Render.Coordinates;
using Creps.Render.Cpu;
using Creps.Render.Latents;
using Creps.Render.Model;
using Creps.Tests.Reference;

namespace Creps.Tests;

/// <summary>Malformed model files each give their own one-line message; valid variants load.</summary>
public class ModelLoaderTests
{
    static string TinyPath => Path.Combine(Fixtures.Official, "public-tiny", "weights.safetensors");

    static string Temp(byte[] bytes)
    {
        var p = Path.Combine(Path.GetTempPath(), $"creps-test-{Guid.NewGuid():N}.safetensors");
        File.WriteAllBytes(p, bytes);
        return p;
    }

    static string LoadError(byte[] bytes)
    {
        var p = Temp(bytes);
        try
        {
            var e = Assert.Throws<ModelFormatException>(() => CrepsModel.Load(p))!;
            Assert.That(e.Message, Does.Not.Contain("\n"));
            Assert.That(e.Message, Does.StartWith($"'{p}': ").Or.StartWith($"model file '{p}' "));
            return e.Message;
        }
        finally { File.Delete(p); }
    }

    /// <summary>Rebuilds a safetensors file from a header edited as JSON, keeping the data section.</summary>
    static byte[] EditHeader(byte[] file, Action<Dictionary<string, JsonElement>> edit, Func<Dictionary<string, object>, Dictionary<string, object>>? _ = null)
    {
        int len = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        var header = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(file.AsSpan(8, len))!;
        edit(header);
        var json = JsonSerializer.SerializeToUtf8Bytes(header);
        var result = new byte[8 + json.Length + file.Length - 8 - len];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)json.Length);
        json.CopyTo(result, 8);
        file.AsSpan(8 + len).CopyTo(result.AsSpan(8 + json.Length));
        return result;
    }

    static JsonElement Json(object o) => JsonSerializer.SerializeToElement(o);

    static (string Dtype, int[] Shape, long[] Offsets) Entry(JsonElement e) =>
        (e.GetProperty("dtype").GetString()!, e.GetProperty("shape").Deserialize<int[]>()!, e.GetProperty("data_offsets").Deserialize<long[]>()!);

    [Test]
    public void MissingFile() =>
        Assert.That(Assert.Throws<ModelFormatException>(() => CrepsModel.Load("/nonexistent/model.safetensors"))!.Message, Is.EqualTo("model file '/nonexistent/model.safetensors' does not exist"));

    [Test]
    public void Truncated()
    {
        var f = File.ReadAllBytes(TinyPath);
        Assert.That(LoadError(f[..4]), Does.Contain("truncated"));
        Assert.That(LoadError(f[..(f.Length - 100)]), Does.Contain("past the data section").Or.Contain("truncated"));
    }

    [Test]
    public void HeaderLengthPastEnd()
    {
        var f = File.ReadAllBytes(TinyPath);
        BinaryPrimitives.WriteUInt64LittleEndian(f, (ulong)f.Length * 10);
        Assert.That(LoadError(f), Does.Contain("runs past the end of the file"));
    }

    [Test]
    public void NotSafetensors() => Assert.That(LoadError(Encoding.ASCII.GetBytes("\u0010\0\0\0\0\0\0\0this is not json")), Does.Contain("not valid JSON"));

    [Test]
    public void OffsetsOutOfRange()
    {
        var f = EditHeader(File.ReadAllBytes(TinyPath), h =>
        {
            var (d, s, o) = Entry(h["mapping.w_avg"]);
            h["mapping.w_avg"] = Json(new { dtype = d, shape = s, data_offsets = new[] { o[0] + 10_000_000, o[1] + 10_000_000 } });
        });
        Assert.That(LoadError(f), Does.Contain("mapping.w_avg").And.Contain("past the data section"));
    }

    [Test]
    public void OverlappingTensors()
    {
        var f = EditHeader(File.ReadAllBytes(TinyPath), h =>
        {
            // mapping.w_avg one element longer: it runs 4 bytes into the next tensor (no hole anywhere).
            var (d, s, o) = Entry(h["mapping.w_avg"]);
            h["mapping.w_avg"] = Json(new { dtype = d, shape = new[] { s[0] + 1 }, data_offsets = new[] { o[0], o[1] + 4 } });
        });
        Assert.That(LoadError(f), Does.Contain("overlap"));
    }

    [Test]
    public void UnknownDtype()
    {
        var f = EditHeader(File.ReadAllBytes(TinyPath), h =>
        {
            var (_, s, o) = Entry(h["mapping.w_avg"]);
            h["mapping.w_avg"] = Json(new { dtype = "I8", shape = s, data_offsets = o });
        });
        Assert.That(LoadError(f), Does.Contain("dtype I8"));
    }

    [Test]
    public void MissingTensorIsNamed()
    {
        // Renamed, not removed: its bytes stay held (a removed entry would leave a hole, refused before any name check).
        var f = EditHeader(File.ReadAllBytes(TinyPath), h =>
        {
            h["unused.renamed"] = h["synthesis.b16.fc1.affine.weight"];
            h.Remove("synthesis.b16.fc1.affine.weight");
        });
        Assert.That(LoadError(f), Does.Contain("missing tensor 'synthesis.b16.fc1.affine.weight'"));
    }

    [Test]
    public void MisshapedTensorIsNamed()
    {
        var f = EditHeader(File.ReadAllBytes(TinyPath), h =>
        {
            var (d, s, o) = Entry(h["synthesis.decoder_16.1.weight"]);
            h["synthesis.decoder_16.1.weight"] = Json(new { dtype = d, shape = new[] { s[1], s[0] }, data_offsets = o });
        });
        Assert.That(LoadError(f), Does.Contain("'synthesis.decoder_16.1.weight' has shape [32,64], expected [64,32]"));
    }

    [Test]
    public void NonFiniteWeight()
    {
        var m = CrepsModel.Load(TinyPath);
        var tensors = TestModels.RandomTensors(m.Config, 1);
        tensors["synthesis.b8.fc0.weight"].Data[5] = float.NaN;
        var p = Path.Combine(Path.GetTempPath(), $"creps-nan-{Guid.NewGuid():N}.safetensors");
        SafeTensors.Write(p, tensors.Values, new Dictionary<string, string> { ["creps_config"] = m.Config.ToJson() });
        try { Assert.That(Assert.Throws<ModelFormatException>(() => CrepsModel.Load(p))!.Message, Does.Contain("'synthesis.b8.fc0.weight' holds a non-finite value")); }
        finally { File.Delete(p); }
    }

    [Test]
    public void MissingOrAbsurdConfig()
    {
        var noMeta = EditHeader(File.ReadAllBytes(TinyPath), h => h.Remove("__metadata__"));
        Assert.That(LoadError(noMeta), Does.Contain("creps_config"));
        var absurd = EditHeader(File.ReadAllBytes(TinyPath), h =>
            h["__metadata__"] = Json(new { creps_config = "{\"z_dim\":48,\"w_dim\":48,\"img_resolution\":1000000,\"channel_base\":256,\"channel_max\":48}" }));
        Assert.That(LoadError(absurd), Does.Contain("img_resolution 1000000"));
    }

    [Test]
    public void RankDerivedFromFreqsAndHalfPrecisionWidened()
    {
        // Rewrite the tiny fixture as F16 without "rank" in the config: same layout, values within F16 rounding.
        var m = CrepsModel.Load(TinyPath);
        var c = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(m.Config.ToJson())!;
        c.Remove("rank");
        var p = Path.Combine(Path.GetTempPath(), $"creps-f16-{Guid.NewGuid():N}.safetensors");
        var contents = SafeTensors.Read(TinyPath);
        WriteF16(p, contents.Tensors.Values, JsonSerializer.Serialize(c));
        try
        {
            var m16 = CrepsModel.Load(p);
            Assert.That(m16.Config.Rank, Is.EqualTo(8));
            // F16 keeps 11 significant bits: each weight within half an ulp, 2^-11 of its magnitude (2^-24 absolute near 0).
            float[] w32 = m.Blocks[1].Fc0!.Weight, w16 = m16.Blocks[1].Fc0!.Weight;
            FloatAssert.AllFinite(w16, "widened F16 weights");
            var e = FloatAssert.Diff(w16, w32, "widened F16 weights");
            for (int i = 0; i < w32.Length; i++)
                Assert.That(Math.Abs(w16[i] - w32[i]), Is.LessThanOrEqualTo(Math.Max(Math.Abs(w32[i]) * Math.Pow(2, -11), Math.Pow(2, -25))),
                    $"weight {i}: {w16[i]:R} widened from F16 of {w32[i]:R} ({e})");
        }
        finally { File.Delete(p); }
    }

    static void WriteF16(string path, IEnumerable<Tensor> tensors, string config)
    {
        var list = tensors.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        var header = new Dictionary<string, object> { ["__metadata__"] = new Dictionary<string, string> { ["creps_config"] = config } };
        long off = 0;
        foreach (var t in list) { header[t.Name] = new { dtype = "F16", shape = t.Shape, data_offsets = new[] { off, off + 2 * t.Count } }; off += 2 * t.Count; }
        var json = JsonSerializer.SerializeToUtf8Bytes(header);
        using var fs = File.Create(path);
        var len = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)json.Length);
        fs.Write(len); fs.Write(json);
        var two = new byte[2];
        foreach (var t in list)
            foreach (float v in t.Data) { BinaryPrimitives.WriteHalfLittleEndian(two, (Half)v); fs.Write(two); }
    }

    [Test]
    public void OfficialR256LayoutLoadsAndRenders()
    {
        // channel_base 65536, channel_max 1024, w 512, 8 mapping layers: written to disk and loaded like a real checkpoint.
        var c = TestModels.Official256;
        var p = Path.Combine(Path.GetTempPath(), $"creps-r256-{Guid.NewGuid():N}.safetensors");
        SafeTensors.Write(p, TestModels.RandomTensors(c, 7).Values, new Dictionary<string, string> { ["creps_config"] = c.ToJson() });
        try
        {
            var m = CrepsModel.Load(p);
            Assert.That(m.Config.NumWs, Is.EqualTo(15));
            Assert.That(m.Blocks.Select(b => b.Fc1.Out), Is.EqualTo(new[] { 1024, 1024, 1024, 1024, 1024, 512, 256 }));
            using var gen = new CpuGenerator(m);
            var latent = Latent.FromSeed(m, 1);
            double[] rows = Grid.Centers(0, 1, 6), cols = Grid.Centers(0, 1, 8);
            var img = gen.Render(latent, rows, cols);
            Assert.That(img, Has.Length.EqualTo(3 * 6 * 8));
            // The loaded 1024-channel model computes what the double-precision reference computes from the same file.
            var reference = ReferenceGenerator.Render(m, latent, rows, cols).Select(v => (float)v).ToArray();
            FloatAssert.WithinRange(img, reference, 1e-4, "official256 cpu vs the double-precision reference");
            Assert.That(img.Distinct().Count(), Is.GreaterThan(100), "a real image varies from pixel to pixel");
        }
        finally { File.Delete(p); }
    }
}
