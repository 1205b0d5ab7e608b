using Creps.Render.Coordinates;
using Creps.Render.Imaging;
using Creps.Render.Latents;

namespace Creps.Render.Bake;

/// <summary>
/// Streams a texture tile by tile into a sink. Per level: the column lines are computed once (or once per column band
/// when they would exceed the budget), the row lines once per band of tile rows; tiles of K×K subsamples are box
/// filtered into a band one tile tall, whose rows are encoded and handed on by a worker while the next band renders.
/// Host memory: the column lines, two bands (3 floats × width × tile) and one subsample tile — never the image.
/// Every pixel depends only on its own coordinates, so the bytes do not depend on the tile size or the thread count.
/// </summary>
public static class TextureBaker
{
    public const int MaxTile = 256, MaxSubsampleTile = 2048;
    const int SamplesPerCall = 1024;

    public static void Bake(IGenerator renderer, Latent latent, BakeSpec spec, Shard shard, ITextureSink sink, BakeSettings settings)
    {
        spec.Validate();
        if (settings.Tile < 1 || settings.Tile > MaxTile) throw new ArgumentException($"tile {settings.Tile} must be in 1..{MaxTile}");
        if (settings.Tile * spec.Supersample > MaxSubsampleTile)
            throw new ArgumentException($"tile {settings.Tile} × supersample {spec.Supersample} must be at most {MaxSubsampleTile} subsamples");
        foreach (int level in spec.RenderOrder)
        {
            var (w, h) = spec.Levels[level];
            var rows = shard.Rows(h);
            // A generator whose pixels depend on the footprint (octaves) gets each level's own.
            var g = renderer is IFootprintDependent f ? f.AtRegion(spec.X0, spec.Y0, spec.X1, spec.Y1, w, h) : renderer;
            BakeLevel(g, latent, spec, level, w, h, rows.Start, rows.End, sink, settings);
        }
        sink.Finish();
    }

    static void BakeLevel(IGenerator tr, Latent latent, BakeSpec spec, int level, int w, int h, int r0, int r1,
        ITextureSink sink, BakeSettings s)
    {
        if (r0 == r1) return;
        int k = spec.Supersample, t = s.Tile, tk = t * k;
        double[] cols = Grid.Centers(spec.X0, spec.X1, w * k);
        double[] rows = Grid.Centers(spec.Y0, spec.Y1, h * k);
        int colBand = ColumnBand(w, k, t, tr.LineBytesPerCoordinate, s.ColumnLineBudget);
        using LineSet? allCols = colBand >= w ? tr.ComputeLines(latent, cols, Axis.Cols) : null;
        // Two bands: one is encoded and written (zlib, disk) on a worker while the next is rendered.
        float[][] bands = [new float[3L * t * w], new float[3L * t * w]];
        // One render call covers t rows × cw columns (≈1024 samples wide): fewer, larger calls keep per-call overhead
        // and scratch churn low; cw is a whole number of tiles, so the result is the same as square tiles.
        int cw = Math.Max(t, SamplesPerCall / k / t * t), cwk = cw * k;
        float[]? sub = k > 1 ? new float[3L * tk * cwk] : null;
        var encoded = new byte[(long)w * TexelEncoding.BytesPerPixel(spec.Layout)];
        long plane = (long)t * w;
        Task? writing = null;
        try
        {
            for (int y = r0, bi = 0; y < r1; y += t, bi++)
            {
                int nr = Math.Min(t, r1 - y);
                var band = bands[bi & 1];   // last written two bands ago; that write finished before the previous one began
                using var rowLines = tr.ComputeLines(latent, rows.AsSpan(y * k, nr * k), Axis.Rows);
                for (int cb = 0; cb < w; cb += colBand)
                {
                    int ncb = Math.Min(colBand, w - cb);
                    using var bandCols = allCols == null ? tr.ComputeLines(latent, cols.AsSpan(cb * k, ncb * k), Axis.Cols) : null;
                    var colLines = allCols ?? bandCols!;
                    int linesStart = allCols != null ? 0 : cb;
                    for (int x = cb; x < cb + ncb; x += cw)
                    {
                        s.Cancel.ThrowIfCancellationRequested();
                        int nc = Math.Min(cw, cb + ncb - x);
                        int c0 = (x - linesStart) * k;
                        if (sub == null) tr.RenderTile(latent, rowLines, colLines, new TileRect(0, c0, nr, nc), new PlanarView(band, w, t, 0, x));
                        else
                        {
                            tr.RenderTile(latent, rowLines, colLines, new TileRect(0, c0, nr * k, nc * k), new PlanarView(sub, cwk, tk));
                            BoxFilter(sub, cwk, tk, k, nr, nc, band, w, t, x);
                        }
                        s.Progress?.Invoke((long)nr * nc);
                    }
                }
                writing?.GetAwaiter().GetResult();   // rows stay in order; a write error surfaces here
                writing = Task.Run(() =>
                {
                    for (int i = 0; i < nr; i++)
                    {
                        long o = (long)i * w;
                        TexelEncoding.Encode(spec.Layout, band.AsSpan((int)o, w), band.AsSpan((int)(plane + o), w), band.AsSpan((int)(2 * plane + o), w), encoded);
                        sink.WriteRow(level, encoded);
                    }
                });
            }
            writing?.GetAwaiter().GetResult();
            writing = null;
        }
        finally
        {
            // On an error or interrupt, let a pending write end before the caller disposes the sink.
            try { writing?.Wait(); } catch (AggregateException) { /* the first error is the one that matters */ }
        }
    }

    /// <summary>Output columns per column band: the whole width when its lines fit the budget, else whole tiles that do.</summary>
    internal static int ColumnBand(int w, int k, int t, long bytesPerCoord, long budget)
    {
        if ((long)w * k * bytesPerCoord <= budget) return w;
        long fit = budget / Math.Max(1, k * bytesPerCoord) / t * t;
        return (int)Math.Clamp(fit, t, w);
    }

    /// <summary>Means of k×k subsamples (fixed summation order) of an [3][subH][subW] tile into the band at column <paramref name="x"/>.</summary>
    static void BoxFilter(float[] sub, int subW, int subH, int k, int nr, int nc, float[] band, int w, int t, int x)
    {
        float inv = 1f / (k * k);
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < nr; i++)
            {
                var dst = band.AsSpan((int)(((long)c * t + i) * w + x), nc);
                for (int j = 0; j < nc; j++)
                {
                    float sum = 0;
                    for (int a = 0; a < k; a++)
                    {
                        int rowStart = (c * subH + i * k + a) * subW + j * k;
                        for (int b = 0; b < k; b++) sum += sub[rowStart + b];
                    }
                    dst[j] = sum * inv;
                }
            }
    }
}
