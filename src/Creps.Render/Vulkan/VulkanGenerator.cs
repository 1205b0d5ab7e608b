using Creps.Render.Coordinates;
using Creps.Render.Latents;
using Creps.Render.Model;
using Silk.NET.Vulkan;
using Creps.Render.Packing;

namespace Creps.Render.Vulkan;

/// <summary>
/// The Vulkan compute backend. Per latent: styles and demodulation, in device slots. Per distinct row and column: the
/// line pass (batched GEMMs), once. Per pixel: one fused pass writing straight into a storage image (the caller's
/// VkImage, or our own tile image read back to host memory). Large outputs go in bands and tiles within the budget.
/// Three ways to run: blocking calls (the tile contract, <see cref="Render"/>, <see cref="RenderInto"/>);
/// <see cref="SubmitInto"/> (submitted on our queue, returns a pollable/awaitable <see cref="GpuSubmission"/>, several
/// in flight); <see cref="Record"/> (into the caller's own command buffer). Calls are serialised per generator.
/// </summary>
public sealed unsafe class VulkanGenerator : IGenerator, IBenchmarkStages
{
    readonly VulkanContext _ctx;
    readonly bool _ownsContext;
    readonly DeviceMemoryPool _pool;
    readonly DeviceModel _model;
    readonly Kernels _kernels;
    readonly GpuBuffer _dummy;
    readonly DeviceStyles _styles;
    readonly LinePassRecorder _lines;
    readonly HashSet<VulkanLines> _liveLines = new();
    readonly HashSet<GpuSubmission> _submitted = new();
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
    public long LineBytesPerCoordinate => (long)LinePassRecorder.LinesBytes(_model, 1);

    /// <summary>Styles are uploaded inside lines; pixels include the readback through the tile image. GPU-class unless lavapipe.</summary>
    public BenchmarkTraits BenchmarkTraits => new(Name, GpuClass: _ctx.DeviceType != PhysicalDeviceType.Cpu, SeparatesPerLatent: false,
        HasReadback: true, DeviceBytes: (long)DeviceBytes);

    public void PrepareLatent(Latent latent) { }

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
            var packed = new PackedModel(model);
            _model = new DeviceModel(_ctx, _pool, packed);
            var c = model.Config;
            if (Options.Fp16 && !_ctx.Float16) throw new BackendUnavailableException($"{_ctx}: no shaderFloat16, so no float16 per-pixel pass");
            _kernels = _ctx.Pipelines.Get($"kernels:{c.InputChannels}:{c.Rank}:{_model.BPad}:{c.StageCount}:{(Options.Fp16 ? "fp16" : "fp32")}",
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
            if (options.MaxTile > 0) generatorOptions = generatorOptions with { MaxTile = options.MaxTile };
            return new VulkanGenerator(model, context, generatorOptions, ownsContext: true);
        }
        catch { context.Dispose(); throw; }
    }

    // ---- The tile contract (blocking) ----

    /// <summary>The line pass for one axis: reuse the result for every tile that shares these coordinates.</summary>
    public LineSet ComputeLines(Latent latent, ReadOnlySpan<double> coords, Axis axis)
    {
        RenderArgs.CheckCoords(coords, axis);
        var copy = coords.ToArray();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var lines = NewLines(axis, copy.Length);
            var frame = new Frame(_kernels);
            try
            {
                _ctx.Submissions.SubmitAndWait(cmd =>
                {
                    Barriers.AfterOurEarlierWork(_ctx.Vk, cmd);
                    int slot = _styles.Acquire(latent, cmd, frame, ownQueue: true);
                    _lines.Record(cmd, frame, slot, copy, 0, copy.Length, axis, lines, _pool);
                }, frame);
            }
            catch { frame.Dispose(); lines.Dispose(); throw; }
            return lines;
        }
    }

    /// <summary>The pixels of <paramref name="tile"/> into <paramref name="dst"/> (host memory), through a tile image read back.</summary>
    public void RenderTile(Latent latent, LineSet rowLines, LineSet colLines, TileRect tile, PlanarView dst)
    {
        var (rows, cols) = RenderArgs.CheckTile<VulkanLines>(this, rowLines, colLines, tile, dst);
        if (tile.IsEmpty) return;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ReadBack(latent, rows, cols, tile, dst);
        }
    }

    /// <summary>The same tile written into the caller's image at (dy, dx), blocking (see <see cref="VulkanImageTarget"/> for the contract).</summary>
    public void RenderTile(Latent latent, LineSet rowLines, LineSet colLines, TileRect tile, VulkanImageTarget target, int dy, int dx)
    {
        using var submission = SubmitTile(latent, rowLines, colLines, tile, target, dy, dx);
        submission.Wait();
    }

    /// <summary>
    /// The tile of these lines written into the caller's image at (dy, dx) on our queue, returning at once (poll, wait or
    /// await the result; the lines must stay alive until it completed). See <see cref="VulkanImageTarget"/> for the contract.
    /// </summary>
    public GpuSubmission SubmitTile(Latent latent, LineSet rowLines, LineSet colLines, TileRect tile, VulkanImageTarget target, int dy, int dx) =>
        SubmitTile(latent, rowLines, colLines, tile, target, dy, dx, null, null);

    /// <summary>
    /// <see cref="SubmitTile(Latent, LineSet, LineSet, TileRect, VulkanImageTarget, int, int)"/> with the caller's commands
    /// recorded into the same command buffer before the target's first barrier and after its last one (the page atlas
    /// writes its page-table updates there, in GPU order with the texels). They run under the queue's lock: no other lock.
    /// </summary>
    internal GpuSubmission SubmitTile(Latent latent, LineSet rowLines, LineSet colLines, TileRect tile, VulkanImageTarget target, int dy, int dx,
        Action<CommandBuffer>? before, Action<CommandBuffer>? after)
    {
        var (rows, cols) = RenderArgs.CheckLines<VulkanLines>(this, rowLines, colLines, tile);
        target.Validate();
        if (dy < 0 || dx < 0 || (long)dy + tile.Rows > target.Height || (long)dx + tile.Cols > target.Width)
            throw new ArgumentOutOfRangeException(nameof(target), $"a {tile.Cols}x{tile.Rows} tile at ({dx},{dy}) lies outside the {target.Width}x{target.Height} target");
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _submitted.RemoveWhere(s => s.IsCompleted);
            var frame = new Frame(_kernels);
            try
            {
                var imageSet = TargetSet(frame, target);
                var submission = _ctx.Submissions.Submit(cmd =>
                {
                    Barriers.AfterOurEarlierWork(_ctx.Vk, cmd);
                    int slot = _styles.Acquire(latent, cmd, frame, ownQueue: true);
                    before?.Invoke(cmd);
                    TargetIn(cmd, target);
                    RecordPixels(cmd, frame, slot, rows, cols, tile, imageSet, dy, dx, target.Format == Format.R8G8B8A8Unorm);
                    TargetOut(cmd, target);
                    after?.Invoke(cmd);
                }, frame);
                _submitted.Add(submission);
                return submission;
            }
            catch { frame.Dispose(); throw; }
        }
    }

    // ---- Whole renders ----

    public float[] Render(Latent latent, ReadOnlySpan<double> rows, ReadOnlySpan<double> cols)
    {
        RenderArgs.CheckCoords(rows, Axis.Rows);
        RenderArgs.CheckCoords(cols, Axis.Cols);
        RenderArgs.CheckSize(rows.Length, cols.Length);
        int h = rows.Length, w = cols.Length;
        var img = PlanarView.Allocate(w, h);
        var rowArr = rows.ToArray();
        var colArr = cols.ToArray();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            int side = PlanTile(w, readback: true);
            using var colLines = NewLines(Axis.Cols, w);
            for (int r0 = 0; r0 < h; r0 += side)
            {
                int start = r0, bh = Math.Min(side, h - r0);
                bool first = r0 == 0;
                using var rowLines = NewLines(Axis.Rows, bh);
                // The band's lines ride in the command buffer of its first readback tile: one submission less per band.
                ReadBack(latent, rowLines, colLines, new TileRect(0, 0, bh, w), img.At(r0, 0), side, (cmd, frame, slot) =>
                {
                    if (first) _lines.Record(cmd, frame, slot, colArr, 0, w, Axis.Cols, colLines, _pool);
                    _lines.Record(cmd, frame, slot, rowArr, start, bh, Axis.Rows, rowLines, _pool);
                });
            }
        }
        return img.Data;
    }

    /// <summary>
    /// Renders rows × cols into the caller's image at (dy, dx) and waits: <see cref="SubmitInto"/> and a wait.
    /// See <see cref="VulkanImageTarget"/> for the contract.
    /// </summary>
    public void RenderInto(Latent latent, ReadOnlySpan<double> rows, ReadOnlySpan<double> cols, VulkanImageTarget target, int dy = 0, int dx = 0)
    {
        using var submission = SubmitInto(latent, rows, cols, target, dy, dx);
        submission.Wait();
    }

    /// <summary>
    /// Renders rows × cols into the caller's image at (dy, dx) on our queue and returns at once: poll, wait or await the
    /// result; several may be in flight (each holds its own lines until it completes). The image is in
    /// <see cref="VulkanImageTarget.NewLayout"/> once the submission completed.
    /// </summary>
    public GpuSubmission SubmitInto(Latent latent, ReadOnlySpan<double> rows, ReadOnlySpan<double> cols, VulkanImageTarget target, int dy = 0, int dx = 0)
    {
        var (rowArr, colArr) = CheckWhole(rows, cols, target, dy, dx);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _submitted.RemoveWhere(s => s.IsCompleted);
            var frame = new Frame(_kernels);
            try
            {
                var imageSet = TargetSet(frame, target);
                var submission = _ctx.Submissions.Submit(cmd => RecordWhole(cmd, frame, latent, rowArr, colArr, target, imageSet, dy, dx, ownQueue: true), frame);
                _submitted.Add(submission);
                return submission;
            }
            catch { frame.Dispose(); throw; }
        }
    }

    /// <summary>
    /// Records the line and pixel passes of a whole render of rows × cols into the caller's command buffer
    /// <paramref name="cmd"/> (recording, primary or secondary, of the context's queue family), to be submitted by the
    /// caller to <see cref="VulkanContext.Queue"/>. Barriers, exactly:
    /// <list type="bullet">
    /// <item>first, one memory barrier from our own earlier compute/transfer work (our buffers only; nothing of yours);</item>
    /// <item>on your image: one transition <see cref="VulkanImageTarget.OldLayout"/> → GENERAL whose source scope is
    /// <see cref="VulkanImageTarget.WaitStages"/>/<see cref="VulkanImageTarget.WaitAccess"/> (what you did to the image
    /// before) and destination the compute shader's writes;</item>
    /// <item>last, one transition GENERAL → <see cref="VulkanImageTarget.NewLayout"/> from our compute writes to
    /// <see cref="VulkanImageTarget.ThenStages"/>/<see cref="VulkanImageTarget.ThenAccess"/> (what you do after).</item>
    /// </list>
    /// Between them only compute dispatches and compute→compute barriers. Dispose the returned recording only after the
    /// GPU finished executing <paramref name="cmd"/> (its fence signalled): it holds the lines, descriptor sets and
    /// style slot the commands use. Pipelines and push constants bound in <paramref name="cmd"/> are left changed.
    /// </summary>
    public VulkanRecording Record(CommandBuffer cmd, Latent latent, ReadOnlySpan<double> rows, ReadOnlySpan<double> cols,
        VulkanImageTarget target, int dy = 0, int dx = 0)
    {
        if (cmd.Handle == 0) throw new ArgumentException("command buffer is a null handle");
        var (rowArr, colArr) = CheckWhole(rows, cols, target, dy, dx);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var frame = new Frame(_kernels);
            try
            {
                var imageSet = TargetSet(frame, target);
                RecordWhole(cmd, frame, latent, rowArr, colArr, target, imageSet, dy, dx, ownQueue: false);
                return new VulkanRecording(frame);
            }
            catch { frame.Dispose(); throw; }
        }
    }

    (double[] Rows, double[] Cols) CheckWhole(ReadOnlySpan<double> rows, ReadOnlySpan<double> cols, VulkanImageTarget target, int dy, int dx)
    {
        RenderArgs.CheckCoords(rows, Axis.Rows);
        RenderArgs.CheckCoords(cols, Axis.Cols);
        target.Validate();
        int h = rows.Length, w = cols.Length;
        if (dy < 0 || dx < 0 || (long)dy + h > target.Height || (long)dx + w > target.Width)
            throw new ArgumentOutOfRangeException(nameof(target), $"a {w}x{h} render at ({dx},{dy}) does not fit the {target.Width}x{target.Height} target");
        return (rows.ToArray(), cols.ToArray());
    }

    /// <summary>
    /// A whole render into <paramref name="cmd"/>: the column lines once, then per band of rows (the largest the budget
    /// allows) its row lines — one row-line buffer reused band after band — and its pixels. Resources go to <paramref name="frame"/>.
    /// </summary>
    void RecordWhole(CommandBuffer cmd, Frame frame, Latent latent, double[] rows, double[] cols, VulkanImageTarget target,
        DescriptorSet imageSet, int dy, int dx, bool ownQueue)
    {
        int h = rows.Length, w = cols.Length;
        int side = Math.Min(PlanTile(w, readback: false), h);
        var colLines = frame.Own(NewLines(Axis.Cols, w));
        var rowLines = frame.Own(NewLines(Axis.Rows, side));
        Barriers.AfterOurEarlierWork(_ctx.Vk, cmd);
        int slot = _styles.Acquire(latent, cmd, frame, ownQueue);
        _lines.Record(cmd, frame, slot, cols, 0, w, Axis.Cols, colLines, _pool);
        TargetIn(cmd, target);
        for (int r0 = 0; r0 < h; r0 += side)
        {
            int bh = Math.Min(side, h - r0);
            if (r0 > 0) Barriers.Compute(_ctx.Vk, cmd);   // the last band's pixels read the row lines this band rewrites
            _lines.Record(cmd, frame, slot, rows, r0, bh, Axis.Rows, rowLines, _pool);
            RecordPixels(cmd, frame, slot, rowLines, colLines, new TileRect(0, 0, bh, w), imageSet, dy + r0, dx, target.Format == Format.R8G8B8A8Unorm);
        }
        TargetOut(cmd, target);
    }

    DescriptorSet TargetSet(Frame frame, VulkanImageTarget target) =>
        frame.Set(_kernels.ImageSet(frame.Own(new ImageViewHandle(_ctx, target.Image, target.Format, target.ArrayLayer)).View));

    void TargetIn(CommandBuffer cmd, VulkanImageTarget t) => Barriers.Image(_ctx.Vk, cmd, t.Image, t.OldLayout, ImageLayout.General,
        t.WaitStages, t.WaitAccess, PipelineStageFlags.ComputeShaderBit, AccessFlags.ShaderWriteBit, t.ArrayLayer);

    void TargetOut(CommandBuffer cmd, VulkanImageTarget t) => Barriers.Image(_ctx.Vk, cmd, t.Image, ImageLayout.General, t.NewLayout,
        PipelineStageFlags.ComputeShaderBit, AccessFlags.ShaderWriteBit, t.ThenStages, t.ThenAccess, t.ArrayLayer);

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
    /// Renders a tile in sub-tiles of at most <paramref name="maxTile"/>² through our own RGBA32F image and a readback
    /// buffer, one submission each; <paramref name="prelude"/> (the lines the tile reads) is recorded at the start of the first.
    /// </summary>
    void ReadBack(Latent latent, VulkanLines rows, VulkanLines cols, TileRect tile, PlanarView dst, int maxTile = 0,
        Action<CommandBuffer, Frame, int>? prelude = null)
    {
        int t = maxTile > 0 ? maxTile : Options.MaxTile;
        int th = Math.Min(t, tile.Rows), tw = Math.Min(t, tile.Cols);
        var (image, staging, imageSet) = ReadbackTarget(th, tw);
        var vk = _ctx.Vk;
        for (int i0 = 0; i0 < tile.Rows; i0 += th)
            for (int j0 = 0; j0 < tile.Cols; j0 += tw)
            {
                int h = Math.Min(th, tile.Rows - i0), w = Math.Min(tw, tile.Cols - j0);
                var frame = new Frame(_kernels);
                var before = prelude;
                prelude = null;
                try
                {
                    _ctx.Submissions.SubmitAndWait(cmd =>
                    {
                        Barriers.AfterOurEarlierWork(vk, cmd);
                        int slot = _styles.Acquire(latent, cmd, frame, ownQueue: true);
                        before?.Invoke(cmd, frame, slot);
                        // The previous tile's copy read this image: order it before the new writes (contents discarded).
                        Barriers.Image(vk, cmd, image.Image, ImageLayout.Undefined, ImageLayout.General,
                            PipelineStageFlags.TransferBit, AccessFlags.None, PipelineStageFlags.ComputeShaderBit, AccessFlags.ShaderWriteBit);
                        RecordPixels(cmd, frame, slot, rows, cols, new TileRect(tile.Row0 + i0, tile.Col0 + j0, h, w), imageSet, 0, 0, quantize8: false);
                        Barriers.Image(vk, cmd, image.Image, ImageLayout.General, ImageLayout.TransferSrcOptimal,
                            PipelineStageFlags.ComputeShaderBit, AccessFlags.ShaderWriteBit, PipelineStageFlags.TransferBit, AccessFlags.TransferReadBit);
                        var region = new BufferImageCopy(0, (uint)w, (uint)h, new ImageSubresourceLayers(ImageAspectFlags.ColorBit, 0, 0, 1),
                            new Offset3D(0, 0, 0), new Extent3D((uint)w, (uint)h, 1));
                        vk.CmdCopyImageToBuffer(cmd, image.Image, ImageLayout.TransferSrcOptimal, staging.Handle, 1, &region);
                        var toHost = new BufferMemoryBarrier(srcAccessMask: AccessFlags.TransferWriteBit, dstAccessMask: AccessFlags.HostReadBit,
                            srcQueueFamilyIndex: Vk.QueueFamilyIgnored, dstQueueFamilyIndex: Vk.QueueFamilyIgnored, buffer: staging.Handle, offset: 0, size: Vk.WholeSize);
                        vk.CmdPipelineBarrier(cmd, PipelineStageFlags.TransferBit, PipelineStageFlags.HostBit, 0, 0, null, 1, &toHost, 0, null);
                    }, frame);
                }
                catch { frame.Dispose(); throw; }
                var px = staging.Floats;
                for (int i = 0; i < h; i++)
                {
                    long o = dst.Index(0, i0 + i, j0), plane = dst.Plane;
                    for (int j = 0; j < w; j++)
                    {
                        int s = (i * w + j) * 4;
                        dst.Data[o + j] = px[s];
                        dst.Data[plane + o + j] = px[s + 1];
                        dst.Data[2 * plane + o + j] = px[s + 2];
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

    void RecordPixels(CommandBuffer cmd, Frame frame, int slot, VulkanLines rows, VulkanLines cols, TileRect tile,
        DescriptorSet imageSet, int dy, int dx, bool quantize8)
    {
        var set = frame.Set(_kernels.BufferSet([_model.Buffer.Descriptor(), _styles.Descriptor(slot), _dummy.Descriptor(),
            rows.Buffer.Descriptor(), cols.Buffer.Descriptor(), _dummy.Descriptor()]));
        Barriers.Compute(_ctx.Vk, cmd);
        _kernels.Bind(cmd, _kernels.Pixel, set, imageSet);
        _kernels.Push(cmd, new PixelPush
        {
            Nr = tile.Rows, Nc = tile.Cols, R0 = tile.Row0, C0 = tile.Col0, RowCount = rows.Count, ColCount = cols.Count, Dy = dy, Dx = dx,
            DecOff = _model.DecoderOff, HeadOff = _styles.Layout.HeadOff, Quantize8 = quantize8 ? 1 : 0, Clamp = Model.Config.FcClamp,
        });
        _ctx.Vk.CmdDispatch(cmd, (uint)((tile.Cols + Kernels.PixelGroup - 1) / Kernels.PixelGroup), (uint)((tile.Rows + Kernels.PixelGroup - 1) / Kernels.PixelGroup), 1);
    }

    void DisposeParts()
    {
        foreach (var s in _submitted) s.Wait();
        _submitted.Clear();
        VulkanLines[] live;
        lock (_liveLines) live = _liveLines.ToArray();
        foreach (var l in live) l.Dispose();
        _readbackFrame?.Dispose();
        _lines?.Dispose();
        _styles?.Dispose();
        _dummy?.Dispose();
        _model?.Dispose();
        _pool?.Dispose();
        if (_ownsContext) _ctx?.Dispose();
    }

    /// <summary>Waits for this generator's submissions, then frees its device memory (recordings not yet disposed must be done first).</summary>
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
