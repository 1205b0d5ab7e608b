using System.Buffers.Binary;
using System.Text;
using Creps.Render.Bake;
using Creps.Render.Coordinates;
using static Creps.Tests.Bake.BakeHarness;
using static Creps.Tests.Hardening.Hostile;

namespace Creps.Tests.Hardening;

/// <summary>Coordinate, latent and shard files: regular files only, size and line limits, errors naming the file and line, input quoted.</summary>
public class InputFileTests
{
    static string Render(string dir, params string[] args) =>
        Fails(1, dir, ["render", "--model", TinyModel, .. args, "--out", Path.Combine(dir, "x.png")], [], Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).ToArray()!);

    [Test]
    public void FifoCoordinateFileDoesNotHang()
    {
        string dir = TempDir(), fifo = MakeFifo(dir);
        Assert.That(Render(dir, "--seed", "1", "--rows", "@" + fifo, "--cols", "linspace:0,1,4"),
            Is.EqualTo($"creps render: coordinate file '{fifo}' is a FIFO (named pipe), not a regular file"));
    }

    [Test]
    public void DirectoryAsCoordinateFile()
    {
        string dir = TempDir();
        Assert.That(Render(dir, "--seed", "1", "--rows", "@" + dir, "--cols", "linspace:0,1,4"),
            Is.EqualTo($"creps render: coordinate file '{dir}' is a directory, not a regular file"));
    }

    [Test]
    public void OverlongLineIsRefusedBeforeItIsHeld()
    {
        string dir = TempDir(), p = Path.Combine(dir, "rows.txt");
        File.WriteAllText(p, "0.5\n" + new string('1', 10 << 20) + "\n");
        long before = GC.GetAllocatedBytesForCurrentThread();
        string line = Render(dir, "--seed", "1", "--rows", "@" + p, "--cols", "linspace:0,1,4");
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(line, Does.StartWith($"creps render: coordinate file '{p}':2: line is longer than {AxisSpec.MaxLineChars} characters (starts '1111"));
        Assert.That(allocated, Is.LessThan(4 << 20), "the 10 MB line is never held whole");
    }

    [Test]
    public void FileOverTheSizeLimit()
    {
        string dir = TempDir(), p = Path.Combine(dir, "rows.txt");
        using (var f = File.Create(p)) f.SetLength(AxisSpec.MaxFileBytes + 1); // sparse
        Assert.That(Render(dir, "--seed", "1", "--rows", "@" + p, "--cols", "linspace:0,1,4"),
            Is.EqualTo($"creps render: coordinate file '{p}' is {AxisSpec.MaxFileBytes + 1} bytes; at most {AxisSpec.MaxFileBytes} are read from a coordinate file"));
    }

    [Test]
    public void BadValueIsQuotedEscapedAndCut()
    {
        string dir = TempDir(), p = Path.Combine(dir, "cols.txt");
        File.WriteAllText(p, "0.1\n# comment\n\u001b[31mred" + new string('z', 500) + "\n");
        string line = Render(dir, "--seed", "1", "--rows", "linspace:0,1,4", "--cols", "@" + p);
        Assert.That(line, Does.StartWith($"creps render: coordinate file '{p}':3: '\\x1B[31mred").And.Contain("more characters)' is not a finite number"));
    }

    [Test]
    public void EmptyCoordinateFile()
    {
        string dir = TempDir(), p = Path.Combine(dir, "rows.txt");
        File.WriteAllText(p, "# nothing\n\n");
        Assert.That(Render(dir, "--seed", "1", "--rows", "@" + p, "--cols", "linspace:0,1,4"), Is.EqualTo($"creps render: coordinate file '{p}' holds no numbers"));
    }

    [Test]
    public void LatentFiles()
    {
        string dir = TempDir(), fifo = MakeFifo(dir);
        Assert.That(Render(dir, "--z", fifo), Is.EqualTo($"creps render: latent file '{fifo}' is a FIFO (named pipe), not a regular file"));
        Assert.That(Render(dir, "--ws", "/dev/zero"), Is.EqualTo("creps render: latent file '/dev/zero' is a character device, not a regular file"));
        string z = Path.Combine(dir, "z.bin");
        File.WriteAllBytes(z, new byte[12]);
        Assert.That(Render(dir, "--z", z), Does.StartWith($"creps render: latent file '{z}' has 12 bytes; the model needs "));
    }

    [Test]
    public void OfficialBenchFileIsCheckedBeforeTheBench()
    {
        string dir = TempDir(), fifo = MakeFifo(dir);
        Fails(1, dir, ["bench", "--quick", "--official", fifo, "--out", Path.Combine(dir, "B.md")], [$"official bench file '{fifo}' is a FIFO (named pipe), not a regular file"], "fifo");
    }

    // --- shard files (creps merge) ---

    static byte[] ShardBytes(string headerJson, byte[]? rows = null)
    {
        var json = Encoding.UTF8.GetBytes(headerJson);
        var head = new byte[16];
        "CREPSSHD"u8.CopyTo(head);
        BinaryPrimitives.WriteInt32LittleEndian(head.AsSpan(8), 1);
        BinaryPrimitives.WriteInt32LittleEndian(head.AsSpan(12), json.Length);
        return [.. head, .. json, .. rows ?? [0x78, 0x01, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]];
    }

    const string Spec = "\"Spec\":{\"Width\":4,\"Height\":4,\"X0\":0,\"Y0\":0,\"X1\":1,\"Y1\":1,\"Supersample\":1,\"Mips\":false,\"Format\":0}";

    static string MergeFails(byte[] shard, params string[] culprits)
    {
        string dir = TempDir(), name = "t.png.shard-0-of-2";
        Write(dir, name, shard);
        return Fails(1, dir, ["merge", "--out", Path.Combine(dir, "t.png")], [$"shard file '{Path.Combine(dir, name)}'", .. culprits], name);
    }

    [Test]
    public void ShardHeaderFieldNull() =>
        MergeFails(ShardBytes("{\"Index\":0,\"Count\":null," + Spec + ",\"Job\":\"j\"}"), "header field Count is 'null', expected number");

    [Test]
    public void ShardCountHuge() =>
        MergeFails(ShardBytes("{\"Index\":0,\"Count\":2147483647," + Spec + ",\"Job\":\"j\"}"), "header field Count is '2147483647', expected a whole number in 1..65536");

    [Test]
    public void ShardSpecMissing() => MergeFails(ShardBytes("{\"Index\":0,\"Count\":2,\"Job\":\"j\"}"), "header lacks Spec");

    [Test]
    public void ShardSpecImpossible() =>
        MergeFails(ShardBytes("{\"Index\":0,\"Count\":2," + Spec.Replace("\"Width\":4", "\"Width\":0") + ",\"Job\":\"j\"}"), "header field Spec.Width is '0'");

    [Test]
    public void ShardHeaderDeep() =>
        MergeFails(ShardBytes("{\"Index\":0,\"x\":" + new string('[', 100) + new string(']', 100) + "}"), "header is not valid JSON", "depth");

    [Test]
    public void ShardCorruptRows()
    {
        // Two shards of a 4×4 png8 texture; shard 0's compressed rows replaced by garbage: the error names that file.
        string dir = TempDir();
        string job = "\"Job\":\"j\"";
        Write(dir, "t.png.shard-0-of-2", ShardBytes("{\"Index\":0,\"Count\":2," + Spec + "," + job + "}", [0x12, 0x34, 0x56, 0x78, 0x9a]));
        Write(dir, "t.png.shard-1-of-2", ShardBytes("{\"Index\":1,\"Count\":2," + Spec + "," + job + "}"));
        Fails(1, dir, ["merge", "--out", Path.Combine(dir, "t.png")], [$"shard file '{Path.Combine(dir, "t.png.shard-0-of-2")}': corrupt compressed rows ("],
            "t.png.shard-0-of-2", "t.png.shard-1-of-2");
    }

    [Test]
    public void ShardIsAFifo()
    {
        string dir = TempDir();
        MakeFifo(dir, "t.png.shard-0-of-1");
        Fails(1, dir, ["merge", "--out", Path.Combine(dir, "t.png")], ["is a FIFO (named pipe), not a regular file"], "t.png.shard-0-of-1");
    }
}
