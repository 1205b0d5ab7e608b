"""Smoke test: a few training steps of a tiny layout on a generated texture (no external data).

    /usr/bin/python3 -m train.smoke --out DIR

Writes DIR/model.safetensors (EMA generator, tileable) and exits 0 when all losses are finite, the
exported file loads back and renders finite pixels, a resume continues the step count with an overridden
batch, the crop sampler without rotations keeps an image's up direction, and the spectral start followed by the
marginal match gives pixels with the exemplar's colour histograms.
"""
import argparse
import math
import os
import sys
import time

import torch

from .data import CropSampler
from .marginal_fit import match_marginals, pixel_components
from .model import Generator
from .spectral_init import spectral_init
from .st import load_generator, read_safetensors
from . import export, trainer


def check_upright_crops():
    """--no-rotate: crops of an image that brightens from top to bottom must stay brighter at the bottom."""
    ramp = torch.linspace(0, 255, 96).round().to(torch.uint8)
    img = ramp.view(1, 96, 1).expand(3, 96, 96).contiguous()
    crops = CropSampler([img], 16, wrap=False, seed=1, rotate=False).batch(64)
    assert (crops[:, :, -1].mean(dim=(1, 2)) > crops[:, :, 0].mean(dim=(1, 2))).all(), "a crop was turned"
    crops = CropSampler([img], 16, wrap=False, seed=1, rotate=True).batch(64)
    assert (crops[:, :, -1].mean(dim=(1, 2)) < crops[:, :, 0].mean(dim=(1, 2))).any(), "rotations never happen"


def check_marginal_match():
    """A skewed exemplar (bright sparse grains on a dark ground: exp of smooth noise): the spectral start's pixels
    are Gaussian (its luminance quantiles miss the crops'); after match_marginals they must meet the crops'
    quantiles (computed here with torch.quantile, independently of the construction's numpy maps; seeds other
    than the construction's)."""
    g = torch.Generator().manual_seed(3)
    noise = torch.nn.functional.avg_pool2d(torch.randn(256, 1, 18, 18, generator=g), 3, 1)  # [256,1,16,16]
    lum = torch.exp(0.8 * noise / noise.std())
    lum = (lum - lum.min()) / (lum.max() - lum.min()) * 1.6 - 0.8
    crops = torch.cat([lum, 0.8 * lum + 0.05, 0.5 * lum - 0.1], 1).clamp(-1, 1)
    G = Generator(z_dim=32, w_dim=32, img_resolution=16, channel_base=256, channel_max=32, biline_channels=8,
                  rank=8, mapping_layers=2, tileable=True)
    spectral_init(G, crops, log=lambda s: None)
    mu, evecs, ref = pixel_components(crops)
    levels = torch.tensor([0.05, 0.25, 0.5, 0.75, 0.95], dtype=torch.float64)
    want = torch.quantile(ref[0], levels)

    def luminance_quantiles():
        with torch.no_grad():
            img = G(torch.randn(256, 32, generator=g))
        p = evecs.T @ (img.permute(1, 0, 2, 3).reshape(3, -1).double() - mu[:, None])
        return torch.quantile(p[0], levels)

    spread = float(want[-1] - want[0])
    before = (luminance_quantiles() - want).abs().max().item()
    match_marginals(G, crops, log=lambda s: None)
    after = (luminance_quantiles() - want).abs().max().item()
    assert before > 0.15 * spread, f"the start already had the skewed histogram ({before:.4f} of {spread:.4f}): no test"
    assert after < 0.05 * spread, f"marginal match missed the crops' quantiles by {after:.4f} (spread {spread:.4f})"
    return before, after


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--steps", type=int, default=3)
    a = ap.parse_args(argv)
    t0 = time.time()
    os.makedirs(a.out, exist_ok=True)
    model = os.path.join(a.out, "model.safetensors")
    torch.set_num_threads(min(2, torch.get_num_threads()))
    rc = trainer.main([
        "--synthetic", "--res", "16", "--z-dim", "32", "--w-dim", "32", "--channel-base", "256",
        "--channel-max", "32", "--biline", "8", "--map-layers", "2", "--d-channel-base", "256",
        "--d-channel-max", "32", "--batch", "8", "--max-steps", str(a.steps), "--minutes", "5",
        "--pl-weight", "2", "--pl-every", "2",
        "--log-seconds", "0", "--grid", "2", "--tileable", "--early-kimg", "1000000",
        "--out", model, "--run-dir", os.path.join(a.out, "run")])
    assert rc == 0
    tensors, meta = read_safetensors(model)
    assert "creps_config" in meta and all(torch.isfinite(t).all() for t in tensors.values())
    G, cfg = load_generator(model)
    assert cfg.get("tileable") is True
    with torch.no_grad():
        img = G(torch.randn(2, cfg["z_dim"]))
    assert torch.isfinite(img).all() and img.shape == (2, 3, 16, 16), img.shape
    ckpt = os.path.join(a.out, "run", "ckpt.pt")
    packed = os.path.join(a.out, "packed.pt")  # resume from the small form that train/checkpoints/ holds
    export.main(["--ckpt", ckpt, "--pack", packed])
    rc = trainer.main(["--synthetic", "--resume", packed, "--batch", "4", "--max-steps", str(a.steps + 1),
                       "--minutes", "5", "--log-seconds", "0", "--grid", "2", "--out", model,
                       "--run-dir", os.path.join(a.out, "run")])
    assert rc == 0
    st = trainer.load_checkpoint(ckpt)
    assert (st["step"], st["nimg"], st["args"]["batch"]) == (a.steps + 1, a.steps * 8 + 4, 4), \
        (st["step"], st["nimg"], st["args"]["batch"])
    check_upright_crops()
    before, after = check_marginal_match()
    print(f"marginal match: luminance quantiles off by {before:.4f} before, {after:.4f} after")
    print(f"smoke OK: {model} ({os.path.getsize(model)} bytes, {len(tensors)} tensors) "
          f"in {time.time() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
