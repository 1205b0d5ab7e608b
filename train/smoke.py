"""Smoke test: a few training steps of a tiny layout on a generated texture (no external data).

    /usr/bin/python3 -m train.smoke --out DIR

Writes DIR/model.safetensors (EMA generator, tileable) and exits 0 when all losses are finite, the
exported file loads back and renders finite pixels, a resume continues the step count with an overridden
batch, and the crop sampler without rotations keeps an image's up direction.
"""
import argparse
import math
import os
import sys
import time

import torch

from .data import CropSampler
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
    print(f"smoke OK: {model} ({os.path.getsize(model)} bytes, {len(tensors)} tensors) "
          f"in {time.time() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
