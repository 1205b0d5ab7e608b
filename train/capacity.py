"""Where does the plaid come from? Two GAN-free checks of a layout's capacity.

    /usr/bin/python3 -m train.capacity fit --real data/0ad-terrain/heldout --images 8 --steps 1500 \
        --channel-base 4096 --channel-max 128 --biline 32 [--png fits.png]
    /usr/bin/python3 -m train.capacity discriminate --model tests/fixtures/gan-models/terrain.safetensors \
        --train data/0ad-terrain/train --real data/0ad-terrain/heldout --d-channel-base 2048 --d-channel-max 128

fit: one generator (shared synthesis weights, one free w per layer and image, as in the GAN) regressed
onto K real crops (MSE, Adam); prints PSNR and the rank-k separability share of the fits next to the
targets' own. A layout that cannot fit K real crops without turning them into plaid cannot learn them
in a GAN either; one that fits them has the capacity, and the plaid comes from training.
discriminate: a fresh discriminator of a layout, trained exactly as in training (logistic loss, lazy
R1, Adam) to tell real training crops from a frozen model's samples; prints its ROC AUC on held-out
real crops vs new samples. Near 1: that D can see what is wrong with the samples; near 0.5: it cannot,
and a G trained against it gets no signal to fix it. Same model code as training and export.
"""
import argparse
import sys
import time

import numpy as np
import torch

from .data import CropSampler, list_images, load_image
from .metrics import psnr, real_crops, save_sheet, separable_share
from .model import Discriminator, Generator
from .st import load_generator
from .trainer import discriminator_step, lazy_adam


def fit(G, targets, steps, lr, seed=0, log=None):
    """Regress G.synthesis (weights + per-image ws) onto targets [K,3,R,R] in [-1,1]; yields
    (step, mse, fits clamped to [-1,1]) every `log` steps and at the last one."""
    g = torch.Generator().manual_seed(seed)
    z = torch.randn(targets.shape[0], G.z_dim, generator=g)
    with torch.no_grad():
        ws0 = G.mapping(z)
    ws = torch.nn.Parameter(ws0.clone())
    opt = torch.optim.Adam(list(G.synthesis.parameters()) + [ws], lr=lr, betas=(0.9, 0.99))
    for step in range(1, steps + 1):
        if step == int(steps * 0.8):  # a short low-lr tail settles the fit
            for group in opt.param_groups:
                group["lr"] = lr * 0.1
        loss = (G.synthesis(ws) - targets).square().mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if log and (step % log == 0 or step == steps):
            with torch.no_grad():
                out = G.synthesis(ws).clamp(-1, 1)
            yield step, loss.item(), out


def auc(pos, neg):
    """ROC AUC of scores: P(pos > neg) over all pairs, ties half."""
    d = pos.reshape(-1, 1) - neg.reshape(1, -1)
    return ((d > 0).double().mean() + 0.5 * (d == 0).double().mean()).item()


def discriminate(a, inc, exc):
    G, cfg = load_generator(a.model)
    res = cfg["img_resolution"]
    D = Discriminator(res, a.d_channel_base, a.d_channel_max)
    opt = lazy_adam(D.parameters(), 0.002, a.r1_every)
    imgs = [load_image(f, 512) for f in list_images(a.train, inc, exc)]
    wrap = not a.no_wrap
    sampler = CropSampler(imgs, res, 0.25, 0.5, wrap=wrap, seed=a.seed, rotate=not a.no_rotate)
    real_eval, nf = real_crops(a.real, inc, exc, res, 512, 0.25, 0.5, seed=11, wrap=wrap, rotate=not a.no_rotate)
    gz = torch.Generator().manual_seed(a.seed + 1)
    with torch.no_grad():
        fake_eval = torch.cat([G(torch.randn(64, G.z_dim, generator=gz)) for _ in range(8)])
    nparam = sum(p.numel() for p in D.parameters())
    print(f"D layout {a.d_channel_base}/{a.d_channel_max} ({nparam / 1e6:.2f} M parameters) vs {a.model}; "
          f"{len(imgs)} training images, eval on 512 crops of {nf} held-out images and 512 new samples", flush=True)
    t0 = time.time()
    for step in range(1, a.steps + 1):
        with torch.no_grad():
            fake = G(torch.randn(a.batch, G.z_dim, generator=gz))
        loss, _ = discriminator_step(D, opt, sampler.batch(a.batch), fake, a.gamma, a.r1_every, step)
        if step % a.log == 0 or step == a.steps:
            with torch.no_grad():
                sr = torch.cat([D(real_eval[i:i + 64]) for i in range(0, 512, 64)])
                sf = torch.cat([D(fake_eval[i:i + 64]) for i in range(0, 512, 64)])
            print(f"step {step:5d}  lossD {loss.item():.3f}  held-out AUC {auc(sr, sf):.3f}  "
                  f"{time.time() - t0:6.0f} s", flush=True)


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["fit", "discriminate"])
    ap.add_argument("--real", action="append", required=True, help="image dir(s) to take (held-out) crops from")
    ap.add_argument("--train", action="append", default=[], help="discriminate: training image dir(s)")
    ap.add_argument("--model", default=None, help="discriminate: the frozen generator")
    ap.add_argument("--d-channel-base", type=int, default=2048)
    ap.add_argument("--d-channel-max", type=int, default=128)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--gamma", type=float, default=0.5, help="discriminate: R1 weight (lazy, as the trainer)")
    ap.add_argument("--r1-every", type=int, default=16)
    ap.add_argument("--no-wrap", action="store_true")
    ap.add_argument("--no-rotate", action="store_true")
    ap.add_argument("--include", default="")
    ap.add_argument("--exclude", default="")
    ap.add_argument("--images", type=int, default=8, help="K crops fitted by one generator")
    ap.add_argument("--res", type=int, default=64)
    ap.add_argument("--steps", type=int, default=1500)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--channel-base", type=int, default=4096)
    ap.add_argument("--channel-max", type=int, default=128)
    ap.add_argument("--biline", type=int, default=32)
    ap.add_argument("--rank", type=int, default=8)
    ap.add_argument("--w-dim", type=int, default=128)
    ap.add_argument("--k", type=int, default=4, help="rank of the separability share")
    ap.add_argument("--log", type=int, default=250)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--png", default=None, help="sheet: targets (top row) over fits (bottom row)")
    a = ap.parse_args(argv)
    if a.threads:
        torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    inc = [s for s in a.include.split(",") if s]
    exc = [s for s in a.exclude.split(",") if s]
    if a.cmd == "discriminate":
        if not a.model or not a.train:
            ap.error("discriminate needs --model and --train")
        discriminate(a, inc, exc)
        return 0
    targets, nf = real_crops(a.real, inc, exc, a.res, a.images, 0.25, 0.5, seed=21)
    G = Generator(z_dim=a.w_dim, w_dim=a.w_dim, img_resolution=a.res, channel_base=a.channel_base,
                  channel_max=a.channel_max, biline_channels=a.biline, rank=a.rank)
    nparam = sum(p.numel() for p in G.synthesis.parameters())
    sep_t = separable_share(targets, a.k).mean().item()
    print(f"layout cb {a.channel_base} cmax {a.channel_max} B {a.biline} rank {a.rank} w {a.w_dim}: "
          f"{nparam / 1e6:.2f} M synthesis parameters; {a.images} crops of {a.res}^2 from {nf} images; "
          f"targets' rank-{a.k} share {sep_t:.3f}", flush=True)
    t0 = time.time()
    out = None
    for step, loss, out in fit(G, targets, a.steps, a.lr, a.seed, a.log):
        p = psnr((out + 1) / 2, (targets + 1) / 2)
        sep = separable_share(out, a.k).mean().item()
        print(f"step {step:5d}  mse {loss:.5f}  PSNR {p:5.2f} dB  rank-{a.k} share {sep:.3f} "
              f"(targets {sep_t:.3f})  {time.time() - t0:6.0f} s", flush=True)
    if a.png and out is not None:
        save_sheet(torch.cat([targets, out]), a.png, a.images, 2, a.res)
        print(f"wrote {a.png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
