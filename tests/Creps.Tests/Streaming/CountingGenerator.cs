using Creps.Render.Coordinates;
using Creps.Render.Cpu;
using Creps.Render.Latents;
using Creps.Render.Model;

namespace Creps.Tests.Streaming;

/// <summary>
/// A cpu generator that counts what the streaming service asks of it — line sets computed and still alive, pages
/// rendered — independently of the service's own counters.
/// </summary>
public sealed class CountingGenerator(CrepsModel model) : IGenerator
{
    readonly CpuGenerator _inner = new(model);
    int _computed, _live, _tiles;

    public int LineSetsComputed => Volatile.Read(ref _computed);
    public int LiveLineSets => Volatile.Read(ref _live);
    public int TilesRendered => Volatile.Read(ref _tiles);

    public CrepsModel Model => _inner.Model;
    public string Name => "counting-cpu";
    public string DeviceDescription => _inner.DeviceDescription;
    public long LineBytesPerCoordinate => _inner.LineBytesPerCoordinate;

    public LineSet ComputeLines(Latent latent, ReadOnlySpan<double> coords, Axis axis)
    {
        var lines = new Tracked(this, _inner.ComputeLines(latent, coords, axis));
        Interlocked.Increment(ref _computed);
        Interlocked.Increment(ref _live);
        return lines;
    }

    public void RenderTile(Latent latent, LineSet rows, LineSet cols, TileRect tile, PlanarView dst)
    {
        Interlocked.Increment(ref _tiles);
        _inner.RenderTile(latent, ((Tracked)rows).Inner, ((Tracked)cols).Inner, tile, dst);
    }

    public float[] Render(Latent latent, ReadOnlySpan<double> rows, ReadOnlySpan<double> cols) => Tiled.Render(this, latent, rows, cols);

    public void Dispose() => _inner.Dispose();

    sealed class Tracked(CountingGenerator owner, LineSet inner) : LineSet(owner, inner.Axis, inner.Count)
    {
        public LineSet Inner { get; } = inner;
        public override long Bytes => Inner.Bytes;
        protected override void Release()
        {
            Inner.Dispose();
            Interlocked.Decrement(ref owner._live);
        }
    }
}
