using Creps.Render.Coordinates;
using Creps.Render.Cpu;
using Creps.Render.Imaging;
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
                usage: ImageUsageFlags.StorageBit | ImageUsageFlags.TransferSrcBit, sharingMode: SharingMode.Exclusive, initialLayout: ImageLayout.Undefined);
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

        /// <summary>The engine's own readback: GENERAL → copy → host, as planar float [3][H][W] (8-bit: the byte values).</summary>
        public float[] Read()
        {
            var vk = _e.Vk; var img = Image; var buf = _buffer; int w = W, h = H;
            _e.Submit(cmd =>
            {
                var range = new ImageSubresourceRange(ImageAspectFlags.ColorBit, 0, 1, 0, 1);
                var toSrc = new ImageMemoryBarrier(srcAccessMask: AccessFlags.ShaderWriteBit, dstAccessMask: AccessFlags.TransferReadBit,
                    oldLayout: ImageLayout.General, newLayout: ImageLayout.TransferSrcOptimal, srcQueueFamilyIndex: Vk.QueueFamilyIgnored,
                    dstQueueFamilyIndex: Vk.QueueFamilyIgnored, image: img, subresourceRange: range);
                vk.CmdPipelineBarrier(cmd, PipelineStageFlags.ComputeShaderBit, PipelineStageFlags.TransferBit, 0, 0, null, 0, null, 1, &toSrc);
                var region = new BufferImageCopy(0, 0, 0, new ImageSubresourceLayers(ImageAspectFlags.ColorBit, 0, 0, 1), default, new Extent3D((uint)w, (uint)h, 1));
                vk.CmdCopyImageToBuffer(cmd, img, ImageLayout.TransferSrcOptimal, buf, 1, &region);
                var back = new ImageMemoryBarrier(srcAccessMask: AccessFlags.TransferReadBit, dstAccessMask: AccessFlags.ShaderWriteBit,
                    oldLayout: ImageLayout.TransferSrcOptimal, newLayout: ImageLayout.General, srcQueueFamilyIndex: Vk.QueueFamilyIgnored,
                    dstQueueFamilyIndex: Vk.QueueFamilyIgnored, image: img, subresourceRange: range);
                vk.CmdPipelineBarrier(cmd, PipelineStageFlags.TransferBit, PipelineStageFlags.ComputeShaderBit, 0, 0, null, 0, null, 1, &back);
                var toHost = new MemoryBarrier(srcAccessMask: AccessFlags.TransferWriteBit, dstAccessMask: AccessFlags.HostReadBit);
                vk.CmdPipelineBarrier(cmd, PipelineStageFlags.TransferBit, PipelineStageFlags.HostBit, 0, 1, &toHost, 0, null, 0, null);
            });
            return Decode();
        }

        /// <summary>The readback buffer's texels (after a copy into it completed) as planar float [3][H][W].</summary>
        public float[] Decode()
        {
            int w = W, h = H;
            var result = new float[3 * w * h];
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    for (int c = 0; c < 3; c++)
                    {
                        int i = (y * w + x) * 4 + c;
                        result[(c * h + y) * w + x] = Format switch
                        {
                            Format.R8G8B8A8Unorm => ((byte*)_mapped)[i],
                            Format.R16G16B16A16Sfloat => (float)((Half*)_mapped)[i],
                            _ => ((float*)_mapped)[i],
                        };
                    }
            return result;
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
            foreach (var image in images)
            {
                float[] all = image.Read();
                var ours = new float[expected.Length];
                for (int c = 0; c < 3; c++)
                    for (int y = 0; y < h; y++)
                        for (int x = 0; x < w; x++) ours[(c * h + y) * w + x] = all[(c * image.H + y + 5) * image.W + x + 3];
                if (image.Format == Format.R8G8B8A8Unorm)
                    VulkanBackendTests.AssertBytesClose(ours.Select(v => (byte)v).ToArray(), expected.Select(PixelFormat.ToByte).ToArray(), "rgba8");
                else if (image.Format == Format.R16G16B16A16Sfloat)
                {
                    // Half precision: 11 significant bits on top of the float32 result.
                    var (max, _) = VulkanBackendTests.Diff(ours, expected.Select(v => (float)(Half)v).ToArray());
                    TestContext.Out.WriteLine($"rgba16f: max abs {max:G3} against the CPU result rounded to half");
                    Assert.That(max, Is.LessThanOrEqualTo(2e-3), $"rgba16f: max abs {max:G3}");
                }
                else VulkanBackendTests.AssertClose(ours, expected, "rgba32f");
                // Untouched pixels outside the render stay as the engine left them (alpha of written ones is 1).
                Assert.That(all[(0 * image.H + 5) * image.W + 3], Is.EqualTo(ours[0]));
            }

            // The engine's device and queue outlive our objects: it still submits work, and another generator still renders.
            Assert.That(engine.Vk.DeviceWaitIdle(engine.Device), Is.EqualTo(Result.Success));
            Assert.That(images[0].Read(), Is.Not.Empty);
            float[] again = VulkanFixture.Generator("public-small").Render(latent, rows, cols);
            VulkanBackendTests.AssertClose(again, expected, "render after disposal");
        }
        finally
        {
            foreach (var i in images) i.Dispose();
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
