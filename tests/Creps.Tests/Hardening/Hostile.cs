using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Creps.Render.Model;
using static Creps.Tests.Bake.BakeHarness;

namespace Creps.Tests.Hardening;

/// <summary>Hostile inputs and the checks every hardening test makes: the exit code, one line naming the culprit, nothing left behind.</summary>
public static class Hostile
{
    /// <summary>A valid micro model file (SyntheticModel.Micro, a few KiB).</summary>
    public static byte[] MicroModel { get; } = MakeMicro();

    static byte[] MakeMicro()
    {
        string p = Path.Combine(TempDir(), "micro.safetensors");
        var c = SyntheticModel.Micro;
        SafeTensors.Write(p, SyntheticModel.RandomTensors(c, 1).Values, new Dictionary<string, string> { ["creps_config"] = c.ToJson() });
        return File.ReadAllBytes(p);
    }

    public static (JsonObject Header, byte[] Data) Split(byte[] file)
    {
        int len = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        return (JsonNode.Parse(file.AsSpan(8, len))!.AsObject(), file[(8 + len)..]);
    }

    public static byte[] Join(string headerJson, byte[] data) => Join(Encoding.UTF8.GetBytes(headerJson), data);

    public static byte[] Join(byte[] header, byte[] data)
    {
        var f = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(f, (ulong)header.Length);
        header.CopyTo(f, 8);
        data.CopyTo(f, 8 + header.Length);
        return f;
    }

    /// <summary>The micro model with its header edited as JSON (and optionally its data section replaced).</summary>
    public static byte[] EditModel(Action<JsonObject> edit, Func<byte[], byte[]>? data = null)
    {
        var (h, d) = Split(MicroModel);
        edit(h);
        return Join(h.ToJsonString(), data == null ? d : data(d));
    }

    public static JsonObject Meta(JsonObject h) => h["__metadata__"]!.AsObject();

    /// <summary>A file of <paramref name="bytes"/> in a fresh folder.</summary>
    public static string Write(string dir, string name, byte[] bytes)
    {
        string p = Path.Combine(dir, name);
        File.WriteAllBytes(p, bytes);
        return p;
    }

    public static string MakeFifo(string dir, string name = "fifo")
    {
        string p = Path.Combine(dir, name);
        var r = Run("mkfifo", p);
        if (r.Code != 0) Assert.Ignore($"mkfifo failed: {r.Stderr}");
        return p;
    }

    /// <summary>
    /// Runs the CLI (bounded: a hang fails the test) and checks a failure: exit <paramref name="code"/>, exactly one error
    /// line "creps CMD: …" (a usage error adds the synopsis), containing every <paramref name="culprits"/>, no control
    /// characters, and <paramref name="outDir"/> holding no file but <paramref name="keep"/>.
    /// </summary>
    public static string Fails(int code, string outDir, string[] args, string[] culprits, params string[] keep)
    {
        var task = Task.Run(() => RunCli(args));
        Assert.That(task.Wait(TimeSpan.FromSeconds(60)), Is.True, $"creps {string.Join(' ', args)} hung");
        var r = task.Result;
        Assert.That(r.Code, Is.EqualTo(code), r.ToString());
        var errors = r.ErrLines.Where(l => l.StartsWith($"creps {args[0]}: ") && !IsInfo(l)).ToArray();
        Assert.That(errors, Has.Length.EqualTo(1), r.ToString());
        Assert.That(r.ErrLines.Length, Is.EqualTo(code == 2 ? 2 : r.ErrLines.Count(l => l.StartsWith("creps "))), "nothing but creps lines: " + r);
        foreach (var c in culprits) Assert.That(errors[0], Does.Contain(c), r.ToString());
        Assert.That(errors[0].Any(ch => ch < ' ' || ch == '\x7f'), Is.False, "control characters are escaped");
        Assert.That(errors[0].Length, Is.LessThan(1000), "one sane line");
        NothingLeft(outDir, keep);
        return errors[0];
    }

    /// <summary>The informational lines a command prints before its work ("creps render: 8x8 on cpu: …").</summary>
    static bool IsInfo(string line) => line.Contains(" on cpu: ") || line.Contains(" on vulkan: ") || line.Contains(" texture(s) of ") || line.Contains(" shard file(s) from ");

    public static void NothingLeft(string dir, params string[] keep) =>
        Assert.That(Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).Where(n => !keep.Contains(n)), Is.Empty, "no output and no temp file");

    /// <summary>The CLI as a real child process (for signals), its stderr lines collected.</summary>
    public sealed class Child : IDisposable
    {
        public Process Process { get; }
        public List<string> Lines { get; } = new();

        public Child(params string[] args)
        {
            string dll = Path.Combine(AppContext.BaseDirectory, "creps.dll");
            if (!File.Exists(dll)) Assert.Ignore("creps.dll is not beside the tests");
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            psi.ArgumentList.Add(dll);
            foreach (var a in args) psi.ArgumentList.Add(a);
            Process = Process.Start(psi)!;
            Process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (Lines) Lines.Add(e.Data); };
            Process.OutputDataReceived += (_, _) => { };
            Process.BeginErrorReadLine();
            Process.BeginOutputReadLine();
        }

        public bool WaitFor(Func<bool> condition, double seconds = 60)
        {
            var sw = Stopwatch.StartNew();
            while (sw.Elapsed.TotalSeconds < seconds)
            {
                if (condition()) return true;
                if (Process.HasExited) return condition();
                Thread.Sleep(20);
            }
            return false;
        }

        public string Log { get { lock (Lines) return string.Join("\n", Lines); } }

        public void Dispose()
        {
            if (!Process.HasExited) Process.Kill(entireProcessTree: true);
            Process.Dispose();
        }
    }
}
