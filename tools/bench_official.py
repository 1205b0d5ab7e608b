#!/usr/bin/python3
"""Times the official CREPS PyTorch generator (VinAIResearch/CREPS) on the layouts and sizes of `creps bench`.

Run with the user's CREPS checkout on PYTHONPATH (Debian's python3-torch is enough on CPU):

    PYTHONPATH=/path/to/CREPS /usr/bin/python3 tools/bench_official.py --out official.json
    ./creps.sh bench --official official.json --out BENCHMARKS.md

Random weights in the official initialisation (timing only), float32 (force_fp32=True), torch.no_grad(). A run
renders `batch` latents as one batch through G (mapping + synthesis), on the official grid linspace(0, 1, size)
for both axes (what gen_images.py does for --scale size/R). Writes JSON rows that `creps bench --official` reads.
No official code is copied here: it is imported from the checkout.
"""
import argparse
import json
import os
import platform
import resource
import statistics
import sys
import time

import torch

LAYOUTS = {
    # name: Generator kwargs (the same numbers as Creps.Render.Model.SyntheticModel's layouts)
    "official256": dict(z_dim=512, w_dim=512, img_resolution=256, channel_base=65536, channel_max=1024, biline_channels=32, mapping_layers=8),
    "small": dict(z_dim=128, w_dim=128, img_resolution=64, channel_base=4096, channel_max=128, biline_channels=24, mapping_layers=4),
    "wide": dict(z_dim=128, w_dim=128, img_resolution=256, channel_base=131072, channel_max=512, biline_channels=32, mapping_layers=2),
    "tiny": dict(z_dim=64, w_dim=64, img_resolution=32, channel_base=1024, channel_max=64, biline_channels=16, mapping_layers=2),
}


def build(layout):
    try:
        from training.networks_creps import Generator
    except ImportError as e:
        sys.exit(f"bench_official: cannot import training.networks_creps ({e}); put the official CREPS checkout on PYTHONPATH")
    k = dict(LAYOUTS[layout])
    mapping_layers = k.pop("mapping_layers")
    torch.manual_seed(0)
    g = Generator(c_dim=0, img_channels=3, mapping_kwargs=dict(num_layers=mapping_layers), **k).eval()
    return g


def set_grid(g, size):
    # The synthesis input reads its coordinates from this buffer: [1, L, 2, 1] (rows and columns share the grid).
    coords = torch.linspace(0, 1, size).reshape(1, -1, 1, 1).repeat(1, 1, 2, 1)
    g.synthesis.b4.input.coords = coords


def peak_rss_reset():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def peak_rss():
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--layouts", default="official256,small")
    ap.add_argument("--sizes", default="256,512", help="comma-separated square sizes (1024 needs several GiB per batch)")
    ap.add_argument("--batches", default="1,4")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--max-pixels", type=int, default=4 * 512 * 512, help="skip size²·batch above this (memory)")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    rows = []
    for layout in a.layouts.split(","):
        g = build(layout)
        for size in [int(s) for s in a.sizes.split(",")]:
            set_grid(g, size)
            for batch in [int(b) for b in a.batches.split(",")]:
                if size * size * batch > a.max_pixels:
                    print(f"bench_official: {layout} {size}² ×{batch} skipped (--max-pixels)", file=sys.stderr)
                    continue
                peak_rss_reset()
                times = []
                seed = 0
                for run in range(a.warmup + a.runs):
                    z = torch.randn([batch, g.z_dim], generator=torch.Generator().manual_seed(seed))
                    seed += 1
                    t0 = time.perf_counter()
                    with torch.no_grad():
                        img = g(z, None, force_fp32=True)
                    dt = (time.perf_counter() - t0) * 1e3
                    assert img.shape == (batch, 3, size, size), img.shape
                    if run >= a.warmup:
                        times.append(dt)
                row = dict(layout=layout, size=size, batch=batch, runs=a.runs, median_ms=statistics.median(times), peak_rss_bytes=peak_rss())
                rows.append(row)
                print(f"bench_official: {layout} {size}² ×{batch}: {row['median_ms']:.1f} ms", file=sys.stderr, flush=True)
    device = f"PyTorch {torch.__version__} CPU ({torch.get_num_threads()} threads, {platform.machine()})"
    tmp = a.out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(dict(device=device, rows=rows), f, indent=1)
    os.replace(tmp, a.out)


if __name__ == "__main__":
    main()
