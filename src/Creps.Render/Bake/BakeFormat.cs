using Creps.Render.Coordinates;
using Creps.Render.Imaging;

namespace Creps.Render.Bake;

/// <summary>What a bake writes: PNG (8 or 16-bit RGB) or KTX2 (RGBA8 UNORM or RGBA16 SFLOAT).</summary>
public enum BakeFormat { Png8, Png16, Ktx2, Ktx2F16 }
