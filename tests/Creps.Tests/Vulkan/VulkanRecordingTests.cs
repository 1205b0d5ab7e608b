using Creps.Render.Cpu;
using Creps.Render.Latents;
using Creps.Render.Vulkan;
using Silk.NET.Vulkan;
using static Creps.Tests.Vulkan.RenderIntoImageTests;

namespace Creps.Tests.Vulkan;

/// <summary>
/// The engine-facing Vulkan API: our passes recorded into the caller's own command buffer, and several renders in
/// flight at once. Runs under validation with synchronisation validation (any message fails the test).
/// </summary>
[NonParallelizable]
public unsafe class VulkanRecordingTests : VulkanTestBase
{
    [Test]
    public void RecordsAWholeRenderIntoTheCallersCommandBuffer()
    {
        var ctx = VulkanFixture.Context;
        var vk = ctx.Vk;
        var model = Fixtures.Model("public-small");
        var gen = VulkanFixture.Generator("public-small");
        var latent = Latent.FromSeed(model, 6);
        double[] rows = Grid.Centers(0.1, 0.9, 37), cols = Grid.Centers(-0.3, 1.1, 70);
        using var mine = new EngineImage(ctx, 80, 40, Format.R32G32B32A32Sfloat);
        using var blocking = new EngineImage(ctx, 80, 40, Format.R32G32B32A32Sfloat);
        gen.RenderInto(latent, rows, cols, new VulkanImageTarget(blocking.Image, blocking.Format, blocking.W, blocking.H, ImageLayout.Undefined), dy: 2, dx: 4);

        // The caller's own pool, command buffer and fence.
        var poolInfo = new CommandPoolCreateInfo(queueFamilyIndex: ctx.QueueFamily);
        CommandPool pool;
        Assert.That(vk.CreateCommandPool(ctx.Device, &poolInfo, null, &pool), Is.EqualTo(Result.Success));
        var fenceInfo = new FenceCreateInfo(flags: FenceCreateFlags.None);
        Fence fence;
        Assert.That(vk.CreateFence(ctx.Device, &fenceInfo, null, &fence), Is.EqualTo(Result.Success));
        try
        {
            var alloc = new CommandBufferAllocateInfo(commandPool: pool, level: CommandBufferLevel.Primary, commandBufferCount: 1);
            CommandBuffer cmd;
            Assert.That(vk.AllocateCommandBuffers(ctx.Device, &alloc, &cmd), Is.EqualTo(Result.Success));
            var begin = new CommandBufferBeginInfo(flags: CommandBufferUsageFlags.OneTimeSubmitBit);
            vk.BeginCommandBuffer(cmd, &begin);
            // The caller's layout transition before: UNDEFINED → GENERAL, its second scope the compute shader's writes.
            var range = new ImageSubresourceRange(ImageAspectFlags.ColorBit, 0, 1, 0, 1);
            var toGeneral = new ImageMemoryBarrier(srcAccessMask: AccessFlags.None, dstAccessMask: AccessFlags.ShaderWriteBit,
                oldLayout: ImageLayout.Undefined, newLayout: ImageLayout.General, srcQueueFamilyIndex: Vk.QueueFamilyIgnored,
                dstQueueFamilyIndex: Vk.QueueFamilyIgnored, image: mine.Image, subresourceRange: range);
            vk.CmdPipelineBarrier(cmd, PipelineStageFlags.TopOfPipeBit, PipelineStageFlags.ComputeShaderBit, 0, 0, null, 0, null, 1, &toGeneral);
            // Our passes, told exactly what came before (that transition) and what comes after (a transfer read).
            var target = new VulkanImageTarget(mine.Image, mine.Format, mine.W, mine.H, ImageLayout.General, ImageLayout.TransferSrcOptimal)
            {
                WaitStages = PipelineStageFlags.ComputeShaderBit, WaitAccess = AccessFlags.None,
                ThenStages = PipelineStageFlags.TransferBit, ThenAccess = AccessFlags.TransferReadBit,
            };
            using var recording = gen.Record(cmd, latent, rows, cols, target, dy: 2, dx: 4);
            // The caller's copy after, and its own host barrier.
            var region = new BufferImageCopy(0, 0, 0, new ImageSubresourceLayers(ImageAspectFlags.ColorBit, 0, 0, 1), default, new Extent3D((uint)mine.W, (uint)mine.H, 1));
            vk.CmdCopyImageToBuffer(cmd, mine.Image, ImageLayout.TransferSrcOptimal, mine.ReadbackBuffer, 1, &region);
            var toHost = new MemoryBarrier(srcAccessMask: AccessFlags.TransferWriteBit, dstAccessMask: AccessFlags.HostReadBit);
            vk.CmdPipelineBarrier(cmd, PipelineStageFlags.TransferBit, PipelineStageFlags.HostBit, 0, 1, &toHost, 0, null, 0, null);
            Assert.That(vk.EndCommandBuffer(cmd), Is.EqualTo(Result.Success));
            var submit = new SubmitInfo(commandBufferCount: 1, pCommandBuffers: &cmd);
            Assert.That(vk.QueueSubmit(ctx.Queue, 1, &submit, fence), Is.EqualTo(Result.Success));
            Assert.That(vk.WaitForFences(ctx.Device, 1, &fence, true, ulong.MaxValue), Is.EqualTo(Result.Success));
        }
        finally
        {
            vk.DestroyFence(ctx.Device, fence, null);
            vk.DestroyCommandPool(ctx.Device, pool, null);
        }
        int h = rows.Length, w = cols.Length;
        var (recorded, recordedAlpha) = mine.Rect(mine.Decode(), 4, 2, w, h);
        var (expected, _) = blocking.Rect(blocking.Read(), 4, 2, w, h);
        FloatAssert.BitEqual(recorded, expected, "recorded into the caller's command buffer vs the blocking RenderInto");
        Assert.That(recordedAlpha, Is.All.EqualTo(1f), "alpha of written pixels");
        // And the blocking result is the image itself, not two equal wrong ones: against the CPU backend.
        using var cpu = new CpuGenerator(model);
        VulkanBackendTests.AssertClose(recorded, cpu.Render(latent, rows, cols), "recorded vs cpu");
    }

    [Test]
    public void ThreeRendersInFlightOnOneGeneratorEachGetTheirOwnPixels()
    {
        var ctx = VulkanFixture.Context;
        var model = Fixtures.Model("public-small");
        var gen = VulkanFixture.Generator("public-small");
        double[] rows = Grid.Centers(0, 1, 33), cols = Grid.Centers(0, 1, 47);
        uint[] seeds = [11, 12, 13];
        var images = seeds.Select(_ => new EngineImage(ctx, cols.Length, rows.Length, Format.R32G32B32A32Sfloat)).ToArray();
        try
        {
            var latents = seeds.Select(s => Latent.FromSeed(model, s)).ToArray();
            var inFlight = images.Select((img, k) =>
                gen.SubmitInto(latents[k], rows, cols, new VulkanImageTarget(img.Image, img.Format, img.W, img.H, ImageLayout.Undefined))).ToArray();
            // Completed out of order, one through the awaitable.
            inFlight[2].Wait();
            Assert.That(inFlight[0].WaitAsync().Wait(TimeSpan.FromMinutes(5)), Is.True, "awaitable completion");
            while (!inFlight[1].IsCompleted) Thread.Sleep(1);
            foreach (var s in inFlight) s.Dispose();
            for (int k = 0; k < seeds.Length; k++)
            {
                var (got, _) = images[k].Rect(images[k].Read(), 0, 0, cols.Length, rows.Length);
                float[] expected = gen.Render(latents[k], rows, cols);   // the blocking readback path, alone
                FloatAssert.BitEqual(got, expected, $"seed {seeds[k]}: the in-flight render vs its own blocking render");
                if (k > 0)
                {
                    var (previous, _) = images[k - 1].Rect(images[k - 1].Decode(), 0, 0, cols.Length, rows.Length);
                    Assert.That(got, Is.Not.EqualTo(previous), "seeds must differ (the style slots were not mixed up)");
                }
            }
        }
        finally
        {
            foreach (var i in images) i.Dispose();
        }
    }
}
