using Creps.Render.Streaming;

namespace Creps.Tests.Streaming;

/// <summary>The service: shared line sets, budgets, priorities, cancellation, pins, invalidation, and no leak.</summary>
public class StreamingServiceTests
{
    static (CountingGenerator Gen, TextureDescription Tex) Setup(string layout, int page, int border, uint seed = 3)
    {
        var tex = StreamingHarness.Texture(layout, seed, page, border);
        return (new CountingGenerator(tex.Model), tex);
    }

    static IEnumerable<PageKey> Block(int level, long x0, long y0, int w, int h) =>
        from y in Enumerable.Range(0, h) from x in Enumerable.Range(0, w) select new PageKey(level, x0 + x, y0 + y);

    [Test]
    public void ABlockOfPagesCostsOneLineSetPerPageRowAndPerPageColumn()
    {
        var (gen, tex) = Setup("public-tiny", 16, 4);
        using var streamer = new PageStreamer(gen, new StreamingOptions { Workers = 2, HostBudgetBytes = 64L << 20 });
        var keys = Block(4, -5, 3, 16, 8).ToArray();
        var pages = StreamingHarness.All(keys.Select((k, i) => streamer.Request(tex, k, -i)));
        var s = streamer.Stats();
        Assert.That(pages.Select(p => p.Key), Is.EqualTo(keys));
        Assert.That(s.PagesRendered, Is.EqualTo(128));
        Assert.That(gen.TilesRendered, Is.EqualTo(128));
        Assert.That(gen.LineSetsComputed, Is.EqualTo(16 + 8), "line sets the generator computed");
        Assert.That(s.LineSetsComputed, Is.EqualTo(16 + 8));
        Assert.That(s.LineSetsReused, Is.EqualTo(2 * 128 - 24));
        Assert.That(s.LineSetEvictions + s.PageEvictions, Is.Zero);
    }

    [Test]
    public void ABudgetTooSmallForAllLinesStillCompletesWithinItRecomputingLines()
    {
        // public-small at P = 128: a line set is 136 coordinates × 4 KiB; the block's 24 of them do not fit in 8 MiB.
        var (gen, tex) = Setup("public-small", 128, 4);
        const long budget = 8L << 20;
        long lineSet = gen.LineBytesPerCoordinate * tex.Layout.Texels;
        Assume.That(24 * lineSet, Is.GreaterThan(budget), "the block's lines must not fit for this test to mean anything");
        using var streamer = new PageStreamer(gen, new StreamingOptions { HostBudgetBytes = budget });
        var keys = Block(3, 0, -4, 16, 8).ToArray();
        var pages = StreamingHarness.All(keys.Select((k, i) => streamer.Request(tex, k, -i)));
        var s = streamer.Stats();
        Assert.That(pages, Has.Length.EqualTo(128));
        Assert.That(s.PagesRendered, Is.EqualTo(128));
        Assert.That(s.PeakHostBytes, Is.LessThanOrEqualTo(budget));
        Assert.That(s.LineSetsComputed, Is.GreaterThan(24));
        Assert.That(s.LineSetsComputed, Is.EqualTo(gen.LineSetsComputed));
        Assert.That(s.LineSetEvictions, Is.GreaterThan(0));
        Assert.That(s.LineSetsComputed + s.LineSetsReused, Is.EqualTo(2 * 128));
    }

    [Test]
    public void AHostBudgetOf8MiBIsNeverExceededOverAThousandPages()
    {
        var (gen, tex) = Setup("public-tiny", 32, 4);
        const long budget = 8L << 20;
        Assume.That(1000 * tex.Layout.PageBytes, Is.GreaterThan(budget), "the pages alone must exceed the budget");
        using var streamer = new PageStreamer(gen, new StreamingOptions { Workers = 2, MaxInFlight = 4, HostBudgetBytes = budget });
        var keys = Block(6, -20, -12, 40, 25).ToArray();
        var pages = StreamingHarness.All(keys.Select((k, i) => streamer.Request(tex, k, i % 7)));
        var s = streamer.Stats();
        Assert.That(pages.Select(p => p.Key).ToHashSet().SetEquals(keys), Is.True);
        Assert.That(s.PagesRendered, Is.EqualTo(1000));
        Assert.That(s.PeakHostBytes, Is.LessThanOrEqualTo(budget));
        Assert.That(s.PeakHostBytes, Is.GreaterThan(budget - tex.Layout.PageBytes - 2 * gen.LineBytesPerCoordinate * tex.Layout.Texels),
            "the budget was used up to its last page (so the limit, not luck, kept the peak down)");
        Assert.That(s.PageEvictions, Is.GreaterThan(0));
        Assert.That(s.HostBytes, Is.LessThanOrEqualTo(budget));
    }

    [Test]
    public void FiveHundredRequestedFourHundredCancelledTheRestComeInPriorityOrder()
    {
        var (gen, tex) = Setup("public-tiny", 16, 4);
        using var streamer = new PageStreamer(gen, new StreamingOptions { Workers = 1, MaxInFlight = 1 });
        var rng = new Random(7);
        var priorities = Enumerable.Range(0, 500).OrderBy(_ => rng.Next()).ToArray();   // distinct, shuffled
        var keys = Block(5, -10, -10, 25, 20).ToArray();
        PageRequest[] requests;
        using (streamer.HoldQueue())
        {
            requests = keys.Select((k, i) => streamer.Request(tex, k, priorities[i])).ToArray();
            foreach (var r in requests.Where((_, i) => i % 5 != 0)) r.Cancel();
        }
        var kept = requests.Where((_, i) => i % 5 == 0).ToArray();
        StreamingHarness.All(kept);
        var order = streamer.PopCompleted();
        Assert.That(order.Select(c => c.Key), Is.EqualTo(kept.OrderByDescending(r => r.Priority).Select(r => r.Key)), "completion order");
        Assert.That(requests.Where((_, i) => i % 5 != 0).All(r => r.Completion.IsCanceled), Is.True);
        var s = streamer.Stats();
        Assert.That(s.RendersDropped, Is.EqualTo(400));
        Assert.That(s.RequestsCancelled, Is.EqualTo(400));
        Assert.That(s.PagesRendered, Is.EqualTo(100));
        Assert.That(gen.TilesRendered, Is.EqualTo(100), "tiles the generator rendered");
    }

    [Test]
    public void ReprioritisingMovesAQueuedPageAhead()
    {
        var (gen, tex) = Setup("public-tiny", 16, 4);
        using var streamer = new PageStreamer(gen, new StreamingOptions { Workers = 1 });
        PageRequest[] r;
        using (streamer.HoldQueue())
        {
            r = Enumerable.Range(0, 5).Select(i => streamer.Request(tex, new PageKey(1, i, 0), i)).ToArray();
            r[0].Priority = 10;
        }
        StreamingHarness.All(r);
        Assert.That(streamer.PopCompleted().Select(c => c.Key.X), Is.EqualTo(new long[] { 0, 4, 3, 2, 1 }));
    }

    [Test]
    public void IdenticalRequestsShareOneRenderAndResidentPagesAreHits()
    {
        var (gen, tex) = Setup("public-tiny", 16, 4);
        using var streamer = new PageStreamer(gen);
        PageRequest[] r;
        using (streamer.HoldQueue()) r = Enumerable.Range(0, 5).Select(i => streamer.Request(tex, new PageKey(2, -1, 1), i)).ToArray();
        var pages = StreamingHarness.All(r);
        Assert.That(pages.All(p => ReferenceEquals(p, pages[0])), Is.True);
        var hit = streamer.Request(tex, new PageKey(2, -1, 1));
        Assert.That(hit.Completion.IsCompletedSuccessfully && ReferenceEquals(hit.Completion.Result, pages[0]), Is.True);
        var s = streamer.Stats();
        Assert.That((s.Requests, s.SharedRequests, s.CacheHits, s.PagesRendered, gen.TilesRendered), Is.EqualTo((6L, 4L, 1L, 1L, 1)));
    }

    [Test]
    public void PinnedPagesAreNeverEvicted()
    {
        var (gen, tex) = Setup("public-tiny", 32, 4);
        long budget = 40 * tex.Layout.PageBytes;
        using var streamer = new PageStreamer(gen, new StreamingOptions { HostBudgetBytes = budget });
        var pinned = new PageKey(4, 0, 0);
        StreamingHarness.All([streamer.Request(tex, pinned)]);
        Assert.That(streamer.Pin(tex, pinned), Is.True);
        Assert.That(streamer.Evict(tex, pinned), Is.False);
        StreamingHarness.All(Block(4, 1, 1, 12, 10).Select(k => streamer.Request(tex, k)));
        var s = streamer.Stats();
        Assert.That(s.PageEvictions, Is.GreaterThan(50), "the 120 pages pushed others out");
        Assert.That(s.PeakHostBytes, Is.LessThanOrEqualTo(budget));
        Assert.That(streamer.TryGetPage(tex, pinned, out _), Is.True, "the pinned page is still resident");
        streamer.Unpin(tex, pinned);
        Assert.That(streamer.Evict(tex, pinned), Is.True);
        Assert.That(streamer.TryGetPage(tex, pinned, out _), Is.False);
        Assert.Throws<InvalidOperationException>(() => streamer.Unpin(tex, new PageKey(4, 1, 1)));
    }

    [Test]
    public void BestResidentIsThePageOrItsNearestResidentAncestor()
    {
        var (gen, tex) = Setup("public-tiny", 16, 4);
        using var streamer = new PageStreamer(gen);
        var leaf = new PageKey(3, -3, 5);   // ancestors (2, −2, 2), (1, −1, 1), (0, −1, 0)
        Assert.That(streamer.BestResident(tex, leaf), Is.Null);
        StreamingHarness.All([streamer.Request(tex, new PageKey(0, -1, 0)), streamer.Request(tex, new PageKey(1, -1, 1)), streamer.Request(tex, new PageKey(2, 2, 2))]);
        Assert.That(streamer.BestResident(tex, leaf)!.Key, Is.EqualTo(new PageKey(1, -1, 1)));
        StreamingHarness.All([streamer.Request(tex, leaf)]);
        Assert.That(streamer.BestResident(tex, leaf)!.Key, Is.EqualTo(leaf));
    }

    [Test]
    public void InvalidateKeepsTheOldPageUntilTheNewOneLands()
    {
        var (gen, tex) = Setup("public-tiny", 16, 4);
        using var streamer = new PageStreamer(gen);
        var key = new PageKey(2, 1, 1);
        var old = StreamingHarness.All([streamer.Request(tex, key)])[0];
        using (streamer.HoldQueue())
        {
            Assert.That(streamer.Invalidate(tex, key), Is.True);
            Assert.That(streamer.TryGetPage(tex, key, out var during) && ReferenceEquals(during, old), Is.True, "old page visible while re-rendering");
            Assert.That(ReferenceEquals(streamer.Request(tex, key).Completion.Result, old), Is.True, "requests get the old page meanwhile");
        }
        SpinWait.SpinUntil(() => streamer.Stats().PagesRendered == 2, TimeSpan.FromMinutes(1));
        Assert.That(streamer.TryGetPage(tex, key, out var fresh), Is.True);
        Assert.That(ReferenceEquals(fresh, old), Is.False);
        FloatAssert.BitEqual(fresh.Texels, old.Texels, "re-rendered page");
        Assert.That(streamer.Invalidate(tex, new PageKey(2, 9, 9)), Is.False, "not resident");
    }

    [Test]
    public void ABudgetBelowOnePageFailsItsRequestsWithOneLine()
    {
        var (gen, tex) = Setup("public-tiny", 16, 4);
        using var streamer = new PageStreamer(gen, new StreamingOptions { HostBudgetBytes = 4096 });
        var r = streamer.Request(tex, new PageKey(0, 0, 0));
        var e = Assert.Throws<AggregateException>(() => r.Completion.Wait(TimeSpan.FromMinutes(1)))!.InnerException!;
        Assert.That(e.Message, Is.EqualTo($"page L0 (0, 0): the host budget of 4096 bytes cannot hold it (one page with its lines needs {streamer.MinimumHostBytes(tex)}; pinned pages hold 0)"));
        Assert.That(streamer.PopCompleted().Single().Error, Is.SameAs(e));
        Assert.That(gen.TilesRendered, Is.Zero);
    }

    [Test]
    public void TenThousandRequestsFromEightThreadsCompleteAndDisposeReturnsEverything()
    {
        var (gen, tex) = Setup("public-tiny", 8, 2);
        var streamer = new PageStreamer(gen, new StreamingOptions { Workers = 2, MaxInFlight = 3, HostBudgetBytes = 1L << 20 });
        var all = new PageRequest[8][];
        var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
        {
            var rng = new Random(t);
            all[t] = new PageRequest[1250];
            for (int i = 0; i < 1250; i++)
            {
                var r = streamer.Request(tex, new PageKey(3, rng.Next(-12, 12), rng.Next(-12, 12)), rng.Next(100));
                all[t][i] = r;
                if (i % 10 == 3) r.Cancel();
                if (i % 10 == 5) r.Priority = 200;
            }
        })).ToArray();
        foreach (var th in threads) th.Start();
        foreach (var th in threads) th.Join();
        var tasks = all.SelectMany(a => a).Select(r => r.Completion).ToArray();
        Assert.That(tasks, Has.Length.EqualTo(10_000));
        Assert.That(Task.WhenAll(tasks).ContinueWith(_ => { }).Wait(TimeSpan.FromMinutes(2)), Is.True, "requests outstanding");
        var s = streamer.Stats();
        // A cancel reaches a request still waiting for its page; one already answered (a cache hit) keeps its page.
        Assert.That(tasks.Count(t => t.IsCanceled), Is.EqualTo(s.RequestsCancelled));
        Assert.That(s.RequestsCancelled, Is.InRange(1, 1000));
        Assert.That(tasks.Count(t => t.IsCompletedSuccessfully), Is.EqualTo(10_000 - s.RequestsCancelled));
        Assert.That(s.Requests, Is.EqualTo(10_000));
        Assert.That(s.PeakHostBytes, Is.LessThanOrEqualTo(1L << 20));
        Assert.That(s.PagesRendered, Is.EqualTo(gen.TilesRendered));
        streamer.Dispose();
        Assert.That(streamer.Stats().HostBytes, Is.Zero, "service bytes after dispose");
        Assert.That(gen.LiveLineSets, Is.Zero, "line sets not disposed");
        Assert.Throws<ObjectDisposedException>(() => streamer.Request(tex, new PageKey(0, 0, 0)));
    }

    [Test]
    public void HostPagesInRgbaFormatsHoldThePlanarPageEncodedAndCountTheirOwnBytes()
    {
        var (gen, tex) = Setup("public-tiny", 16, 4);
        var keys = Block(2, -1, -1, 2, 2).ToArray();
        Page[] planar;
        using (var f32 = new PageStreamer(gen)) planar = StreamingHarness.All(keys.Select(k => f32.Request(tex, k)));
        int n = tex.Layout.Texels * tex.Layout.Texels;
        foreach (var format in new[] { PageFormat.Rgba8, PageFormat.Rgba16F, PageFormat.Rgba32F })
        {
            using var streamer = new PageStreamer(new CountingGenerator(tex.Model), new StreamingOptions { HostPageFormat = format });
            var pages = StreamingHarness.All(keys.Select(k => streamer.Request(tex, k)));
            for (int p = 0; p < keys.Length; p++)
            {
                Assert.That((pages[p].Format, pages[p].Texels.Length, pages[p].Encoded.Length), Is.EqualTo((format, 0, n * format.BytesPerTexel())));
                var e = pages[p].Encoded;
                for (int i = 0; i < n; i++)
                    for (int c = 0; c < 3; c++)
                    {
                        float v = planar[p].Texels[c * n + i];
                        string what = $"{format} page {keys[p]} texel {i} channel {c}";
                        switch (format)
                        {
                            case PageFormat.Rgba8: Assert.That(e[4 * i + c], Is.EqualTo((byte)Math.Clamp(MathF.Floor(v * 127.5f + 128f), 0f, 255f)), what); break;
                            case PageFormat.Rgba16F: Assert.That(BitConverter.ToHalf(e, 8 * i + 2 * c), Is.EqualTo((Half)v), what); break;
                            default: Assert.That(BitConverter.ToSingle(e, 16 * i + 4 * c), Is.EqualTo(v), what); break;
                        }
                    }
            }
            var s = streamer.Stats();
            long lines = s.LineSetsComputed * streamer.Generator.LineBytesPerCoordinate * tex.Layout.Texels;
            Assert.That(s.HostBytes, Is.EqualTo(lines + keys.Length * format.PageBytes(tex.Layout)), $"{format}: resident pages count their encoded bytes");
            Assert.That(s.PeakHostBytes, Is.EqualTo(s.HostBytes + tex.Layout.PageBytes), $"{format}: plus one float buffer while a page is encoded");
        }
    }
}
