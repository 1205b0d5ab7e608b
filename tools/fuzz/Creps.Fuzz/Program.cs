using Creps.Render.Bake;
using Creps.Render.IO;
using Creps.Render.Model;
using SharpFuzz;

namespace Creps.Fuzz;

/// <summary>
/// Fuzz targets: <c>model</c> (safetensors → CrepsModel) and <c>shard</c> (shard header and compressed rows). Each
/// accepts only the documented exceptions; anything else escapes, and AFL++ records the input as a crash.
/// <c>seed DIR</c> writes the starting corpus (a micro model, a micro shard).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "model": Fuzzer.OutOfProcess.Run(stream => Model(ReadAll(stream))); return 0;
            case "shard": Fuzzer.OutOfProcess.Run(stream => Shard(ReadAll(stream))); return 0;
            case "seed" when args.Length == 2: Seed(args[1]); return 0;
            case "replay" when args.Length == 3: // run one input in-process (to triage a finding)
                if (args[1] == "model") Model(File.ReadAllBytes(args[2])); else Shard(File.ReadAllBytes(args[2]));
                Console.WriteLine("ok: only documented exceptions");
                return 0;
            default:
                Console.Error.WriteLine("usage: Creps.Fuzz model|shard (under afl-fuzz) | seed DIR | replay model|shard FILE");
                return 2;
        }
    }

    static byte[] ReadAll(Stream s) { using var ms = new MemoryStream(); s.CopyTo(ms); return ms.ToArray(); }

    public static void Model(byte[] input)
    {
        try { CrepsModel.FromTensors(SafeTensors.Parse(input), "fuzz"); }
        catch (ModelFormatException) { }
    }

    public static void Shard(byte[] input)
    {
        try
        {
            var (_, rows) = ShardFile.Open(new MemoryStream(input, writable: false), "fuzz");
            using (rows)
            {
                var buffer = new byte[1 << 16];
                while (rows.Read(buffer) > 0) { }
            }
        }
        catch (InputFileException) { }
        catch (InvalidDataException) { }
    }

    static void Seed(string dir)
    {
        Directory.CreateDirectory(dir);
        var c = SyntheticModel.Micro;
        SafeTensors.Write(Path.Combine(dir, "micro.safetensors"), SyntheticModel.RandomTensors(c, 1).Values,
            new Dictionary<string, string> { ["creps_config"] = c.ToJson() });
        File.WriteAllBytes(Path.Combine(dir, "micro.shard"), MicroShard());
    }

    /// <summary>Shard 0 of 2 of a 4×4 png8 texture: a header and two rows of 12 bytes through zlib.</summary>
    public static byte[] MicroShard()
    {
        using var ms = new MemoryStream();
        var spec = new BakeSpec(4, 4, 0, 0, 1, 1, 1, false, BakeFormat.Png8);
        using (var sink = ShardFile.Create(ms, new ShardHeader(0, 2, spec, "model sha256 00; ws sha256 00; backend cpu")))
        {
            for (int r = 0; r < 2; r++) sink.WriteRow(0, Enumerable.Range(r * 12, 12).Select(i => (byte)i).ToArray());
            sink.Finish();
        }
        return ms.ToArray();
    }
}
