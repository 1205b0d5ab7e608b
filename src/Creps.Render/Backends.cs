using Creps.Render.Cpu;
using Creps.Render.Model;

namespace Creps.Render;

/// <summary>Picks a backend by name: cpu, or auto (the best available). Other backends register here as they land.</summary>
public static class Backends
{
    /// <summary>Backends that can be asked for by name, in auto's order of preference (best first).</summary>
    static readonly List<(string Name, Func<CrepsModel, BackendOptions, Action<string>?, IGenerator?> TryCreate)> Registry = new()
    {
        // Vulkan compute: any Vulkan 1.2 device, lavapipe included; throws BackendUnavailableException without one.
        ("vulkan", (m, o, _) => Vulkan.VulkanGenerator.Create(m, o)),
        ("cpu", (m, o, _) => new CpuGenerator(m, o.Threads, o.CpuKernel)),
        ("onnx", (m, o, log) => new Onnx.OnnxGenerator(m, log, o.TryCuda)),   // ONNX Runtime: CUDA EP when it loads, else CPU; never auto's first pick
    };

    public static IReadOnlyList<string> Names => Registry.Select(r => r.Name).ToList();

    /// <summary>Registers a backend ahead of the CPU one for auto. <paramref name="tryCreate"/> returns null when unavailable.</summary>
    public static void Register(string name, Func<CrepsModel, BackendOptions, Action<string>?, IGenerator?> tryCreate, bool preferOverCpu)
    {
        lock (Registry)
        {
            Registry.RemoveAll(r => r.Name == name);
            if (preferOverCpu) Registry.Insert(0, (name, tryCreate)); else Registry.Add((name, tryCreate));
        }
    }

    /// <summary>Creates the named backend; throws <see cref="BackendUnavailableException"/> with one clear line if it cannot run here.</summary>
    public static IGenerator Create(CrepsModel model, string name, BackendOptions? options = null, Action<string>? log = null)
    {
        options ??= BackendOptions.Default;
        if (name == "auto")
        {
            foreach (var (n, make) in Registry)
            {
                try
                {
                    var g = make(model, options, log);
                    if (g != null) return g;
                }
                catch (BackendUnavailableException e) { log?.Invoke($"auto: {n} unavailable ({e.Message}); trying the next backend"); }
            }
            throw new BackendUnavailableException("no backend available");
        }
        var entry = Registry.FirstOrDefault(r => r.Name == name);
        if (entry.Name == null) throw new ArgumentException($"unknown backend '{name}' (known: {string.Join(", ", Names.Append("auto"))})");
        return entry.TryCreate(model, options, log) ?? throw new BackendUnavailableException($"backend '{name}' is not available on this machine");
    }
}

/// <summary>A backend that cannot run on this machine (no Vulkan device, no CUDA, …).</summary>
public sealed class BackendUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
