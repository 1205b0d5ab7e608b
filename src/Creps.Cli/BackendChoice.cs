using Creps.Render.IO;
using System.CommandLine;
using Creps.Render;

namespace Creps.Cli;

/// <summary>
/// Which backend and how it runs: --backend, and the Vulkan device's --budget-mb and --fp16 (render, bake, bench).
/// The CLI is the one place environment variables are read: CREPS_VK_DEVICE and CREPS_VK_VALIDATION (see <see cref="EnvironmentVariables"/>).
/// </summary>
public sealed class BackendChoice(string defaultBackend)
{
    public const string Synopsis = "[--backend cpu|vulkan|onnx|auto] [--budget-mb N] [--gpu-tile N] [--fp16]";

    public readonly Option<string?> Backend = Opt.Parsed<string?>("--backend", "NAME",
        $"The backend: {string.Join(", ", Render.Backends.Names)}, or auto (the first of those that runs here) (default {defaultBackend}).", CheckBackend);
    public readonly Option<long?> BudgetMb = Opt.Long("--budget-mb", 32, 1 << 20, "N",
        "Device memory the Vulkan backend may hold, in MiB (at least 32: the allocator holds 16 MiB blocks); larger renders go in tiles (default 256).");
    public readonly Option<long?> GpuTile = Opt.Long("--gpu-tile", 64, 8192, "N",
        "Largest tile side, in pixels, of one Vulkan pixel-pass dispatch; rounded down to a multiple of 64 (default 1024).");
    public readonly Option<bool> Fp16 = Opt.Flag("--fp16", "Run the Vulkan per-pixel pass in float16 (needs shaderFloat16; adds a small measured error).");

    public IEnumerable<Option> All => [Backend, BudgetMb, GpuTile, Fp16];

    public string Name(ParseResult p) => p.GetValue(Backend) ?? defaultBackend;

    public BackendOptions Options(ParseResult p, int threads = 0) =>
        EnvironmentVariables.Backend(threads) with
        {
            DeviceBudgetBytes = (p.GetValue(BudgetMb) ?? 0) << 20, MaxTile = (int)(p.GetValue(GpuTile) ?? 0) / 64 * 64, Fp16 = p.GetValue(Fp16),
        };

    /// <summary>A backend name the registry knows; the message is the one <see cref="Render.Backends.Create"/> gives.</summary>
    public static string CheckBackend(string name) => name == "auto" || Render.Backends.Names.Contains(name) ? name
        : throw new FormatException($"unknown backend {Untrusted.Quote(name)} (known: {string.Join(", ", Render.Backends.Names.Append("auto"))})");
}
