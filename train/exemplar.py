"""Train one material model on one exemplar image (or a folder of a few images of one material).

    /usr/bin/python3 -m train.exemplar --image X.png|DIR --material NAME [--tileable] --minutes N \
        [--init MODEL.safetensors] --out M.safetensors [--resume RUN/ckpt.pt] [--loss gan+swd|gan|swd]

Part of the exemplar is held out (the bottom-right quadrant of one image, or the last of several images,
see exemplar_data.py) and never trained on: `python3 -m train.gates` measures every quality number there.
Losses (--loss): "gan" — non-saturating logistic GAN with lazy R1 and DiffAugment before a small D;
"swd" — the multi-scale patch sliced-Wasserstein loss alone (texture_losses.patch_swd; raw and
mean-removed patches, several sizes and pyramid levels, circular when --tileable); "gan+swd" — the GAN
with the patch loss as an auxiliary G loss (--swd-weight). The rank-4 share is never a loss here.
Starts (--warm): "spectral" sets G to a random-phase texture of the exemplar (train/spectral_init.py; with
--minutes 0 that model is the output; --marginals then writes the exemplar's colour histograms into the per-pixel
head, train/marginal_fit.py), "autodecoder" regresses G onto fixed crops first (train/autodecoder.py).
Progress lines (losses, steps/s, ETA); a resumable checkpoint RUN/ckpt.pt every --ckpt-minutes
(and at the end), RUN/early.safetensors at --early-kimg (the early baseline of the gates), the EMA
generator at --out.
"""
import sys

from .threads_env import apply_blas_settings, blas_core, cpu_name

apply_blas_settings(sys.argv)

import argparse  # noqa: E402
import copy  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import os  # noqa: E402
import time  # noqa: E402

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from .autodecoder import autodecoder_warm_start  # noqa: E402
from .marginal_fit import match_marginals  # noqa: E402
from .spectral_init import spectral_init  # noqa: E402
from .exemplar_data import CROP_MAX, CROP_MIN, Exemplar  # noqa: E402
from .model import Discriminator, Generator  # noqa: E402
from .st import export_generator, load_generator  # noqa: E402
from .texture_losses import diff_augment, patch_swd  # noqa: E402
from .trainer import Prefetcher, discriminator_step, lazy_adam, save_grid  # noqa: E402

SPECTRUM_CROPS = 256  # training crops the spectral start measures its power spectrum on

LAYOUTS = {  # G lines channel_base / channel_max (see models/README.md, "Where the plaid comes from")
    "narrow": (4096, 128),
    "mid": (16384, 256),
}


def parse_args(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m train.exemplar", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--image", required=True, help="exemplar image, or a folder of images of one material")
    ap.add_argument("--material", required=True, help="name of the material (run directory, log)")
    ap.add_argument("--tileable", action="store_true", help="the model tiles: integer frequencies, pixel centres")
    ap.add_argument("--minutes", type=float, required=True, help="wall-clock budget of this run")
    ap.add_argument("--max-steps", type=int, default=0)
    ap.add_argument("--init", default=None, help="start G from this model's weights (its layout is used)")
    ap.add_argument("--out", required=True, help="exported EMA generator (.safetensors)")
    ap.add_argument("--run-dir", default=None, help="default train/runs/exemplar-<material>")
    ap.add_argument("--resume", default=None, help="a ckpt.pt of this command to continue")
    ap.add_argument("--loss", default="gan+swd", choices=["gan+swd", "gan", "swd"])
    ap.add_argument("--swd-weight", type=float, default=1.0)
    ap.add_argument("--swd-sizes", default="3,7", help="patch sizes of the patch SWD loss")
    ap.add_argument("--swd-levels", type=int, default=3, help="pyramid levels of the patch SWD loss")
    ap.add_argument("--no-augment", action="store_true", help="GAN without DiffAugment")
    ap.add_argument("--layout", default="narrow", choices=sorted(LAYOUTS))
    ap.add_argument("--biline", type=int, default=32)
    ap.add_argument("--res", type=int, default=64)
    ap.add_argument("--crop-min", type=float, default=CROP_MIN, help="crop side / exemplar side")
    ap.add_argument("--crop-max", type=float, default=CROP_MAX)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--glr", type=float, default=0.002)
    ap.add_argument("--dlr", type=float, default=0.002)
    ap.add_argument("--gamma", type=float, default=0.5)
    ap.add_argument("--r1-every", type=int, default=16)
    ap.add_argument("--d-channel-base", type=int, default=2048)
    ap.add_argument("--d-channel-max", type=int, default=64)
    ap.add_argument("--ema-kimg", type=float, default=1.0)
    ap.add_argument("--bf16", action="store_true", help="bf16 autocast for the forward passes (CPU)")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--log-seconds", type=float, default=30.0)
    ap.add_argument("--ckpt-minutes", type=float, default=5.0)
    ap.add_argument("--early-kimg", type=float, default=1.0)
    ap.add_argument("--warm", default="none", choices=["none", "autodecoder", "spectral"],
                    help="autodecoder: regress G onto --warm-crops fixed training crops (free w each) first; "
                         "spectral: set G to a random-phase texture of the exemplar (train/spectral_init.py)")
    ap.add_argument("--warm-minutes", type=float, default=12.0, help="part of --minutes spent on the warm start")
    ap.add_argument("--warm-crops", type=int, default=64, help="autodecoder: number of fixed crops it regresses onto")
    ap.add_argument("--spectral-alpha", type=float, default=1.0,
                    help="spectral: the terms' frequencies are drawn with probability ~ power^alpha "
                         "(train/spectral_init.pick_waves; < 1 spreads them toward weak high frequencies)")
    ap.add_argument("--marginals", action="store_true",
                    help="spectral: then write the exemplar's colour histograms into the per-pixel head "
                         "(train/marginal_fit.py: exact quantile maps, no training step)")
    ap.add_argument("--train", default="all", choices=["all", "pixels"],
                    help="pixels: train only the per-pixel part (decoders, block0/1); the mapping and the line "
                         "blocks keep their start (with --warm spectral: the random-phase waves stay, and the "
                         "per-pixel MLP learns a nonlinear function of them)")
    return ap.parse_args(argv)


class Augmented(torch.nn.Module):
    """D after DiffAugment: real and generated images get the same kind of random augmentation."""

    def __init__(self, D, on=True):
        super().__init__()
        self.D, self.on = D, on

    def forward(self, x):
        return self.D(diff_augment(x) if self.on else x)


def drop_inactive_clamp(G):
    """Training runs without the ±256 activation clamp (never reached in training; measured: see
    models/README.md): one elementwise pass less per layer. Exported configs keep fc_clamp, which
    renderers apply."""
    for m in G.modules():
        if hasattr(m, "clamp") and not callable(getattr(m, "clamp")):
            m.clamp = None


PIXEL_PARTS = ("synthesis.decoder", "synthesis.block0.", "synthesis.block1.")  # every per-pixel layer


def trainable_parameters(G, which):
    """G's parameters that this run trains (the others get requires_grad False)."""
    out = []
    for name, p in G.named_parameters():
        p.requires_grad_(which == "all" or name.startswith(PIXEL_PARTS))
        if p.requires_grad:
            out.append(p)
    return out


def build(a, state):
    if state is not None:
        cfg = state["config"]
        G = Generator(**cfg)
    elif a.init:
        G, cfg = load_generator(a.init)
        if bool(cfg.get("tileable")) != a.tileable:
            sys.exit(f"--init {a.init}: tileable={bool(cfg.get('tileable'))}, but --tileable is {a.tileable}")
        G.train()
    else:
        cb, cm = LAYOUTS[a.layout]
        G = Generator(z_dim=128, w_dim=128, img_resolution=a.res, channel_base=cb, channel_max=cm,
                      biline_channels=a.biline, rank=8, mapping_layers=4, tileable=a.tileable)
    drop_inactive_clamp(G)
    D = Discriminator(G.config["img_resolution"], a.d_channel_base, a.d_channel_max)
    return G, D


def main(argv=None):
    a = parse_args(argv)
    if a.marginals and a.warm != "spectral":
        sys.exit("--marginals writes into the spectral start's head: it needs --warm spectral")
    if a.threads:
        torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    run_dir = a.run_dir or os.path.join(os.path.dirname(__file__), "runs", f"exemplar-{a.material}")
    os.makedirs(run_dir, exist_ok=True)
    state = None
    if a.resume:
        if not os.path.isfile(a.resume):
            sys.exit(f"--resume {a.resume}: no such file")
        try:
            state = torch.load(a.resume, map_location="cpu", weights_only=False)
        except Exception as e:
            sys.exit(f"--resume {a.resume}: not a readable checkpoint ({type(e).__name__}: {e})")
        if not isinstance(state, dict) or state.get("kind") != "exemplar":
            sys.exit(f"--resume {a.resume}: not a checkpoint of train.exemplar")
        a.tileable = bool(state["config"].get("tileable"))
        if a.train != state["args"].get("train", "all"):  # opt_G's state is for exactly the checkpoint's parameters
            print(f"--resume: training {state['args'].get('train', 'all')} parameters as the checkpoint did "
                  f"(not --train {a.train})")
            a.train = state["args"].get("train", "all")
    G, D = build(a, state)
    res = G.config["img_resolution"]
    ex = Exemplar(a.image, res, a.crop_min, a.crop_max, tileable=a.tileable)
    warm_minutes = 0.0  # the warm start's share of --minutes
    if a.warm != "none" and state is None:
        if a.init:
            sys.exit(f"--warm {a.warm} sets G's weights itself: drop --init {a.init}")
        if a.warm == "autodecoder":
            autodecoder_warm_start(G, ex.train(seed=a.seed + 99), a.warm_crops, a.warm_minutes, batch=a.batch,
                                   seed=a.seed, log=lambda s: print(s, flush=True))
            warm_minutes = a.warm_minutes
        else:
            try:
                spectral_init(G, ex.train(seed=a.seed + 99).batch(SPECTRUM_CROPS), seed=a.seed, alpha=a.spectral_alpha,
                              log=lambda s: print(s, flush=True))
            except ValueError as e:
                sys.exit(f"--warm spectral: {e}")
            if a.marginals:
                try:
                    match_marginals(G, ex.train(seed=a.seed + 98).batch(SPECTRUM_CROPS), seed=a.seed,
                                    log=lambda s: print(s, flush=True))
                except ValueError as e:
                    sys.exit(f"--marginals: {e}")
        export_generator(G, os.path.join(run_dir, "warm.safetensors"))
    G_ema = copy.deepcopy(G).eval()
    for p in G_ema.parameters():
        p.requires_grad_(False)
    use_gan, use_swd = "gan" in a.loss, "swd" in a.loss
    DA = Augmented(D, on=not a.no_augment)
    trained = trainable_parameters(G, a.train)
    opt_G = lazy_adam(trained, a.glr) if use_gan else torch.optim.Adam(trained, a.glr, betas=(0.5, 0.99))
    opt_D = lazy_adam(D.parameters(), a.dlr, a.r1_every)
    step, nimg, elapsed0 = 0, 0, 0.0
    if state is not None:
        G.load_state_dict(state["G"])
        G_ema.load_state_dict(state["G_ema"])
        D.load_state_dict(state["D"])
        opt_G.load_state_dict(state["opt_G"])
        opt_D.load_state_dict(state["opt_D"])
        step, nimg, elapsed0 = state["step"], state["nimg"], state["elapsed"]
        print(f"resumed {a.resume}: step {step}, {nimg / 1000:.2f} kimg, {elapsed0 / 60:.1f} min so far")
    sizes = tuple(int(s) for s in a.swd_sizes.split(","))
    nG = sum(p.numel() for p in G.parameters())
    nD = sum(p.numel() for p in D.parameters())
    print(f"material {a.material}: {ex.describe()}\nloss {a.loss} (swd weight {a.swd_weight}, sizes {sizes}, "
          f"levels {a.swd_levels}, augment {not a.no_augment}); G {nG / 1e6:.2f} M "
          f"({sum(p.numel() for p in trained) / 1e6:.2f} M trained: {a.train}), D {nD / 1e6:.2f} M; "
          f"config {json.dumps(G.config)}; batch {a.batch}; threads {torch.get_num_threads()}; bf16 {a.bf16}; "
          f"{blas_core()} on {cpu_name()}; "
          f"run dir {run_dir}", flush=True)
    reals = Prefetcher(ex.train(seed=a.seed + step), a.batch, torch.device("cpu"))
    gen = torch.Generator().manual_seed(a.seed * 7919 + step)
    B = a.batch
    t_start = last_log = last_ckpt = time.time()
    budget = max(0.0, a.minutes - warm_minutes) * 60
    early_saved = nimg >= a.early_kimg * 1000
    hist = {"D": [], "G": [], "swd": []}
    log_steps0 = step

    def checkpoint():
        st = {"kind": "exemplar", "G": G.state_dict(), "D": D.state_dict(), "G_ema": G_ema.state_dict(),
              "opt_G": opt_G.state_dict(), "opt_D": opt_D.state_dict(), "step": step, "nimg": nimg,
              "elapsed": elapsed0 + time.time() - t_start, "args": vars(a), "config": G.config}
        p = os.path.join(run_dir, "ckpt.pt")
        torch.save(st, p + ".tmp")
        os.replace(p + ".tmp", p)
        save_grid(G_ema, os.path.join(run_dir, f"grid-{nimg // 100:05d}.png"), 4, res)
        export_generator(G_ema, os.path.join(run_dir, "latest.safetensors"))
        print(f"checkpoint {p} at {nimg / 1000:.2f} kimg", flush=True)

    while time.time() - t_start < budget and not (a.max_steps and step >= a.max_steps):
        real = reals.next()
        z = torch.randn(B, G.z_dim)
        rows = cols = None
        if a.tileable:  # a random roll of the period per batch: the wrap seam moves into D's view
            base = G.synthesis.default_coords(res)
            rows = base + float(torch.rand([], generator=gen))
            cols = base + float(torch.rand([], generator=gen))
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=a.bf16):
            fake = G(z, rows=rows, cols=cols, update_w_avg=True).float()
        loss = fake.new_zeros([])
        if use_gan:
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=a.bf16):
                loss_D, _ = discriminator_step(DA, opt_D, real, fake, a.gamma, a.r1_every, step)
                for p in D.parameters():
                    p.requires_grad_(False)
                loss_G = F.softplus(-DA(fake)).mean()
            hist["D"].append(loss_D)
            hist["G"].append(loss_G.detach())
            loss = loss + loss_G
        if use_swd:
            ls = patch_swd(fake, real, sizes=sizes, levels=a.swd_levels, circular=a.tileable, g=gen)
            hist["swd"].append(ls.detach())
            loss = loss + a.swd_weight * ls
        opt_G.zero_grad(set_to_none=True)
        loss.backward()
        opt_G.step()

        nimg += B
        step += 1
        ema_nimg = min(a.ema_kimg * 1000, nimg * 0.05 + 1)
        beta = 0.5 ** (B / ema_nimg)
        with torch.no_grad():
            for pe, p in zip(G_ema.parameters(), G.parameters()):
                pe.copy_(p.lerp(pe, beta))
            for be, b in zip(G_ema.buffers(), G.buffers()):
                be.copy_(b)

        now = time.time()
        if now - last_log >= a.log_seconds:
            mean = {k: (torch.stack(v).mean().item() if v else float("nan")) for k, v in hist.items()}
            if any(v and not math.isfinite(torch.stack(v).mean().item()) for v in hist.values()):
                reals.close()
                sys.exit("non-finite loss (the last good state is the previous ckpt.pt)")
            sps = (step - log_steps0) / (now - last_log)
            left = max(0.0, budget - (now - t_start))
            print(f"step {step:6d} kimg {nimg / 1000:6.2f} lossD {mean['D']:.3f} lossG {mean['G']:.3f} "
                  f"swd {mean['swd']:.4f} {sps:.2f} steps/s ({sps * B:.1f} img/s, load {os.getloadavg()[0]:.1f}) "
                  f"ETA {left / 60:.1f} min", flush=True)
            hist = {k: [] for k in hist}
            last_log, log_steps0 = now, step
        if not early_saved and nimg >= a.early_kimg * 1000:
            export_generator(G_ema, os.path.join(run_dir, "early.safetensors"))
            early_saved = True
        if now - last_ckpt >= a.ckpt_minutes * 60:
            checkpoint()
            last_ckpt = time.time()

    reals.close()
    checkpoint()
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    export_generator(G_ema, a.out)
    print(f"done: {step} steps, {nimg / 1000:.2f} kimg, {(elapsed0 + time.time() - t_start) / 60:.1f} min in "
          f"total; exported EMA generator to {a.out}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
