using Creps.Render.Cpu;
using Creps.Render.Imaging;
using Creps.Render.Streaming;
using Creps.Tests.Streaming;

namespace Creps.Tests.Vulkan;

/// <summary>
/// The Vulkan page atlas under validation with synchronisation validation: pages rendered into their layer (and cpu
/// pages uploaded) read back equal to the cpu pages; the page table (host copy, device buffer, and the GLSL lookup run
/// on the device) says where each page is and −1 for the rest; the device budget holds with many more pages than slots.
/// </summary>
[NonParallelizable]
public class PageAtlasTests : VulkanTestBase
{
    static readonly PageKey[] Keys = [new(0, 0, 0), new(0, -1, 2), new(3, -4, 5), new(20, -1, -1), new(20, 524_288, 3)];

    /// <summary>A slot's stored texels as planar float [3][T][T] in output units (RGBA8 as its 8-bit values).</summary>
    static float[] Planar(PageAtlas atlas, byte[] bytes)
    {
        int t = atlas.Side, bpt = atlas.PageFormat.BytesPerTexel();
        var planar = new float[3 * t * t];
        for (int i = 0; i < t * t; i++)
            for (int c = 0; c < 3; c++)
                planar[c * t * t + i] = atlas.PageFormat switch
                {
                    PageFormat.Rgba32F => BitConverter.ToSingle(bytes, i * bpt + 4 * c),
                    PageFormat.Rgba16F => (float)BitConverter.ToHalf(bytes, i * bpt + 2 * c),
                    _ => bytes[i * bpt + c],
                };
        return planar;
    }

    static Page[] CpuPages(TextureDescription tex, PageKey[] keys)
    {
        using var cpu = new PageStreamer(new CpuGenerator(tex.Model), ownsGenerator: true);
        return StreamingHarness.All(keys.Select(k => cpu.Request(tex, k)));
    }

    static void AssertTableSays(PageAtlas atlas, TextureDescription tex, IReadOnlyList<PageKey> keys, IReadOnlyList<int> slots)
    {
        var device = atlas.ReadPageTable();
        var onDevice = atlas.ProbeOnDevice(keys.Select(k => (tex, k)).ToArray());
        for (int i = 0; i < keys.Count; i++)
        {
            Assert.That(atlas.SlotOf(tex, keys[i]), Is.EqualTo(slots[i]), $"host table, page {keys[i]}");
            Assert.That(PageTable.Probe(device, atlas.TextureId(tex), keys[i]), Is.EqualTo(slots[i]), $"device table probed on the host, page {keys[i]}");
            Assert.That(onDevice[i], Is.EqualTo(slots[i]), $"page_table.glsl on the device, page {keys[i]}");
        }
    }

    [TestCase(PageFormat.Rgba32F, 2e-3)]
    [TestCase(PageFormat.Rgba16F, 3e-3)]   // 2e-3 plus half precision's rounding (≤ 2^-11 relative)
    [TestCase(PageFormat.Rgba8, 1.0)]      // 8-bit values: the pixel pass's official rule, at most one step off where the floats straddle a step
    public void VulkanPagesRenderedIntoTheAtlasEqualCpuPagesAndTheTableFindsThem(PageFormat format, double tol)
    {
        var tex = StreamingHarness.Texture("public-tiny", 3, 16, 4);
        var gen = VulkanFixture.Generator("public-tiny");
        using var atlas = new PageAtlas(VulkanFixture.Context, tex.Layout, 8, format);
        var expected = CpuPages(tex, Keys);
        using (var vk = new PageStreamer(gen, atlas, new StreamingOptions { Workers = 2, DeviceBudgetBytes = 64L << 20 }))
        {
            Assert.That(vk.RendersIntoAtlas, Is.True);
            var got = StreamingHarness.All(Keys.Select(k => vk.Request(tex, k)));
            for (int i = 0; i < Keys.Length; i++)
            {
                Assert.That(got[i].AtlasSlot, Is.InRange(0, 7));
                Assert.That(got[i].Texels, Is.Empty, "an atlas page has no host texels");
                var want = format == PageFormat.Rgba8 ? expected[i].Texels.Select(v => (float)PixelFormat.ToByte(v)).ToArray() : expected[i].Texels;
                FloatAssert.MaxAbs(Planar(atlas, atlas.ReadSlot(got[i].AtlasSlot)), want, tol, $"page {Keys[i]} in the atlas vs cpu");
            }
            Assert.That(got.Select(p => p.AtlasSlot).Distinct().Count(), Is.EqualTo(Keys.Length));
            PageKey[] absent = [new(0, 1, 0), new(20, -1, -2), new(3, -4, -5), new(1, 0, 0)];
            AssertTableSays(atlas, tex, [.. Keys, .. absent], [.. got.Select(p => p.AtlasSlot), -1, -1, -1, -1]);
            var s = vk.Stats();
            Assert.That(s.PeakHostBytes, Is.Zero, "pages rendered on the device never touch host memory");
            Assert.That(s.PeakDeviceBytes, Is.InRange(atlas.DeviceBytes + 1, 64L << 20), "the atlas and the device line sets");

            Assert.That(vk.Evict(tex, Keys[2]), Is.True);
            AssertTableSays(atlas, tex, [Keys[2], Keys[3]], [-1, got[3].AtlasSlot]);
        }
        Assert.That(atlas.ResidentPages, Is.Zero, "disposing the service empties the table");
    }

    [TestCase(PageFormat.Rgba8)]
    [TestCase(PageFormat.Rgba16F)]
    public void CpuPagesUploadedIntoTheAtlasHoldTheCpuTexelsInTheAtlasFormat(PageFormat format)
    {
        var tex = StreamingHarness.Texture("public-tiny", 5, 16, 4);
        using var atlas = new PageAtlas(VulkanFixture.Context, tex.Layout, 6, format);
        var expected = CpuPages(tex, Keys);
        using var up = new PageStreamer(new CpuGenerator(tex.Model), atlas, new StreamingOptions { DeviceBudgetBytes = 8L << 20 }, ownsGenerator: true);
        Assert.That(up.RendersIntoAtlas, Is.False);
        var got = StreamingHarness.All(Keys.Select(k => up.Request(tex, k)));
        for (int i = 0; i < Keys.Length; i++)
        {
            var stored = Planar(atlas, atlas.ReadSlot(got[i].AtlasSlot));
            if (format == PageFormat.Rgba8)
                Assert.That(stored, Is.EqualTo(expected[i].Texels.Select(v => (float)PixelFormat.ToByte(v)).ToArray()), $"page {Keys[i]}: the official 8-bit values");
            else
                for (int j = 0; j < stored.Length; j++)
                    Assert.That(stored[j], Is.EqualTo(expected[i].Texels[j]).Within(FloatAssert.HalfUlp(expected[i].Texels[j])), $"page {Keys[i]} texel {j}");
        }
        AssertTableSays(atlas, tex, Keys, got.Select(p => p.AtlasSlot).ToArray());
        var s = up.Stats();
        long lineSet = up.Generator.LineBytesPerCoordinate * tex.Layout.Texels;
        Assert.That(s.PeakHostBytes, Is.EqualTo(tex.Layout.PageBytes + 2 * Keys.Length * lineSet), "one page's host buffer at a time (until uploaded) and the host line sets");
        Assert.That(s.PeakDeviceBytes, Is.EqualTo(atlas.DeviceBytes), "the cpu backend's lines are host memory");
    }

    [Test]
    public void ManyMorePagesThanSlotsStayWithinTheDeviceBudgetAndPinnedPagesStay()
    {
        var tex = StreamingHarness.Texture("public-tiny", 3, 8, 2);
        var gen = VulkanFixture.Generator("public-tiny");
        const int slots = 4;
        using var atlas = new PageAtlas(VulkanFixture.Context, tex.Layout, slots, PageFormat.Rgba32F);
        long budget = atlas.DeviceBytes + 6 * gen.LineBytesPerCoordinate * tex.Layout.Texels;   // the atlas and 6 line sets
        var keys = Enumerable.Range(0, 40).Select(i => new PageKey(2, i % 8 - 3, i / 8 - 2)).ToArray();
        var pinnedKey = keys[0];
        var expected = CpuPages(tex, [pinnedKey, keys[^1]]);
        var vk = new PageStreamer(gen, atlas, new StreamingOptions { Workers = 2, MaxInFlight = 2, DeviceBudgetBytes = budget });
        var first = StreamingHarness.All([vk.Request(tex, pinnedKey)])[0];
        Assert.That(vk.Pin(tex, pinnedKey), Is.True);
        var rest = StreamingHarness.All(keys.Skip(1).Select((k, i) => vk.Request(tex, k, -i)));
        var s = vk.Stats();
        Assert.That(s.PagesRendered, Is.EqualTo(40));
        Assert.That(s.PeakDeviceBytes, Is.InRange(atlas.DeviceBytes + 1, budget), "peak device bytes within the budget");
        Assert.That(s.PageEvictions, Is.GreaterThanOrEqualTo(40 - slots));
        Assert.That(s.LineSetEvictions, Is.GreaterThan(0), "six line sets cannot hold a 8×5 block's 13");
        Assert.That(s.ResidentPages, Is.LessThanOrEqualTo(slots));
        Assert.That(vk.TryGetPage(tex, pinnedKey, out var still) && still.AtlasSlot == first.AtlasSlot, Is.True, "the pinned page was never evicted");
        FloatAssert.MaxAbs(Planar(atlas, atlas.ReadSlot(first.AtlasSlot)), expected[0].Texels, 2e-3, "the pinned page's texels survived 39 other pages");
        FloatAssert.MaxAbs(Planar(atlas, atlas.ReadSlot(rest[^1].AtlasSlot)), expected[1].Texels, 2e-3, "the last page");
        // Every page: resident ones where the table says, evicted ones −1 — on the host, in the device buffer, by the shader.
        var slotsNow = keys.Select(k => vk.TryGetPage(tex, k, out var p) ? p.AtlasSlot : -1).ToArray();
        Assert.That(slotsNow.Count(x => x >= 0), Is.EqualTo(s.ResidentPages));
        AssertTableSays(atlas, tex, keys, slotsNow);
        vk.Unpin(tex, pinnedKey);
        vk.Dispose();
        Assert.That((vk.Stats().HostBytes, vk.Stats().DeviceBytes), Is.EqualTo((0L, 0L)), "both meters back to 0 after dispose");
        Assert.That(atlas.ResidentPages, Is.Zero);
        AssertTableSays(atlas, tex, keys, keys.Select(_ => -1).ToArray());
    }

    [Test]
    public void InvalidatedAtlasPagesMoveToANewSlotAndTheOldOneIsFreed()
    {
        var tex = StreamingHarness.Texture("public-tiny", 3, 8, 2);
        using var atlas = new PageAtlas(VulkanFixture.Context, tex.Layout, 3);
        using var vk = new PageStreamer(VulkanFixture.Generator("public-tiny"), atlas);
        var key = new PageKey(1, -1, 0);
        int before = StreamingHarness.All([vk.Request(tex, key)])[0].AtlasSlot;
        Assert.That(vk.Invalidate(tex, key), Is.True);
        SpinWait.SpinUntil(() => vk.Stats().PagesRendered == 2, TimeSpan.FromMinutes(1));
        Assert.That(vk.TryGetPage(tex, key, out var after), Is.True);
        Assert.That(after.AtlasSlot, Is.Not.EqualTo(before), "the old page stayed in its slot until the new one landed");
        AssertTableSays(atlas, tex, [key], [after.AtlasSlot]);
        Assert.That(atlas.ResidentPages, Is.EqualTo(1));
    }

    [Test]
    public void AnAtlasOverTheDeviceBudgetOrOfAnotherLayoutIsRefusedInOneLine()
    {
        var tex = StreamingHarness.Texture("public-tiny", 3, 16, 4);
        using var atlas = new PageAtlas(VulkanFixture.Context, tex.Layout, 4);
        var e = Assert.Throws<ArgumentException>(() => new PageStreamer(new CpuGenerator(tex.Model), atlas, new StreamingOptions { DeviceBudgetBytes = atlas.DeviceBytes - 1 }, ownsGenerator: true));
        Assert.That(e!.Message, Does.StartWith("the page atlas (4 slots of 24² Rgba16F, ").And.Contain($"exceeds the device budget of {atlas.DeviceBytes - 1} bytes"));
        using var ok = new PageStreamer(new CpuGenerator(tex.Model), atlas, ownsGenerator: true);
        var other = StreamingHarness.Texture("public-tiny", 3, 8, 4);
        var e2 = Assert.Throws<ArgumentException>(() => ok.Request(other, new PageKey(0, 0, 0)));
        Assert.That(e2!.Message, Is.EqualTo("the texture's pages are 8+2×4 texels, the atlas's 16+2×4"));
        Assert.That(PageAtlas.SlotsFor(atlas.DeviceBytes, tex.Layout, PageFormat.Rgba16F), Is.InRange(4, 5));
        Assert.Throws<ArgumentException>(() => new PageAtlas(VulkanFixture.Context, tex.Layout, 0));
    }
}
