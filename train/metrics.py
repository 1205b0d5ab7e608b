"""Quality numbers for exported models (no downloaded networks).

    /usr/bin/python3 -m train.metrics swd   --model M.safetensors --real DIR [--include a,b --exclude c]
                                            [--train DIR] [--n 1024]
    /usr/bin/python3 -m train.metrics scale --model M.safetensors [--n 8]
    /usr/bin/python3 -m train.metrics seam  --model M.safetensors [--n 16 --size 256]
    /usr/bin/python3 -m train.metrics sheet --model M.safetensors --png OUT.png [--tiled]
    /usr/bin/python3 -m train.metrics realsheet --real DIR --png OUT.png [--include a,b --exclude c]
    /usr/bin/python3 -m train.metrics separability --model M.safetensors --real DIR [--k 4] [--n 256]

swd: sliced Wasserstein distance on 7x7 patches of a Laplacian pyramid (as in ProGAN: 128 patches per
image and level, per-channel normalised descriptors, 4 x 128 random directions, x1e3), between
generated images (psi 1) and random crops of HELD-OUT images (same crop sampler as training).
Also prints the same figure for a colour-matched noise baseline (white Gaussian noise with the
per-channel mean/std of a random real crop) and, with --train, for training crops (real-vs-real floor).
scale: render 256^2 and 512^2 (pixel-centre coordinates (i+0.5)/n), box-downsample the 512^2 render to
256^2 and report PSNR (dB, images in [0,1]) and SSIM (11x11 Gaussian window, sigma 1.5).
seam: renders at pixel centres; mean |difference| across the left/right and top/bottom wrap vs the
mean |difference| between interior neighbours.
separability: how "plaid" images are — the share of each image's (mean-removed luminance) energy that its
best rank-k approximation (top k singular values) holds, for real crops and for each model's samples.
A separable row-times-column pattern scores near 1, white noise about k/size, real ground textures ~0.5.
"""
import argparse
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from .data import CropSampler, list_images, load_image
from .st import load_generator


def centres(n):
    return torch.from_numpy(((np.arange(n, dtype=np.float64) + 0.5) / n).astype(np.float32))


def gen_images(G, n, seed=1000, size=None, psi=1.0, batch=16, rows=None, cols=None):
    out = []
    rng = np.random.RandomState(seed)
    z = torch.from_numpy(rng.randn(n, G.z_dim)).float()
    if size is not None:
        rows = cols = centres(size) if G.config.get("tileable") else torch.linspace(0, 1, size)
    with torch.no_grad():
        for i in range(0, n, batch):
            out.append(G(z[i:i + batch], psi=psi, rows=rows, cols=cols).clamp(-1, 1))
    return torch.cat(out)


def separable_share(imgs, k=4):
    """Per image: energy share of the top-k singular values of its mean-removed luminance ([N] tensor)."""
    y = 0.299 * imgs[:, 0] + 0.587 * imgs[:, 1] + 0.114 * imgs[:, 2]
    y = y - y.mean(dim=(1, 2), keepdim=True)
    e = torch.linalg.svdvals(y.double()).square()
    return e[:, :k].sum(dim=1) / e.sum(dim=1).clamp_min(1e-20)


# ----------------------------------------------------------------------------------------- SWD
_K = torch.tensor([1.0, 4.0, 6.0, 4.0, 1.0]) / 16


def _blur(x):
    C = x.shape[1]
    k = torch.outer(_K, _K)[None, None].expand(C, 1, 5, 5)
    return F.conv2d(F.pad(x, [2, 2, 2, 2], mode="reflect"), k, groups=C)


def laplacian_pyramid(x, min_res=16):
    levels = []
    while x.shape[-1] > min_res:
        down = _blur(x)[:, :, ::2, ::2]
        up = torch.zeros_like(x)
        up[:, :, ::2, ::2] = down * 4
        levels.append(x - _blur(up))
        x = down
    levels.append(x)
    return levels


def patches(level, per_image, rng, size=7):
    N, C, H, W = level.shape
    ys = torch.from_numpy(rng.randint(0, H - size + 1, size=(N, per_image)))
    xs = torch.from_numpy(rng.randint(0, W - size + 1, size=(N, per_image)))
    off = torch.arange(size)
    yy = (ys[..., None] + off)[..., :, None].expand(N, per_image, size, size)
    xx = (xs[..., None] + off)[..., None, :].expand(N, per_image, size, size)
    n_idx = torch.arange(N)[:, None, None, None].expand_as(yy)
    p = level.permute(0, 2, 3, 1)[n_idx, yy, xx]  # [N, P, s, s, C]
    p = p.permute(0, 1, 4, 2, 3).reshape(N * per_image, C, size, size)
    return p


def normalise(d):
    mean = d.mean(dim=[0, 2, 3], keepdim=True)
    std = d.std(dim=[0, 2, 3], keepdim=True)
    return ((d - mean) / std).reshape(d.shape[0], -1)


def sliced_wasserstein(a, b, repeats=4, dirs=128, seed=0):
    g = torch.Generator().manual_seed(seed)
    res = []
    for _ in range(repeats):
        d = torch.randn(a.shape[1], dirs, generator=g)
        d = d / d.norm(dim=0, keepdim=True)
        pa, _ = torch.sort(a @ d, dim=0)
        pb, _ = torch.sort(b @ d, dim=0)
        res.append((pa - pb).abs().mean())
    return torch.stack(res).mean().item()


def swd(imgs_a, imgs_b, per_image=128, seed=0):
    """imgs in [-1,1], NCHW, same size. Returns per-level SWD x1e3 and their mean."""
    rng = np.random.RandomState(seed)
    la, lb = laplacian_pyramid(imgs_a), laplacian_pyramid(imgs_b)
    out = []
    for i, (a, b) in enumerate(zip(la, lb)):
        da = normalise(patches(a, per_image, rng))
        db = normalise(patches(b, per_image, rng))
        out.append(sliced_wasserstein(da, db, seed=seed + i) * 1e3)
    return out, float(np.mean(out))


def noise_like(real, n, seed=7):
    g = torch.Generator().manual_seed(seed)
    idx = torch.randint(0, real.shape[0], (n,), generator=g)
    mu = real.mean(dim=[2, 3], keepdim=True)[idx]
    sd = real.std(dim=[2, 3], keepdim=True)[idx]
    return (mu + sd * torch.randn(n, *real.shape[1:], generator=g)).clamp(-1, 1)


def real_crops(dirs, include, exclude, res, n, crop_min, crop_max, seed, max_side=512, wrap=True, rotate=True):
    files = list_images(dirs, include, exclude)
    imgs = [load_image(f, max_side) for f in files]
    s = CropSampler(imgs, res, crop_min, crop_max, wrap=wrap, seed=seed, rotate=rotate)
    return torch.cat([s.batch(64) for _ in range((n + 63) // 64)])[:n], len(files)


# ------------------------------------------------------------------------------- PSNR / SSIM
def psnr(a, b):
    """a, b in [0,1]."""
    mse = (a - b).square().mean(dim=[1, 2, 3])
    return (10 * torch.log10(1 / mse)).mean().item()


def ssim(a, b):
    """a, b in [0,1], NCHW; Gaussian 11x11 sigma 1.5, C1=(0.01)^2, C2=(0.03)^2, valid region."""
    x = torch.arange(11, dtype=torch.float32) - 5
    g = torch.exp(-x ** 2 / (2 * 1.5 ** 2))
    g = g / g.sum()
    C = a.shape[1]
    k = torch.outer(g, g)[None, None].expand(C, 1, 11, 11)
    f = lambda t: F.conv2d(t, k, groups=C)  # noqa: E731
    mu_a, mu_b = f(a), f(b)
    saa = f(a * a) - mu_a ** 2
    sbb = f(b * b) - mu_b ** 2
    sab = f(a * b) - mu_a * mu_b
    c1, c2 = 0.01 ** 2, 0.03 ** 2
    m = ((2 * mu_a * mu_b + c1) * (2 * sab + c2)) / ((mu_a ** 2 + mu_b ** 2 + c1) * (saa + sbb + c2))
    return m.mean().item()


def scale_consistency(G, n=8, seed=2000, lo=256, coords="centres"):
    c = centres if coords == "centres" else (lambda k: torch.linspace(0, 1, k))
    ps, ss = [], []
    for i in range(n):
        z = torch.from_numpy(np.random.RandomState(seed + i).randn(1, G.z_dim)).float()
        with torch.no_grad():
            a = G(z, rows=c(lo), cols=c(lo)).clamp(-1, 1)
            b = G(z, rows=c(2 * lo), cols=c(2 * lo)).clamp(-1, 1)
        b = F.avg_pool2d(b, 2)
        a, b = (a + 1) / 2, (b + 1) / 2
        ps.append(psnr(a, b))
        ss.append(ssim(a, b))
    return float(np.mean(ps)), float(np.mean(ss))


def seam(G, n=16, size=256, seed=3000):
    t = centres(size)
    imgs = gen_images(G, n, seed=seed, rows=t, cols=t, batch=4)
    shifted = gen_images(G, n, seed=seed, rows=t + 1, cols=t - 1, batch=4)
    period_err = (imgs - shifted).abs().max().item()
    lr = (imgs[..., 0] - imgs[..., -1]).abs().mean().item()
    tb = (imgs[..., 0, :] - imgs[..., -1, :]).abs().mean().item()
    dh = (imgs[..., 1:] - imgs[..., :-1]).abs().mean(dim=(0, 1, 2))  # per interior column pair
    dv = (imgs[..., 1:, :] - imgs[..., :-1, :]).abs().mean(dim=(0, 1, 3))  # per interior row pair
    q = torch.tensor([0.1, 0.9])
    # where the wrap pair falls among the interior pairs (each pair's |difference| averaged over the same images)
    lr_pct = 100.0 * (dh < lr).float().mean().item()
    tb_pct = 100.0 * (dv < tb).float().mean().item()
    return dict(lr=lr, tb=tb, ih=dh.mean().item(), iv=dv.mean().item(), ih_q=dh.quantile(q).tolist(),
                iv_q=dv.quantile(q).tolist(), period_err=period_err, lr_pct=lr_pct, tb_pct=tb_pct)


def save_sheet(imgs, path, cols, rows, S):
    pad = 2
    canvas = torch.ones(3, rows * (S + pad) - pad, cols * (S + pad) - pad)
    for i in range(imgs.shape[0]):
        r, c = divmod(i, cols)
        canvas[:, r * (S + pad):r * (S + pad) + S, c * (S + pad):c * (S + pad) + S] = imgs[i]
    a = (canvas.permute(1, 2, 0) * 127.5 + 128).clamp(0, 255).to(torch.uint8).numpy()
    Image.fromarray(a).save(path, optimize=True)
    if os.path.getsize(path) > 300_000:  # keep sheets small: 256-colour palette
        Image.fromarray(a).quantize(256, dither=Image.Dither.NONE).save(path, optimize=True)
    return a.shape, os.path.getsize(path)


def sheet(G, path, n=4, size=128, tiled=False, seed=4000):
    if tiled:
        # each sample rendered once at size^2 over one period and shown 2x2 to expose the wrap
        imgs = gen_images(G, n * n // 4 if n >= 4 else 1, seed=seed, rows=centres(size), cols=centres(size))
        imgs = torch.cat([imgs, imgs], dim=3)
        imgs = torch.cat([imgs, imgs], dim=2)  # [k, 3, 2s, 2s]
        k = imgs.shape[0]
        cols = int(math.ceil(math.sqrt(k)))
        rows = (k + cols - 1) // cols
        S = 2 * size
    else:
        imgs = gen_images(G, n * n, seed=seed, size=size)
        cols, rows, S = n, n, size
    return save_sheet(imgs, path, cols, rows, S)


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["swd", "scale", "seam", "sheet", "realsheet", "separability"])
    ap.add_argument("--k", type=int, default=4, help="separability: rank of the approximation")
    ap.add_argument("--model", action="append", default=[], help="repeatable (swd, scale, seam)")
    ap.add_argument("--real", action="append", default=[], help="held-out image dir(s) for swd")
    ap.add_argument("--train", action="append", default=[], help="training image dir(s): real-vs-real floor")
    ap.add_argument("--include", default="")
    ap.add_argument("--exclude", default="")
    ap.add_argument("--real-unfiltered", action="store_true",
                    help="--include/--exclude pick --train textures only; every --real image is reference")
    ap.add_argument("--crop-min", type=float, default=0.25)
    ap.add_argument("--crop-max", type=float, default=0.5)
    ap.add_argument("--no-wrap", action="store_true", help="real crops stay inside the image (photographs)")
    ap.add_argument("--no-rotate", action="store_true", help="real crops: horizontal flips only (photographs)")
    ap.add_argument("--n", type=int, default=None)
    ap.add_argument("--size", type=int, default=256)
    ap.add_argument("--png", default=None)
    ap.add_argument("--tiled", action="store_true")
    ap.add_argument("--threads", type=int, default=0)
    a = ap.parse_args(argv)
    if a.threads:
        torch.set_num_threads(a.threads)
    torch.set_grad_enabled(False)
    inc = [s for s in a.include.split(",") if s]
    exc = [s for s in a.exclude.split(",") if s]
    crop_opts = dict(wrap=not a.no_wrap, rotate=not a.no_rotate)
    if not a.model and a.cmd != "realsheet":
        ap.error(f"{a.cmd} needs --model")

    def reference(n):
        """n real crops at the first model's training resolution (the reference swd and separability share)."""
        res = load_generator(a.model[0])[1]["img_resolution"]
        real_inc, real_exc = ([], []) if a.real_unfiltered else (inc, exc)
        real, nf = real_crops(a.real, real_inc, real_exc, res, n, a.crop_min, a.crop_max, seed=11, **crop_opts)
        return real, nf, res

    if a.cmd == "swd":
        n = a.n or 1024
        real, nf, res = reference(n)
        nl = len(laplacian_pyramid(real[:1]))
        print(f"held-out real: {nf} images, {n} crops of {res}^2; SWD x1e3 per level "
              f"({' / '.join(str(res >> i) for i in range(nl))}) and mean")
        rows = []
        if a.train:
            tr, nt = real_crops(a.train, inc, exc, res, n, a.crop_min, a.crop_max, seed=12, **crop_opts)
            rows.append((f"training crops ({nt} images)", tr))
        for m in a.model:
            G, _ = load_generator(m)
            rows.append((m, gen_images(G, n)))
        rows.append(("colour-matched noise", noise_like(real, n)))
        for name, imgs in rows:
            lv, mean = swd(imgs, real)
            print(f"| {name} | {' | '.join(f'{v:.1f}' for v in lv)} | {mean:.1f} |")
    elif a.cmd == "scale":
        for m in a.model:
            G, _ = load_generator(m)
            p, s = scale_consistency(G, n=a.n or 8)
            p2, s2 = scale_consistency(G, n=a.n or 8, coords="linspace")
            print(f"| {m} | pixel centres: PSNR {p:.2f} dB, SSIM {s:.4f} | linspace(0,1,n): PSNR {p2:.2f} dB, "
                  f"SSIM {s2:.4f} |")
    elif a.cmd == "seam":
        for m in a.model:
            G, cfg = load_generator(m)
            r = seam(G, n=a.n or 16, size=a.size)
            print(f"| {m} (tileable={bool(cfg.get('tileable'))}) | {a.size}^2 | L/R wrap {r['lr']:.4f} "
                  f"(above {r['lr_pct']:.0f} % of interior pairs) | "
                  f"interior column pairs {r['ih']:.4f} (10-90 %: {r['ih_q'][0]:.4f}-{r['ih_q'][1]:.4f}) | "
                  f"T/B wrap {r['tb']:.4f} (above {r['tb_pct']:.0f} %) | interior row pairs {r['iv']:.4f} "
                  f"(10-90 %: {r['iv_q'][0]:.4f}-{r['iv_q'][1]:.4f}) | max |G(t) - G(t+1)| {r['period_err']:.2e} |")
    elif a.cmd == "sheet":
        G, cfg = load_generator(a.model[0])
        shape = sheet(G, a.png, size=a.size if a.size != 256 else 128, tiled=a.tiled)
        print(f"wrote {a.png} {shape}")
    elif a.cmd == "separability":
        n = a.n or 256
        real, nf, res = reference(n)
        print(f"share of energy in the top {a.k} singular values ({n} images of {res}^2; mean / median)")
        rows = [(f"real crops ({nf} images)", real)]
        rows += [(m, gen_images(load_generator(m)[0], n, seed=5)) for m in a.model]
        rows.append(("white noise", torch.randn(n, 3, res, res, generator=torch.Generator().manual_seed(0))))
        for name, imgs in rows:
            sh = separable_share(imgs, a.k)
            print(f"| {name} | {sh.mean().item():.3f} | {sh.median().item():.3f} |")
    elif a.cmd == "realsheet":
        # 16 real crops (the training crop sampler at the sheet's size) to set beside a model's sample sheet
        size = a.size if a.size != 256 else 128
        crops, nf = real_crops(a.real, inc, exc, size, 16, a.crop_min, a.crop_max, seed=4000, **crop_opts)
        shape = save_sheet(crops, a.png, 4, 4, size)
        print(f"wrote {a.png} {shape} from {nf} images")
    return 0


if __name__ == "__main__":
    sys.exit(main())
