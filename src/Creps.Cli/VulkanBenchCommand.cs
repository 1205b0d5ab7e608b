using System.Diagnostics;
using Creps.Render;
using Creps.Render.Vulkan;
using Creps.Render.IO;

namespace Creps.Cli;

/// <summary>
/// <c>creps vulkan-bench</c>: times one Vulkan render of a region (host readback in tiles, as <c>render</c> does) and
/// reports the device, the time, the throughput and the peak device memory against the budget.
/// </summary>
public static class VulkanBenchCommand
{
    public const string Usage =
        "vulkan-bench --model PATH " + CommonOptions.LatentHelp + " " + CommonOptions.RegionHelp + " [--budget-mb N] [--tile N] [--fp16] [--out PATH(.png|.f32)]\n" +
        "  Renders once on the Vulkan backend (CREPS_VK_DEVICE picks the device) and prints seconds, Mpx/s and peak device memory.\n" +
        "  --fp16: the per-pixel pass in float16 (needs shaderFloat16).";

    static readonly HashSet<string> Options = ["model", "budget-mb", "tile", "out", .. CommonOptions.LatentOptionNames, .. CommonOptions.RegionOptionNames];

    public static int Run(string[] argv, TextWriter stdout, TextWriter stderr)
    {
        var a = new Args(argv, Options, new HashSet<string> { "fp16" });
        var model = CommonOptions.LoadModel(a);
        var latent = CommonOptions.Latent(a, model);
        var (rows, cols) = CommonOptions.Coordinates(a, model);
        RenderArgs.CheckSize(rows.Length, cols.Length);
        var options = new VulkanGeneratorOptions
        {
            BudgetBytes = (a.Long("budget-mb", VulkanGeneratorOptions.MinBudgetBytes >> 20, 1 << 20) ?? 256) << 20,
            MaxTile = (int)(a.Long("tile", 64, 8192) ?? 1024) / 64 * 64,
            Fp16 = a.Has("fp16"),
        };
        var setup = Stopwatch.StartNew();
        var backend = CommonOptions.Backend();
        using var context = VulkanContext.Create(new VulkanContextOptions { Device = backend.Device, Validation = backend.Validation, SyncValidation = backend.SyncValidation });
        using var gen = new VulkanGenerator(model, context, options);
        double setupS = setup.Elapsed.TotalSeconds;
        stderr.WriteLine($"creps vulkan-bench: {cols.Length}x{rows.Length} on {gen.DeviceDescription}, budget {options.BudgetBytes >> 20} MiB, tiles ≤ {options.MaxTile}");
        var sw = Stopwatch.StartNew();
        float[] img = gen.Render(latent, rows, cols);
        double s = sw.Elapsed.TotalSeconds;
        double mpx = (double)rows.Length * cols.Length / 1e6;
        stdout.WriteLine($"vulkan {cols.Length}x{rows.Length}: {s:F2} s ({mpx / s:F3} Mpx/s), setup {setupS:F2} s, " +
                         $"peak device memory {gen.PeakDeviceBytes / (1024.0 * 1024):F0} MiB of a {options.BudgetBytes >> 20} MiB budget");
        if (a.Get("out") is string outPath)
        {
            string ext = Path.GetExtension(outPath).ToLowerInvariant();
            if (ext != ".png" && ext != ".f32") throw new UsageException($"--out {Untrusted.Quote(outPath)}: the extension must be .png or .f32");
            RenderCommand.Write(outPath, ext, img, cols.Length, rows.Length);
        }
        return 0;
    }
}
