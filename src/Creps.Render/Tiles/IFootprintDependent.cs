namespace Creps.Render;

/// <summary>
/// A generator whose pixels depend on the output's pixel footprint, not only on the coordinates (the octave stack fades
/// layers in and out by it). Callers that render one region at several resolutions — bake's mip levels — ask it for
/// the generator of each; everything else keeps the tile contract unchanged.
/// </summary>
public interface IFootprintDependent
{
    /// <summary>The generator for a <paramref name="width"/>×<paramref name="height"/> render of the region (x0, y0)–(x1, y1).</summary>
    IGenerator AtRegion(double x0, double y0, double x1, double y1, int width, int height);
}
