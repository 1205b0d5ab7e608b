using Creps.Render.Cpu;
using Creps.Render.Streaming;
using Creps.Render.Vulkan;
using Creps.Tests.Streaming;
using Silk.NET.Vulkan;
using Buffer = Silk.NET.Vulkan.Buffer;

namespace Creps.Tests.Vulkan;

/// <summary>
/// The atlas's synchronisation contract from a consumer's side, under synchronisation validation: while the service
/// renders 30 pages through 3 slots (every slot reused many times), a consumer submits frames of its own to the same
/// queue (atlas.Submit) that read the page table and every layer, with no barrier on Creps's writes. Validation sees no
/// hazard (a slot is never rewritten while an earlier frame reads it), and every page a frame's table names is, in that
/// same frame's copy of the layer, exactly the page.
/// </summary>
[NonParallelizable]
public unsafe class AtlasConsumerTests : VulkanTestBase
{
    [Test]
    public void FramesOfAConsumerSeeTheTableAndTexelsConsistentWhileSlotsAreReused()
    {
        var tex = StreamingHarness.Texture("public-tiny", 4, 8, 2);
        var ctx = VulkanFixture.Context;
        var vk = ctx.Vk;
        using var atlas = new PageAtlas(ctx, tex.Layout, 3, PageFormat.Rgba32F);
        var keys = Enumerable.Range(0, 30).Select(i => new PageKey(3, i % 6 - 2, i / 6 - 3)).ToArray();
        Dictionary<PageKey, float[]> expected;
        using (var cpu = new PageStreamer(new CpuGenerator(tex.Model), ownsGenerator: true))
            expected = keys.Zip(StreamingHarness.All(keys.Select(k => cpu.Request(tex, k)))).ToDictionary(p => p.First, p => p.Second.Texels);

        int t = atlas.Side, layerBytes = t * t * 16;
        ulong tableBytes = atlas.PageTableBytes, imageBytes = (ulong)(3 * layerBytes);
        // Two frames in flight: frame i+1 is submitted before frame i is waited for, so frames overlap the renders.
        var readback = new DedicatedBuffer[2];
        var mapped = new nint[2];
        for (int b = 0; b < 2; b++)
        {
            readback[b] = DedicatedBuffer.HostVisible(ctx, tableBytes + imageBytes, BufferUsageFlags.TransferDstBit, "consumer readback");
            Assert.That((nint)readback[b].Mapped, Is.Not.EqualTo(nint.Zero));
            mapped[b] = (nint)readback[b].Mapped;
        }
        int frames = 0, pagesSeen = 0;
        uint id = atlas.TextureId(tex);
        void Check(int b)
        {
            var table = new ReadOnlySpan<uint>((void*)mapped[b], (int)(tableBytes / 4)).ToArray();
            var image = new ReadOnlySpan<float>((byte*)mapped[b] + tableBytes, (int)(imageBytes / 4));
            foreach (var k in keys)
            {
                int slot = PageTable.Probe(table, id, k);
                if (slot < 0) continue;
                pagesSeen++;
                var layer = image.Slice(slot * t * t * 4, t * t * 4);
                var planar = new float[3 * t * t];
                for (int i = 0; i < t * t; i++)
                    for (int c = 0; c < 3; c++) planar[c * t * t + i] = layer[4 * i + c];
                FloatAssert.MaxAbs(planar, expected[k], 2e-3, $"frame {frames}: page {k} in slot {slot}, as the same frame's table says");
            }
        }
        try
        {
            using var streamer = new PageStreamer(VulkanFixture.Generator("public-tiny"), atlas, new StreamingOptions { Workers = 2, MaxInFlight = 2 });
            var requests = keys.Select((k, i) => streamer.Request(tex, k, -i)).ToArray();
            var all = Task.WhenAll(requests.Select(r => r.Completion));
            Render.Vulkan.GpuSubmission? pending = null;
            while (!all.IsCompleted || frames < 3)
            {
                int b = frames % 2;
                var submitted = atlas.Submit(cmd => RecordFrame(vk, cmd, atlas, readback[b].Handle, tableBytes));
                if (pending != null) { pending.Wait(); Check(1 - b); }
                pending = submitted;
                frames++;
            }
            pending!.Wait();
            Check((frames - 1) % 2);
            Assert.That(all.Wait(TimeSpan.FromMinutes(2)), Is.True);
            Assert.That(streamer.Stats().PageEvictions, Is.GreaterThanOrEqualTo(27), "three slots for thirty pages: each reused many times");
        }
        finally
        {
            for (int b = 0; b < 2; b++) readback[b].Dispose();
        }
        TestContext.Out.WriteLine($"{frames} consumer frames, {pagesSeen} resident pages checked");
        Assert.That(frames, Is.GreaterThanOrEqualTo(3));
        Assert.That(pagesSeen, Is.GreaterThan(0), "frames saw resident pages");
    }

    /// <summary>
    /// A consumer's frame: the table and every layer copied out. Its own barriers concern only its own layout changes and
    /// the host read (none on Creps's writes: the contract orders those); the transitions' source scope is ALL_COMMANDS,
    /// so they chain with the atlas's closing barrier.
    /// </summary>
    static void RecordFrame(Vk vk, CommandBuffer cmd, PageAtlas atlas, Buffer dst, ulong tableBytes)
    {
        var all = new ImageSubresourceRange(ImageAspectFlags.ColorBit, 0, 1, 0, (uint)atlas.Slots);
        var toSrc = new ImageMemoryBarrier(srcAccessMask: AccessFlags.None, dstAccessMask: AccessFlags.TransferReadBit,
            oldLayout: ImageLayout.General, newLayout: ImageLayout.TransferSrcOptimal, srcQueueFamilyIndex: Vk.QueueFamilyIgnored,
            dstQueueFamilyIndex: Vk.QueueFamilyIgnored, image: atlas.Image, subresourceRange: all);
        vk.CmdPipelineBarrier(cmd, PipelineStageFlags.AllCommandsBit, PipelineStageFlags.TransferBit, 0, 0, null, 0, null, 1, &toSrc);
        var tableCopy = new BufferCopy(0, 0, tableBytes);
        vk.CmdCopyBuffer(cmd, atlas.PageTable, dst, 1, &tableCopy);
        var region = new BufferImageCopy(tableBytes, 0, 0, new ImageSubresourceLayers(ImageAspectFlags.ColorBit, 0, 0, (uint)atlas.Slots),
            new Offset3D(0, 0, 0), new Extent3D((uint)atlas.Side, (uint)atlas.Side, 1));
        vk.CmdCopyImageToBuffer(cmd, atlas.Image, ImageLayout.TransferSrcOptimal, dst, 1, &region);
        var back = new ImageMemoryBarrier(srcAccessMask: AccessFlags.None, dstAccessMask: AccessFlags.None,
            oldLayout: ImageLayout.TransferSrcOptimal, newLayout: ImageLayout.General, srcQueueFamilyIndex: Vk.QueueFamilyIgnored,
            dstQueueFamilyIndex: Vk.QueueFamilyIgnored, image: atlas.Image, subresourceRange: all);
        vk.CmdPipelineBarrier(cmd, PipelineStageFlags.TransferBit, PipelineStageFlags.AllCommandsBit, 0, 0, null, 0, null, 1, &back);
        var toHost = new MemoryBarrier(srcAccessMask: AccessFlags.TransferWriteBit, dstAccessMask: AccessFlags.HostReadBit);
        vk.CmdPipelineBarrier(cmd, PipelineStageFlags.TransferBit, PipelineStageFlags.HostBit, 0, 1, &toHost, 0, null, 0, null);
    }
}
