using Creps.Render.Imaging;
using Creps.Render.IO;

namespace Creps.Render.Bake;

/// <summary>Receives a bake's encoded rows: levels in <see cref="BakeSpec.RenderOrder"/>, each level's rows top to bottom.</summary>
public interface ITextureSink : IDisposable
{
    void WriteRow(int level, ReadOnlySpan<byte> row);
    /// <summary>Checks every row arrived and flushes.</summary>
    void Finish();
}
