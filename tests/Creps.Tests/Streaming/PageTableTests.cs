using Creps.Render.Streaming;

namespace Creps.Tests.Streaming;

/// <summary>The page table's open addressing against a dictionary: every key found, removed ones gone, runs intact after deletions.</summary>
public class PageTableTests
{
    [Test]
    public void InsertsAndDeletionsAgreeWithADictionaryThroughCollisions()
    {
        const int slots = 24;
        var table = new PageTable(slots, new PageLayout(16, 4));
        Assert.That(table.Capacity, Is.EqualTo(64));
        var rng = new Random(7);
        var truth = new Dictionary<(uint, PageKey), int>();
        var freeSlots = new Stack<int>(Enumerable.Range(0, slots));
        // Keys over a small space (many collisions) with 64-bit and negative indices.
        PageKey RandomKey() => new(rng.Next(0, 3), rng.Next(-6, 6) + (rng.Next(2) == 0 ? 0 : long.MinValue / 2), rng.Next(-6, 6));
        for (int step = 0; step < 5000; step++)
        {
            uint tex = (uint)rng.Next(1, 3);
            var key = RandomKey();
            if (truth.TryGetValue((tex, key), out int slot))
            {
                Assert.That(table.Remove(tex, key, slot + 1 == slots ? 0 : slot + 1), Is.False, "a removal naming another slot leaves the entry");
                Assert.That(table.Remove(tex, key, slot), Is.True);
                truth.Remove((tex, key));
                freeSlots.Push(slot);
            }
            else if (freeSlots.Count > 0)
            {
                int s = freeSlots.Pop();
                table.Set(tex, key, s);
                truth[(tex, key)] = s;
            }
            if (step % 97 == 0)
                foreach (var ((t, k), s) in truth)
                    Assert.That(PageTable.Probe(table.Words, t, k), Is.EqualTo(s), $"step {step}: {k} of texture {t}");
        }
        Assert.That(table.Count, Is.EqualTo(truth.Count));
        foreach (var ((t, k), s) in truth) Assert.That(table.Find(t, k), Is.EqualTo(s));
        Assert.That(table.Find(1, new PageKey(9, 1000, 1000)), Is.EqualTo(-1));
        Assert.That(table.Find(3, new PageKey(0, 0, 0)), Is.EqualTo(-1), "texture 3 was never inserted");
    }

    [Test]
    public void TheHeaderSaysTheLayoutAndEmptyEntriesAreMarked()
    {
        var table = new PageTable(5, new PageLayout(128, 4));
        var w = table.Words;
        Assert.That(w[0], Is.EqualTo(0x31545043u));
        Assert.That((w[1], w[2], w[3], w[4], w[5]), Is.EqualTo((16u, 5u, 136u, 4u, 128u)));
        Assert.That(w.Length, Is.EqualTo(8 + 8 * 16));
        for (int i = 0; i < 16; i++) Assert.That(w[8 + 8 * i + 6], Is.EqualTo(0xFFFFFFFFu));
        Assert.That(PageTable.Probe(w[..8], 1, new PageKey(0, 0, 0)), Is.EqualTo(-1), "a truncated table finds nothing");
    }
}
