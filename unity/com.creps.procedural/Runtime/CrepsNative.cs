// The P/Invoke binding of include/creps.h, plain C# for Unity (netstandard2.1 / C# 9, Mono and IL2CPP) and any .NET.
// No UnityEngine here: this file is compiled as-is into tests/Creps.Unity.Binding.Tests and run against libcreps.so.
// CrepsNative mirrors the header one to one; the classes below it (CrepsModel, CrepsLatent, CrepsGenerator,
// CrepsStreamer) own the handles and turn status codes into CrepsException.
#nullable enable
using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text;

namespace Creps.Procedural
{
    public enum CrepsStatus
    {
        Ok = 0, InvalidArgument = 1, Io = 2, ModelFormat = 3, Limit = 4, Unavailable = 5, Vulkan = 6, Cancelled = 7,
        NotResident = 8, WrongBackend = 9, Internal = 70,
    }

    public enum CrepsFormat { Rgba8 = 1, Rgba16F = 2, Rgba32F = 3, PlanarF32 = 4 }

    public enum CrepsBakeFormat { Png8 = 1, Png16 = 2, Ktx2 = 3, Ktx2F16 = 4 }

    [StructLayout(LayoutKind.Sequential)]
    public struct CrepsModelInfo
    {
        public long Resolution, ZDim, NumWs, WDim;
        public int Tileable, Reserved;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct CrepsGeneratorOptions
    {
        public IntPtr Backend;          // UTF-8, owned by the caller for the call (CrepsGenerator.Create fills it)
        public int Threads;
        public int Validation;
        public IntPtr Device;
        public long DeviceBudgetBytes;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct CrepsVulkanHandles
    {
        public IntPtr Instance, PhysicalDevice, Device;
        public uint QueueFamily, Float16Enabled;
        public IntPtr Queue, GetInstanceProcAddr;
    }

    /// <summary>A rectangle of the model's plane at Width×Height pixels (creps_region).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct CrepsRegion
    {
        public double X0, Y0, X1, Y1;
        public long Width, Height;
        public int Octaves, Reserved;

        public CrepsRegion(double x0, double y0, double x1, double y1, long width, long height, int octaves = 0)
        {
            X0 = x0; Y0 = y0; X1 = x1; Y1 = y1; Width = width; Height = height; Octaves = octaves; Reserved = 0;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct CrepsVkImage
    {
        public IntPtr Image;
        public int Format, OldLayout, NewLayout, Reserved;
        public long Width, Height, X, Y;
        public uint WaitStages, WaitAccess, ThenStages, ThenAccess;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct CrepsBakeOptions
    {
        public long Width, Height;
        public double X0, Y0, X1, Y1;
        public CrepsBakeFormat Format;
        public int Mips, Supersample, Tile, Overwrite, Octaves;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct CrepsStreamOptions
    {
        public int PageSize, Border, Workers, MaxInFlight;
        public long HostBudgetBytes, DeviceBudgetBytes;
        public int AtlasSlots;
        public CrepsFormat AtlasFormat;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct CrepsPageEvent
    {
        public int Level;
        public CrepsStatus Status;
        public long X, Y, AtlasLayer;
        public uint TextureId, Reserved;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct CrepsStreamAtlas
    {
        public IntPtr Image, View, PageTable;
        public long PageTableBytes, PageTableCapacity, Slots, Side;
        public int Format, Layout;
        public uint TextureId, Reserved;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct CrepsStreamStats
    {
        public long Requests, CacheHits, SharedRequests, RequestsCancelled, RendersDropped;
        public long PagesRendered, PagesFailed, LineSetsComputed, LineSetsReused, PageEvictions, LineSetEvictions;
        public long QueueDepth, InFlight, ResidentPages;
        public long HostBytes, PeakHostBytes, HostBudgetBytes, DeviceBytes, PeakDeviceBytes, DeviceBudgetBytes;
        public double LatencyMsP50, LatencyMsP99;
    }

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate int CrepsProgressFn(long done, long total, IntPtr user);

    /// <summary>IL2CPP needs callbacks from native code marked with an attribute of this name (any namespace).</summary>
    [AttributeUsage(AttributeTargets.Method)]
    public sealed class MonoPInvokeCallbackAttribute : Attribute
    {
        public MonoPInvokeCallbackAttribute(Type type) { Type = type; }
        public Type Type { get; }
    }

    /// <summary>include/creps.h, one extern per function ("creps" resolves to libcreps.so / creps.dll / libcreps.dylib).</summary>
    public static class CrepsNative
    {
        public const string Library = "creps";
        public const uint VersionMajor = 1;

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] public static extern uint creps_version();
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] public static extern IntPtr creps_last_error();

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] public static extern CrepsStatus creps_model_open(byte[] pathUtf8, out IntPtr model);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] public static extern CrepsStatus creps_model_open_memory(byte[] data, UIntPtr size, out IntPtr model);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] public static extern CrepsStatus creps_model_info_get(IntPtr model, out CrepsModelInfo info);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] public static extern CrepsStatus creps_model_close(IntPtr model);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] public static extern CrepsStatus creps_latent_from_seed(IntPtr model, uint seed, float psi, int cutoff, out IntPtr latent);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] public static extern CrepsStatus creps_latent_from_z(IntPtr model, float[] z, UIntPtr count, float psi, int cutoff, out IntPtr latent);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] public static extern CrepsStatus creps_latent_from_ws(IntPtr model, float[] ws, UIntPtr count, out IntPtr latent);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] public static extern CrepsStatus creps_latent_destroy(IntPtr latent);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] public static extern CrepsStatus creps_generator_create(IntPtr model, ref CrepsGeneratorOptions options, out IntPtr generator);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] public static extern CrepsStatus creps_generator_adopt_vulkan(IntPtr model, ref CrepsVulkanHandles handles, IntPtr options, out IntPtr generator);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] public static extern CrepsStatus creps_generator_describe(IntPtr generator, byte[] buffer, UIntPtr capacity);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] public static extern CrepsStatus creps_generator_destroy(IntPtr generator);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] public static extern CrepsStatus creps_render(IntPtr generator, IntPtr latent, ref CrepsRegion region, CrepsFormat format, IntPtr dst, UIntPtr dstSize, UIntPtr rowStride);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] public static extern CrepsStatus creps_render_vk_image(IntPtr generator, IntPtr latent, ref CrepsRegion region, ref CrepsVkImage target);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] public static extern CrepsStatus creps_record_vk_image(IntPtr generator, IntPtr latent, ref CrepsRegion region, ref CrepsVkImage target, IntPtr commandBuffer, out IntPtr recording);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] public static extern CrepsStatus creps_recording_release(IntPtr recording);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] public static extern CrepsStatus creps_bake(IntPtr generator, IntPtr latent, ref CrepsBakeOptions options, byte[] outPathUtf8, CrepsProgressFn? progress, IntPtr user);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] public static extern CrepsStatus creps_stream_options_init(out CrepsStreamOptions options);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] public static extern CrepsStatus creps_stream_create(IntPtr generator, IntPtr latent, ref CrepsStreamOptions options, out IntPtr streamer);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] public static extern CrepsStatus creps_stream_page_texels(IntPtr streamer, out long texels);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] public static extern CrepsStatus creps_stream_request(IntPtr streamer, int level, long x, long y, int priority, out ulong request);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] public static extern CrepsStatus creps_stream_hold(IntPtr streamer);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] public static extern CrepsStatus creps_stream_release(IntPtr streamer);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] public static extern CrepsStatus creps_stream_reprioritize(IntPtr streamer, ulong request, int priority);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] public static extern CrepsStatus creps_stream_cancel(IntPtr streamer, ulong request);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] public static extern CrepsStatus creps_stream_poll(IntPtr streamer, [Out] CrepsPageEvent[] events, UIntPtr capacity, out UIntPtr count);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] public static extern CrepsStatus creps_stream_read_page(IntPtr streamer, int level, long x, long y, CrepsFormat format, IntPtr dst, UIntPtr dstSize, UIntPtr rowStride);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] public static extern CrepsStatus creps_stream_evict(IntPtr streamer, int level, long x, long y, out int evicted);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] public static extern CrepsStatus creps_stream_atlas_get(IntPtr streamer, out CrepsStreamAtlas atlas);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] public static extern CrepsStatus creps_stream_queue_lock(IntPtr streamer);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] public static extern CrepsStatus creps_stream_queue_unlock(IntPtr streamer);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] public static extern CrepsStatus creps_stream_stats_get(IntPtr streamer, out CrepsStreamStats stats);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] public static extern CrepsStatus creps_stream_destroy(IntPtr streamer);

        /// <summary>This thread's last error message.</summary>
        public static string LastError() => Utf8(creps_last_error());

        /// <summary>Throws <see cref="CrepsException"/> (with this thread's message) unless <paramref name="s"/> is Ok.</summary>
        public static void Check(CrepsStatus s)
        {
            if (s != CrepsStatus.Ok) throw new CrepsException(s, LastError());
        }

        public static byte[] Utf8Z(string s)
        {
            var n = Encoding.UTF8.GetByteCount(s);
            var b = new byte[n + 1];
            Encoding.UTF8.GetBytes(s, 0, s.Length, b, 0);
            return b;
        }

        static string Utf8(IntPtr p)
        {
            if (p == IntPtr.Zero) return "";
            int n = 0;
            while (Marshal.ReadByte(p, n) != 0) n++;
            var b = new byte[n];
            Marshal.Copy(p, b, 0, n);
            return Encoding.UTF8.GetString(b);
        }
    }

    public sealed class CrepsException : Exception
    {
        public CrepsException(CrepsStatus status, string message) : base(message) { Status = status; }
        public CrepsStatus Status { get; }
    }

    /// <summary>Owns one creps handle; released once by Dispose (or the finalizer, as a last resort).</summary>
    public abstract class CrepsHandle : IDisposable
    {
        IntPtr _handle;

        protected CrepsHandle(IntPtr handle) { _handle = handle; }

        public IntPtr Handle => _handle != IntPtr.Zero ? _handle : throw new ObjectDisposedException(GetType().Name);

        protected abstract CrepsStatus Release(IntPtr handle);

        public void Dispose()
        {
            var h = _handle;
            _handle = IntPtr.Zero;
            if (h != IntPtr.Zero) Release(h);
            GC.SuppressFinalize(this);
        }

        ~CrepsHandle()
        {
            if (_handle != IntPtr.Zero) Release(_handle);
        }
    }

    public sealed class CrepsModel : CrepsHandle
    {
        CrepsModel(IntPtr h) : base(h) { }
        protected override CrepsStatus Release(IntPtr h) => CrepsNative.creps_model_close(h);

        public static CrepsModel Open(string path)
        {
            CrepsNative.Check(CrepsNative.creps_model_open(CrepsNative.Utf8Z(path), out var h));
            return new CrepsModel(h);
        }

        public static CrepsModel FromMemory(byte[] bytes)
        {
            if (bytes == null) throw new ArgumentNullException(nameof(bytes));
            CrepsNative.Check(CrepsNative.creps_model_open_memory(bytes, (UIntPtr)(ulong)bytes.LongLength, out var h));
            return new CrepsModel(h);
        }

        public CrepsModelInfo Info
        {
            get
            {
                CrepsNative.Check(CrepsNative.creps_model_info_get(Handle, out var info));
                return info;
            }
        }
    }

    public sealed class CrepsLatent : CrepsHandle
    {
        CrepsLatent(IntPtr h) : base(h) { }
        protected override CrepsStatus Release(IntPtr h) => CrepsNative.creps_latent_destroy(h);

        /// <summary>NumPy RandomState(seed).randn(z_dim) through the mapping network; psi truncation for the first cutoff ws (−1: all).</summary>
        public static CrepsLatent FromSeed(CrepsModel model, uint seed, float psi = 1f, int cutoff = -1)
        {
            CrepsNative.Check(CrepsNative.creps_latent_from_seed(model.Handle, seed, psi, cutoff, out var h));
            return new CrepsLatent(h);
        }

        public static CrepsLatent FromWs(CrepsModel model, float[] ws)
        {
            CrepsNative.Check(CrepsNative.creps_latent_from_ws(model.Handle, ws, (UIntPtr)(ulong)ws.LongLength, out var h));
            return new CrepsLatent(h);
        }
    }

    public sealed class CrepsGenerator : CrepsHandle
    {
        CrepsGenerator(IntPtr h) : base(h) { }
        protected override CrepsStatus Release(IntPtr h) => CrepsNative.creps_generator_destroy(h);

        /// <summary>backend: "cpu", "vulkan" or "auto"; threads 0 = every core.</summary>
        public static CrepsGenerator Create(CrepsModel model, string backend = "auto", int threads = 0)
        {
            var name = GCHandle.Alloc(CrepsNative.Utf8Z(backend), GCHandleType.Pinned);
            try
            {
                var o = new CrepsGeneratorOptions { Backend = name.AddrOfPinnedObject(), Threads = threads };
                CrepsNative.Check(CrepsNative.creps_generator_create(model.Handle, ref o, out var h));
                return new CrepsGenerator(h);
            }
            finally { name.Free(); }
        }

        /// <summary>Adopts an engine's Vulkan device (Unity: IUnityGraphicsVulkan::Instance(), via a native plugin).</summary>
        public static CrepsGenerator AdoptVulkan(CrepsModel model, CrepsVulkanHandles handles)
        {
            CrepsNative.Check(CrepsNative.creps_generator_adopt_vulkan(model.Handle, ref handles, IntPtr.Zero, out var h));
            return new CrepsGenerator(h);
        }

        public string Description
        {
            get
            {
                var b = new byte[512];
                CrepsNative.Check(CrepsNative.creps_generator_describe(Handle, b, (UIntPtr)(ulong)b.Length));
                int n = Array.IndexOf(b, (byte)0);
                return Encoding.UTF8.GetString(b, 0, n < 0 ? b.Length : n);
            }
        }

        /// <summary>Bytes a tightly packed host image of <paramref name="region"/> takes in <paramref name="format"/>.</summary>
        public static long ByteCount(CrepsRegion region, CrepsFormat format) =>
            region.Width * region.Height * (format == CrepsFormat.Rgba8 ? 4 : format == CrepsFormat.Rgba16F ? 8 : format == CrepsFormat.Rgba32F ? 16 : 12);

        /// <summary>Renders into <paramref name="dst"/> (tightly packed rows); blocks. Call it on a worker thread in a game.</summary>
        public void Render(CrepsLatent latent, CrepsRegion region, CrepsFormat format, byte[] dst)
        {
            var pin = GCHandle.Alloc(dst, GCHandleType.Pinned);
            try
            {
                CrepsNative.Check(CrepsNative.creps_render(Handle, latent.Handle, ref region, format, pin.AddrOfPinnedObject(),
                    (UIntPtr)(ulong)dst.LongLength, UIntPtr.Zero));
            }
            finally { pin.Free(); }
        }

        /// <summary>The raw output, planar [3][H][W] floats (= `creps render --out x.f32`).</summary>
        public float[] RenderPlanar(CrepsLatent latent, CrepsRegion region)
        {
            var dst = new float[3 * region.Width * region.Height];
            var pin = GCHandle.Alloc(dst, GCHandleType.Pinned);
            try
            {
                CrepsNative.Check(CrepsNative.creps_render(Handle, latent.Handle, ref region, CrepsFormat.PlanarF32, pin.AddrOfPinnedObject(),
                    (UIntPtr)(ulong)(dst.LongLength * 4), UIntPtr.Zero));
            }
            finally { pin.Free(); }
            return dst;
        }

        /// <summary>Renders into a VkImage on this generator's device and waits (see creps_render_vk_image).</summary>
        public void RenderToVkImage(CrepsLatent latent, CrepsRegion region, CrepsVkImage target) =>
            CrepsNative.Check(CrepsNative.creps_render_vk_image(Handle, latent.Handle, ref region, ref target));

        /// <summary>Bakes a texture file; <paramref name="progress"/> returns false to cancel (CrepsException with Status Cancelled).</summary>
        public void Bake(CrepsLatent latent, CrepsBakeOptions options, string outPath, Func<long, long, bool>? progress = null)
        {
            var state = progress == null ? default : GCHandle.Alloc(progress);
            try
            {
                CrepsNative.Check(CrepsNative.creps_bake(Handle, latent.Handle, ref options, CrepsNative.Utf8Z(outPath),
                    progress == null ? null : OnProgress, progress == null ? IntPtr.Zero : GCHandle.ToIntPtr(state)));
            }
            finally { if (progress != null) state.Free(); }
        }

        // One static callback for every bake (IL2CPP cannot marshal instance delegates); the user pointer carries the Func.
        static readonly CrepsProgressFn OnProgress = Progress;

        [MonoPInvokeCallback(typeof(CrepsProgressFn))]
        static int Progress(long done, long total, IntPtr user)
        {
            try { return ((Func<long, long, bool>)GCHandle.FromIntPtr(user).Target!)(done, total) ? 0 : 1; }
            catch { return 1; }   // an exception must not unwind into native code: cancel instead
        }
    }

    /// <summary>Pages of one texture (creps_stream_*). Poll on the main thread once per frame.</summary>
    public sealed class CrepsStreamer : CrepsHandle
    {
        CrepsStreamer(IntPtr h, long texels) : base(h) { Texels = texels; }
        protected override CrepsStatus Release(IntPtr h) => CrepsNative.creps_stream_destroy(h);

        /// <summary>Texels per page side, border included.</summary>
        public long Texels { get; }

        public static CrepsStreamOptions DefaultOptions()
        {
            CrepsNative.Check(CrepsNative.creps_stream_options_init(out var o));
            return o;
        }

        public static CrepsStreamer Create(CrepsGenerator generator, CrepsLatent latent, CrepsStreamOptions options)
        {
            CrepsNative.Check(CrepsNative.creps_stream_create(generator.Handle, latent.Handle, ref options, out var h));
            CrepsNative.Check(CrepsNative.creps_stream_page_texels(h, out var texels));
            return new CrepsStreamer(h, texels);
        }

        public ulong Request(int level, long x, long y, int priority)
        {
            CrepsNative.Check(CrepsNative.creps_stream_request(Handle, level, x, y, priority, out var id));
            return id;
        }

        public void Hold() => CrepsNative.Check(CrepsNative.creps_stream_hold(Handle));
        public void ReleaseHold() => CrepsNative.Check(CrepsNative.creps_stream_release(Handle));
        public void Reprioritize(ulong request, int priority) => CrepsNative.Check(CrepsNative.creps_stream_reprioritize(Handle, request, priority));
        public void Cancel(ulong request) => CrepsNative.Check(CrepsNative.creps_stream_cancel(Handle, request));

        readonly CrepsPageEvent[] _events = new CrepsPageEvent[64];

        /// <summary>Appends the pages completed since the last poll to <paramref name="into"/>.</summary>
        public void Poll(List<CrepsPageEvent> into)
        {
            while (true)
            {
                CrepsNative.Check(CrepsNative.creps_stream_poll(Handle, _events, (UIntPtr)(ulong)_events.Length, out var n));
                for (int i = 0; i < (int)n; i++) into.Add(_events[i]);
                if ((int)n < _events.Length) return;
            }
        }

        /// <summary>Copies a resident page into <paramref name="dst"/>; false if it is not resident (evicted or never rendered).</summary>
        public bool TryReadPage(int level, long x, long y, CrepsFormat format, byte[] dst)
        {
            var pin = GCHandle.Alloc(dst, GCHandleType.Pinned);
            try
            {
                var s = CrepsNative.creps_stream_read_page(Handle, level, x, y, format, pin.AddrOfPinnedObject(), (UIntPtr)(ulong)dst.LongLength, UIntPtr.Zero);
                if (s == CrepsStatus.NotResident) return false;
                CrepsNative.Check(s);
                return true;
            }
            finally { pin.Free(); }
        }

        public bool Evict(int level, long x, long y)
        {
            CrepsNative.Check(CrepsNative.creps_stream_evict(Handle, level, x, y, out var evicted));
            return evicted != 0;
        }

        /// <summary>The device atlas (streamers created with AtlasSlots &gt; 0); see creps_stream_atlas in creps.h for the contract.</summary>
        public CrepsStreamAtlas Atlas()
        {
            CrepsNative.Check(CrepsNative.creps_stream_atlas_get(Handle, out var a));
            return a;
        }

        public CrepsStreamStats Stats()
        {
            CrepsNative.Check(CrepsNative.creps_stream_stats_get(Handle, out var st));
            return st;
        }
    }
}
