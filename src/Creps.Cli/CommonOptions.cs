using System.CommandLine;
using Creps.Render;
using Creps.Render.Coordinates;
using Creps.Render.Latents;
using Creps.Render.Model;

namespace Creps.Cli;

/// <summary>The model file option of every command that reads one.</summary>
public static class ModelOption
{
    public static Option<string?> Create() => Opt.Text("--model", "PATH", "The model file (.safetensors with the config in its metadata). Required.");

    public static CrepsModel Load(ParseResult p, Option<string?> model) => CrepsModel.Load(p.Require(model));
}

/// <summary>Which latent: --seed, --z or --ws, with --psi/--cutoff (render and bake).</summary>
public sealed class LatentOptions
{
    public const string Synopsis = "(--seed N | --z FILE | --ws FILE) [--psi P] [--cutoff K]";

    public readonly Option<long?> Seed = Opt.Long("--seed", 0, uint.MaxValue, "N", "The latent z from this seed, as the official gen_images.py draws it (numpy RandomState).");
    public readonly Option<string?> Z = Opt.Text("--z", "FILE", "The latent z read from a raw little-endian float32 file of z_dim values.");
    public readonly Option<string?> Ws = Opt.Text("--ws", "FILE", "The per-layer styles ws read from a raw float32 file [num_ws, w_dim], used as given (no --psi/--cutoff).");
    public readonly Option<double?> Psi = Opt.Double("--psi", "P", "Truncation ψ: pulls w toward the model's mean w (default 1: no truncation).");
    public readonly Option<long?> Cutoff = Opt.Long("--cutoff", 0, int.MaxValue, "K", "Truncate only the first K of the num_ws styles (default: all of them).");

    public IEnumerable<Option> All => [Seed, Z, Ws, Psi, Cutoff];

    public Latent Latent(ParseResult p, CrepsModel m) => Latent(p, m, p.GetValue(Seed));

    /// <summary>The latent for an explicit seed (bake's seed ranges) or the --seed/--z/--ws options.</summary>
    public Latent Latent(ParseResult p, CrepsModel m, long? seed)
    {
        int sources = (seed != null ? 1 : 0) + (p.Has(Z) ? 1 : 0) + (p.Has(Ws) ? 1 : 0);
        if (sources != 1) throw new UsageException("give exactly one of --seed, --z, --ws");
        float psi = (float)(p.GetValue(Psi) ?? 1.0);
        long? cutoff = p.GetValue(Cutoff);
        if (cutoff > m.Config.NumWs) throw new UsageException($"--cutoff '{cutoff}' must be a whole number in 0..{m.Config.NumWs}");
        if (p.Has(Ws))
        {
            if (p.Has(Psi) || p.Has(Cutoff)) throw new UsageException("--psi/--cutoff apply to --seed or --z, not to --ws (ws are used as given)");
            return Render.Latents.Latent.FromWsFile(m, p.Require(Ws));
        }
        if (p.Has(Z)) return Render.Latents.Latent.FromZ(m, Render.Latents.Latent.ReadZFile(p.Require(Z), m.Config.ZDim), psi, (int?)cutoff);
        return Render.Latents.Latent.FromSeed(m, (uint)seed!.Value, psi, (int?)cutoff);
    }
}

/// <summary>Which part of the plane at which resolution: --scale, --size/--region or --rows/--cols (render).</summary>
public sealed class RegionOptions
{
    public const string Synopsis = "[--scale S | --size WxH [--region x0,y0,x1,y1] | --rows SPEC --cols SPEC]";

    public readonly Option<double?> Scale = Opt.Double("--scale", "S", "The official grid linspace(0,1,int(R·S)) on both axes, R the model's resolution (default 1).");
    public readonly Option<(int W, int H)?> Size = SizeOption(Grid.MaxLength,
        "Width x height in pixels (N for N×N); pixel centres cover [0,1]², or --region.");
    public readonly Option<(double X0, double Y0, double X1, double Y1)?> Region = RegionOption(
        "The part of the plane --size covers, x along the width (default 0,0,1,1).");
    public readonly Option<string?> Rows = SpecOption("--rows", "Row coordinates, top to bottom (the image's height): linspace:a,b,n, centers:a,b,n or @FILE (one number a line).");
    public readonly Option<string?> Cols = SpecOption("--cols", "Column coordinates, left to right (the image's width), in the same forms as --rows.");

    public IEnumerable<Option> All => [Scale, Size, Region, Rows, Cols];

    /// <summary>The --size option; <paramref name="max"/> is the longest side the command accepts.</summary>
    public static Option<(int W, int H)?> SizeOption(int max, string description) =>
        Opt.Parsed<(int W, int H)?>("--size", "WxH", description, s => AxisSpec.ParseSize(s, max));

    public static Option<(double X0, double Y0, double X1, double Y1)?> RegionOption(string description) =>
        Opt.Parsed<(double X0, double Y0, double X1, double Y1)?>("--region", "x0,y0,x1,y1", description, s => AxisSpec.ParseRegion(s));

    /// <summary>A coordinate spec; linspace/centers are checked while parsing, an @FILE when it is read (its errors are the file's: exit 1).</summary>
    static Option<string?> SpecOption(string name, string description) =>
        Opt.Parsed<string?>(name, "SPEC", description, s =>
        {
            if (!s.StartsWith('@')) AxisSpec.Parse(s);
            return s;
        });

    /// <summary>Row and column coordinates from the options (default: the official grid at scale 1).</summary>
    public (double[] Rows, double[] Cols) Coordinates(ParseResult p, CrepsModel m)
    {
        bool scale = p.Has(Scale), size = p.Has(Size), explicitAxes = p.Has(Rows) || p.Has(Cols);
        if ((scale ? 1 : 0) + (size ? 1 : 0) + (explicitAxes ? 1 : 0) > 1)
            throw new UsageException("give one of --scale, --size [--region], or --rows with --cols");
        if (p.Has(Region) && !size) throw new UsageException("--region needs --size");
        if (explicitAxes)
        {
            if (!p.Has(Rows) || !p.Has(Cols)) throw new UsageException("--rows and --cols go together");
            return (AxisSpec.Parse(p.Require(Rows)), AxisSpec.Parse(p.Require(Cols)));
        }
        if (p.GetValue(Size) is var (w, h))
        {
            var (x0, y0, x1, y1) = p.GetValue(Region) ?? (0, 0, 1, 1);
            return (Grid.Centers(y0, y1, h), Grid.Centers(x0, x1, w));
        }
        double s = p.GetValue(Scale) ?? 1.0;
        try
        {
            var g = Grid.Official(m.Config.ImgResolution, s);
            return (g, g);
        }
        catch (ArgumentOutOfRangeException e) { throw new UsageException(e.Message.Split(" (Parameter")[0]); }
    }
}

/// <summary>
/// Which backend and how it runs: --backend, and the Vulkan device's --budget-mb and --fp16 (render, bake, bench).
/// The CLI is the one place environment variables are read: CREPS_VK_DEVICE and CREPS_VK_VALIDATION (see <see cref="EnvironmentVariables"/>).
/// </summary>
public sealed class BackendChoice(string defaultBackend)
{
    public const string Synopsis = "[--backend cpu|vulkan|onnx|auto] [--budget-mb N] [--fp16]";

    public readonly Option<string?> Backend = Opt.Parsed<string?>("--backend", "NAME",
        $"The backend: {string.Join(", ", Render.Backends.Names)}, or auto (the first of those that runs here) (default {defaultBackend}).", CheckBackend);
    public readonly Option<long?> BudgetMb = Opt.Long("--budget-mb", 16, 1 << 20, "N",
        "Device memory the Vulkan backend may hold, in MiB; larger renders go in tiles (default 256).");
    public readonly Option<bool> Fp16 = Opt.Flag("--fp16", "Run the Vulkan per-pixel pass in float16 (needs shaderFloat16; adds a small measured error).");

    public IEnumerable<Option> All => [Backend, BudgetMb, Fp16];

    public string Name(ParseResult p) => p.GetValue(Backend) ?? defaultBackend;

    public BackendOptions Options(ParseResult p, int threads = 0) =>
        EnvironmentVariables.Backend(threads) with { DeviceBudgetBytes = (p.GetValue(BudgetMb) ?? 0) << 20, Fp16 = p.GetValue(Fp16) };

    /// <summary>A backend name the registry knows; the message is the one <see cref="Render.Backends.Create"/> gives.</summary>
    public static string CheckBackend(string name) => name == "auto" || Render.Backends.Names.Contains(name) ? name
        : throw new FormatException($"unknown backend '{name}' (known: {string.Join(", ", Render.Backends.Names.Append("auto"))})");
}

/// <summary>The environment variables <c>creps</c> reads (and the library never does).</summary>
public static class EnvironmentVariables
{
    public const string Help =
        "Environment variables:\n" +
        "  CREPS_VK_DEVICE      The Vulkan device: its index or a case-insensitive part of its name (default: the best one: discrete, integrated, virtual, CPU).\n" +
        "  CREPS_VK_VALIDATION  1: enable VK_LAYER_KHRONOS_validation; sync: synchronisation validation too (default: off).";

    /// <summary>Backend options with the device choice and validation from the environment.</summary>
    public static BackendOptions Backend(int threads = 0)
    {
        string? validation = System.Environment.GetEnvironmentVariable("CREPS_VK_VALIDATION");
        return new BackendOptions
        {
            Threads = threads,
            Device = System.Environment.GetEnvironmentVariable("CREPS_VK_DEVICE") is { Length: > 0 } d ? d : null,
            Validation = validation is "1" or "sync",
            SyncValidation = validation == "sync",
        };
    }
}
