"""CREPS GAN trainer (CPU friendly; CUDA when present).

    /usr/bin/python3 -m train --data DIR|IMAGE --res 64 --minutes 120 --out model.safetensors \
        [--resume CKPT] [--tileable]

Non-saturating logistic loss, lazy R1 on reals, optional lazy path-length regularisation (--pl-weight),
EMA generator, Adam(betas=(0.0, 0.99)).
Checkpoints (.pt) and PNG sample grids go to the run directory (default train/runs/<out name>/).
"""
import argparse
import copy
import json
import math
import os
import queue
import sys
import threading
import time

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from .data import CropSampler, list_images, load_image, synthetic_image
from .model import Discriminator, Generator
from .st import export_generator


def parse_args(argv=None):
    ap = argparse.ArgumentParser(prog="python -m train", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", action="append", default=[], help="image file, folder or glob (repeatable)")
    ap.add_argument("--include", default="", help="comma list: keep files whose name contains one")
    ap.add_argument("--exclude", default="", help="comma list: drop files whose name contains one")
    ap.add_argument("--synthetic", action="store_true", help="train on a generated test texture")
    ap.add_argument("--res", type=int, default=64)
    ap.add_argument("--minutes", type=float, default=60.0, help="wall-clock training budget for this run")
    ap.add_argument("--max-steps", type=int, default=0, help="stop after this many steps (0 = no limit)")
    ap.add_argument("--out", required=True, help="exported EMA generator (.safetensors)")
    ap.add_argument("--run-dir", default=None)
    ap.add_argument("--resume", default=None, help="checkpoint .pt to continue from")
    ap.add_argument("--tileable", action="store_true", help="integer frequencies, pixel-centre coordinates")
    ap.add_argument("--shift", type=float, default=None,
                    help="render each batch at coordinates shifted by U[0, SHIFT) per axis (default: 1 with "
                         "--tileable, so D sees the wrap seam inside its view; 0 otherwise)")
    ap.add_argument("--batch", type=int, default=None,
                    help="images per step (default 8, or the checkpoint's on --resume; given, it wins)")
    ap.add_argument("--glr", type=float, default=0.002)
    ap.add_argument("--dlr", type=float, default=0.002)
    ap.add_argument("--gamma", type=float, default=0.5, help="R1 weight")
    ap.add_argument("--r1-every", type=int, default=16)
    ap.add_argument("--pl-weight", type=float, default=0.0,
                    help="path-length regularisation weight (0: off; the official CREPS recipe uses 2)")
    ap.add_argument("--pl-every", type=int, default=4, help="lazy path-length regularisation interval")
    ap.add_argument("--pl-decay", type=float, default=0.01, help="decay of the running mean path length")
    ap.add_argument("--ema-kimg", type=float, default=None, help="default batch*10/32")
    ap.add_argument("--ema-rampup", type=float, default=0.05)
    ap.add_argument("--z-dim", type=int, default=128)
    ap.add_argument("--w-dim", type=int, default=128)
    ap.add_argument("--channel-base", type=int, default=4096)
    ap.add_argument("--channel-max", type=int, default=128)
    ap.add_argument("--biline", type=int, default=16)
    ap.add_argument("--rank", type=int, default=8)
    ap.add_argument("--map-layers", type=int, default=4)
    ap.add_argument("--d-channel-base", type=int, default=2048)
    ap.add_argument("--d-channel-max", type=int, default=128)
    ap.add_argument("--crop-min", type=float, default=0.25, help="crop side / image side, minimum")
    ap.add_argument("--crop-max", type=float, default=0.5)
    ap.add_argument("--max-side", type=int, default=512, help="images are first resized to this size")
    ap.add_argument("--no-wrap", action="store_true", help="do not wrap crops around image borders")
    ap.add_argument("--no-rotate", action="store_true",
                    help="horizontal flips only, no vertical flips or 90-degree turns (photographs have an up)")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--device", default="auto", help="auto (cuda when present), cpu, cuda, cuda:N")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--log-seconds", type=float, default=30.0)
    ap.add_argument("--ckpt-minutes", type=float, default=10.0)
    ap.add_argument("--early-kimg", type=float, default=2.0, help="also keep a copy of the checkpoint here")
    ap.add_argument("--grid", type=int, default=4, help="sample grid is grid x grid")
    return ap.parse_args(argv)


CKPT_KEYS = ("G", "D", "G_ema", "opt_G", "opt_D", "step", "nimg", "args", "config")


def load_checkpoint(path):
    """A training checkpoint (.pt) on the CPU, or exit with one line saying what is wrong with the file.
    It is a pickle of our own: load only checkpoints you trust."""
    if not os.path.isfile(path):
        sys.exit(f"checkpoint {path}: no such file")
    try:
        st = torch.load(path, map_location="cpu", weights_only=False)
    except Exception as e:  # truncated zip, not a torch file, ...
        sys.exit(f"checkpoint {path}: not a readable training checkpoint ({type(e).__name__}: {e})")
    missing = [k for k in CKPT_KEYS if not isinstance(st, dict) or k not in st]
    if missing:
        sys.exit(f"checkpoint {path}: not a training checkpoint of train/ (missing {', '.join(missing)})")
    for opt in ("opt_G", "opt_D"):
        for s in st[opt]["state"].values():
            # packed checkpoints drop Adam's first moment: with beta1 = 0 it is the last gradient,
            # overwritten by the next step before it is read
            if "exp_avg" not in s:
                s["exp_avg"] = torch.zeros(s["exp_avg_sq"].shape)
    return st


def make_models(a):
    G = Generator(z_dim=a.z_dim, w_dim=a.w_dim, img_resolution=a.res, channel_base=a.channel_base,
                  channel_max=a.channel_max, biline_channels=a.biline, rank=a.rank,
                  mapping_layers=a.map_layers, tileable=a.tileable)
    D = Discriminator(a.res, a.d_channel_base, a.d_channel_max)
    return G, D


def lazy_adam(params, lr, every=0):
    """The trainer's Adam (beta1 0, beta2 0.99). A net that also takes a lazy regulariser step every
    `every` steps runs at lr * k/(k+1) and beta2 ** (k/(k+1)) (k = every), so k+1 updates move it as far
    as k plain ones would; every=0: no lazy regulariser."""
    mb = every / (every + 1) if every else 1.0
    return torch.optim.Adam(params, lr=lr * mb, betas=(0.0, 0.99 ** mb), eps=1e-8)


def discriminator_step(D, opt_D, real, fake, gamma, r1_every, step):
    """One D update: logistic loss on real vs fake; on every r1_every-th step (lazy R1) also the R1
    penalty on the reals, weighted gamma / 2 * r1_every. Returns the logistic loss (detached) and R1
    (detached, or None on steps without it)."""
    for p in D.parameters():
        p.requires_grad_(True)
    do_r1 = gamma > 0 and step % r1_every == 0
    real_in = real.detach().requires_grad_(do_r1)
    d_real = D(real_in)
    loss = F.softplus(D(fake.detach())).mean() + F.softplus(-d_real).mean()
    total, r1 = loss, None
    if do_r1:
        (g,) = torch.autograd.grad(d_real.sum(), real_in, create_graph=True)
        r1 = g.square().sum(dim=[1, 2, 3]).mean()
        total = loss + r1 * (gamma / 2 * r1_every)
    opt_D.zero_grad(set_to_none=True)
    total.backward()
    opt_D.step()
    return loss.detach(), None if r1 is None else r1.detach()


def save_grid(G, path, n, res, seed=123):
    dev = G.mapping.w_avg.device
    z = torch.from_numpy(np.random.RandomState(seed).randn(n * n, G.z_dim)).float().to(dev)
    with torch.no_grad():
        imgs = torch.cat([G(z[i:i + 8]) for i in range(0, n * n, 8)])
    imgs = (imgs * 127.5 + 128).clamp(0, 255).to(torch.uint8).cpu()
    grid = imgs.reshape(n, n, 3, res, res).permute(0, 3, 1, 4, 2).reshape(n * res, n * res, 3)
    Image.fromarray(grid.numpy()).save(path)


def load_data(a):
    if a.synthetic:
        return [synthetic_image(max(96, a.res * 2), a.seed)], ["<synthetic>"]
    inc = [s for s in a.include.split(",") if s]
    exc = [s for s in a.exclude.split(",") if s]
    files = list_images(a.data, inc, exc)
    if not files:
        sys.exit(f"no images found in {a.data}")
    imgs = [load_image(f, a.max_side) for f in files]
    return imgs, files


class Prefetcher:
    """Draws the real batches on a background thread (torch's crop/resize ops release the GIL), so the
    CPU sampling overlaps the training step; one producer keeps the sampler's sequence deterministic."""

    def __init__(self, sampler, batch, device, depth=4):
        self.q = queue.Queue(maxsize=depth)
        self.device = device
        self.stop = threading.Event()
        pin = device.type == "cuda"

        def work():
            while not self.stop.is_set():
                try:
                    x = sampler.batch(batch)
                    if pin:
                        x = x.pin_memory()
                except Exception as e:  # handed to the training loop: it raises instead of waiting forever
                    x = e
                while not self.stop.is_set():
                    try:
                        self.q.put(x, timeout=0.5)
                        break
                    except queue.Full:
                        pass

        self.thread = threading.Thread(target=work, daemon=True)
        self.thread.start()

    def next(self):
        x = self.q.get()
        if isinstance(x, Exception):
            raise RuntimeError("drawing a batch of real crops failed") from x
        return x.to(self.device, non_blocking=True)

    def close(self):
        self.stop.set()
        self.thread.join()


def pick_device(name):
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    dev = torch.device(name)
    if dev.type == "cuda" and not torch.cuda.is_available():
        sys.exit(f"--device {name}: torch {torch.__version__} sees no CUDA device")
    return dev


def main(argv=None):
    a = parse_args(argv)
    if a.threads:
        torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    device = pick_device(a.device)
    if device.type == "cuda":
        # TF32 for training only: exported weights are float32 and every backend renders them exactly.
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    run_dir = a.run_dir or os.path.join(os.path.dirname(__file__), "runs",
                                        os.path.splitext(os.path.basename(a.out))[0])
    os.makedirs(run_dir, exist_ok=True)

    state = None
    if a.resume:
        state = load_checkpoint(a.resume)
        saved = state["args"]
        for k in ["z_dim", "w_dim", "res", "channel_base", "channel_max", "biline", "rank", "map_layers",
                  "d_channel_base", "d_channel_max", "tileable"]:
            setattr(a, k, saved[k])
        if a.batch is None:
            a.batch = saved["batch"]
    if a.batch is None:
        a.batch = 8
    G, D = make_models(a)
    G, D = G.to(device), D.to(device)
    G_ema = copy.deepcopy(G).eval()
    for p in G_ema.parameters():
        p.requires_grad_(False)
    opt_G = lazy_adam(G.parameters(), a.glr, a.pl_every if a.pl_weight > 0 else 0)
    opt_D = lazy_adam(D.parameters(), a.dlr, a.r1_every)
    step, nimg, elapsed0 = 0, 0, 0.0
    pl_mean = torch.zeros([], device=device)
    if state is not None:
        G.load_state_dict(state["G"])
        D.load_state_dict(state["D"])
        G_ema.load_state_dict(state["G_ema"])
        for opt, key in ((opt_G, "opt_G"), (opt_D, "opt_D")):
            hyper = [(g["lr"], g["betas"]) for g in opt.param_groups]
            opt.load_state_dict(state[key])
            for g, (lr, betas) in zip(opt.param_groups, hyper):  # this run's lr/betas, not the checkpoint's
                g["lr"], g["betas"] = lr, betas
        step, nimg, elapsed0 = state["step"], state["nimg"], state.get("elapsed", 0.0)
        pl_mean.fill_(float(state.get("pl_mean", 0.0)))
        print(f"resumed {a.resume}: step {step}, {nimg / 1000:.1f} kimg")

    imgs, files = load_data(a)
    sampler = CropSampler(imgs, a.res, a.crop_min, a.crop_max, wrap=not a.no_wrap, seed=a.seed + step,
                          rotate=not a.no_rotate)
    nG = sum(p.numel() for p in G.parameters())
    nD = sum(p.numel() for p in D.parameters())
    print(f"data: {len(files)} images; G {nG / 1e6:.2f} M params, D {nD / 1e6:.2f} M params; "
          f"config {json.dumps(G.config)}; batch {a.batch}; device {device}; threads {torch.get_num_threads()}; "
          f"run dir {run_dir}", flush=True)
    with open(os.path.join(run_dir, "files.txt"), "w") as f:
        f.write("\n".join(files) + "\n")

    shift = a.shift if a.shift is not None else (1.0 if a.tileable else 0.0)
    ema_kimg = a.ema_kimg if a.ema_kimg is not None else a.batch * 10 / 32
    B = a.batch
    t_start = time.time()
    budget = a.minutes * 60
    last_log = last_ckpt = time.time()
    hist = {"D": [], "G": [], "r1": [], "pl": []}
    early_saved = nimg >= a.early_kimg * 1000
    log_steps0 = step
    reals = Prefetcher(sampler, B, device)

    def checkpoint(tag=None, keep_resume=True):
        st = {"G": G.state_dict(), "D": D.state_dict(), "G_ema": G_ema.state_dict(),
              "opt_G": opt_G.state_dict(), "opt_D": opt_D.state_dict(), "step": step, "nimg": nimg,
              "elapsed": elapsed0 + time.time() - t_start, "args": vars(a), "config": G.config,
              "pl_mean": float(pl_mean)}
        p = os.path.join(run_dir, "ckpt.pt")
        if keep_resume:
            torch.save(st, p + ".tmp")
            os.replace(p + ".tmp", p)
        if tag:
            torch.save(st, os.path.join(run_dir, f"ckpt-{tag}.pt"))
        save_grid(G_ema, os.path.join(run_dir, f"grid-{nimg // 1000:05d}kimg.png"), a.grid, a.res)
        export_generator(G_ema, os.path.join(run_dir, "latest.safetensors"))
        print(f"checkpoint {p} at {nimg / 1000:.2f} kimg" + (f" (+ckpt-{tag}.pt)" if tag else ""), flush=True)

    while True:
        if time.time() - t_start >= budget or (a.max_steps and step >= a.max_steps):
            break
        real = reals.next()
        z = torch.randn(B, G.z_dim, device=device)
        rows = cols = None
        if shift > 0:
            # A random translation per batch: for a tileable G this rolls the period, moving the wrap
            # seam into the discriminator's view; for any G it trains translation-invariant statistics.
            base = G.synthesis.default_coords(a.res).to(device)
            rows, cols = base + float(torch.rand([]) * shift), base + float(torch.rand([]) * shift)
        fake = G(z, rows=rows, cols=cols, update_w_avg=True)

        loss_D, r1 = discriminator_step(D, opt_D, real, fake, a.gamma, a.r1_every, step)

        # --- G step (non-saturating loss) on the same fakes
        for p in D.parameters():
            p.requires_grad_(False)
        loss_G = F.softplus(-D(fake)).mean()
        opt_G.zero_grad(set_to_none=True)
        loss_G.backward()
        opt_G.step()

        # --- lazy path-length regularisation: a fixed-size step in w should move the image by a
        # fixed amount (|J_w^T y| for random image-space y stays near its running mean)
        if a.pl_weight > 0 and step % a.pl_every == 0:
            ws = G.mapping(torch.randn(max(1, B // 2), G.z_dim, device=device))
            img = G.synthesis(ws, rows, cols)
            y = torch.randn_like(img) / math.sqrt(img.shape[2] * img.shape[3])
            (g,) = torch.autograd.grad((img * y).sum(), ws, create_graph=True)
            lengths = g.square().sum(dim=2).mean(dim=1).sqrt()
            pl_mean = pl_mean.lerp(lengths.mean().detach(), a.pl_decay)
            pl = (lengths - pl_mean).square().mean()
            opt_G.zero_grad(set_to_none=True)
            (pl * a.pl_weight * a.pl_every).backward()
            opt_G.step()
            hist["pl"].append(pl.detach())

        # --- EMA
        nimg += B
        step += 1
        ema_nimg = min(ema_kimg * 1000, nimg * a.ema_rampup) if a.ema_rampup else ema_kimg * 1000
        beta = 0.5 ** (B / max(ema_nimg, 1e-8))
        with torch.no_grad():
            for pe, p in zip(G_ema.parameters(), G.parameters()):
                pe.copy_(p.lerp(pe, beta))
            for be, b in zip(G_ema.buffers(), G.buffers()):
                be.copy_(b)

        # Losses stay on the device until the log line: an .item() per step would stall CUDA every step.
        hist["D"].append(loss_D)
        hist["G"].append(loss_G.detach())
        if r1 is not None:
            hist["r1"].append(r1)

        now = time.time()
        if now - last_log >= a.log_seconds:
            mean = {k: torch.stack(v).mean().item() if v else 0.0 for k, v in hist.items()}
            if not all(math.isfinite(v) for v in mean.values()):
                checkpoint("nan", keep_resume=False)
                reals.close()
                sys.exit("non-finite loss (the last good state is the previous ckpt.pt)")
            sps = (step - log_steps0) / (now - last_log)
            left = max(0.0, budget - (now - t_start))
            print(f"step {step:6d} kimg {nimg / 1000:7.2f} lossD {mean['D']:.3f} "
                  f"lossG {mean['G']:.3f} r1 {mean['r1']:.4f} pl {mean['pl']:.4f} "
                  f"{sps:.2f} steps/s ({sps * B:.1f} img/s) ETA {left / 60:.1f} min "
                  f"(~{(nimg + sps * B * left) / 1000:.1f} kimg at end)", flush=True)
            hist = {"D": [], "G": [], "r1": [], "pl": []}
            last_log, log_steps0 = now, step
        if not early_saved and nimg >= a.early_kimg * 1000:
            checkpoint("early")
            early_saved = True
            last_ckpt = time.time()
        elif now - last_ckpt >= a.ckpt_minutes * 60:
            checkpoint()
            last_ckpt = time.time()

    reals.close()
    checkpoint()
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    export_generator(G_ema, a.out)
    print(f"done: {step} steps, {nimg / 1000:.2f} kimg, {(elapsed0 + time.time() - t_start) / 60:.1f} min "
          f"in total; exported EMA generator to {a.out}", flush=True)
    return 0
