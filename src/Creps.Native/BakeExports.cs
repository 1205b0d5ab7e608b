using System.Runtime.InteropServices;
using Creps.Render.Bake;
using Creps.Render.IO;
using Creps.Render.Latents;
using Creps.Render.Octaves;

namespace Creps.Native;

[StructLayout(LayoutKind.Sequential)]
struct BakeOptions
{
    public long Width, Height;
    public double X0, Y0, X1, Y1;
    public int Format, Mips, Supersample, Tile, Overwrite, Octaves;
}

static unsafe class BakeExports
{
    /// <summary>creps_bake: TextureBaker into the sinks of <c>creps bake</c>, with the caller's progress callback as cancellation.</summary>
    [UnmanagedCallersOnly(EntryPoint = "creps_bake")]
    static int Bake(nint generator, nint latent, BakeOptions* options, byte* outPath,
        delegate* unmanaged<long, long, void*, int> progress, void* user) => Errors.Run(() =>
    {
        var g = Handles.Get<NativeGenerator>(generator, "generator").Generator;
        var z = Handles.Get<Latent>(latent, "latent");
        if (options == null) throw new ArgumentException("options is NULL");
        var o = *options;
        string path = Handles.Utf8(outPath) ?? throw new ArgumentException("out_path is NULL");
        if (o.Format < 1 || o.Format > 4) throw new ArgumentException($"format {o.Format} is not a creps_bake_format (1 PNG8, 2 PNG16, 3 KTX2, 4 KTX2_F16)");
        if (o.Width < 1 || o.Height < 1 || o.Width > BakeSpec.MaxSide || o.Height > BakeSpec.MaxSide)
            throw new ArgumentException($"size {o.Width}x{o.Height}: each side must be in 1..{BakeSpec.MaxSide}");
        var spec = new BakeSpec((int)o.Width, (int)o.Height, o.X0, o.Y0, o.X1, o.Y1, o.Supersample == 0 ? 1 : o.Supersample, o.Mips != 0, (BakeFormat)(o.Format - 1));
        spec.Validate();
        if (!string.Equals(Path.GetExtension(path), spec.Extension, StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"out_path {Untrusted.Quote(path)}: format {BakeSpec.FormatNames[(int)spec.Format]} writes a {spec.Extension} file");
        bool overwrite = o.Overwrite != 0;
        foreach (var p in TextureOutputs.Paths(spec, path))
        {
            if (!overwrite && File.Exists(p)) throw new IOException($"{Untrusted.Quote(p, 200)} exists (set overwrite to replace it)");
            AtomicFileSet.CheckTarget(p, overwrite);
        }
        var gen = Job.Wrap(g, o.Octaves, OctaveFootprint.OfRegion(spec.X0, spec.Y0, spec.X1, spec.Y1, spec.Width, spec.Height));

        using var cancel = new CancellationTokenSource();
        long total = spec.Pixels(Shard.Whole), done = 0;
        var settings = new BakeSettings
        {
            Tile = o.Tile == 0 ? 64 : o.Tile,
            Cancel = cancel.Token,
            // On the calling thread, between tiles: a non-zero answer stops before the next tile.
            Progress = progress == null ? null : n =>
            {
                done += n;
                if (progress(done, total, user) != 0) cancel.Cancel();
            },
        };
        using var set = new AtomicFileSet(overwrite);
        try
        {
            using (var sink = TextureOutputs.Open(set, spec, path))
                TextureBaker.Bake(gen, z, spec, Shard.Whole, sink, settings);
            cancel.Token.ThrowIfCancellationRequested();   // a cancel after the last tile still writes nothing
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            throw new OperationCanceledException("bake cancelled by the progress callback; nothing was written");
        }
        set.Commit();
        return Status.Ok;
    });
}
