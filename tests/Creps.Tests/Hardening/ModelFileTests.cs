using System.Text.Json.Nodes;
using Creps.Render.Model;
using static Creps.Tests.Bake.BakeHarness;
using static Creps.Tests.Hardening.Hostile;

namespace Creps.Tests.Hardening;

/// <summary>Hostile model files: one line naming the file and the key or tensor, exit 1, no crash, hang, huge allocation or output.</summary>
public class ModelFileTests
{
    static string RenderFails(byte[] model, params string[] culprits)
    {
        string dir = TempDir(), p = Write(dir, "m.safetensors", model);
        return Fails(1, dir, ["render", "--model", p, "--seed", "1", "--size", "4", "--out", Path.Combine(dir, "x.png")], [$"'{p}'", .. culprits], "m.safetensors");
    }

    static JsonArray Offsets(JsonObject h, string tensor) => h[tensor]!["data_offsets"]!.AsArray();

    [Test]
    public void MicroModelLoads() => Assert.That(SafeTensors.Parse(MicroModel).Tensors, Is.Not.Empty);

    // --- creps_config: parsed in one guarded place, depth and size limited ---
    [TestCase("{x", "creps_config is not valid JSON")]
    [TestCase("[1,2]", "creps_config is not a JSON object")]
    [TestCase("{\"rank\": 1, \"z_dim\": \"two\"}", "creps_config key 'z_dim' must be an integer, got '\"two\"'")]
    [TestCase("{\"z_dim\": 2, \"w_dim\": 2, \"img_resolution\": 8, \"channel_base\": {}, \"channel_max\": 2}", "creps_config key 'channel_base' must be an integer")]
    public void BadConfig(string json, string expected) =>
        RenderFails(EditModel(h => { Meta(h)["creps_config"] = json; }), expected);

    [Test]
    public void DeeplyNestedConfig() =>
        RenderFails(EditModel(h => { Meta(h)["creps_config"] = new string('[', 100_000) + new string(']', 100_000); }), "creps_config is 200000 characters; at most 65536");

    [Test]
    public void NestedConfigWithinSize() =>
        RenderFails(EditModel(h => { Meta(h)["creps_config"] = "{\"a\":" + new string('[', 1000) + new string(']', 1000) + "}"; }), "creps_config is not valid JSON", "depth");

    [Test]
    public void ConfigWithoutRankIsDerivedOrRefused()
    {
        // rank absent and channel_base not a number: the rank derivation must not crash outside the guard.
        RenderFails(EditModel(h =>
        {
            var cfg = JsonNode.Parse(Meta(h)["creps_config"]!.GetValue<string>())!.AsObject();
            cfg.Remove("rank");
            cfg["channel_base"] = "many";
            Meta(h)["creps_config"] = cfg.ToJsonString();
        }), "creps_config key 'channel_base' must be an integer");
    }

    [Test]
    public void DeeplyNestedHeader() =>
        RenderFails(Join("{\"a\":" + new string('[', 5000) + new string(']', 5000) + "}", []), "header is not valid JSON", "depth");

    // --- tensor extents: 128-bit arithmetic before any allocation ---
    [Test]
    public void ShapeProductOverflows() => RenderFails(EditModel(h =>
    {
        h["mapping.w_avg"]!["shape"] = new JsonArray(int.MaxValue, int.MaxValue, int.MaxValue);
    }), "tensor 'mapping.w_avg': shape [2147483647,2147483647,2147483647] holds more than");

    [Test]
    public void ElementCountTimesSizeWrapsToZero() => RenderFails(EditModel(h =>
    {
        // 2⁶⁴ elements: the product wraps to 0 in 64-bit arithmetic, and 0 bytes would "fit" offsets [n, n).
        h["mapping.w_avg"]!["shape"] = new JsonArray(65536, 65536, 65536, 65536);
        var o = Offsets(h, "mapping.w_avg");
        o[1] = o[0]!.GetValue<long>();
    }), "tensor 'mapping.w_avg': shape [65536,65536,65536,65536] holds more than");

    [Test]
    public void TrailingBytesAreRejected() =>
        RenderFails(EditModel(_ => { }, d => [.. d, .. new byte[4096]]), "4096 trailing bytes after the last tensor");

    [Test]
    public void HoleInTheDataSection() => RenderFails(EditModel(h =>
    {
        // Every tensor moved 16 bytes on: the first 16 bytes belong to none.
        foreach (var (name, v) in h)
            if (name != "__metadata__") { var o = v!["data_offsets"]!.AsArray(); o[0] = o[0]!.GetValue<long>() + 16; o[1] = o[1]!.GetValue<long>() + 16; }
    }, d => [.. new byte[16], .. d]), "16 bytes that no tensor holds");

    [Test]
    public void DuplicateTensorName()
    {
        var (h, d) = Split(MicroModel);
        string json = h.ToJsonString(), entry = "\"mapping.w_avg\":" + h["mapping.w_avg"]!.ToJsonString();
        RenderFails(Join(json.Replace(entry, entry + "," + entry), d), "header names 'mapping.w_avg' twice");
    }

    [Test]
    public void InvalidUtf8TensorName()
    {
        // Found by the AFL++ campaign (tools/fuzz/found/): JsonDocument checks UTF-8 only when a name is read.
        var (h, d) = Split(MicroModel);
        var header = System.Text.Encoding.UTF8.GetBytes(h.ToJsonString());
        int at = Array.IndexOf(header, (byte)'m', 2); // inside the first tensor name
        header[at] = 0xff;
        RenderFails(Join(header, d), "header is not valid UTF-8");
    }

    [Test]
    public void EscapeCodesInTensorNamesAreNotEchoed()
    {
        string evil = "\u001b[2J\u001b]0;pwned\u0007" + new string('x', 10_000);
        string line = RenderFails(EditModel(h =>
        {
            var o = Offsets(h, "mapping.w_avg");
            h[evil] = new JsonObject { ["dtype"] = "I8", ["shape"] = new JsonArray(0), ["data_offsets"] = new JsonArray(0, 0) };
        }), "\\x1B[2J\\x1B]0;pwned\\x07xxx", "more characters)", "dtype I8");
        Assert.That(line, Does.Not.Contain(new string('x', 100)));
    }

    [Test]
    public void ZeroSizeTensorsAreLegalAnywhere()
    {
        foreach (var at in new[] { "start", "end", "middle" })
        {
            var bytes = EditModel(h =>
            {
                long end = h.Where(p => p.Key != "__metadata__").Max(p => p.Value!["data_offsets"]![1]!.GetValue<long>());
                long off = at switch { "start" => 0, "end" => end, _ => Offsets(h, "mapping.w_avg")[0]!.GetValue<long>() };
                h[$"extra.empty.{at}"] = new JsonObject { ["dtype"] = "F32", ["shape"] = new JsonArray(3, 0), ["data_offsets"] = new JsonArray(off, off) };
            });
            var contents = SafeTensors.Parse(bytes);
            Assert.That(contents.Tensors[$"extra.empty.{at}"].Count, Is.EqualTo(0), at);
            Assert.That(CrepsModel.FromTensors(contents).Config.Rank, Is.EqualTo(1), at);
        }
    }

    // --- not a regular file: refused before reading, a FIFO never blocks ---
    [TestCase("/dev/zero", "is a character device, not a regular file")]
    [TestCase("/dev/null", "is a character device, not a regular file")]
    [TestCase("/tmp", "is a directory, not a regular file")]
    [TestCase("/nonexistent/m.safetensors", "does not exist")]
    public void NotARegularFile(string path, string expected)
    {
        string dir = TempDir();
        Fails(1, dir, ["render", "--model", path, "--seed", "1", "--size", "4", "--out", Path.Combine(dir, "x.png")], [$"model file '{path}' {expected}"]);
    }

    [Test]
    public void FifoModelDoesNotHang()
    {
        string dir = TempDir(), fifo = MakeFifo(dir);
        Fails(1, dir, ["render", "--model", fifo, "--seed", "1", "--size", "4", "--out", Path.Combine(dir, "x.png")], [$"model file '{fifo}' is a FIFO (named pipe), not a regular file"], "fifo");
        Fails(1, dir, ["bake", "--model", fifo, "--seed", "1", "--size", "4", "--format", "png8", "--out", Path.Combine(dir, "x.png")], ["is a FIFO"], "fifo");
        Fails(1, dir, ["export-onnx", "--model", fifo, "--out", Path.Combine(dir, "x.onnx")], ["is a FIFO"], "fifo");
    }

    [Test]
    public void LoadingReadsOnlyWhatTensorsNeed()
    {
        // The bounded reader allocates the header and the tensors' floats, never a copy of the whole file.
        string dir = TempDir(), p = Write(dir, "m.safetensors", MicroModel);
        CrepsModel.Load(p); // warm up
        long before = GC.GetAllocatedBytesForCurrentThread();
        CrepsModel.Load(p);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(allocated, Is.LessThan(3 * MicroModel.Length + (256 << 10)), $"{allocated} bytes allocated for a {MicroModel.Length}-byte file");
    }
}
