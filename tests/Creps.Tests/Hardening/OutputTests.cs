using System.Text;
using Creps.Render.IO;
using static Creps.Tests.Bake.BakeHarness;
using static Creps.Tests.Hardening.Hostile;

namespace Creps.Tests.Hardening;

/// <summary>Outputs: a set appears whole or not at all, temp names fit, stale temps are cleaned, the location is checked before any work.</summary>
public class OutputTests
{
    static string[] Targets(string dir, int n) => Enumerable.Range(0, n).Select(i => Path.Combine(dir, $"f{i}.bin")).ToArray();

    static void WriteSet(AtomicFileSet set, string[] targets, string content)
    {
        foreach (var t in targets) set.Create(t).Write(Encoding.UTF8.GetBytes(content + Path.GetFileName(t)));
    }

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(2)]
    public void FailureMidCommitRollsBackNewFiles(int failAt)
    {
        string dir = TempDir();
        var targets = Targets(dir, 3);
        using (var set = new AtomicFileSet(overwrite: false))
        {
            WriteSet(set, targets, "new");
            set.BeforeRename = i => { if (i == failAt) throw new IOException("injected failure"); };
            Assert.That(Assert.Throws<IOException>(set.Commit)!.Message, Is.EqualTo("injected failure"));
        }
        NothingLeft(dir);
    }

    [TestCase(1)]
    [TestCase(2)]
    public void FailureMidCommitRestoresReplacedFiles(int failAt)
    {
        string dir = TempDir();
        var targets = Targets(dir, 3);
        foreach (var t in targets) File.WriteAllText(t, "old" + Path.GetFileName(t));
        using (var set = new AtomicFileSet(overwrite: true))
        {
            WriteSet(set, targets, "new");
            set.BeforeRename = i => { if (i == failAt) throw new IOException("injected failure"); };
            Assert.Throws<IOException>(set.Commit);
        }
        foreach (var t in targets) Assert.That(File.ReadAllText(t), Is.EqualTo("old" + Path.GetFileName(t)));
        NothingLeft(dir, targets.Select(Path.GetFileName).ToArray()!);
    }

    [Test]
    public void RealFailureMidCommit()
    {
        // The third target becomes a directory after its temp was made: the rename fails for real, the first two roll back.
        string dir = TempDir();
        var targets = Targets(dir, 3);
        using (var set = new AtomicFileSet(overwrite: true))
        {
            WriteSet(set, targets, "new");
            Directory.CreateDirectory(targets[2]);
            Assert.Throws<IOException>(set.Commit);
        }
        NothingLeft(dir, "f2.bin");
        Assert.That(Directory.Exists(targets[2]), Is.True);
    }

    [Test]
    public void CommitWritesAllTogether()
    {
        string dir = TempDir();
        var targets = Targets(dir, 3);
        using (var set = new AtomicFileSet(overwrite: false)) { WriteSet(set, targets, "new"); set.Commit(); }
        foreach (var t in targets) Assert.That(File.ReadAllText(t), Is.EqualTo("new" + Path.GetFileName(t)));
        NothingLeft(dir, targets.Select(Path.GetFileName).ToArray()!);
    }

    [Test]
    public void NameNearTheLimitCanBeWritten()
    {
        string dir = TempDir();
        string name = new string('n', 251) + ".png"; // 255 bytes: legal; "." + name + ".tmp" would not be
        var r = RunCli("render", "--model", TinyModel, "--seed", "1", "--size", "4", "--out", Path.Combine(dir, name));
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(Files(dir), Is.EqualTo(new[] { name }));
        Fails(1, dir, ["render", "--model", TinyModel, "--seed", "1", "--size", "4", "--out", Path.Combine(dir, "m" + name)], ["is longer than 255 bytes"], name);
    }

    [Test]
    public void StaleTempsOfAKilledRunAreRemovedByTheNextRun()
    {
        string dir = TempDir(), target = Path.Combine(dir, "x.png");
        int deadPid = Enumerable.Range(4_000_000, 1000).First(p => !Directory.Exists($"/proc/{p}"));
        string stale = Path.Combine(dir, $"{AtomicFileSet.SidePrefix(target)}{deadPid}-0badf00d.tmp");
        string alive = Path.Combine(dir, $"{AtomicFileSet.SidePrefix(target)}1-0badf00d.tmp"); // pid 1 is running
        File.WriteAllText(stale, "partial");
        File.WriteAllText(alive, "someone else's");
        var r = RunCli("render", "--model", TinyModel, "--seed", "1", "--size", "4", "--out", target);
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(r.Stderr, Does.Contain($"creps render: removed '{stale}', a temp file left by a killed run (pid {deadPid})"));
        Assert.That(r.Stderr, Does.Contain($"belongs to running process 1"));
        Assert.That(Files(dir), Is.EqualTo(new[] { Path.GetFileName(alive), "x.png" }.Order().ToArray()));
    }

    [Test]
    public void OutputLocationIsCheckedBeforeRendering()
    {
        // A render that would take minutes fails at once, before any work (no "on cpu" line, no model loaded).
        string dir = TempDir(), file = Write(dir, "afile", [1]);
        var args = new[] { "render", "--model", TinyModel, "--seed", "1", "--size", "16384x16384" };
        var sw = System.Diagnostics.Stopwatch.StartNew();
        Fails(1, dir, [.. args, "--out", Path.Combine(dir, "missing", "x.png")], ["output folder", "does not exist"], "afile");
        Fails(1, dir, [.. args, "--out", Path.Combine(file, "x.png")], ["is a file, not a folder"], "afile");
        Directory.CreateDirectory(Path.Combine(dir, "d.png"));
        Fails(1, dir, [.. args, "--out", Path.Combine(dir, "d.png")], ["d.png' is a directory"], "afile", "d.png");
        Assert.That(sw.Elapsed.TotalSeconds, Is.LessThan(20));
        Fails(1, dir, ["export-onnx", "--model", TinyModel, "--out", Path.Combine(dir, "missing", "m.onnx")], ["does not exist"], "afile", "d.png");
    }

    [Test]
    public void ExportOnnxWritesBothOrNeither()
    {
        // The mapping file's place is taken by a directory: nothing is written, not even M.onnx.
        string dir = TempDir();
        Directory.CreateDirectory(Path.Combine(dir, "m.mapping.onnx"));
        Fails(1, dir, ["export-onnx", "--model", TinyModel, "--out", Path.Combine(dir, "m.onnx")], ["m.mapping.onnx' is a directory"], "m.mapping.onnx");
        // Both written: one commit.
        Directory.Delete(Path.Combine(dir, "m.mapping.onnx"));
        var r = RunCli("export-onnx", "--model", TinyModel, "--out", Path.Combine(dir, "m.onnx"));
        Assert.That(r.Code, Is.EqualTo(0), r.ToString());
        Assert.That(Files(dir), Is.EqualTo(new[] { "m.mapping.onnx", "m.onnx" }));
    }

    [Test]
    public void BakeKeepsAnExistingOutputAndChecksEveryMipFirst()
    {
        string dir = TempDir();
        File.WriteAllText(Path.Combine(dir, "t.mip2.png"), "precious");
        Fails(1, dir, ["bake", "--model", TinyModel, "--seed", "1", "--size", "8", "--format", "png8", "--mips", "--out", Path.Combine(dir, "t.png")],
            ["t.mip2.png' exists (use --force to replace it)"], "t.mip2.png");
        Assert.That(File.ReadAllText(Path.Combine(dir, "t.mip2.png")), Is.EqualTo("precious"));
    }
}
