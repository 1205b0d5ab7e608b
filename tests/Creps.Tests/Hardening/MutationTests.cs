using System.Text;
using Creps.Render.Bake;
using Creps.Render.IO;
using Creps.Render.Model;
using CsCheck;
using static Creps.Tests.Hardening.Hostile;

namespace Creps.Tests.Hardening;

/// <summary>
/// Bounded, seeded mutation tests (CsCheck): thousands of mutants of a valid model file and of a valid shard file. Each
/// either loads or fails with the documented exception, and never allocates much beyond its own size. The
/// coverage-guided campaign (tools/fuzz) explores further by hand; this keeps the suite honest in seconds.
/// </summary>
public class MutationTests
{
    const int Mutants = 4000;
    const string Seed = "0000000000V7"; // CsCheck's PCG(7, 42): the same mutants every run

    /// <summary>One edit: kind, where (scaled to the file), a byte value, a length.</summary>
    record Mutation(int Kind, int Where, int Value, int Length);

    static readonly Gen<Mutation[][]> Plan =
        Gen.Select(Gen.Int[0, 7], Gen.Int[0, int.MaxValue], Gen.Int[0, 255], Gen.Int[1, 64], (k, w, v, l) => new Mutation(k, w, v, l)).Array[1, 4].Array[Mutants];

    static readonly string[] Numbers = ["0", "-1", "1e308", "2147483647", "2147483648", "4294967296", "9223372036854775807", "18446744073709551616", "null", "\"x\"", "[]", "{}"];

    static byte[] Mutate(byte[] valid, int headerEnd, Mutation[] edits)
    {
        var f = valid.ToList();
        foreach (var m in edits)
        {
            if (f.Count == 0) break;
            int at = (int)((long)m.Where % f.Count), inHeader = 8 + (int)((long)m.Where % Math.Max(1, Math.Min(headerEnd, f.Count) - 8));
            switch (m.Kind)
            {
                case 0: f[at] = (byte)m.Value; break;                                                  // any byte
                case 1: f[at] ^= (byte)(1 << (m.Value & 7)); break;                                     // one bit
                case 2: f.RemoveRange(at, Math.Min(m.Length, f.Count - at)); break;                     // cut a range
                case 3: f.InsertRange(at, Enumerable.Repeat((byte)m.Value, m.Length)); break;           // insert a run
                case 4: f.RemoveRange(at, f.Count - at); break;                                         // truncate
                case 5: if (inHeader < f.Count) f[inHeader] = (byte)"0123456789[]{},:\"-.e"[m.Value % 20]; break; // JSON punctuation
                case 6:                                                                                // a hostile number in the header
                    {
                        int pos = inHeader;
                        while (pos < Math.Min(headerEnd, f.Count) && !char.IsAsciiDigit((char)f[pos])) pos++;
                        int end = pos;
                        while (end < f.Count && char.IsAsciiDigit((char)f[end])) end++;
                        if (end > pos) { f.RemoveRange(pos, end - pos); f.InsertRange(pos, Encoding.ASCII.GetBytes(Numbers[m.Value % Numbers.Length])); }
                        break;
                    }
                default: if (f.Count >= 8) for (int i = 0; i < 8; i++) f[i] = (byte)(i == (m.Value & 7) ? m.Length : f[i]); break; // the length fields
            }
        }
        return f.ToArray();
    }

    /// <summary>Allocation a mutant may cause: a few copies of itself (input copy, header JSON, widened tensors) plus fixed buffers.</summary>
    const long PerByte = 4, Fixed = 128 << 10;

    /// <summary>Runs every mutant; returns how many loaded, failed as documented, and the worst allocation beyond PerByte × size.</summary>
    static (int Ok, int Documented, long WorstExcess) Campaign(byte[] valid, int headerEnd, Action<byte[]> load, Func<Exception, bool> documented, string what)
    {
        var plans = Plan.Single(_ => true, Seed);
        int ok = 0, doc = 0;
        long worst = long.MinValue;
        foreach (var plan in plans)
        {
            var mutant = Mutate(valid, headerEnd, plan);
            long before = GC.GetAllocatedBytesForCurrentThread();
            try { load(mutant); ok++; }
            catch (Exception e) when (documented(e)) { doc++; }
            catch (Exception e)
            {
                Assert.Fail($"{what} mutant ({string.Join("; ", plan.Select(p => p.ToString()))}) threw {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            worst = Math.Max(worst, allocated - PerByte * mutant.Length);
        }
        return (ok, doc, worst);
    }

    [Test, CancelAfter(60_000)]
    public void ModelMutants()
    {
        int headerEnd = 8 + (int)BitConverter.ToUInt64(MicroModel, 0);
        var (ok, doc, worst) = Campaign(MicroModel, headerEnd, m => CrepsModel.FromTensors(SafeTensors.Parse(m)), e => e is ModelFormatException, "model");
        TestContext.Out.WriteLine($"{Mutants} model mutants: {ok} loaded, {doc} refused with ModelFormatException; worst allocation {worst} bytes beyond {PerByte}× the file size");
        Assert.That(ok + doc, Is.EqualTo(Mutants));
        Assert.That(doc, Is.GreaterThan(Mutants / 2), "the mutations do break files");
        Assert.That(worst, Is.LessThan(Fixed), "no allocation beyond the file's size (a few copies) and fixed buffers");
    }

    [Test, CancelAfter(60_000)]
    public void ShardMutants()
    {
        var valid = File.ReadAllBytes(Path.Combine(Fixtures.RepoRoot, "tools", "fuzz", "corpus", "shard", "micro.shard"));
        ReadShard(valid); // the seed itself is a valid shard
        int headerEnd = 16 + BitConverter.ToInt32(valid, 12);
        var (ok, doc, worst) = Campaign(valid, headerEnd, ReadShard, e => e is InputFileException or InvalidDataException, "shard");
        TestContext.Out.WriteLine($"{Mutants} shard mutants: {ok} read, {doc} refused as documented; worst allocation {worst} bytes beyond {PerByte}× the file size");
        Assert.That(ok + doc, Is.EqualTo(Mutants));
        Assert.That(doc, Is.GreaterThan(Mutants / 2));
        Assert.That(worst, Is.LessThan(Fixed), "no allocation beyond the file's size (a few copies) and fixed buffers (zlib's window)");
    }

    /// <summary>The AFL++ campaign's minimised corpus and its findings (tools/fuzz): each input loads or fails as documented.</summary>
    [Test]
    public void FuzzCorpusAndFindingsReplay()
    {
        string fuzz = Path.Combine(Fixtures.RepoRoot, "tools", "fuzz");
        var model = Directory.GetFiles(Path.Combine(fuzz, "corpus", "model")).Concat(Directory.GetFiles(Path.Combine(fuzz, "found"), "model-*")).ToArray();
        var shard = Directory.GetFiles(Path.Combine(fuzz, "corpus", "shard")).Concat(Directory.GetFiles(Path.Combine(fuzz, "found"), "shard-*")).ToArray();
        Assert.That(model.Length + shard.Length, Is.GreaterThan(50));
        foreach (var f in model)
            try { CrepsModel.FromTensors(SafeTensors.Parse(File.ReadAllBytes(f))); }
            catch (ModelFormatException) { }
        foreach (var f in shard)
            try { ReadShard(File.ReadAllBytes(f)); }
            catch (Exception e) when (e is InputFileException or InvalidDataException) { }
        var utf8 = Directory.GetFiles(Path.Combine(fuzz, "found"), "model-invalid-utf8-*");
        Assert.That(utf8, Is.Not.Empty);
        foreach (var f in utf8)
            Assert.That(Assert.Throws<ModelFormatException>(() => SafeTensors.Parse(File.ReadAllBytes(f)))!.Message, Is.EqualTo("header is not valid UTF-8: not a safetensors file?"));
    }

    static void ReadShard(byte[] bytes)
    {
        var (header, rows) = ShardFile.Open(new MemoryStream(bytes, writable: false), "mutant");
        using (rows)
        {
            var buffer = new byte[4096];
            while (rows.Read(buffer) > 0) { }
        }
        Assert.That(header.Index, Is.LessThan(header.Count));
    }
}
