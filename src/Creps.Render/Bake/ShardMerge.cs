using Creps.Render.Imaging;
using Creps.Render.IO;

namespace Creps.Render.Bake;

/// <summary>Joins the n shard files of one texture into the output an unsharded bake writes, byte for byte.</summary>
public static class ShardMerge
{
    /// <summary>The shard files <c>OUT.shard-*-of-*</c> in <paramref name="folder"/> for output <paramref name="outPath"/>.</summary>
    public static string[] Find(string outPath, string folder)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"shard folder {Untrusted.Quote(folder)} does not exist");
        var found = Directory.GetFiles(folder, Path.GetFileName(outPath) + ".shard-*-of-*");
        if (found.Length == 0) throw new FileNotFoundException($"no shard files '{Path.GetFileName(outPath)}.shard-I-of-N' in {Untrusted.Quote(folder)}");
        return found;
    }

    /// <summary>Output pixels a merge of these shards writes (for progress).</summary>
    public static long TotalPixels(IReadOnlyList<string> shardPaths)
    {
        var (header, rows) = ShardFile.Open(shardPaths[0]);
        rows.Dispose();
        return header.Spec.Pixels(Shard.Whole);
    }

    public static void Merge(IReadOnlyList<string> shardPaths, string outPath, bool overwrite, Action<long>? progress = null, CancellationToken cancel = default)
    {
        var opened = new List<(ShardHeader Header, Stream Rows, string Path)>();
        try
        {
            foreach (var p in shardPaths)
            {
                var (h, rows) = ShardFile.Open(p);
                opened.Add((h, rows, p));
            }
            var first = opened[0].Header;
            first.Spec.Validate();
            foreach (var (h, _, p) in opened)
                if (h.Count != first.Count || h.Spec != first.Spec || h.Job != first.Job)
                    throw new InvalidDataException($"{Untrusted.Quote(p)} belongs to another bake than {Untrusted.Quote(opened[0].Path)}");
            var byIndex = new (ShardHeader Header, Stream Rows, string Path)?[first.Count];
            foreach (var o in opened)
            {
                if (byIndex[o.Header.Index] != null) throw new InvalidDataException($"shard {o.Header.Index} of {first.Count} given twice ({Untrusted.Quote(o.Path)})");
                byIndex[o.Header.Index] = o;
            }
            int missing = Array.FindIndex(byIndex, o => o == null);
            if (missing >= 0) throw new FileNotFoundException($"shard {missing} of {first.Count} is missing ({Path.GetFileName(ShardFile.PathFor(outPath, new Shard(missing, first.Count)))})");

            var spec = first.Spec;
            using var set = new AtomicFileSet(overwrite);
            using var sink = TextureOutputs.Open(set, spec, outPath);
            int bpp = TexelEncoding.BytesPerPixel(spec.Layout);
            foreach (int level in spec.RenderOrder)
            {
                var (w, h) = spec.Levels[level];
                var row = new byte[(long)w * bpp];
                foreach (var o in byIndex)
                {
                    var (header, rows, path) = o!.Value;
                    for (int r = 0; r < header.Shard.Rows(h).Count; r++)
                    {
                        cancel.ThrowIfCancellationRequested();
                        if (rows.ReadAtLeast(row, row.Length, throwOnEndOfStream: false) != row.Length)
                            throw new InvalidDataException($"shard file {Untrusted.Quote(path)} is truncated");
                        sink.WriteRow(level, row);
                        progress?.Invoke(w);
                    }
                }
            }
            foreach (var (_, rows, path) in opened)
                if (rows.ReadByte() != -1) throw new InvalidDataException($"shard file {Untrusted.Quote(path)} holds more rows than its shard");
            sink.Finish();
            set.Commit();
        }
        finally
        {
            foreach (var o in opened) o.Rows.Dispose();
        }
    }
}
