using Creps.Render.Cpu;
using Creps.Render.Model;

namespace Creps.Render;

/// <summary>Picks a backend by name: vulkan, cpu, auto (the best available), and any registered from another assembly (the CLI registers onnx from Creps.Onnx).</summary>
public static class Backends
{
    /// <summary>Backends that can be asked for by name, in auto's order of preference (best first).</summary>
    static readonly List<(string Name, Func<CrepsModel, BackendOptions, Action<string>?, IGenerator?> TryCreate)> Registry = new()
    {
        // Vulkan compute: any Vulkan 1.2 device, lavapipe included; throws BackendUnavailableException without one.
        ("vulkan", (m, o, _) => Vulkan.VulkanGenerator.Create(m, o)),
        ("cpu", (m, o, _) => new CpuGenerator(m, o.Threads, o.CpuKernel)),
    };

    public static IReadOnlyList<string> Names { get { lock (Registry) return Registry.Select(r => r.Name).ToList(); } }

    static List<(string Name, Func<CrepsModel, BackendOptions, Action<string>?, IGenerator?> TryCreate)> Snapshot() { lock (Registry) return Registry.ToList(); }

    /// <summary>Registers (or replaces) a backend: first in auto's order, or last. <paramref name="tryCreate"/> returns null or throws <see cref="BackendUnavailableException"/> when unavailable.</summary>
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
            foreach (var (n, make) in Snapshot())
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
        var entry = Snapshot().FirstOrDefault(r => r.Name == name);
        if (entry.Name == null) throw new ArgumentException($"unknown backend '{name}' (known: {string.Join(", ", Names.Append("auto"))})");
        return entry.TryCreate(model, options, log) ?? throw new BackendUnavailableException($"backend '{name}' is not available on this machine");
    }
}

