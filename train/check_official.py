"""Reproduce every official fixture case with this package's generator.

    /usr/bin/python3 -m train.check_official [--fixtures ../shared/fixtures/official]
"""
import argparse
import json
import os
import sys

import numpy as np
import torch

from .st import load_generator

DEFAULT = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "fixtures", "official")


def f32(path, shape):
    return torch.from_numpy(np.fromfile(path, dtype="<f4").reshape(shape))


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--fixtures", default=None)
    ap.add_argument("--tol", type=float, default=1e-4, help="max abs error / output range")
    args = ap.parse_args(argv)
    root = args.fixtures
    if root is None:
        for cand in [DEFAULT, "/work/shared/fixtures/official", "../shared/fixtures/official"]:
            if os.path.isdir(cand):
                root = cand
                break
    torch.set_grad_enabled(False)
    worst = 0.0
    ok = True
    for layout in sorted(d for d in os.listdir(root) if d.startswith("public-")):
        d = os.path.join(root, layout)
        G, cfg = load_generator(os.path.join(d, "weights.safetensors"))
        cases = json.load(open(os.path.join(d, "cases.json")))
        num_ws, w_dim, z_dim = G.num_ws, G.w_dim, G.z_dim
        # stage check for seed 2
        ws2 = f32(os.path.join(d, cases["seed2"]["ws"]), [1, num_ws, w_dim])
        z2 = np.fromfile(os.path.join(d, cases["seed2"]["z_f64"]), dtype="<f8").reshape(1, z_dim)
        z_np = np.random.RandomState(2).randn(1, z_dim)
        assert np.array_equal(z_np, z2), "numpy RandomState mismatch"
        ws_mine = G.mapping(torch.from_numpy(z_np).float())
        e = (ws_mine - ws2).abs().max().item()
        print(f"{layout}: mapping seed2 max abs {e:.3g}")
        for case in cases["cases"]:
            rows = torch.tensor(case["rows"]["values"], dtype=torch.float32)
            cols = torch.tensor(case["cols"]["values"], dtype=torch.float32)
            if case.get("input") == "ws":
                ws = f32(os.path.join(d, case["ws_file"]), [1, num_ws, w_dim])
            else:
                z = torch.from_numpy(np.random.RandomState(case["seed"]).randn(1, z_dim)).float()
                ws = G.mapping(z, psi=case["truncation_psi"], cutoff=case.get("truncation_cutoff"))
            img = G.synthesis(ws, rows, cols)
            ref = f32(os.path.join(d, case["output"]), case["output_shape"])
            rng = (ref.max() - ref.min()).item()
            err = (img - ref).abs().max().item()
            rel = err / max(rng, 1e-12)
            worst = max(worst, rel)
            good = rel <= args.tol
            ok &= good
            print(f"{layout} {case['name']:16s} H={case['H']:3d} W={case['W']:3d} max abs {err:.3e} "
                  f"range {rng:.4g} rel {rel:.3e} {'OK' if good else 'FAIL'}")
    print(f"worst relative error {worst:.3e} (tolerance {args.tol:g}): {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
