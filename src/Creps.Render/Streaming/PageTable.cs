namespace Creps.Render.Streaming;

/// <summary>
/// The page table of a <see cref="PageAtlas"/>: which atlas slot holds which page, as an open-addressing hash table of
/// 32-bit words laid out exactly as src/Creps.Shaders/page_table.glsl documents (header of 8 words, entries of 8 words,
/// linear probing, backward-shift deletion, load factor ≤ ½). This is the host copy; the atlas mirrors the entries
/// that changed into its device buffer in GPU order. <see cref="Probe"/> is the host twin of
/// <c>creps_page_slot</c>. Not thread-safe (the atlas locks around it).
/// </summary>
public sealed class PageTable
{
    public const uint Magic = 0x31545043;   // "CPT1"
    public const int HeaderWords = 8, EntryWords = 8;
    public const uint Empty = 0xFFFFFFFF;

    readonly uint[] _words;
    readonly int _mask;
    readonly SortedSet<int> _dirty = new();   // entry indices changed since the last TakeDirty
    bool _headerDirty = true;

    /// <summary>A table for <paramref name="slots"/> resident pages: capacity the power of two ≥ 2·slots (at least 16).</summary>
    public PageTable(int slots, PageLayout layout)
    {
        if (slots < 1) throw new ArgumentException($"a page table needs at least one slot, not {slots}");
        Capacity = (int)Math.Max(16, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)slots * 2));
        _mask = Capacity - 1;
        _words = new uint[HeaderWords + EntryWords * Capacity];
        _words[0] = Magic;
        _words[1] = (uint)Capacity;
        _words[2] = (uint)slots;
        _words[3] = (uint)layout.Texels;
        _words[4] = (uint)layout.Border;
        _words[5] = (uint)layout.PageSize;
        for (int i = 0; i < Capacity; i++) _words[HeaderWords + EntryWords * i + 6] = Empty;
    }

    /// <summary>Entries (a power of two).</summary>
    public int Capacity { get; }
    public int Count { get; private set; }
    /// <summary>Bytes of the whole table (header and entries): the device buffer's size.</summary>
    public long Bytes => _words.LongLength * sizeof(uint);
    /// <summary>The words as the device buffer holds them once every change has been mirrored.</summary>
    public ReadOnlySpan<uint> Words => _words;

    static uint Mix(uint h, uint v)
    {
        h = (h ^ v) * 0x9E3779B1u;
        return h ^ (h >> 15);
    }

    /// <summary><c>creps_page_hash</c>: the same arithmetic, word for word.</summary>
    public static uint Hash(uint textureId, PageKey key)
    {
        uint h = 0x811C9DC5u;
        h = Mix(h, textureId);
        h = Mix(h, (uint)key.Level);
        h = Mix(h, (uint)key.X);
        h = Mix(h, (uint)((ulong)key.X >> 32));
        h = Mix(h, (uint)key.Y);
        h = Mix(h, (uint)((ulong)key.Y >> 32));
        h ^= h >> 16;
        h *= 0x85EBCA6Bu;
        h ^= h >> 13;
        h *= 0xC2B2AE35u;
        h ^= h >> 16;
        return h;
    }

    /// <summary>
    /// <c>creps_page_slot</c> on the host, over any copy of a table's words (e.g. the device buffer read back): the
    /// slot of (texture, key), or −1 when it is not in the table.
    /// </summary>
    public static int Probe(ReadOnlySpan<uint> words, uint textureId, PageKey key)
    {
        if (words.Length < HeaderWords || words[0] != Magic) return -1;
        uint capacity = words[1];
        if (capacity == 0 || words.Length < HeaderWords + EntryWords * (long)capacity) return -1;
        uint mask = capacity - 1, i = Hash(textureId, key) & mask;
        for (uint n = 0; n < capacity; n++, i = (i + 1) & mask)
        {
            var e = words.Slice(HeaderWords + EntryWords * (int)i, EntryWords);
            if (e[6] == Empty) return -1;
            if (Matches(e, textureId, key)) return (int)e[6];
        }
        return -1;
    }

    static bool Matches(ReadOnlySpan<uint> e, uint textureId, PageKey key) =>
        e[0] == textureId && e[1] == (uint)key.Level && e[2] == (uint)key.X && e[3] == (uint)((ulong)key.X >> 32) &&
        e[4] == (uint)key.Y && e[5] == (uint)((ulong)key.Y >> 32);

    public int Find(uint textureId, PageKey key) => Probe(_words, textureId, key);

    /// <summary>Points (texture, key) at <paramref name="slot"/>, replacing the slot of an entry already there.</summary>
    public void Set(uint textureId, PageKey key, int slot)
    {
        if (slot < 0 || (uint)slot >= _words[2]) throw new ArgumentOutOfRangeException(nameof(slot), $"slot {slot} is outside 0..{_words[2] - 1}");
        for (int n = 0, i = (int)(Hash(textureId, key) & _mask); n < Capacity; n++, i = (i + 1) & _mask)
        {
            var e = Entry(i);
            if (e[6] != Empty && !Matches(e, textureId, key)) continue;
            if (e[6] == Empty)
            {
                if (Count + 1 > Capacity / 2) throw new InvalidOperationException($"page table full ({Count} of {Capacity} entries)");
                Count++;
                e[0] = textureId; e[1] = (uint)key.Level;
                e[2] = (uint)key.X; e[3] = (uint)((ulong)key.X >> 32);
                e[4] = (uint)key.Y; e[5] = (uint)((ulong)key.Y >> 32);
            }
            e[6] = (uint)slot;
            _dirty.Add(i);
            return;
        }
        throw new InvalidOperationException("page table full");
    }

    /// <summary>
    /// Removes (texture, key) if its entry names <paramref name="slot"/> (an invalidated page's replacement already took
    /// the entry over, so the old slot's release leaves it alone). Later entries of the probe run shift back.
    /// </summary>
    public bool Remove(uint textureId, PageKey key, int slot)
    {
        int i = (int)(Hash(textureId, key) & _mask);
        for (int n = 0; ; n++, i = (i + 1) & _mask)
        {
            if (n == Capacity || Entry(i)[6] == Empty) return false;
            if (Matches(Entry(i), textureId, key)) break;
        }
        if (Entry(i)[6] != (uint)slot) return false;
        // Backward-shift deletion: move each later entry of the run into the hole when its home lies at or before the hole.
        for (int j = i; ;)
        {
            j = (j + 1) & _mask;
            var ej = Entry(j);
            if (ej[6] == Empty) break;
            int home = (int)(Hash(ej[0], KeyOf(ej)) & _mask);
            bool movable = i <= j ? home <= i || home > j : home <= i && home > j;
            if (!movable) continue;
            ej.CopyTo(Entry(i));
            _dirty.Add(i);
            i = j;
        }
        var hole = Entry(i);
        hole.Clear();
        hole[6] = Empty;
        _dirty.Add(i);
        Count--;
        return true;
    }

    static PageKey KeyOf(ReadOnlySpan<uint> e) =>
        new((int)e[1], (long)((ulong)e[3] << 32 | e[2]), (long)((ulong)e[5] << 32 | e[4]));

    Span<uint> Entry(int i) => _words.AsSpan(HeaderWords + EntryWords * i, EntryWords);

    /// <summary>
    /// The word ranges changed since the last call (the header the first time), as (first word, word count), merged
    /// where adjacent: what the atlas copies into the device buffer.
    /// </summary>
    internal List<(int Word, int Count)> TakeDirty()
    {
        var ranges = new List<(int, int)>();
        if (_headerDirty) { ranges.Add((0, HeaderWords)); _headerDirty = false; }
        foreach (int i in _dirty)
        {
            int w = HeaderWords + EntryWords * i;
            if (ranges.Count > 0 && ranges[^1].Item1 + ranges[^1].Item2 == w) ranges[^1] = (ranges[^1].Item1, ranges[^1].Item2 + EntryWords);
            else ranges.Add((w, EntryWords));
        }
        _dirty.Clear();
        return ranges;
    }

    /// <summary>Marks every word changed (a device buffer that has just been created holds nothing yet).</summary>
    internal void MarkAllDirty()
    {
        _headerDirty = true;
        for (int i = 0; i < Capacity; i++) _dirty.Add(i);
    }
}
