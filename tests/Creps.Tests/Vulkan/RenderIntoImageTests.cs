using Creps.Render;
using Creps.Render.Coordinates;
using Creps.Render.Cpu;
using Creps.Render.Latents;
using Creps.Render.Vulkan;
using Silk.NET.Vulkan;
using Buffer = Silk.NET.Vulkan.Buffer;

namespace Creps.Tests.Vulkan;

/// <summary>
/// Bring your own device: an "engine" context owns the device; the test makes a VkImage there with plain Vulkan calls,
/// a generator on an adopted context renders into it, the test reads the image back itself. Disposing the generator
/// and the adopted context must leave the engine's device, queue and image usable.
/// </summary>
[NonParallelizable]
public unsafe class RenderIntoImageTests : VulkanTestBase
{
    /// <summary>A storage image of the test's own, plus a host-visible buffer to read it back.</summary>
    internal sealed class EngineImage : IDisposable
    {
        readonly VulkanContext _e;
        public readonly Image Image;
        readonly DeviceMemory _imageMem, _bufMem;
        readonly Buffer _buffer;
        public Buffer ReadbackBuffer => _buffer;
        readonly void* _mapped;
        public readonly int W, H, PixelBytes;
        public readonly Format Format;

        public EngineImage(VulkanContext engine, int w, int h, Format format)
        {
            _e = engine; W = w; H = h; Format = format;
            PixelBytes = format switch { Format.R8G8B8A8Unorm => 4, Format.R16G16B16A16Sfloat => 8, _ => 16 };
            var vk = engine.Vk; var dev = engine.Device;
            var ii = new ImageCreateInfo(imageType: ImageType.Type2D, format: format, extent: new Extent3D((uint)w, (uint)h, 1), mipLevels: 1,
                arrayLayers: 1, samples: SampleCountFlags.Count1Bit, tiling: ImageTiling.Optimal,
                usage: ImageUsageFlags.StorageBit | ImageUsageFlags.TransferSrcBit | ImageUsageFlags.TransferDstBit, sharingMode: SharingMode.Exclusive, initialLayout: ImageLayout.Undefined);
            Image img;
            Assert.That(vk.CreateImage(dev, &ii, null, &img), Is.EqualTo(Result.Success));
            Image = img;
            MemoryRequirements req;
            vk.GetImageMemoryRequirements(dev, img, &req);
            _imageMem = Allocate(req, MemoryPropertyFlags.DeviceLocalBit);
            vk.BindImageMemory(dev, img, _imageMem, 0);
            var bi = new BufferCreateInfo(size: (ulong)(w * h * PixelBytes), usage: BufferUsageFlags.TransferDstBit, sharingMode: SharingMode.Exclusive);
            Buffer buf;
            vk.CreateBuffer(dev, &bi, null, &buf);
            _buffer = buf;
            vk.GetBufferMemoryRequirements(dev, buf, &req);
            _bufMem = Allocate(req, MemoryPropertyFlags.HostVisibleBit | MemoryPropertyFlags.HostCoherentBit);
            vk.BindBufferMemory(dev, buf, _bufMem, 0);
            void* p;
            vk.MapMemory(dev, _bufMem, 0, Vk.WholeSize, 0, &p);
            _mapped = p;
        }

        DeviceMemory Allocate(MemoryRequirements req, MemoryPropertyFlags want)
        {
            var mp = _e.MemoryProperties;
            int type = Enumerable.Range(0, (int)mp.MemoryTypeCount).First(i => (req.MemoryTypeBits & (1u << i)) != 0 && (mp.MemoryTypes[i].PropertyFlags & want) == want);
            var ai = new MemoryAllocateInfo(allocationSize: req.Size, memoryTypeIndex: (uint)type);
            DeviceMemory m;
            Assert.That(_e.Vk.AllocateMemory(_e.Device, &ai, null, &m), Is.EqualTo(Result.Success));
            return m;
        }

        /// <summary>The engine's own clear: the whole image to <paramref name="rgba"/>, from <paramref name="from"/>, left in <paramref name="to"/>.</summary>
        public void Clear(float[] rgba, ImageLayout from, ImageLayout to)
        {
            var vk = _e.Vk; var img = Image;
            _e.Submit(cmd =>
            {
                var color = new ClearColorValue(rgba[0], rgba[1], rgba[2], rgba[3]);
                var range = new ImageSubresourceRange(ImageAspectFlags.ColorBit, 0, 1, 0, 1);
                Barrier(vk, cmd, img, from, ImageLayout.TransferDstOptimal);
                vk.CmdClearColorImage(cmd, img, ImageLayout.TransferDstOptimal, &color, 1, &range);
                Barrier(vk, cmd, img, ImageLayout.TransferDstOptimal, to);
            });
        }

        /// <summary>The engine's own readback of every pixel, RGBA interleaved [H][W][4] (8-bit: the byte values); the image stays in <paramref name="layout"/>.</summary>
        public float[] Read(ImageLayout layout = ImageLayout.General)
        {
            var vk = _e.Vk; var img = Image; var buf = _buffer; int w = W, h = H;
            _e.Submit(cmd =>
            {
                Barrier(vk, cmd, img, layout, ImageLayout.TransferSrcOptimal);
                var region = new BufferImageCopy(0, 0, 0, new ImageSubresourceLayers(ImageAspectFlags.ColorBit, 0, 0, 1), default, new Extent3D((uint)w, (uint)h, 1));
                vk.CmdCopyImageToBuffer(cmd, img, ImageLayout.TransferSrcOptimal, buf, 1, &region);
                Barrier(vk, cmd, img, ImageLayout.TransferSrcOptimal, layout);
                var toHost = new MemoryBarrier(srcAccessMask: AccessFlags.TransferWriteBit, dstAccessMask: AccessFlags.HostReadBit);
                vk.CmdPipelineBarrier(cmd, PipelineStageFlags.TransferBit, PipelineStageFlags.HostBit, 0, 1, &toHost, 0, null, 0, null);
            });
            return Decode();
        }

        /// <summary>The readback buffer's texels (after a copy into it completed), RGBA interleaved [H][W][4].</summary>
        public float[] Decode()
        {
            var result = new float[4 * W * H];
            for (int i = 0; i < result.Length; i++)
                result[i] = Format switch
                {
                    Format.R8G8B8A8Unorm => ((byte*)_mapped)[i],
                    Format.R16G16B16A16Sfloat => (float)((Half*)_mapped)[i],
                    _ => ((float*)_mapped)[i],
                };
            return result;
        }

        static void Barrier(Vk vk, CommandBuffer cmd, Image img, ImageLayout from, ImageLayout to)
        {
            var b = new ImageMemoryBarrier(srcAccessMask: AccessFlags.MemoryWriteBit, dstAccessMask: AccessFlags.MemoryReadBit | AccessFlags.MemoryWriteBit,
                oldLayout: from, newLayout: to, srcQueueFamilyIndex: Vk.QueueFamilyIgnored, dstQueueFamilyIndex: Vk.QueueFamilyIgnored,
                image: img, subresourceRange: new ImageSubresourceRange(ImageAspectFlags.ColorBit, 0, 1, 0, 1));
            vk.CmdPipelineBarrier(cmd, PipelineStageFlags.AllCommandsBit, PipelineStageFlags.AllCommandsBit, 0, 0, null, 0, null, 1, &b);
        }

        /// <summary>Channels 0..2 of the rectangle (x0, y0, w, h) of an RGBA readback, planar [3][h][w]; and its alpha values.</summary>
        public (float[] Rgb, float[] Alpha) Rect(float[] rgba, int x0, int y0, int w, int h)
        {
            var rgb = new float[3 * w * h];
            var alpha = new float[w * h];
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    int at = ((y0 + y) * W + x0 + x) * 4;
                    for (int c = 0; c < 3; c++) rgb[(c * h + y) * w + x] = rgba[at + c];
                    alpha[y * w + x] = rgba[at + 3];
                }
            return (rgb, alpha);
        }

        /// <summary>Fails unless every pixel outside the rectangle (x0, y0, w, h) still holds <paramref name="rgba"/> exactly.</summary>
        public void AssertOutsideIs(float[] pixels, int x0, int y0, int w, int h, float[] rgba, string what)
        {
            FloatAssert.AllFinite(pixels, what);
            for (int y = 0; y < H; y++)
                for (int x = 0; x < W; x++)
                {
                    if (y >= y0 && y < y0 + h && x >= x0 && x < x0 + w) continue;
                    for (int c = 0; c < 4; c++)
                        if (pixels[(y * W + x) * 4 + c] != rgba[c])
                            Assert.Fail($"{what}: pixel ({x},{y}) channel {c} outside the rendered rectangle is {pixels[(y * W + x) * 4 + c]}, the engine left {rgba[c]}");
                }
        }

        public void Dispose()
        {
            var vk = _e.Vk; var dev = _e.Device;
            vk.DestroyBuffer(dev, _buffer, null);
            vk.FreeMemory(dev, _bufMem, null);
            vk.DestroyImage(dev, Image, null);
            vk.FreeMemory(dev, _imageMem, null);
        }
    }

    [Test]
    public void RendersIntoTheEnginesImagesAndLeavesTheDeviceValid()
    {
        var engine = VulkanFixture.Context;
        var model = Fixtures.Model("public-small");
        var latent = Latent.FromSeed(model, 2);
        double[] rows = Grid.Linspace(0, 1, 40), cols = Grid.Linspace(-0.25, 1.25, 56);
        using var cpu = new CpuGenerator(model);
        float[] expected = cpu.Render(latent, rows, cols);
        Format[] formats = [Format.R32G32B32A32Sfloat, Format.R16G16B16A16Sfloat, Format.R8G8B8A8Unorm];
        var images = formats.Select(f => new EngineImage(engine, 64, 48, f)).ToArray();
        try
        {
            using (var adopted = VulkanContext.Adopt(engine.Instance, engine.PhysicalDevice, engine.Device, engine.QueueFamily))
            using (var gen = new VulkanGenerator(model, adopted))
                foreach (var image in images)   // UNDEFINED on entry (a fresh image), at an offset; GENERAL on exit
                    gen.RenderInto(latent, rows, cols, new VulkanImageTarget(image.Image, image.Format, image.W, image.H, ImageLayout.Undefined, ImageLayout.General), dy: 5, dx: 3);

            int h = rows.Length, w = cols.Length;
            float[]? f32 = null;
            foreach (var image in images)
            {
                var (ours, alpha) = image.Rect(image.Read(), 3, 5, w, h);
                string what = image.Format.ToString();
                FloatAssert.AllFinite(ours, what);
                if (image.Format == Format.R8G8B8A8Unorm)
                {
                    VulkanBackendTests.AssertBytesClose(ours.Select(v => (byte)v).ToArray(), FloatAssert.EightBit(expected, "cpu"), "rgba8");
                    Assert.That(alpha, Has.All.EqualTo(255f), "rgba8 alpha");
                }
                else if (image.Format == Format.R16G16B16A16Sfloat)
                {
                    // README: half floats round the float32 output to 11 significant bits — within one half ulp of the
                    // R32 target's values (round to nearest or towards zero, as the device converts).
                    for (int i = 0; i < ours.Length; i++)
                        Assert.That(Math.Abs(ours[i] - f32![i]), Is.LessThanOrEqualTo(FloatAssert.HalfUlp(f32[i])),
                            $"rgba16f value {i}: {ours[i]:R} is more than one half ulp from the float32 target's {f32[i]:R}");
                    Assert.That(alpha, Has.All.EqualTo(1f), "rgba16f alpha");
                }
                else
                {
                    VulkanBackendTests.AssertClose(ours, expected, "rgba32f");
                    Assert.That(alpha, Has.All.EqualTo(1f), "rgba32f alpha");
                    f32 = ours;
                }
            }

            // The engine's device and queue outlive our objects: it still clears and reads its image, and another generator still renders.
            Assert.That(engine.Vk.DeviceWaitIdle(engine.Device), Is.EqualTo(Result.Success));
            float[] sentinel = [0.25f, -0.5f, 0.75f, 0.125f];
            images[0].Clear(sentinel, ImageLayout.General, ImageLayout.General);
            images[0].AssertOutsideIs(images[0].Read(), 0, 0, 0, 0, sentinel, "engine's clear after our disposal");
            float[] again = VulkanFixture.Generator("public-small").Render(latent, rows, cols);
            VulkanBackendTests.AssertClose(again, expected, "render after disposal");
        }
        finally
        {
            foreach (var i in images) i.Dispose();
        }
    }

    /// <summary>
    /// An image the engine already filled (cleared, left in TRANSFER_DST_OPTIMAL), rendered tile by tile through the tile API
    /// into a rectangle, handed back in TRANSFER_SRC_OPTIMAL: the tiles are the whole render bit for bit, alpha is 1 / 255,
    /// and every pixel outside the rectangle keeps the engine's values.
    /// </summary>
    [TestCase(Format.R32G32B32A32Sfloat)]
    [TestCase(Format.R8G8B8A8Unorm)]
    public void TilesIntoAnImageTheEngineFilled(Format format)
    {
        var ctx = VulkanFixture.Context;
        var model = Fixtures.Model("public-tiny");
        var gen = VulkanFixture.Generator("public-tiny");
        var latent = Latent.FromSeed(model, 4);
        double[] rows = Grid.Centers(0.1, 0.9, 30), cols = Grid.Centers(-0.3, 1.1, 44);
        int h = rows.Length, w = cols.Length, dy = 7, dx = 9;
        bool rgba8 = format == Format.R8G8B8A8Unorm;
        float[] sentinel = rgba8 ? [51 / 255f, 102 / 255f, 153 / 255f, 204 / 255f] : [0.25f, -0.5f, 0.75f, 0.125f];
        float[] sentinelRead = rgba8 ? [51, 102, 153, 204] : sentinel;
        using var image = new EngineImage(ctx, 64, 48, format);
        image.Clear(sentinel, ImageLayout.Undefined, ImageLayout.TransferDstOptimal);

        using var rl = gen.ComputeLines(latent, rows, Axis.Rows);
        using var cl = gen.ComputeLines(latent, cols, Axis.Cols);
        (int R0, int Nr)[] rowTiles = [(0, 16), (16, 14)];
        (int C0, int Nc)[] colTiles = [(0, 5), (5, 32), (37, 7)];
        int n = 0, last = rowTiles.Length * colTiles.Length - 1;
        foreach (var (r0, nr) in rowTiles)
            foreach (var (c0, nc) in colTiles)
            {
                // The first tile finds the engine's layout, the last leaves the image in the one the engine asked for.
                var target = new VulkanImageTarget(image.Image, format, image.W, image.H,
                    OldLayout: n == 0 ? ImageLayout.TransferDstOptimal : ImageLayout.General,
                    NewLayout: n == last ? ImageLayout.TransferSrcOptimal : ImageLayout.General);
                gen.RenderTile(latent, rl, cl, new TileRect(r0, c0, nr, nc), target, dy + r0, dx + c0);
                n++;
            }

        float[] pixels = image.Read(ImageLayout.TransferSrcOptimal);
        image.AssertOutsideIs(pixels, dx, dy, w, h, sentinelRead, $"{format}");
        var (ours, alpha) = image.Rect(pixels, dx, dy, w, h);
        float[] whole = gen.Render(latent, rows, cols);
        if (rgba8)
        {
            using var cpu = new CpuGenerator(model);
            VulkanBackendTests.AssertBytesClose(ours.Select(v => (byte)v).ToArray(), FloatAssert.EightBit(cpu.Render(latent, rows, cols), "cpu"), "rgba8 tiles");
            Assert.That(alpha, Has.All.EqualTo(255f), "rgba8 alpha");
        }
        else
        {
            FloatAssert.BitEqual(ours, whole, "rgba32f tiles vs the generator's whole render");
            Assert.That(alpha, Has.All.EqualTo(1f), "rgba32f alpha");
        }
    }

    [Test]
    public void RejectsUnsupportedFormatAndOutOfBoundsTarget()
    {
        var model = Fixtures.Model("public-tiny");
        var gen = VulkanFixture.Generator("public-tiny");
        var latent = Latent.FromSeed(model, 0);
        double[] g = Grid.Linspace(0, 1, 16);
        var bad = new VulkanImageTarget(new Image(1), Format.B8G8R8A8Unorm, 16, 16);
        Assert.That(Assert.Throws<ArgumentException>(() => gen.RenderInto(latent, g, g, bad))!.Message, Does.Contain("not supported"));
        var small = new VulkanImageTarget(new Image(1), Format.R8G8B8A8Unorm, 8, 8);
        Assert.Throws<ArgumentOutOfRangeException>(() => gen.RenderInto(latent, g, g, small));
    }
}
