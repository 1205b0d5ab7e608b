using Creps.Render.Cpu;
using Creps.Render.Latents;
using Creps.Render.Model;
using Silk.NET.Vulkan;

namespace Creps.Render.Vulkan;

/// <summary>Settings of a <see cref="VulkanGenerator"/>.</summary>
public sealed record VulkanGeneratorOptions
{
    /// <summary>Device memory the generator may hold (weights, styles, scratch, lines, tile images); the caller's image is extra.</summary>
    public long BudgetBytes { get; init; } = 256L << 20;
    /// <summary>Smallest budget: the pool holds memory in blocks, one device-local and one host-visible at least.</summary>
    public const long MinBudgetBytes = 2 * (long)DeviceMemoryPool.BlockSize;
    /// <summary>Largest tile side (pixels) of one pixel-pass dispatch; a multiple of 64.</summary>
    public int MaxTile { get; init; } = 1024;
    /// <summary>
    /// Run the per-pixel pass in float16 (needs shaderFloat16; the line pass stays float32). Faster on GPUs with
    /// fast half arithmetic; the error it adds is measured in tests/…/Vulkan/Fp16Tests and BENCHMARKS.md.
    /// </summary>
    public bool Fp16 { get; init; }
}

/// <summary>
/// The Vulkan compute backend. Per latent: styles and demodulation, cached in device slots. Per distinct row and column:
/// the line pass (batched GEMMs), once. Per pixel: one fused pass writing straight into a storage image (the caller's
/// VkImage, or our own tile image read back to host memory). Large outputs go in bands and tiles within the budget.
/// Calls are serialised (one at a time per generator).
/// </summary>
public sealed unsafe class VulkanGenerator : ITiledGenerator<VulkanLines>
{
    readonly VulkanContext _ctx;
    readonly bool _ownsContext;
    readonly DeviceMemoryPool _pool;
    readonly DeviceModel _model;
    readonly Kernels _kernels;
    readonly GpuBuffer _dummy;
    readonly DeviceStyles _styles;
    readonly LinePassRecorder _lines;
    readonly object _gate = new();
    bool _disposed;

    public CrepsModel Model { get; }
    public VulkanGeneratorOptions Options { get; }
    public VulkanContext Context => _ctx;
    public string Name => "vulkan";
    public string DeviceDescription => _ctx + (Options.Fp16 ? ", float16 pixel pass" : "");
    /// <summary>Device memory held by this generator now, and the most it ever held (block granularity).</summary>
    public ulong DeviceBytes => _pool.HeldBytes;
    public ulong PeakDeviceBytes => _pool.PeakBytes;

    /// <summary>Creates a generator on <paramref name="context"/> (kept open on dispose), or on a new context of its own.</summary>
    public VulkanGenerator(CrepsModel model, VulkanContext? context = null, VulkanGeneratorOptions? options = null)
        : this(model, context, options, ownsContext: context == null) { }

    VulkanGenerator(CrepsModel model, VulkanContext? context, VulkanGeneratorOptions? options, bool ownsContext)
    {
        Model = model;
        Options = options ?? new VulkanGeneratorOptions();
        if (Options.MaxTile < 64 || Options.MaxTile % 64 != 0) throw new ArgumentException($"MaxTile {Options.MaxTile} must be a positive multiple of 64");
        if (Options.BudgetBytes < VulkanGeneratorOptions.MinBudgetBytes)
            throw new RenderLimitException($"a device-memory budget of {RenderLimits.Bytes(Options.BudgetBytes)} is below the minimum of {RenderLimits.Bytes(VulkanGeneratorOptions.MinBudgetBytes)} " +
                                           $"(the allocator holds blocks of {RenderLimits.Bytes((long)DeviceMemoryPool.BlockSize)}: one device-local, one host-visible)");
        _ownsContext = ownsContext;
        _ctx = context ?? VulkanContext.Create();
        try
        {
            _pool = new DeviceMemoryPool(_ctx);
            var packed = new CpuModel(model);
            _model = new DeviceModel(_ctx, _pool, packed);
            var c = model.Config;
            if (Options.Fp16 && !_ctx.Float16) throw new BackendUnavailableException($"{_ctx}: no shaderFloat16, so no float16 per-pixel pass");
            _kernels = _ctx.Shared($"kernels:{c.InputChannels}:{c.Rank}:{_model.BPad}:{c.StageCount}:{(Options.Fp16 ? "fp16" : "fp32")}",
                () => new Kernels(_ctx, c.InputChannels, c.Rank, _model.BPad, c.StageCount, Options.Fp16));
            _dummy = new GpuBuffer(_ctx, _pool, 256, hostVisible: false);
            var zero = new Latent(new float[c.NumWs * c.WDim], c.NumWs, c.WDim);
            _styles = new DeviceStyles(_ctx, _pool, _model, zero);
            _lines = new LinePassRecorder(_ctx, _pool, _kernels, _model, _styles, _dummy);
        }
        catch
        {
            DisposeParts();
            throw;
        }
    }

    /// <summary>A generator on a context of its own, set up as <paramref name="options"/> says (device, validation, budget, fp16).</summary>
    public static VulkanGenerator Create(CrepsModel model, BackendOptions options)
    {
        var context = VulkanContext.Create(new VulkanContextOptions
        {
            Device = options.Device, Validation = options.Validation, SyncValidation = options.SyncValidation,
        });
        try
        {
            var generatorOptions = new VulkanGeneratorOptions { Fp16 = options.Fp16 };
            if (options.DeviceBudgetBytes > 0) generatorOptions = generatorOptions with { BudgetBytes = options.DeviceBudgetBytes };
            return new VulkanGenerator(model, context, generatorOptions, ownsContext: true);
        }
        catch { context.Dispose(); throw; }
    }

    /// <summary>The line pass for one axis: reuse the result for every tile that shares these coordinates.</summary>
    public VulkanLines ComputeLines(Latent latent, ReadOnlySpan<double> coords, Axis axis)
    {
        RenderArgs.CheckCoords(coords, axis == Axis.Rows ? "rows" : "columns");
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            int slot = _styles.Slot(latent);
            using var frame = new Frame(_kernels);
            var lines = NewLines(axis, coords.Length);
            try
            {
                var copy = coords.ToArray();
                _ctx.Submit(cmd => _lines.Record(cmd, frame, slot, copy, 0, copy.Length, axis, lines, _pool));
            }
            catch { lines.Dispose(); throw; }
            return lines;
        }
    }

    readonly HashSet<VulkanLines> _liveLines = new();

    VulkanLines NewLines(Axis axis, int count)
    {
        var lines = new VulkanLines(this, new GpuBuffer(_ctx, _pool, LinePassRecorder.LinesBytes(_model, count), hostVisible: false), axis, count);
        lock (_liveLines) _liveLines.Add(lines);
        return lines;
    }

    /// <summary>Frees a lines object's device memory (once; lines still alive at disposal are freed with the generator).</summary>
    internal void Release(VulkanLines lines)
    {
        lock (_liveLines) if (!_liveLines.Remove(lines)) return;
        lines.Buffer.Dispose();
    }

    /// <summary>
    /// Pixels of rows [r0, r0+nr) × columns [c0, c0+nc) of precomputed lines into <paramref name="dst"/>
    /// (planar float [3][dstH][dstW]) at (dy, dx), through a tile image read back to host memory.
    /// </summary>
    public void RenderTile(Latent latent, VulkanLines rows, int r0, int nr, VulkanLines cols, int c0, int nc,
        float[] dst, int dstW, int dstH, int dy, int dx)
    {
        CheckTile(rows, r0, nr, cols, c0, nc);
        if (dy < 0 || dx < 0 || dy + nr > dstH || dx + nc > dstW || dst.LongLength < 3L * dstW * dstH)
            throw new ArgumentOutOfRangeException(nameof(dst), "tile lies outside the destination");
        if (nr == 0 || nc == 0) return;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            int slot = _styles.Slot(latent);
            ReadBack(slot, rows, r0, nr, cols, c0, nc, dst, dstW, dstH, dy, dx);
        }
    }

    /// <summary>The same tile written into the caller's image at (dy, dx) (see <see cref="VulkanImageTarget"/> for the contract).</summary>
    public void RenderTile(Latent latent, VulkanLines rows, int r0, int nr, VulkanLines cols, int c0, int nc, VulkanImageTarget target, int dy, int dx)
    {
        CheckTile(rows, r0, nr, cols, c0, nc);
        target.Validate();
        if (dy < 0 || dx < 0 || dy + nr > target.Height || dx + nc > target.Width)
            throw new ArgumentOutOfRangeException(nameof(target), "tile lies outside the target image");
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            int slot = _styles.Slot(latent);
            using var frame = new Frame(_kernels);
            var imageSet = frame.Set(_kernels.ImageSet(frame.Own(new ImageViewHandle(_ctx, target.Image, target.Format)).View));
            _ctx.Submit(cmd =>
            {
                Transition(cmd, target.Image, target.OldLayout, ImageLayout.General);
                RecordPixels(cmd, frame, slot, rows, r0, nr, cols, c0, nc, imageSet, dy, dx, target.Format == Format.R8G8B8A8Unorm);
                Transition(cmd, target.Image, ImageLayout.General, target.NewLayout);
            });
        }
    }

    void CheckTile(VulkanLines rows, int r0, int nr, VulkanLines cols, int c0, int nc)
    {
        if (rows.Owner != this || cols.Owner != this) throw new ArgumentException("lines were computed by another generator");
        if (rows.Axis != Axis.Rows || cols.Axis != Axis.Cols) throw new ArgumentException("pass row lines then column lines");
        if (r0 < 0 || nr < 0 || r0 + nr > rows.Count || c0 < 0 || nc < 0 || c0 + nc > cols.Count)
            throw new ArgumentOutOfRangeException(nameof(nr), "tile lies outside the computed lines");
    }

    public float[] Render(Latent latent, ReadOnlySpan<double> rows, ReadOnlySpan<double> cols)
    {
        RenderArgs.CheckCoords(rows, "rows");
        RenderArgs.CheckCoords(cols, "columns");
        RenderArgs.CheckSize(rows.Length, cols.Length);
        int h = rows.Length, w = cols.Length;
        var img = new float[3L * h * w];
        // Each band's lines ride in the command buffer of its first readback tile: one submission less per band.
        ForEachBand(latent, rows.ToArray(), cols.ToArray(), readback: true, band =>
            ReadBack(band.Slot, band.RowLines, 0, band.Height, band.ColLines, 0, w, img, w, h, band.R0, 0, band.Side, band.RecordLines));
        return img;
    }

    /// <summary>
    /// Renders rows × cols into the caller's image at (dy, dx): bands of rows within the budget, each band's row lines
    /// and pixels in one submission (the column lines once, with the first band). See <see cref="VulkanImageTarget"/>.
    /// </summary>
    public void RenderInto(Latent latent, ReadOnlySpan<double> rows, ReadOnlySpan<double> cols, VulkanImageTarget target, int dy = 0, int dx = 0)
    {
        RenderArgs.CheckCoords(rows, "rows");
        RenderArgs.CheckCoords(cols, "columns");
        target.Validate();
        int h = rows.Length, w = cols.Length;
        if (dy < 0 || dx < 0 || dy + h > target.Height || dx + w > target.Width)
            throw new ArgumentOutOfRangeException(nameof(target), $"a {w}x{h} render at ({dx},{dy}) does not fit the {target.Width}x{target.Height} target");
        var rowArr = rows.ToArray();
        var colArr = cols.ToArray();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var view = new ImageViewHandle(_ctx, target.Image, target.Format);
            using var imageFrame = new Frame(_kernels);
            var imageSet = imageFrame.Set(_kernels.ImageSet(view.View));
            ForEachBand(latent, rowArr, colArr, readback: false, band => _ctx.Submit(cmd =>
            {
                band.RecordLines(cmd);
                Transition(cmd, target.Image, band.First ? target.OldLayout : ImageLayout.General, ImageLayout.General);
                RecordPixels(cmd, band.Frame, band.Slot, band.RowLines, 0, band.Height, band.ColLines, 0, w, imageSet, dy + band.R0, dx,
                    target.Format == Format.R8G8B8A8Unorm);
                if (band.Last) Transition(cmd, target.Image, ImageLayout.General, target.NewLayout);
            }));
        }
    }

    /// <summary>One band of rows of a whole-image render; <see cref="RecordLines"/> records its line passes into a command buffer.</summary>
    readonly record struct Band(int Slot, int R0, int Height, int Side, bool First, bool Last, VulkanLines RowLines, VulkanLines ColLines,
        Frame Frame, Action<CommandBuffer> RecordLines);

    /// <summary>
    /// The band loop that Render and RenderInto share: the largest band the budget allows, the column lines once (recorded
    /// with the first band), fresh row lines per band; <paramref name="body"/> must submit (and so wait for) its work.
    /// Takes the generator's lock (re-entrant, so callers may already hold it).
    /// </summary>
    void ForEachBand(Latent latent, double[] rows, double[] cols, bool readback, Action<Band> body)
    {
        int h = rows.Length, w = cols.Length;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            int side = PlanTile(w, readback);
            int slot = _styles.Slot(latent);
            using var colLines = NewLines(Axis.Cols, w);
            for (int r0 = 0; r0 < h; r0 += side)
            {
                int start = r0, bh = Math.Min(side, h - r0);
                bool first = r0 == 0;
                using var rowLines = NewLines(Axis.Rows, bh);
                using var frame = new Frame(_kernels);
                body(new Band(slot, r0, bh, side, first, r0 + bh >= h, rowLines, colLines, frame, cmd =>
                {
                    if (first) _lines.Record(cmd, frame, slot, cols, 0, w, Axis.Cols, colLines, _pool);
                    _lines.Record(cmd, frame, slot, rows, start, bh, Axis.Rows, rowLines, _pool);
                }));
            }
        }
    }

    /// <summary>
    /// Largest band/tile side (a multiple of 64, at most MaxTile) whose working set fits the budget next to the
    /// model, styles, scratch and the column lines of <paramref name="width"/> columns.
    /// </summary>
    int PlanTile(int width, bool readback)
    {
        ulong budget = (ulong)Options.BudgetBytes;
        ulong fixedBytes = _model.Buffer.Size + _styles.Buffer.Size + LinePassRecorder.ScratchBytes(_model) + LinePassRecorder.LinesBytes(_model, width);
        for (int t = Options.MaxTile; t >= 64; t -= 64)
        {
            ulong tileBytes = LinePassRecorder.LinesBytes(_model, t) + (readback ? 2ul * (ulong)t * (ulong)Math.Min(t, width) * 16 : 0);
            if (fixedBytes + tileBytes <= budget) return t;
        }
        throw RenderLimitException.Over($"{width} columns (weights, styles, scratch, column lines and one 64-pixel tile)", "device memory",
            (long)(fixedBytes + LinePassRecorder.LinesBytes(_model, 64)), Options.BudgetBytes, "raise the budget or render a narrower region");
    }

    /// <summary>
    /// Renders a tile in sub-tiles of at most <paramref name="maxTile"/>² through our own RGBA32F image and a readback buffer;
    /// <paramref name="prelude"/> (the lines the tile reads) is recorded at the start of the first sub-tile's submission.
    /// </summary>
    void ReadBack(int slot, VulkanLines rows, int r0, int nr, VulkanLines cols, int c0, int nc, float[] dst, int dstW, int dstH, int dy, int dx,
        int maxTile = 0, Action<CommandBuffer>? prelude = null)
    {
        int t = maxTile > 0 ? maxTile : Options.MaxTile;
        int th = Math.Min(t, nr), tw = Math.Min(t, nc);
        var (image, staging, imageSet) = ReadbackTarget(th, tw);
        long plane = (long)dstW * dstH;
        for (int i0 = 0; i0 < nr; i0 += th)
            for (int j0 = 0; j0 < nc; j0 += tw)
            {
                int h = Math.Min(th, nr - i0), w = Math.Min(tw, nc - j0);
                using var frame = new Frame(_kernels);
                var before = prelude;
                prelude = null;
                _ctx.Submit(cmd =>
                {
                    before?.Invoke(cmd);
                    Transition(cmd, image.Image, ImageLayout.Undefined, ImageLayout.General);
                    RecordPixels(cmd, frame, slot, rows, r0 + i0, h, cols, c0 + j0, w, imageSet, 0, 0, quantize8: false);
                    var toCopy = new ImageMemoryBarrier(srcAccessMask: AccessFlags.ShaderWriteBit, dstAccessMask: AccessFlags.TransferReadBit,
                        oldLayout: ImageLayout.General, newLayout: ImageLayout.TransferSrcOptimal, srcQueueFamilyIndex: Vk.QueueFamilyIgnored,
                        dstQueueFamilyIndex: Vk.QueueFamilyIgnored, image: image.Image, subresourceRange: ColorRange);
                    _ctx.Vk.CmdPipelineBarrier(cmd, PipelineStageFlags.ComputeShaderBit, PipelineStageFlags.TransferBit, 0, 0, null, 0, null, 1, &toCopy);
                    var region = new BufferImageCopy(0, (uint)w, (uint)h, new ImageSubresourceLayers(ImageAspectFlags.ColorBit, 0, 0, 1),
                        new Offset3D(0, 0, 0), new Extent3D((uint)w, (uint)h, 1));
                    _ctx.Vk.CmdCopyImageToBuffer(cmd, image.Image, ImageLayout.TransferSrcOptimal, staging.Handle, 1, &region);
                    var toHost = new BufferMemoryBarrier(srcAccessMask: AccessFlags.TransferWriteBit, dstAccessMask: AccessFlags.HostReadBit,
                        srcQueueFamilyIndex: Vk.QueueFamilyIgnored, dstQueueFamilyIndex: Vk.QueueFamilyIgnored, buffer: staging.Handle, offset: 0, size: Vk.WholeSize);
                    _ctx.Vk.CmdPipelineBarrier(cmd, PipelineStageFlags.TransferBit, PipelineStageFlags.HostBit, 0, 0, null, 1, &toHost, 0, null);
                });
                var px = staging.Floats;
                for (int i = 0; i < h; i++)
                {
                    long o = (long)(dy + i0 + i) * dstW + dx + j0;
                    for (int j = 0; j < w; j++)
                    {
                        int s = (i * w + j) * 4;
                        dst[o + j] = px[s];
                        dst[plane + o + j] = px[s + 1];
                        dst[2 * plane + o + j] = px[s + 2];
                    }
                }
            }
    }

    Frame? _readbackFrame;
    StorageImage? _readbackImage;
    GpuBuffer? _readbackStaging;
    DescriptorSet _readbackSet;

    /// <summary>
    /// Our RGBA32F image (with its view and descriptor set) and host-visible staging buffer for readback, kept across
    /// tiles and renders and only re-made when a larger tile comes: per-tile Vulkan object creation stays off the tile path.
    /// </summary>
    (StorageImage Image, GpuBuffer Staging, DescriptorSet Set) ReadbackTarget(int th, int tw)
    {
        if (_readbackImage is { } current && current.Width >= tw && current.Height >= th)
            return (current, _readbackStaging!, _readbackSet);
        int w = Math.Max(tw, _readbackImage?.Width ?? 0), h = Math.Max(th, _readbackImage?.Height ?? 0);
        _readbackFrame?.Dispose();
        _readbackImage = null;
        var frame = _readbackFrame = new Frame(_kernels);
        var image = frame.Own(new StorageImage(_ctx, _pool, w, h, Format.R32G32B32A32Sfloat));
        var view = frame.Own(new ImageViewHandle(_ctx, image.Image, image.Format));
        _readbackStaging = frame.Own(new GpuBuffer(_ctx, _pool, (ulong)h * (ulong)w * 16, hostVisible: true));
        _readbackSet = frame.Set(_kernels.ImageSet(view.View));
        _readbackImage = image;
        return (image, _readbackStaging, _readbackSet);
    }

    void RecordPixels(CommandBuffer cmd, Frame frame, int slot, VulkanLines rows, int r0, int nr, VulkanLines cols, int c0, int nc,
        DescriptorSet imageSet, int dy, int dx, bool quantize8)
    {
        var set = frame.Set(_kernels.BufferSet([_model.Buffer.Descriptor(), _styles.Descriptor(slot), _dummy.Descriptor(),
            rows.Buffer.Descriptor(), cols.Buffer.Descriptor(), _dummy.Descriptor()]));
        _ctx.Barrier(cmd);
        _kernels.Bind(cmd, _kernels.Pixel, set, imageSet);
        _kernels.Push(cmd, new PixelPush
        {
            Nr = nr, Nc = nc, R0 = r0, C0 = c0, RowCount = rows.Count, ColCount = cols.Count, Dy = dy, Dx = dx,
            DecOff = _model.DecoderOff, HeadOff = _styles.Layout.HeadOff, Quantize8 = quantize8 ? 1 : 0, Clamp = Model.Config.FcClamp,
        });
        _ctx.Vk.CmdDispatch(cmd, (uint)((nc + Kernels.PixelGroup - 1) / Kernels.PixelGroup), (uint)((nr + Kernels.PixelGroup - 1) / Kernels.PixelGroup), 1);
    }

    static readonly ImageSubresourceRange ColorRange = new(ImageAspectFlags.ColorBit, 0, 1, 0, 1);

    /// <summary>A layout transition that also orders everything before it (any stage) against the compute writes after it.</summary>
    void Transition(CommandBuffer cmd, Image image, ImageLayout from, ImageLayout to)
    {
        var b = new ImageMemoryBarrier(srcAccessMask: AccessFlags.MemoryWriteBit | AccessFlags.MemoryReadBit,
            dstAccessMask: AccessFlags.MemoryWriteBit | AccessFlags.MemoryReadBit, oldLayout: from, newLayout: to,
            srcQueueFamilyIndex: Vk.QueueFamilyIgnored, dstQueueFamilyIndex: Vk.QueueFamilyIgnored, image: image, subresourceRange: ColorRange);
        _ctx.Vk.CmdPipelineBarrier(cmd, PipelineStageFlags.AllCommandsBit, PipelineStageFlags.AllCommandsBit, 0, 0, null, 0, null, 1, &b);
    }

    void DisposeParts()
    {
        VulkanLines[] live;
        lock (_liveLines) live = _liveLines.ToArray();
        foreach (var l in live) Release(l);
        _readbackFrame?.Dispose();
        _lines?.Dispose();
        _styles?.Dispose();
        _dummy?.Dispose();
        _model?.Dispose();
        _pool?.Dispose();
        if (_ownsContext) _ctx?.Dispose();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            DisposeParts();
        }
    }
}

/// <summary>A 2D colour view of mip 0 / layer 0 of an image (ours or the caller's; the view is always ours).</summary>
internal sealed unsafe class ImageViewHandle : IDisposable
{
    readonly VulkanContext _ctx;
    public ImageView View { get; }

    public ImageViewHandle(VulkanContext ctx, Image image, Format format)
    {
        _ctx = ctx;
        var info = new ImageViewCreateInfo(image: image, viewType: ImageViewType.Type2D, format: format,
            subresourceRange: new ImageSubresourceRange(ImageAspectFlags.ColorBit, 0, 1, 0, 1));
        ImageView v;
        VulkanContext.Check(ctx.Vk.CreateImageView(ctx.Device, &info, null, &v), "vkCreateImageView");
        View = v;
    }

    public void Dispose() => _ctx.Vk.DestroyImageView(_ctx.Device, View, null);
}
