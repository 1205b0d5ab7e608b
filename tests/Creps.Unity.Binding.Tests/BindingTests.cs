using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using Creps.Procedural;
using NUnit.Framework;

namespace Creps.Unity.Binding.Tests;

/// <summary>
/// The Unity package's binding (the same CrepsNative.cs, built for netstandard2.1 / C# 9) against libcreps.so as
/// published by scripts/build-native.sh: every wrapper call, pixels against the CLI's .f32, errors as CrepsException.
/// </summary>
[TestFixture]
public class BindingTests
{
    static string Root { get; } = FindRoot();
    static string ModelPath => Path.Combine(Root, "models", "grass.safetensors"); // the model README's Unity example loads
    static string? _lib;

    static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "Creps.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Creps.sln not found above the test binaries");
    }

    [OneTimeSetUp]
    public void PublishAndResolve()
    {
        var psi = new ProcessStartInfo(Path.Combine(Root, "scripts", "build-native.sh")) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Root };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.That(p.WaitForExit(TimeSpan.FromMinutes(20)), "build-native.sh ran past 20 minutes");
        Assert.That(p.ExitCode, Is.EqualTo(0), stderr.Result);
        _lib = stdout.Result.Trim().Split('\n')[^1];
        // Unity finds "creps" in its Plugins folder; here the binding's DllImport("creps") is pointed at the published file.
        NativeLibrary.SetDllImportResolver(typeof(CrepsNative).Assembly, (name, _, _) => name == CrepsNative.Library ? NativeLibrary.Load(_lib) : IntPtr.Zero);
    }

    [Test]
    public void TheBindingIsBuiltForNetStandard21()
    {
        var tfm = typeof(CrepsNative).Assembly.GetCustomAttribute<System.Runtime.Versioning.TargetFrameworkAttribute>();
        Assert.That(tfm?.FrameworkName, Is.EqualTo(".NETStandard,Version=v2.1"));
        Assert.That(CrepsNative.creps_version() >> 16, Is.EqualTo(CrepsNative.VersionMajor));
    }

    [Test]
    public void RendersTheCliPixelsAndEveryHostFormat()
    {
        string reference = Path.Combine(Path.GetTempPath(), $"creps-binding-{Environment.ProcessId}.f32");
        try
        {
            var err = new StringWriter();
            int code = Creps.Cli.Cli.Run(["render", "--model", ModelPath, "--seed", "5", "--psi", "0.8", "--size", "40x24",
                "--region", "0.1,0.2,0.9,0.7", "--backend", "cpu", "--out", reference], new StringWriter(), err);
            Assert.That(code, Is.EqualTo(0), err.ToString());
            var want = File.ReadAllBytes(reference);

            using var model = CrepsModel.Open(ModelPath);
            using var memoryModel = CrepsModel.FromMemory(File.ReadAllBytes(ModelPath));
            Assert.That(model.Info.Resolution, Is.EqualTo(64));
            Assert.That(memoryModel.Info.NumWs, Is.EqualTo(model.Info.NumWs));
            using var latent = CrepsLatent.FromSeed(model, 5, 0.8f);
            using var gen = CrepsGenerator.Create(model, "cpu");
            Assert.That(gen.Description, Does.StartWith("cpu: CPU ("));
            var region = new CrepsRegion(0.1, 0.2, 0.9, 0.7, 40, 24);
            float[] planar = gen.RenderPlanar(latent, region);
            Assert.That(MemoryMarshal.AsBytes(planar.AsSpan()).SequenceEqual(want), "binding render differs from creps render --out x.f32");

            var rgba8 = new byte[CrepsGenerator.ByteCount(region, CrepsFormat.Rgba8)];
            gen.Render(latent, region, CrepsFormat.Rgba8, rgba8);
            // The official 8-bit rule on the CLI's floats, written here independently.
            for (int i = 0; i < 40 * 24; i++)
                for (int c = 0; c < 3; c++)
                {
                    float s = planar[c * 40 * 24 + i] * 127.5f + 128f;
                    byte b = !(s > 0f) ? (byte)0 : s >= 255f ? (byte)255 : (byte)s;
                    Assert.That(rgba8[4 * i + c], Is.EqualTo(b));
                }
            var half = new byte[CrepsGenerator.ByteCount(region, CrepsFormat.Rgba16F)];
            gen.Render(latent, region, CrepsFormat.Rgba16F, half);
            Assert.That(BitConverter.ToHalf(half, 0), Is.EqualTo((Half)planar[0]));   // the raw output as a half

            using var ws = CrepsLatent.FromWs(model, new float[model.Info.NumWs * model.Info.WDim]);
            Assert.That(gen.RenderPlanar(ws, region), Is.Not.EqualTo(planar));
        }
        finally { File.Delete(reference); }
    }

    [Test]
    public void ErrorsAreCrepsExceptionsWithTheLibrarysMessage()
    {
        var e = Assert.Throws<CrepsException>(() => CrepsModel.Open("/no/such/model.safetensors"))!;
        Assert.That(e.Status, Is.EqualTo(CrepsStatus.Io));
        Assert.That(e.Message, Is.EqualTo("model file '/no/such/model.safetensors' does not exist"));
        var garbage = CrepsModel.FromMemory;
        Assert.That(Assert.Throws<CrepsException>(() => garbage(new byte[100]))!.Status, Is.EqualTo(CrepsStatus.ModelFormat));
        using var model = CrepsModel.Open(ModelPath);
        Assert.That(Assert.Throws<CrepsException>(() => CrepsGenerator.Create(model, "metal"))!.Message, Is.EqualTo("backend 'metal' is not cpu, vulkan or auto"));
        using var gen = CrepsGenerator.Create(model, "cpu");
        using var latent = CrepsLatent.FromSeed(model, 1);
        var small = new byte[10];
        Assert.That(Assert.Throws<CrepsException>(() => gen.Render(latent, new CrepsRegion(0, 0, 1, 1, 8, 8), CrepsFormat.Rgba8, small))!.Status,
            Is.EqualTo(CrepsStatus.InvalidArgument));
        Assert.That(Assert.Throws<CrepsException>(() => gen.RenderToVkImage(latent, new CrepsRegion(0, 0, 1, 1, 8, 8), new CrepsVkImage { Image = (IntPtr)1, Format = 109, Width = 8, Height = 8 }))!.Status,
            Is.EqualTo(CrepsStatus.WrongBackend));
    }

    [Test]
    public void BakesWithProgressAndCancels()
    {
        using var model = CrepsModel.Open(ModelPath);
        using var gen = CrepsGenerator.Create(model, "cpu");
        using var latent = CrepsLatent.FromSeed(model, 2);
        string dir = Directory.CreateTempSubdirectory("creps-binding-bake-").FullName;
        try
        {
            var o = new CrepsBakeOptions { Width = 48, Height = 48, X1 = 1, Y1 = 1, Format = CrepsBakeFormat.Png8, Tile = 16 };
            long last = 0, total = 0;
            gen.Bake(latent, o, Path.Combine(dir, "a.png"), (d, t) => { last = d; total = t; return true; });
            Assert.That((last, total), Is.EqualTo((48L * 48, 48L * 48)));
            Assert.That(File.ReadAllBytes(Path.Combine(dir, "a.png"))[..4], Is.EqualTo(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }));
            var e = Assert.Throws<CrepsException>(() => gen.Bake(latent, o, Path.Combine(dir, "b.png"), (d, t) => false))!;
            Assert.That(e.Status, Is.EqualTo(CrepsStatus.Cancelled));
            Assert.That(File.Exists(Path.Combine(dir, "b.png")), Is.False);
            // A callback that throws cancels too, instead of unwinding into native code.
            Assert.That(Assert.Throws<CrepsException>(() => gen.Bake(latent, o, Path.Combine(dir, "c.png"), (d, t) => throw new InvalidOperationException()))!.Status,
                Is.EqualTo(CrepsStatus.Cancelled));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Test]
    public void StreamsPagesThatEqualTheirRegions()
    {
        using var model = CrepsModel.Open(ModelPath);
        using var gen = CrepsGenerator.Create(model, "cpu");
        using var latent = CrepsLatent.FromSeed(model, 4);
        var options = CrepsStreamer.DefaultOptions();
        Assert.That((options.PageSize, options.Border), Is.EqualTo((128, 4)));
        options.PageSize = 16;
        options.Border = 2;
        using var s = CrepsStreamer.Create(gen, latent, options);
        Assert.That(s.Texels, Is.EqualTo(20));
        s.Hold();
        ulong a = s.Request(2, 1, -1, 1), b = s.Request(2, 2, -1, 5), c = s.Request(2, 3, -1, 3);
        s.Reprioritize(a, 9);
        s.Cancel(c);
        s.ReleaseHold();
        var events = new List<CrepsPageEvent>();
        var sw = Stopwatch.StartNew();
        while (events.Count < 2 && sw.Elapsed < TimeSpan.FromMinutes(1)) { s.Poll(events); Thread.Sleep(5); }
        Assert.That(events.Select(e => (e.Level, e.X, e.Y, e.Status)), Is.EqualTo(new[] { (2, 1L, -1L, CrepsStatus.Ok), (2, 2L, -1L, CrepsStatus.Ok) }));
        var page = new byte[20 * 20 * 12];
        Assert.That(s.TryReadPage(2, 1, -1, CrepsFormat.PlanarF32, page));
        // Page (2; 1, −1) with its border: [(16−2)/64, (32+2)/64) × [(−16−2)/64, (0+2)/64).
        var direct = gen.RenderPlanar(latent, new CrepsRegion(14 / 64.0, -18 / 64.0, 34 / 64.0, 2 / 64.0, 20, 20));
        Assert.That(page, Is.EqualTo(MemoryMarshal.AsBytes(direct.AsSpan()).ToArray()));
        Assert.That(s.TryReadPage(2, 3, -1, CrepsFormat.PlanarF32, page), Is.False);
        Assert.That(s.Evict(2, 1, -1), Is.True);
        Assert.That(events.All(e => e.AtlasLayer == -1 && e.TextureId == 0), "host pages name no atlas layer");
        Assert.That(Assert.Throws<CrepsException>(() => s.Atlas())!.Message, Does.Contain("host pages"));
        var st = s.Stats();
        Assert.That((st.Requests, st.PagesRendered, st.RequestsCancelled, st.RendersDropped, st.PageEvictions), Is.EqualTo((3L, 2L, 1L, 1L, 1L)));
    }
}
