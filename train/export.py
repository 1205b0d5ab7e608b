"""Export the EMA generator of a training checkpoint, and/or pack a smaller resume checkpoint.

    /usr/bin/python3 -m train.export --ckpt train/runs/X/ckpt.pt [--out X.safetensors] [--pack X.pt]

--pack keeps G, D, G_ema (float32), step/kimg/args, and the Adam states with their moment tensors
stored as bfloat16 (torch casts them back to float32 when an optimizer loads them on --resume).
"""
import argparse
import os

import torch

from .model import Generator
from .st import export_generator
from .trainer import load_checkpoint


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", required=True)
    ap.add_argument("--out", default=None)
    ap.add_argument("--pack", default=None)
    a = ap.parse_args(argv)
    st = load_checkpoint(a.ckpt)
    if a.out:
        G = Generator(**st["config"])
        G.load_state_dict(st["G_ema"])
        export_generator(G, a.out)
        print(f"exported G_ema ({st['nimg'] / 1000:.2f} kimg, step {st['step']}) to {a.out}")
    if a.pack:
        for k in ["opt_G", "opt_D"]:
            for s in st[k]["state"].values():
                for name in ["exp_avg", "exp_avg_sq"]:
                    s[name] = s[name].to(torch.bfloat16)
        torch.save(st, a.pack + ".tmp")
        os.replace(a.pack + ".tmp", a.pack)
        print(f"packed resume checkpoint to {a.pack}")


if __name__ == "__main__":
    main()
