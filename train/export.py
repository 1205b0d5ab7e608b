"""Export the EMA generator of a training checkpoint, and/or pack a smaller resume checkpoint.

    /usr/bin/python3 -m train.export --ckpt train/runs/X/ckpt.pt [--out X.safetensors] [--pack X.pt]

--pack keeps G, D, G_ema (float32), step/kimg/args, and the Adam states with the second moment stored
as bfloat16 (torch casts it back to float32 when an optimizer loads it on --resume). The first moment is
dropped: with beta1 = 0 it is the last gradient, which the next step overwrites before reading it
(load_checkpoint puts zeros back).
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
            beta1_zero = all(float(g["betas"][0]) == 0.0 for g in st[k]["param_groups"])
            for s in st[k]["state"].values():
                s["exp_avg_sq"] = s["exp_avg_sq"].to(torch.bfloat16)
                if beta1_zero:
                    del s["exp_avg"]
                else:
                    s["exp_avg"] = s["exp_avg"].to(torch.bfloat16)
        torch.save(st, a.pack + ".tmp")
        os.replace(a.pack + ".tmp", a.pack)
        print(f"packed resume checkpoint to {a.pack}")


if __name__ == "__main__":
    main()
