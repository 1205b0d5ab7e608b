using Creps.Render;
using Creps.Render.Coordinates;
using Creps.Render.Latents;
using Creps.Render.Model;

namespace Creps.Cli;

/// <summary>Options shared by render, bake and bench: which latent, which part of the plane.</summary>
public static class CommonOptions
{
    public static readonly string[] LatentOptionNames = ["seed", "z", "ws", "psi", "cutoff"];
    public static readonly string[] RegionOptionNames = ["scale", "size", "region", "rows", "cols"];

    public const string LatentHelp = "(--seed N | --z FILE | --ws FILE) [--psi P] [--cutoff K]";
    public const string RegionHelp = "[--scale S | --size WxH [--region x0,y0,x1,y1] | --rows SPEC --cols SPEC]";

    public static CrepsModel LoadModel(Args a) => CrepsModel.Load(a.Require("model"));

    /// <summary>
    /// How backends run. The CLI is the one place environment variables are read: CREPS_VK_DEVICE (index or part of a name)
    /// and CREPS_VK_VALIDATION (1, or sync for synchronisation validation too).
    /// </summary>
    public static BackendOptions Backend(int threads = 0, long deviceBudgetBytes = 0, bool fp16 = false)
    {
        string? validation = Environment.GetEnvironmentVariable("CREPS_VK_VALIDATION");
        return new BackendOptions
        {
            Threads = threads,
            Device = Environment.GetEnvironmentVariable("CREPS_VK_DEVICE") is { Length: > 0 } d ? d : null,
            Validation = validation is "1" or "sync",
            SyncValidation = validation == "sync",
            DeviceBudgetBytes = deviceBudgetBytes,
            Fp16 = fp16,
        };
    }

    public static Latent Latent(Args a, CrepsModel m) => Latent(a, m, a.Long("seed", 0, uint.MaxValue));

    /// <summary>The latent for an explicit seed (bake's seed ranges) or the --seed/--z/--ws options.</summary>
    public static Latent Latent(Args a, CrepsModel m, long? seed)
    {
        int sources = (seed != null ? 1 : 0) + (a.Has("z") ? 1 : 0) + (a.Has("ws") ? 1 : 0);
        if (sources != 1) throw new UsageException("give exactly one of --seed, --z, --ws");
        float psi = (float)(a.Double("psi") ?? 1.0);
        int? cutoff = (int?)a.Long("cutoff", 0, m.Config.NumWs);
        if (a.Has("ws"))
        {
            if (a.Has("psi") || a.Has("cutoff")) throw new UsageException("--psi/--cutoff apply to --seed or --z, not to --ws (ws are used as given)");
            return Render.Latents.Latent.FromWsFile(m, a.Require("ws"));
        }
        if (a.Has("z")) return Render.Latents.Latent.FromZ(m, Render.Latents.Latent.ReadZFile(a.Require("z"), m.Config.ZDim), psi, cutoff);
        return Render.Latents.Latent.FromSeed(m, (uint)seed!.Value, psi, cutoff);
    }

    /// <summary>
    /// An option value's syntax errors (FormatException from a parser of option text) are usage errors, exit 2, in every
    /// command alike; what a named file holds is checked by <see cref="Render.IO.InputFile"/> (InputFileException, exit 1).
    /// </summary>
    public static T Parse<T>(Func<T> parse)
    {
        try { return parse(); }
        catch (FormatException e) { throw new UsageException(e.Message); }
    }

    /// <summary>Row and column coordinates from --scale, --size/--region or --rows/--cols (default: the official grid at scale 1).</summary>
    public static (double[] Rows, double[] Cols) Coordinates(Args a, CrepsModel m)
    {
        bool scale = a.Has("scale"), size = a.Has("size"), explicitAxes = a.Has("rows") || a.Has("cols");
        if ((scale ? 1 : 0) + (size ? 1 : 0) + (explicitAxes ? 1 : 0) > 1)
            throw new UsageException("give one of --scale, --size [--region], or --rows with --cols");
        if (a.Has("region") && !size) throw new UsageException("--region needs --size");
        if (explicitAxes)
        {
            if (!a.Has("rows") || !a.Has("cols")) throw new UsageException("--rows and --cols go together");
            return (Parse(() => AxisSpec.Parse(a.Require("rows"))), Parse(() => AxisSpec.Parse(a.Require("cols"))));
        }
        if (size)
        {
            var (w, h) = Parse(() => AxisSpec.ParseSize(a.Require("size")));
            var (x0, y0, x1, y1) = a.Has("region") ? Parse(() => AxisSpec.ParseRegion(a.Require("region"))) : (0, 0, 1, 1);
            return (Grid.Centers(y0, y1, h), Grid.Centers(x0, x1, w));
        }
        double s = a.Double("scale") ?? 1.0;
        try
        {
            var g = Grid.Official(m.Config.ImgResolution, s);
            return (g, g);
        }
        catch (ArgumentOutOfRangeException e) { throw new UsageException(e.Message.Split(" (Parameter")[0]); }
    }
}
