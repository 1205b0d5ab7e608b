using Creps.Render.Vulkan;
using Silk.NET.Vulkan;
using Buffer = Silk.NET.Vulkan.Buffer;

namespace Creps.Render.Streaming;

/// <summary>
/// The device page atlas of a <see cref="PageStreamer"/> on Vulkan: one 2-D array image with one layer ("slot") per
/// resident page (<see cref="Side"/>² texels = <see cref="PageLayout.Texels"/>, border included), plus a page-table
/// buffer that says which slot holds which page, laid out as src/Creps.Shaders/page_table.glsl documents (look pages up
/// in a shader with <c>creps_page_slot</c>, on the host with <see cref="SlotOf"/> or <see cref="PageTable.Probe"/>).
/// A streamer made with an atlas renders Vulkan pages straight into their layer (no host round trip) and uploads pages
/// of other backends (the cpu backend: the fast path where Vulkan is lavapipe) through a staging buffer.
/// <para><b>Synchronisation contract</b> (for an engine sampling the atlas from its own command buffers):</para>
/// <list type="number">
/// <item>Every write to the atlas (a page's texels, by compute or copy, and page-table entries) is a command Creps submits
/// to <see cref="VulkanContext.Queue"/> of <see cref="Context"/> while holding <see cref="QueueLock"/>. Submit your
/// command buffers that read the atlas to that same queue, also while holding <see cref="QueueLock"/> (vkQueueSubmit
/// needs external synchronisation), or use <see cref="Submit"/>.</item>
/// <item>Each of those submissions begins with a barrier whose source scope is every command submitted before it
/// (ALL_COMMANDS, MEMORY_WRITE) and ends with one making its writes visible to every command submitted after it
/// (ALL_COMMANDS, MEMORY_READ | MEMORY_WRITE). So on this queue a frame of yours sees the atlas as of its submission:
/// you need no barrier, semaphore or fence of your own for the atlas, and a slot is overwritten only after every
/// frame submitted before the overwrite finished reading it.</item>
/// <item>Within one submission a slot's new texels are written before the table names the slot, and a page's table
/// entry is removed before (or in the same submission as, ahead of) the next write into its slot: a shader that finds a
/// slot through the table always reads the page the table names.</item>
/// <item>A slot you found on the host (<see cref="Page.AtlasSlot"/>, <see cref="SlotOf"/>) stays that page's only while
/// the page is resident: <see cref="PageStreamer.Pin"/> the pages a frame samples before recording it and unpin them
/// once the frame is submitted (on this queue submission order is enough; on another queue, after its fence).</item>
/// <item>The image is in GENERAL layout whenever no submission of Creps's is executing (sample it with a sampler2DArray over <see cref="View"/>, or read it as a
/// storage image); its layers hold nothing meaningful until a page lands there.</item>
/// </list>
/// Device memory: the image, the table and a staging buffer of <see cref="StagingPages"/> pages, each its own
/// allocation of exactly its size (<see cref="DeviceBytes"/>); a streamer counts them in its device budget. Thread-safe.
/// </summary>
public sealed unsafe class PageAtlas : IDisposable
{
    /// <summary>Pages the staging buffer holds at once (uploads beyond that wait for one to finish).</summary>
    public const int StagingPages = 2;

    readonly object _gate = new();
    readonly PageTable _table;
    readonly Stack<int> _free = new();
    readonly Dictionary<string, uint> _textureIds = new();
    readonly DeviceMemory _imageMemory;
    readonly ulong _imageBytes;
    readonly DedicatedBuffer? _tableBuffer, _staging;
    readonly byte* _stagingMapped;
    readonly SemaphoreSlim _stagingFree = new(StagingPages, StagingPages);
    readonly bool[] _stagingBusy = new bool[StagingPages];
    bool _disposed;

    public VulkanContext Context { get; }
    public PageLayout Layout { get; }
    public PageFormat PageFormat { get; }
    /// <summary>The image format: R16G16B16A16_SFLOAT (default), R32G32B32A32_SFLOAT or R8G8B8A8_UNORM.</summary>
    public Format Format { get; }
    /// <summary>Array layers of the image: the most pages resident at once.</summary>
    public int Slots { get; }
    /// <summary>Texels along a layer's side (page size plus both borders).</summary>
    public int Side => Layout.Texels;
    /// <summary>The 2-D array image (usage STORAGE | SAMPLED | TRANSFER_SRC | TRANSFER_DST, optimal tiling, one mip level).</summary>
    public Image Image { get; }
    /// <summary>A 2D_ARRAY view of every layer.</summary>
    public ImageView View { get; }
    /// <summary>The layout the image is always in.</summary>
    public ImageLayout ImageLayout => ImageLayout.General;
    /// <summary>The page-table storage buffer (page_table.glsl layout), device-local, <see cref="PageTableBytes"/> long.</summary>
    public Buffer PageTable { get; }
    public ulong PageTableBytes => (ulong)_table.Bytes;
    /// <summary>Entries of the table (a power of two, at least twice <see cref="Slots"/>).</summary>
    public int PageTableCapacity => _table.Capacity;
    /// <summary>Device memory this atlas allocated (image, table, staging), in bytes.</summary>
    public long DeviceBytes => (long)(_imageBytes + _tableBuffer!.AllocatedBytes + _staging!.AllocatedBytes);
    /// <summary>Hold this around every vkQueueSubmit of your own to <see cref="VulkanContext.Queue"/> (Creps submits under it).</summary>
    public object QueueLock => Context.Submissions.Gate;

    /// <summary>Bytes one slot needs at least (the image's texels; the driver may align the whole image up).</summary>
    public static long SlotBytes(PageLayout layout, PageFormat format) => format.PageBytes(layout);

    /// <summary>
    /// The most slots an atlas of this layout and format can have within <paramref name="budgetBytes"/> of device
    /// memory (texels, table and staging, before driver alignment; 0 when not even one fits).
    /// </summary>
    public static int SlotsFor(long budgetBytes, PageLayout layout, PageFormat format)
    {
        long slot = SlotBytes(layout, format), fixedBytes = StagingPages * slot;
        int lo = 0, hi = (int)Math.Min(2048, Math.Max(0, budgetBytes / slot));
        while (lo < hi)
        {
            int mid = (lo + hi + 1) / 2;
            if (mid * slot + fixedBytes + new PageTable(mid, layout).Bytes <= budgetBytes) lo = mid; else hi = mid - 1;
        }
        return lo;
    }

    /// <summary>
    /// An atlas of <paramref name="slots"/> pages of <paramref name="layout"/> on <paramref name="context"/>'s device.
    /// Throws ArgumentException for a slot count outside 1..maxImageArrayLayers or a format the device cannot store to.
    /// </summary>
    public PageAtlas(VulkanContext context, PageLayout layout, int slots, PageFormat format = PageFormat.Rgba16F)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(layout);
        Context = context; Layout = layout; PageFormat = format; Format = format.VulkanFormat();
        uint maxLayers = context.Limits.MaxImageArrayLayers;
        if (slots < 1 || slots > maxLayers) throw new ArgumentException($"page atlas slots {slots} is outside 1..{maxLayers} (the device's maxImageArrayLayers)");
        Slots = slots;
        var vk = context.Vk;
        FormatProperties fp;
        vk.GetPhysicalDeviceFormatProperties(context.PhysicalDevice, Format, &fp);
        var need = FormatFeatureFlags.StorageImageBit | FormatFeatureFlags.SampledImageBit | FormatFeatureFlags.TransferDstBit | FormatFeatureFlags.TransferSrcBit;
        if ((fp.OptimalTilingFeatures & need) != need) throw new ArgumentException($"{context.DeviceName} cannot use {Format} as a storage and sampled image (page format {format})");
        _table = new PageTable(slots, layout);
        for (int s = slots - 1; s >= 0; s--) _free.Push(s);
        try
        {
            var info = new ImageCreateInfo(imageType: ImageType.Type2D, format: Format, extent: new Extent3D((uint)Side, (uint)Side, 1),
                mipLevels: 1, arrayLayers: (uint)slots, samples: SampleCountFlags.Count1Bit, tiling: ImageTiling.Optimal,
                usage: ImageUsageFlags.StorageBit | ImageUsageFlags.SampledBit | ImageUsageFlags.TransferSrcBit | ImageUsageFlags.TransferDstBit,
                sharingMode: SharingMode.Exclusive, initialLayout: ImageLayout.Undefined);
            Image image;
            VulkanException.Check(vk.CreateImage(context.Device, &info, null, &image), "vkCreateImage (page atlas)");
            Image = image;
            MemoryRequirements req;
            vk.GetImageMemoryRequirements(context.Device, image, &req);
            _imageMemory = Allocate(req, MemoryPropertyFlags.DeviceLocalBit, out _imageBytes);
            VulkanException.Check(vk.BindImageMemory(context.Device, image, _imageMemory, 0), "vkBindImageMemory (page atlas)");
            var viewInfo = new ImageViewCreateInfo(image: image, viewType: ImageViewType.Type2DArray, format: Format,
                subresourceRange: new ImageSubresourceRange(ImageAspectFlags.ColorBit, 0, 1, 0, (uint)slots));
            ImageView view;
            VulkanException.Check(vk.CreateImageView(context.Device, &viewInfo, null, &view), "vkCreateImageView (page atlas)");
            View = view;
            _tableBuffer = new DedicatedBuffer(context, (ulong)_table.Bytes, BufferUsageFlags.StorageBufferBit | BufferUsageFlags.TransferDstBit | BufferUsageFlags.TransferSrcBit,
                MemoryPropertyFlags.DeviceLocalBit, "page table");
            PageTable = _tableBuffer.Handle;
            _staging = DedicatedBuffer.HostVisible(context, (ulong)(StagingPages * SlotBytes(layout, format)), BufferUsageFlags.TransferSrcBit, "page atlas staging");
            _stagingMapped = (byte*)_staging.Mapped;
            // Every layer to GENERAL for good, and the whole (empty) table onto the device.
            context.Submissions.SubmitAndWait(cmd =>
            {
                var b = new ImageMemoryBarrier(srcAccessMask: AccessFlags.None, dstAccessMask: AccessFlags.MemoryReadBit | AccessFlags.MemoryWriteBit,
                    oldLayout: ImageLayout.Undefined, newLayout: ImageLayout.General, srcQueueFamilyIndex: Vk.QueueFamilyIgnored,
                    dstQueueFamilyIndex: Vk.QueueFamilyIgnored, image: Image, subresourceRange: new ImageSubresourceRange(ImageAspectFlags.ColorBit, 0, 1, 0, (uint)slots));
                vk.CmdPipelineBarrier(cmd, PipelineStageFlags.TopOfPipeBit, PipelineStageFlags.AllCommandsBit, 0, 0, null, 0, null, 1, &b);
                lock (_gate) FlushTable(cmd);
                Release(cmd);
            });
        }
        catch
        {
            DestroyObjects();
            throw;
        }
    }

    // ---- what consumers use ----

    /// <summary>
    /// The id the page table (and <c>creps_page_slot</c>) knows <paramref name="texture"/> by: 1, 2, … in order of
    /// first use, stable for the atlas's life. Registers the texture if new.
    /// </summary>
    public uint TextureId(TextureDescription texture)
    {
        ArgumentNullException.ThrowIfNull(texture);
        lock (_gate)
        {
            if (!_textureIds.TryGetValue(texture.ContentKey, out uint id)) _textureIds.Add(texture.ContentKey, id = (uint)_textureIds.Count + 1);
            return id;
        }
    }

    /// <summary>
    /// The slot holding (texture, key) in the host copy of the table, or −1: what the GPU sees once the work Creps
    /// has submitted so far has executed (the device table may still show the previous state to earlier work).
    /// </summary>
    public int SlotOf(TextureDescription texture, PageKey key)
    {
        uint id = TextureId(texture);
        lock (_gate) return _table.Find(id, key);
    }

    /// <summary>Pages resident in the atlas now (entries of the host table).</summary>
    public int ResidentPages { get { lock (_gate) return _table.Count; } }

    /// <summary>
    /// Records with <paramref name="record"/> and submits to the atlas's queue under <see cref="QueueLock"/>, returning at
    /// once: an engine's frame that samples the atlas, in queue order with Creps's writes.
    /// </summary>
    public GpuSubmission Submit(Action<CommandBuffer> record) => Context.Submissions.Submit(record);

    /// <summary>
    /// Looks the keys up on the device with page_table.glsl's <c>creps_page_slot</c> over the device table (blocking):
    /// for tests and debugging — the very lookup a consumer's shader runs. −1 for keys not resident.
    /// </summary>
    public int[] ProbeOnDevice(ReadOnlySpan<(TextureDescription Texture, PageKey Key)> keys)
    {
        var q = new (uint, PageKey)[keys.Length];
        for (int i = 0; i < keys.Length; i++) q[i] = (TextureId(keys[i].Texture), keys[i].Key);
        return PageTableProbe.Run(this, q);
    }

    /// <summary>The device page table's words, read back (blocking): for tests and debugging.</summary>
    public uint[] ReadPageTable()
    {
        var bytes = ReadBack((ulong)_table.Bytes, (cmd, dst) =>
        {
            var region = new BufferCopy(0, 0, (ulong)_table.Bytes);
            Context.Vk.CmdCopyBuffer(cmd, PageTable, dst, 1, &region);
        });
        var words = new uint[_table.Bytes / 4];
        System.Buffer.BlockCopy(bytes, 0, words, 0, bytes.Length);
        return words;
    }

    /// <summary>One slot's texels as stored (interleaved RGBA in <see cref="Format"/>, rows top to bottom), read back (blocking).</summary>
    public byte[] ReadSlot(int slot)
    {
        CheckSlot(slot);
        ulong size = (ulong)SlotBytes(Layout, PageFormat);
        return ReadBack(size, (cmd, dst) =>
        {
            var region = new BufferImageCopy(0, 0, 0, new ImageSubresourceLayers(ImageAspectFlags.ColorBit, 0, (uint)slot, 1),
                new Offset3D(0, 0, 0), new Extent3D((uint)Side, (uint)Side, 1));
            LayerLayout(cmd, slot, ImageLayout.General, ImageLayout.TransferSrcOptimal);
            Context.Vk.CmdCopyImageToBuffer(cmd, Image, ImageLayout.TransferSrcOptimal, dst, 1, &region);
            LayerLayout(cmd, slot, ImageLayout.TransferSrcOptimal, ImageLayout.General);
        });
    }

    // ---- what the streamer uses (under its own lock; ours is innermost) ----

    /// <summary>A free slot, or −1 when every slot holds a page.</summary>
    internal int TakeSlot()
    {
        lock (_gate) return _free.Count > 0 ? _free.Pop() : -1;
    }

    internal int FreeSlots { get { lock (_gate) return _free.Count; } }

    /// <summary>
    /// The slot no longer holds (texture, key) — evicted, replaced or never published: its table entry goes (in GPU order
    /// before the slot's next write) and the slot is free for another page.
    /// </summary>
    internal void Release(int slot, uint textureId, PageKey key)
    {
        lock (_gate)
        {
            _table.Remove(textureId, key, slot);
            _free.Push(slot);
        }
    }

    /// <summary>Where a Vulkan generator renders the page of <paramref name="slot"/>: its layer, GENERAL before and after.</summary>
    internal VulkanImageTarget Target(int slot) => new(Image, Format, Side, Side, ImageLayout.General, ImageLayout.General)
    {
        ArrayLayer = slot,
        WaitStages = PipelineStageFlags.AllCommandsBit, WaitAccess = AccessFlags.MemoryWriteBit,
        ThenStages = PipelineStageFlags.AllCommandsBit, ThenAccess = AccessFlags.MemoryReadBit | AccessFlags.MemoryWriteBit,
    };

    /// <summary>
    /// Opens a submission that writes the atlas: waits for every earlier command of the queue (they may still sample
    /// the slot about to be written), then mirrors pending table changes (removals of evicted pages).
    /// </summary>
    internal void RecordBeforeWrite(CommandBuffer cmd)
    {
        Acquire(cmd);
        lock (_gate) FlushTable(cmd);
    }

    /// <summary>
    /// Closes a submission that wrote the texels of (texture, key) into <paramref name="slot"/>: the table names the
    /// slot only after those writes, and everything submitted later sees both.
    /// </summary>
    internal void RecordPublish(CommandBuffer cmd, uint textureId, PageKey key, int slot)
    {
        var vk = Context.Vk;
        var mb = new MemoryBarrier(srcAccessMask: AccessFlags.ShaderWriteBit | AccessFlags.TransferWriteBit, dstAccessMask: AccessFlags.TransferWriteBit);
        vk.CmdPipelineBarrier(cmd, PipelineStageFlags.ComputeShaderBit | PipelineStageFlags.TransferBit, PipelineStageFlags.TransferBit, 0, 1, &mb, 0, null, 0, null);
        lock (_gate)
        {
            _table.Set(textureId, key, slot);
            FlushTable(cmd);
        }
        Release(cmd);
    }

    /// <summary>
    /// Uploads planar float32 texels of (texture, key) into <paramref name="slot"/> through the staging buffer, encoded
    /// in the atlas format by the bake's texel encoder, and publishes the table entry; returns once the GPU finished.
    /// </summary>
    internal void Upload(ReadOnlySpan<float> planar, uint textureId, PageKey key, int slot)
    {
        CheckSlot(slot);
        long bytes = SlotBytes(Layout, PageFormat);
        if (planar.Length != 3L * Side * Side) throw new ArgumentException($"a page of {Side}² texels needs {3L * Side * Side} floats, not {planar.Length}");
        _stagingFree.Wait();
        int part;
        lock (_gate) { part = Array.IndexOf(_stagingBusy, false); _stagingBusy[part] = true; }
        try
        {
            PageFormat.Encode(planar, Side, new Span<byte>(_stagingMapped + part * bytes, (int)bytes));
            Context.Submissions.SubmitAndWait(cmd =>
            {
                RecordBeforeWrite(cmd);
                var region = new BufferImageCopy((ulong)(part * bytes), 0, 0, new ImageSubresourceLayers(ImageAspectFlags.ColorBit, 0, (uint)slot, 1),
                    new Offset3D(0, 0, 0), new Extent3D((uint)Side, (uint)Side, 1));
                LayerLayout(cmd, slot, ImageLayout.General, ImageLayout.TransferDstOptimal);
                Context.Vk.CmdCopyBufferToImage(cmd, _staging!.Handle, Image, ImageLayout.TransferDstOptimal, 1, &region);
                LayerLayout(cmd, slot, ImageLayout.TransferDstOptimal, ImageLayout.General);
                RecordPublish(cmd, textureId, key, slot);
            });
        }
        finally
        {
            lock (_gate) _stagingBusy[part] = false;
            _stagingFree.Release();
        }
    }

    /// <summary>Submits the pending table changes (evictions) now, so the device table stops naming evicted pages.</summary>
    internal void FlushPending()
    {
        Context.Submissions.SubmitAndWait(cmd =>
        {
            Acquire(cmd);
            lock (_gate) FlushTable(cmd);
            Release(cmd);
        });
    }

    // ---- internals ----

    void CheckSlot(int slot)
    {
        if (slot < 0 || slot >= Slots) throw new ArgumentOutOfRangeException(nameof(slot), $"slot {slot} is outside 0..{Slots - 1}");
    }

    /// <summary>
    /// One layer to a transfer layout and back, inside a submission of ours (copies in GENERAL draw performance
    /// warnings): ordered after what came before in the submission and before what follows.
    /// </summary>
    void LayerLayout(CommandBuffer cmd, int slot, ImageLayout from, ImageLayout to)
    {
        var access = AccessFlags.TransferReadBit | AccessFlags.TransferWriteBit;
        var b = new ImageMemoryBarrier(srcAccessMask: access | AccessFlags.ShaderWriteBit, dstAccessMask: access | AccessFlags.ShaderReadBit | AccessFlags.ShaderWriteBit,
            oldLayout: from, newLayout: to, srcQueueFamilyIndex: Vk.QueueFamilyIgnored, dstQueueFamilyIndex: Vk.QueueFamilyIgnored, image: Image,
            subresourceRange: new ImageSubresourceRange(ImageAspectFlags.ColorBit, 0, 1, (uint)slot, 1));
        var stages = PipelineStageFlags.TransferBit | PipelineStageFlags.ComputeShaderBit;
        Context.Vk.CmdPipelineBarrier(cmd, stages, stages, 0, 0, null, 0, null, 1, &b);
    }

    /// <summary>Everything submitted before (any stage, any write) happens before this submission's atlas writes.</summary>
    void Acquire(CommandBuffer cmd)
    {
        var mb = new MemoryBarrier(srcAccessMask: AccessFlags.MemoryWriteBit,
            dstAccessMask: AccessFlags.TransferWriteBit | AccessFlags.TransferReadBit | AccessFlags.ShaderWriteBit | AccessFlags.ShaderReadBit);
        Context.Vk.CmdPipelineBarrier(cmd, PipelineStageFlags.AllCommandsBit, PipelineStageFlags.TransferBit | PipelineStageFlags.ComputeShaderBit,
            0, 1, &mb, 0, null, 0, null);
    }

    /// <summary>This submission's atlas writes are visible to everything submitted after it.</summary>
    void Release(CommandBuffer cmd)
    {
        var mb = new MemoryBarrier(srcAccessMask: AccessFlags.TransferWriteBit | AccessFlags.ShaderWriteBit,
            dstAccessMask: AccessFlags.MemoryReadBit | AccessFlags.MemoryWriteBit);
        Context.Vk.CmdPipelineBarrier(cmd, PipelineStageFlags.TransferBit | PipelineStageFlags.ComputeShaderBit, PipelineStageFlags.AllCommandsBit,
            0, 1, &mb, 0, null, 0, null);
    }

    /// <summary>vkCmdUpdateBuffer of every changed word range (at most 65 536 bytes a command). Call under _gate.</summary>
    void FlushTable(CommandBuffer cmd)
    {
        var words = _table.Words;
        foreach (var (word, count) in _table.TakeDirty())
            for (int w = word; w < word + count; w += 16384)
            {
                int n = Math.Min(16384, word + count - w);
                fixed (uint* p = &words[w]) Context.Vk.CmdUpdateBuffer(cmd, PageTable, (ulong)w * 4, (ulong)n * 4, p);
            }
    }

    byte[] ReadBack(ulong size, Action<CommandBuffer, Buffer> copy)
    {
        using var dst = DedicatedBuffer.HostVisible(Context, size, BufferUsageFlags.TransferDstBit, "page atlas readback");
        Context.Submissions.SubmitAndWait(cmd =>
        {
            Acquire(cmd);
            copy(cmd, dst.Handle);
            var toHost = new MemoryBarrier(srcAccessMask: AccessFlags.TransferWriteBit, dstAccessMask: AccessFlags.HostReadBit);
            Context.Vk.CmdPipelineBarrier(cmd, PipelineStageFlags.TransferBit, PipelineStageFlags.HostBit, 0, 1, &toHost, 0, null, 0, null);
        });
        return dst.Bytes.ToArray();
    }

    DeviceMemory Allocate(MemoryRequirements req, MemoryPropertyFlags want, out ulong bytes)
    {
        int type = Context.MemoryType(req.MemoryTypeBits, want);
        if (type < 0 && want == MemoryPropertyFlags.DeviceLocalBit) type = Context.MemoryType(req.MemoryTypeBits, MemoryPropertyFlags.None);
        if (type < 0) throw new VulkanException($"vkAllocateMemory (no memory type with {want} for the page atlas)", Result.ErrorFeatureNotPresent);
        var info = new MemoryAllocateInfo(allocationSize: req.Size, memoryTypeIndex: (uint)type);
        DeviceMemory mem;
        VulkanException.Check(Context.Vk.AllocateMemory(Context.Device, &info, null, &mem), $"vkAllocateMemory ({req.Size} bytes, page atlas)");
        bytes = req.Size;
        return mem;
    }

    void DestroyObjects()
    {
        var vk = Context.Vk; var dev = Context.Device;
        if (View.Handle != 0) vk.DestroyImageView(dev, View, null);
        if (Image.Handle != 0) vk.DestroyImage(dev, Image, null);
        _tableBuffer?.Dispose();
        _staging?.Dispose();
        if (_imageMemory.Handle != 0) vk.FreeMemory(dev, _imageMemory, null);
    }

    /// <summary>
    /// Waits until the queue is idle of Creps's work on the atlas, then destroys the image, view, table and staging
    /// buffer. Dispose the streamer first; your own work that samples the atlas must have finished.
    /// </summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
        }
        lock (QueueLock) VulkanException.Check(Context.Vk.QueueWaitIdle(Context.Queue), "vkQueueWaitIdle (page atlas)");
        DestroyObjects();
        _stagingFree.Dispose();
    }
}
