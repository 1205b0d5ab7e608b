using Creps.Render.Imaging;
using Creps.Render.IO;

namespace Creps.Render.Bake;

/// <summary>The files a bake writes and the sinks that write them.</summary>
public static class TextureOutputs
{
    /// <summary>Output path per level: one file for KTX2 or a single level; for PNG mips level l ≥ 1 goes to <c>STEM.mipL.png</c>.</summary>
    public static IReadOnlyList<string> Paths(BakeSpec spec, string outPath)
    {
        if (spec.IsKtx2 || spec.Levels.Count == 1) return [outPath];
        string stem = Path.Combine(Path.GetDirectoryName(outPath) ?? "", Path.GetFileNameWithoutExtension(outPath));
        string ext = Path.GetExtension(outPath);
        return Enumerable.Range(0, spec.Levels.Count).Select(l => l == 0 ? outPath : $"{stem}.mip{l}{ext}").ToArray();
    }

    /// <summary>Opens the output files of <paramref name="spec"/> as temp files of <paramref name="set"/>.</summary>
    public static ITextureSink Open(AtomicFileSet set, BakeSpec spec, string outPath)
    {
        var paths = Paths(spec, outPath);
        var streams = paths.Select(set.Create).ToArray();
        if (spec.IsKtx2) return new Ktx2Sink(new Ktx2Writer(streams[0], spec.Layout, spec.Levels, "creps"));
        return new PngSink(streams.Select((s, l) => new PngWriter(s, spec.Levels[l].W, spec.Levels[l].H, spec.Format == BakeFormat.Png16 ? 16 : 8)).ToArray());
    }

    sealed class PngSink(PngWriter[] levels) : ITextureSink
    {
        public void WriteRow(int level, ReadOnlySpan<byte> row) => levels[level].WriteEncodedRow(row);
        public void Finish() { foreach (var p in levels) p.Finish(); }
        public void Dispose() { foreach (var p in levels) p.Dispose(); }
    }

    sealed class Ktx2Sink(Ktx2Writer writer) : ITextureSink
    {
        public void WriteRow(int level, ReadOnlySpan<byte> row) => writer.WriteRow(row);
        public void Finish() => writer.Finish();
        public void Dispose() { }
    }
}
