using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using Creps.Render.Imaging;
using Creps.Render.Streaming;
using Creps.Render.Vulkan;
using Silk.NET.Vulkan;

namespace Creps.Demo;

/// <summary>
/// The viewer: a window, one Vulkan device shared by the streaming service (its page atlas, and the Vulkan backend when
/// it renders pages) and the demo's own presentation, and the frame loop — input and script → exact camera → view plan →
/// page requests (priorities, cancellation) → pins and coverage → draw and present → stats.
/// </summary>
internal sealed unsafe class DemoApp : IDisposable
{
    const int HudWidth = 300, HudHeight = 44;
    const double MaxFps = 60;

    readonly DemoOptions _o;
    readonly TextWriter _log;
    readonly DemoWindow _window;
    readonly VulkanContext _ctx;
    readonly KhrSurface _surface;
    readonly KhrSwapchain _swapchain;
    Scene _scene;
    ViewRenderer _renderer;
    readonly PageWants _wants = new();
    readonly CameraScript? _script;
    readonly FrameLog _stats = new();
    readonly Camera _home;
    Camera _camera;
    bool _hud, _closed;
    string _status = "";
    double _fps;
    int _modelIndex;

    public DemoApp(DemoOptions o, TextWriter log)
    {
        _o = o; _log = log;
        _script = o.ScriptPath != null ? CameraScript.Load(o.ScriptPath) : null;
        _home = _camera = Camera.At(o.CenterX, o.CenterY, o.Span);
        _hud = o.ScreenshotPath == null;
        _window = DemoWindow.Open(o.Width, o.Height, "creps-demo");
        try
        {
            var vk = Vk.GetApi();
            KhrSurface? surface = null;
            try
            {
                _ctx = VulkanContext.Create(new VulkanContextOptions
                {
                    Validation = o.Validation, SyncValidation = o.Validation, Device = o.Device,
                    InstanceExtensions = DemoWindow.RequiredInstanceExtensions(),
                    DeviceExtensions = ["VK_KHR_swapchain"],
                    // The surface is made on the new instance the first time a queue family is considered: the queue must draw and present.
                    QueueFamilyFilter = (instance, device, family) =>
                    {
                        surface ??= new KhrSurface(vk, instance, _window);
                        return Graphics(vk, device, family) && surface.CanPresent(device, family);
                    },
                });
            }
            catch (Render.BackendUnavailableException e) { throw new DemoUnavailableException($"no Vulkan device for the window: {e.Message}"); }
            _surface = surface ?? throw new DemoUnavailableException("no Vulkan device to consider");
            _log.WriteLine($"creps-demo: {_ctx}");
            var (fw, fh) = _window.FramebufferSize;
            _swapchain = new KhrSwapchain(_ctx, _surface, (uint)fw, (uint)fh);
            _scene = new Scene(_ctx, o.ModelPath, o.Seed, o.Psi, o.Backend, o.AtlasPages, line => _log.WriteLine($"creps-demo: {line}"));
            _modelIndex = Array.IndexOf(BundledModels.All, Path.GetFullPath(o.ModelPath));
            _renderer = NewRenderer();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    static bool Graphics(Vk vk, PhysicalDevice device, uint family)
    {
        uint n = 0;
        vk.GetPhysicalDeviceQueueFamilyProperties(device, &n, null);
        var families = new QueueFamilyProperties[n];
        fixed (QueueFamilyProperties* p = families) vk.GetPhysicalDeviceQueueFamilyProperties(device, &n, p);
        return family < n && (families[family].QueueFlags & QueueFlags.GraphicsBit) != 0;
    }

    ViewRenderer NewRenderer() => new(_ctx, _swapchain, _scene.Atlas.View, _scene.Atlas.PageTable, _scene.Atlas.PageTableBytes, _scene.Atlas.QueueLock, HudWidth * HudHeight);

    public int Run()
    {
        var clock = Stopwatch.StartNew();
        int frame = 0, nextEvent = 0;
        double lastStart = 0, scriptEnd = _script?.End ?? 0;
        double? fullAfterEnd = null;
        bool hasKeyframes = _script is { Keyframes.Count: > 0 };
        while (!_window.ShouldClose)
        {
            double start = clock.Elapsed.TotalSeconds;
            double t = _o.FramesDir != null ? frame / 30.0 : start;
            foreach (var e in _window.Poll()) Handle(e);
            while (_script != null && nextEvent < _script.Events.Count && _script.Events[nextEvent].T <= t) Apply(_script.Events[nextEvent++]);
            if (hasKeyframes) _camera = _script!.At(t)!;
            if (_window.ShouldClose) break;
            if (_window.Minimised) { Glfw.WaitEventsTimeout(0.02); continue; }
            var (fw, fh) = _window.FramebufferSize;
            if (_renderer.Extent.Width != fw || _renderer.Extent.Height != fh) _renderer.Recreate((uint)fw, (uint)fh);

            var frameResult = DrawFrame(frame, start - lastStart, t, clock, capture: _o.FramesDir != null || _o.ScreenshotPath != null);
            lastStart = start;
            if (frameResult.Drawn is not { } rec) continue;   // the swapchain went stale: re-created next iteration
            _stats.Frames.Add(rec with { WorkMs = (clock.Elapsed.TotalSeconds - start) * 1000 });
            if (_o.FramesDir != null && frameResult.Rgb != null)
            {
                Directory.CreateDirectory(_o.FramesDir);
                WritePng(Path.Combine(_o.FramesDir, $"frame-{frame:D5}.png"), frameResult.Rgb, frameResult.Width, frameResult.Height);
            }
            if (_o.ScreenshotPath != null && frameResult.Rgb != null && (!_o.WaitResident || rec.FullResolution))
            {
                WritePng(_o.ScreenshotPath, frameResult.Rgb, frameResult.Width, frameResult.Height);
                break;
            }
            frame++;
            double now = clock.Elapsed.TotalSeconds;
            _fps = 0.9 * _fps + 0.1 * (1 / Math.Max(1e-3, now - start));
            if (_script != null && t >= scriptEnd)
            {
                if (rec.FullResolution && fullAfterEnd == null) fullAfterEnd = (t - scriptEnd) * 1000;
                if (_o.ExitAfter is double a ? t >= scriptEnd + a : fullAfterEnd != null || t >= scriptEnd + 60) break;
            }
            else if (_script == null && _o.ExitAfter is double a && now >= a) break;
            if (_o.FramesDir == null)
            {
                double wait = 1 / MaxFps - (clock.Elapsed.TotalSeconds - start);
                if (wait > 0) Glfw.WaitEventsTimeout(wait);
            }
        }
        _stats.Summary["frames"] = _stats.Frames.Count;
        _stats.Summary["frame_ms_p50"] = _stats.FrameMsPercentile(50);
        _stats.Summary["frame_ms_p99"] = _stats.FrameMsPercentile(99);
        if (_script != null) _stats.Summary["script_end_s"] = scriptEnd;
        if (fullAfterEnd is double fa) _stats.Summary["full_resolution_after_script_end_ms"] = fa;
        if (_wants.FirstError is { } err) _log.WriteLine($"creps-demo: {err}");
        return Shutdown();
    }

    readonly record struct FrameResult(FrameRecord? Drawn, byte[]? Rgb, int Width, int Height);

    FrameResult DrawFrame(int frame, double intervalS, double t, Stopwatch clock, bool capture)
    {
        var scene = _scene;
        var layout = scene.Texture.Layout;
        var e = _renderer.Extent;
        int w = (int)e.Width, h = (int)e.Height;
        var plan = new ViewPlan(_camera, w, h, layout);
        _wants.Update(scene.Streamer, scene.Texture, plan.Wanted, scene.Resident);
        scene.Streamer.PopCompleted();

        // Pin what this frame draws (the finest resident page or ancestor under every visible page) until it is submitted.
        var pinned = new Dictionary<PageKey, (bool Pinned, bool Resident)>();
        bool PinResident(PageKey k)
        {
            if (!pinned.TryGetValue(k, out var p))
            {
                bool pin = scene.Streamer.Pin(scene.Texture, k);
                pinned[k] = p = (pin, pin && scene.Resident(k));
            }
            return p.Resident;
        }
        var cover = plan.Coverage(PinResident, layout.PageSize);
        if (cover.Coverage < 1 && frame > 0)
        {
            // No hole after the first frame: wait for the level-0 pages (the root every pixel falls back to; requested first).
            _wants.WaitFor(plan.Wanted.Where(x => x.Key.Level == 0).Select(x => x.Key), TimeSpan.FromSeconds(60));
            foreach (var k in pinned.Where(kv => !kv.Value.Pinned).Select(kv => kv.Key).ToList()) pinned.Remove(k);
            cover = plan.Coverage(PinResident, layout.PageSize);
        }
        uint textureId = scene.Atlas.TextureId(scene.Texture);
        ulong levelsResident = plan.LevelsResident(scene.Resident);
        var stats = scene.Streamer.Stats();
        var hudLines = HudLines(plan, cover.FinestDrawn, stats);
        var result = _renderer.Draw(view => ViewTable.Write(view, plan, textureId, layout.PageSize, _hud, levelsResident),
            hud => WriteHud(hud, hudLines, w >= 960 ? 2u : 1u), capture);
        foreach (var (k, p) in pinned)
            if (p.Pinned) scene.Streamer.Unpin(scene.Texture, k);
        if (result.Stale) return new FrameResult(null, null, 0, 0);
        var rec = new FrameRecord(frame, w, h, t, intervalS * 1000, 0, cover.Coverage, plan.Fine, cover.FinestDrawn, cover.CoarsestDrawn, cover.FullResolution,
            plan.Wanted.Count(x => x.Visible), _wants.Requested, _wants.Pending, stats.ResidentPages, _camera.Span, plan.Magnified);
        return new FrameResult(rec, result.Rgb, result.Width, result.Height);
    }

    List<string> HudLines(ViewPlan plan, int finestDrawn, StreamingStats s) =>
    [
        $"FPS {_fps:0.0}  FRAME {1000 / Math.Max(_fps, 1e-3):0.0} MS",
        $"ZOOM ×10^{Math.Round(_camera.ZoomLog10, 2) + 0.0:0.00}  LEVEL {finestDrawn}/{plan.Fine}{(plan.Magnified ? " MAGNIFIED" : "")}",
        $"CENTRE {_camera.X.ToDouble().ToString("G10", CultureInfo.InvariantCulture)}, {_camera.Y.ToDouble().ToString("G10", CultureInfo.InvariantCulture)}",
        $"PAGES {s.ResidentPages} RES  {s.InFlight + s.QueueDepth} QUEUED  {_scene.Atlas.Slots} SLOTS",
        $"{_scene.BackendName} PAGES ON {_ctx.DeviceName}",
        _status.Length > 0 ? _status : $"{Path.GetFileNameWithoutExtension(_scene.ModelPath)} SEED {_scene.Seed} ψ {_scene.Psi:0.0}",
    ];

    /// <summary>The HUD buffer of view_fragment.frag: width, height, scale (window pixels per mask cell), then the mask.</summary>
    static void WriteHud(Span<byte> buffer, List<string> lines, uint scale)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, HudWidth);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer[4..], HudHeight);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer[8..], scale);
        BitmapFont.Draw(buffer[16..], HudWidth, HudHeight, lines);
    }

    void Handle(InputEvent e)
    {
        var (w, h) = (_renderer.Extent.Width, _renderer.Extent.Height);
        switch (e)
        {
            case InputEvent.Drag d: _camera = _camera.Pan(d.Dx, d.Dy, (int)w); break;
            case InputEvent.Scroll s: _camera = _camera.ZoomAt(Math.Pow(0.8, s.Steps), s.X, s.Y, (int)w, (int)h); break;
            case InputEvent.Key k: Key(k.Code); break;
        }
    }

    void Key(int code)
    {
        switch (code)
        {
            case Glfw.KeyEscape: _window.RequestClose(); break;
            case Glfw.KeyLeftBracket: NewLatent(_scene.Seed == 0 ? 0 : _scene.Seed - 1, _scene.Psi); break;
            case Glfw.KeyRightBracket: NewLatent(_scene.Seed == uint.MaxValue ? _scene.Seed : _scene.Seed + 1, _scene.Psi); break;
            case Glfw.KeyMinus: NewLatent(_scene.Seed, MathF.Round(_scene.Psi - 0.1f, 2)); break;
            case Glfw.KeyEqual: NewLatent(_scene.Seed, MathF.Round(_scene.Psi + 0.1f, 2)); break;
            case Glfw.KeyM: NextModel(); break;
            case Glfw.KeyO: _wants.Clear(); _scene.SetOctaves(!_scene.Octaves); _status = _scene.Octaves ? "OCTAVES ON" : "OCTAVES OFF"; break;
            case Glfw.KeyR: _camera = _home; break;
            case Glfw.KeyH: _hud = !_hud; break;
            case Glfw.KeyS: Screenshot(); break;
        }
    }

    void NewLatent(uint seed, float psi)
    {
        _wants.Clear();
        _scene.SetLatent(seed, psi);
        _status = "";
    }

    void NextModel()
    {
        var all = BundledModels.All;
        if (all.Length == 0) { _status = "NO BUNDLED MODELS FOUND"; return; }
        _modelIndex = (_modelIndex + 1) % all.Length;
        _wants.Clear();
        _renderer.Dispose();
        _scene.Dispose();
        _scene = new Scene(_ctx, all[_modelIndex], _scene.Seed, _scene.Psi, _o.Backend, _o.AtlasPages, line => _log.WriteLine($"creps-demo: {line}"));
        _renderer = NewRenderer();
        _status = "";
    }

    void Screenshot()
    {
        string path = $"creps-demo-{DateTime.Now:yyyyMMdd-HHmmss}.png";
        var r = DrawFrame(0, 0, 0, Stopwatch.StartNew(), capture: true);
        if (r.Rgb != null) { WritePng(path, r.Rgb, r.Width, r.Height); _status = $"WROTE {path}"; }
    }

    void Apply(ScriptEvent e)
    {
        switch (e.Action)
        {
            case "resize": _window.Resize(e.Width, e.Height); break;
            case "minimise": _window.Minimise(); break;
            case "restore": _window.Restore(); break;
            case "close": _window.RequestClose(); break;
            case "key": if (e.Key.Length == 1) Key(char.ToUpperInvariant(e.Key[0])); else if (e.Key == "Escape") Key(Glfw.KeyEscape); break;
        }
    }

    static void WritePng(string path, byte[] rgb, int width, int height)
    {
        using var file = File.Create(path);
        using var png = new PngWriter(file, width, height);
        for (int y = 0; y < height; y++) png.WriteEncodedRow(rgb.AsSpan(y * width * 3, width * 3));
        png.Finish();
    }

    /// <summary>Releases everything in order (frames, swapchain, service and atlas, surface, device, window); then the service's counters and validation.</summary>
    int Shutdown()
    {
        _wants.Clear();
        _renderer.Dispose();
        _scene.Dispose();
        var after = _scene.Streamer.Stats();
        _stats.Summary["service_host_bytes_after"] = after.HostBytes;
        _stats.Summary["service_device_bytes_after"] = after.DeviceBytes;
        _stats.Summary["service_in_flight_after"] = after.InFlight + after.QueueDepth;
        _stats.Summary["service_resident_pages_after"] = after.ResidentPages;
        _stats.Summary["pages_rendered"] = after.PagesRendered;
        _stats.Summary["renders_dropped"] = after.RendersDropped;
        _swapchain.Dispose();
        _surface.Dispose();
        _ctx.Dispose();
        _window.Dispose();
        _closed = true;
        var messages = VulkanContext.ProcessValidationMessages;
        _stats.Summary["validation_messages"] = messages.Count;
        if (_o.StatsPath != null) _stats.Write(_o.StatsPath);
        if (messages.Count == 0) return DemoCli.Ok;
        _log.WriteLine($"creps-demo: {messages.Count} validation message(s):");
        foreach (var m in messages.Take(10)) _log.WriteLine($"  {m}");
        return DemoCli.Failure;
    }

    public void Dispose()
    {
        if (_closed) return;
        _closed = true;
        _renderer?.Dispose();
        _scene?.Dispose();
        _swapchain?.Dispose();
        _surface?.Dispose();
        _ctx?.Dispose();
        _window?.Dispose();
    }
}
