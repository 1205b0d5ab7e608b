using System.CommandLine;
using Creps.Render.Latents;
using Creps.Render.Model;

namespace Creps.Cli;

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
