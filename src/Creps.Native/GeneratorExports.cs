using System.Runtime.InteropServices;
using Creps.Render;
using Creps.Render.Streaming;
using Creps.Render.Vulkan;

namespace Creps.Native;

[StructLayout(LayoutKind.Sequential)]
unsafe struct GeneratorOptions
{
    public byte* Backend;
    public int Threads;
    public int Validation;
    public byte* Device;
    public long DeviceBudgetBytes;
}

[StructLayout(LayoutKind.Sequential)]
struct VulkanHandles
{
    public nint Instance, PhysicalDevice, Device;
    public uint QueueFamily, Float16Enabled;
    public nint Queue, GetInstanceProcAddr;
}

/// <summary>A generator handle: the backend's generator, and its Vulkan face when it runs on Vulkan.</summary>
sealed class NativeGenerator(IGenerator generator, string modelHash, VulkanContext? adopted = null) : IDisposable
{
    public IGenerator Generator { get; } = generator;
    /// <summary>The model's <see cref="NativeModel.Hash"/>: streaming names textures by it.</summary>
    public string ModelHash { get; } = modelHash;
    public VulkanGenerator? Vulkan => Generator as VulkanGenerator;

    /// <summary>The generator, then the context made for an adopted device (which releases only what Creps created on it).</summary>
    public void Dispose()
    {
        Generator.Dispose();
        adopted?.Dispose();
    }
}

static unsafe class GeneratorExports
{
    [UnmanagedCallersOnly(EntryPoint = "creps_generator_create")]
    static int Create(nint model, GeneratorOptions* options, nint* outGenerator) => Errors.Run(() =>
    {
        var nm = Handles.Get<NativeModel>(model, "model");
        var m = nm.Model;
        Handles.CheckOut(outGenerator, "out_generator");
        var o = options != null ? *options : default;
        string backend = Handles.Utf8(o.Backend) ?? "auto";
        if (backend is not ("cpu" or "vulkan" or "auto")) throw new ArgumentException($"backend '{backend}' is not cpu, vulkan or auto");
        var settings = Settings(o) with { Device = Handles.Utf8(o.Device), Validation = o.Validation != 0 };
        // auto: Vulkan on a GPU, the cpu backend where the only Vulkan device is a CPU implementation (StreamingBackend's rule).
        Handles.Out(outGenerator, new NativeGenerator(StreamingBackend.Create(m, backend, settings), nm.Hash));
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "creps_generator_adopt_vulkan")]
    static int Adopt(nint model, VulkanHandles* handles, GeneratorOptions* options, nint* outGenerator) => Errors.Run(() =>
    {
        var nm = Handles.Get<NativeModel>(model, "model");
        var m = nm.Model;
        Handles.CheckOut(outGenerator, "out_generator");
        if (handles == null) throw new ArgumentException("handles is NULL");
        var h = *handles;
        var settings = Settings(options != null ? *options : default);
        var context = VulkanContext.Adopt(new Silk.NET.Vulkan.Instance(h.Instance), new Silk.NET.Vulkan.PhysicalDevice(h.PhysicalDevice),
            new Silk.NET.Vulkan.Device(h.Device), h.QueueFamily, h.Float16Enabled != 0,
            h.Queue != 0 ? new Silk.NET.Vulkan.Queue(h.Queue) : null, h.GetInstanceProcAddr);
        try
        {
            var generatorOptions = new VulkanGeneratorOptions();
            if (settings.DeviceBudgetBytes > 0) generatorOptions = generatorOptions with { BudgetBytes = settings.DeviceBudgetBytes };
            Handles.Out(outGenerator, new NativeGenerator(new VulkanGenerator(m, context, generatorOptions), nm.Hash, context));
        }
        catch { context.Dispose(); throw; }
        return Status.Ok;
    });

    static BackendOptions Settings(GeneratorOptions o)
    {
        if (o.Threads < 0) throw new ArgumentException($"threads {o.Threads} is negative");
        if (o.DeviceBudgetBytes < 0) throw new ArgumentException($"device_budget_bytes {o.DeviceBudgetBytes} is negative");
        return new BackendOptions { Threads = o.Threads, DeviceBudgetBytes = o.DeviceBudgetBytes };
    }

    [UnmanagedCallersOnly(EntryPoint = "creps_generator_describe")]
    static int Describe(nint generator, byte* buffer, nuint capacity) => Errors.Run(() =>
    {
        var g = Handles.Get<NativeGenerator>(generator, "generator").Generator;
        if (buffer == null) throw new ArgumentException("buffer is NULL");
        if (capacity == 0) throw new ArgumentException("capacity is 0 (no room for the terminating NUL)");
        var text = System.Text.Encoding.UTF8.GetBytes($"{g.Name}: {g.DeviceDescription}");
        int n = (int)Math.Min((ulong)text.Length, (ulong)capacity - 1);
        text.AsSpan(0, n).CopyTo(new Span<byte>(buffer, n));
        buffer[n] = 0;
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "creps_generator_destroy")]
    static int Destroy(nint generator) => Errors.Run(() =>
    {
        var g = Handles.Free<NativeGenerator>(generator, "generator");
        if (g == null) return Status.Ok;
        g.Dispose();
        Handles.ReturnMemory();
        return Status.Ok;
    });
}
