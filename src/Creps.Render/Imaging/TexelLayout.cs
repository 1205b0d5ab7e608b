using System.Buffers.Binary;

namespace Creps.Render.Imaging;

/// <summary>How stored pixels are laid out: RGB for PNG, RGBA for KTX2 and streamed pages, 8, 16 or 32 bits a channel.</summary>
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
    /// <summary>R16G16B16A16_SFLOAT, little-endian: the raw output as half floats, alpha 1 (streamed pages, as the Vulkan backend writes float images).</summary>
    Rgba16Float,
    /// <summary>R32G32B32A32_SFLOAT, little-endian: the raw output, alpha 1 (streamed pages).</summary>
    Rgba32Float,
}
