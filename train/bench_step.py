"""Steps/s of one exemplar-training step (G + D, batch 8, 64^2, one thread) under a few settings.

    /usr/bin/python3 -m train.bench_step [--seconds 20] [--rounds 3] [--layout narrow|mid]

Prints the BLAS torch calls (openblas_get_corename, or "reference" for netlib's libblas.so.3) and the CPU,
then times the variants in interleaved rounds (A B C D A B C D ...) so a change in the machine's load hits
all of them alike; the median of the rounds is reported with the load average. Run it under different
LD_LIBRARY_PATH / OPENBLAS_CORETYPE settings to compare BLAS kernels (they are fixed at process start).
"""
import sys

from .threads_env import apply_blas_settings, blas_core, cpu_name

apply_blas_settings(sys.argv + ["--threads", "1"])

import argparse  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from .exemplar import LAYOUTS, Augmented, drop_inactive_clamp  # noqa: E402
from .model import Discriminator, Generator  # noqa: E402
from .texture_losses import patch_swd  # noqa: E402


def make_step(layout, clamp, bf16, swd):
    cb, cm = LAYOUTS[layout]
    torch.manual_seed(0)
    G = Generator(channel_base=cb, channel_max=cm, biline_channels=32, tileable=True)
    if not clamp:
        drop_inactive_clamp(G)
    D = Augmented(Discriminator(64, 2048, 64))
    oG = torch.optim.Adam(G.parameters(), 2e-3, betas=(0, 0.99))
    oD = torch.optim.Adam(D.parameters(), 2e-3, betas=(0, 0.99))
    real = torch.rand(8, 3, 64, 64) * 2 - 1

    def step():
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            fake = G(torch.randn(8, 128)).float()
            ld = F.softplus(D(fake.detach())).mean() + F.softplus(-D(real)).mean()
        oD.zero_grad()
        ld.backward()
        oD.step()
        for p in D.parameters():
            p.requires_grad_(False)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            lg = F.softplus(-D(fake)).mean()
        if swd:
            lg = lg + patch_swd(fake, real, circular=True)
        oG.zero_grad()
        lg.backward()
        oG.step()
        for p in D.parameters():
            p.requires_grad_(True)

    return step


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--layout", default="narrow", choices=sorted(LAYOUTS))
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    print(f"{cpu_name()}; {blas_core()}; torch {torch.__version__}; threads {torch.get_num_threads()}; "
          f"layout {a.layout}", flush=True)
    variants = {"gan, clamp (as before)": (True, False, False), "gan, no clamp": (False, False, False),
                "gan, no clamp, bf16 autocast": (False, True, False), "gan+swd, no clamp": (False, False, True)}
    steps = {k: make_step(a.layout, *v) for k, v in variants.items()}
    for s in steps.values():
        s()
    rates = {k: [] for k in variants}
    loads = []
    for _ in range(a.rounds):
        for k, s in steps.items():
            t0, n = time.time(), 0
            while time.time() - t0 < a.seconds:
                s()
                n += 1
            rates[k].append(n / (time.time() - t0))
            loads.append(os.getloadavg()[0])
    for k, r in rates.items():
        print(f"| {k} | {statistics.median(r):.2f} steps/s (rounds: {', '.join(f'{x:.2f}' for x in r)}) |")
    print(f"load average (1 min) during the rounds: {min(loads):.1f}-{max(loads):.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
