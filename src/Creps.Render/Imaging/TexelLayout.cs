using System.Buffers.Binary;

namespace Creps.Render.Imaging;

/// <summary>How stored pixels are laid out: RGB for PNG, RGBA for KTX2, 8 or 16 bits a channel.</summary>
public enum TexelLayout
{
    /// <summary>PNG 8-bit RGB: <see cref="PixelFormat.ToByte"/>.</summary>
    Rgb8,
    /// <summary>PNG 16-bit RGB, big-endian: <see cref="PixelFormat.ToUInt16"/>.</summary>
    Rgb16BigEndian,
    /// <summary>KTX2 VK_FORMAT_R8G8B8A8_UNORM: the 8-bit rule, alpha 255.</summary>
    Rgba8,
    /// <summary>KTX2 VK_FORMAT_R16G16B16A16_SFLOAT, little-endian: (v + 1) / 2 as half floats (not clamped), alpha 1.</summary>
    Rgba16Half,
    /// <summary>RGBA float32, little-endian: (v + 1) / 2 (not clamped), alpha 1 — the half-float layout at full precision (the C ABI's RGBA32F).</summary>
    Rgba32Float,
}
