"""The quality gates of a material model, measured on its exemplar's held-out part.

    /usr/bin/python3 -m train.gates --model M.safetensors --image X.png|DIR [--early EARLY.safetensors] \
        [--sheets models/NAME] [--json OUT.json] [--threads 1]

--image is the exemplar the model was trained on; the held-out part (train.exemplar_data: the bottom-right
quadrant of one image, the last of several) is the reference for every number, in crops from the same
sampler as training (same --crop-min/--crop-max as train.exemplar). Gates:
  auc        a fresh D (the trainer's loss, lazy R1, Adam; no augmentation) trained --d-steps steps on
             training crops vs a pool of samples; ROC AUC on held-out crops vs new samples, every 100
             steps: the highest <= 0.75 (the last alone is a coin: 0.94 at step 300, 0.76 at 400)
  swd        metrics.swd against held-out crops <= 1.2 x the real floor (training crops vs held-out
             crops), and below colour-matched noise and the --early checkpoint
  rank4      |rank-4 energy share of samples - held-out crops'| <= 0.10 (a measurement, never a loss)
  seeds      mean |difference| between two seeds' renders after the best circular shift >= half the
             same figure for two held-out real crops (no copies)
  seam       tileable models: the wrap pairs no larger than the interior neighbour pairs (both axes): each
             wrap pair (its |difference| averaged over 32 seeds) at most the 90th percentile of the interior
             pairs (each averaged alike). Not "below their mean": the wrap pair of an exactly periodic model
             is one more ordinary pair and exceeds the mean half of the time; a seam is an outlier (the
             105 kimg rock model's L/R wrap column: above 93 % of interior pairs)
--sheets P writes P-samples.png (16 seeds at 128^2, tileable ones as 2x2 tilings of 4 seeds) and
P-real.png (16 held-out crops at 128^2).
"""
import sys

from .threads_env import apply_blas_settings

apply_blas_settings(sys.argv)

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402

from .capacity import auc  # noqa: E402
from .exemplar_data import CROP_MAX, CROP_MIN, Exemplar  # noqa: E402
from .metrics import gen_images, noise_like, save_sheet, seam, separable_share, sheet, swd  # noqa: E402
from .model import Discriminator  # noqa: E402
from .st import load_generator  # noqa: E402
from .trainer import discriminator_step, lazy_adam  # noqa: E402


def fresh_d_auc(G, ex, steps, batch, d_base, d_max, n=256, seed=0, log=None):
    """ROC AUC of a fresh D: trained on training crops vs a pool of 2n samples, scored on n held-out
    crops vs n other samples (the pool saves G forward passes: one per sample, not one per step)."""
    torch.manual_seed(seed)
    res = G.config["img_resolution"]
    pool = gen_images(G, 2 * n, seed=seed + 500, batch=32)
    fake_eval = gen_images(G, n, seed=seed + 600, batch=32)
    real_eval = ex.heldout(seed=11).batch(n)
    sampler = ex.train(seed=seed + 1)
    D = Discriminator(res, d_base, d_max)
    opt = lazy_adam(D.parameters(), 0.002, 16)
    g = torch.Generator().manual_seed(seed + 2)
    hist = []
    for step in range(1, steps + 1):
        fake = pool[torch.randint(0, pool.shape[0], (batch,), generator=g)]
        discriminator_step(D, opt, sampler.batch(batch), fake, 0.5, 16, step)
        if step % 100 == 0 or step == steps:
            with torch.no_grad():
                sr = torch.cat([D(real_eval[i:i + 64]) for i in range(0, n, 64)])
                sf = torch.cat([D(fake_eval[i:i + 64]) for i in range(0, n, 64)])
            hist.append((step, auc(sr, sf)))
            if log:
                log(f"  fresh D step {step}: held-out AUC {hist[-1][1]:.3f}")
    return hist[-1][1], hist


def best_shift_distance(a, b):
    """Mean |a - b| after the circular shift of b that minimises the squared difference ([N,C,H,W] pairs)."""
    fa, fb = torch.fft.rfft2(a.double()), torch.fft.rfft2(b.double())
    corr = torch.fft.irfft2(fa * fb.conj(), s=a.shape[-2:]).sum(dim=1)  # [N, H, W]: sum_c a . roll(b)
    N, H, W = corr.shape
    best = corr.reshape(N, -1).argmax(dim=1)
    out = []
    for i in range(N):
        dy, dx = divmod(int(best[i]), W)
        out.append((a[i] - torch.roll(b[i], (dy, dx), dims=(1, 2))).abs().mean())
    return torch.stack(out).mean().item()


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m train.gates", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True)
    ap.add_argument("--image", required=True, help="the exemplar image or folder the model was trained on")
    ap.add_argument("--early", default=None, help="early checkpoint export (baseline of the SWD gate)")
    ap.add_argument("--crop-min", type=float, default=CROP_MIN)
    ap.add_argument("--crop-max", type=float, default=CROP_MAX)
    ap.add_argument("--n", type=int, default=256, help="images per set (SWD, rank-4 share, AUC evaluation)")
    ap.add_argument("--d-steps", type=int, default=400)
    ap.add_argument("--d-batch", type=int, default=16)
    ap.add_argument("--d-channel-base", type=int, default=2048)
    ap.add_argument("--d-channel-max", type=int, default=128)
    ap.add_argument("--skip-auc", action="store_true")
    ap.add_argument("--sheets", default=None, help="prefix of the two sample sheets")
    ap.add_argument("--json", default=None)
    ap.add_argument("--threads", type=int, default=0)
    a = ap.parse_args(argv)
    if a.threads:
        torch.set_num_threads(a.threads)
    t0 = time.time()

    def log(s):
        print(s, flush=True)

    G, cfg = load_generator(a.model)
    tileable = bool(cfg.get("tileable"))
    res = cfg["img_resolution"]
    ex = Exemplar(a.image, res, a.crop_min, a.crop_max, tileable=tileable)
    log(f"{a.model} (tileable={tileable}) on {ex.describe()}")
    r = {"model": a.model, "image": a.image, "tileable": tileable}
    with torch.no_grad():
        held = ex.heldout(seed=11).batch(a.n)
        trn = ex.train(seed=12).batch(a.n)
        samples = gen_images(G, a.n, seed=1000, batch=32)
        rows = [("floor", trn), ("model", samples), ("noise", noise_like(held, a.n))]
        if a.early:
            rows.append(("early", gen_images(load_generator(a.early)[0], a.n, seed=1000, batch=32)))
        for name, imgs in rows:
            r[f"swd_{name}"] = swd(imgs, held)[1]
        log("SWD x1e3 vs held-out crops: " + ", ".join(f"{k[4:]} {v:.1f}" for k, v in r.items()
                                                        if k.startswith("swd_")))
        ok = r["swd_model"] <= 1.2 * r["swd_floor"] and r["swd_model"] < r["swd_noise"]
        if a.early:
            ok = ok and r["swd_model"] < r["swd_early"]
        r["gate_swd"] = bool(ok)

        r["rank4_real"] = separable_share(held).mean().item()
        r["rank4_model"] = separable_share(samples).mean().item()
        r["gate_rank4"] = abs(r["rank4_model"] - r["rank4_real"]) <= 0.10
        log(f"rank-4 share: held-out {r['rank4_real']:.3f}, samples {r['rank4_model']:.3f}")

        k = 64
        r["seed_dist"] = best_shift_distance(samples[:k], samples[k:2 * k])
        r["real_dist"] = best_shift_distance(held[:k], held[k:2 * k])
        r["gate_seeds"] = r["seed_dist"] >= 0.5 * r["real_dist"]
        log(f"distance after the best circular shift: two seeds {r['seed_dist']:.4f}, two held-out crops "
            f"{r['real_dist']:.4f}")

        if tileable:
            s = seam(G, n=32, size=256)
            r.update({f"seam_{k2}": v for k2, v in s.items()})
            r["gate_seam"] = s["lr"] <= s["ih_q"][1] and s["tb"] <= s["iv_q"][1]
            log(f"seam at 256^2: L/R {s['lr']:.4f} vs interior {s['ih']:.4f} (above {s['lr_pct']:.0f} % of interior "
                f"pairs, 90 %: {s['ih_q'][1]:.4f}); T/B {s['tb']:.4f} vs {s['iv']:.4f} (above {s['tb_pct']:.0f} %, "
                f"90 %: {s['iv_q'][1]:.4f})")

        if a.sheets:
            sheet(G, a.sheets + "-samples.png", size=128, tiled=tileable)
            big = Exemplar(a.image, 128, a.crop_min, a.crop_max, tileable=tileable)
            save_sheet(big.heldout(seed=4000).batch(16), a.sheets + "-real.png", 4, 4, 128)
            log(f"wrote {a.sheets}-samples.png and {a.sheets}-real.png")

    if not a.skip_auc:
        r["auc"], r["auc_hist"] = fresh_d_auc(G, ex, a.d_steps, a.d_batch, a.d_channel_base, a.d_channel_max,
                                              n=a.n, log=log)
        r["auc_max"] = max(v for _, v in r["auc_hist"])
        r["gate_auc"] = r["auc_max"] <= 0.75  # the best this D did: one snapshot swings 0.66-0.94 (p3)
    gates = {k: v for k, v in r.items() if k.startswith("gate_")}
    r["pass"] = all(gates.values()) and not a.skip_auc
    r["seconds"] = time.time() - t0
    log("gates: " + ", ".join(f"{k[5:]} {'PASS' if v else 'FAIL'}" for k, v in gates.items())
        + f" -> {'ALL PASS' if r['pass'] else 'not passed'} ({r['seconds']:.0f} s)")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(r, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
