#!/usr/bin/env python3
"""Octave stack metrics (issue #15): high-frequency energy per zoom and continuity between neighbouring zooms.

Renders 256x256 views of one point of a model's plane with the built CLI (`creps render --out .f32`), plain and with
`--octaves N`, and measures on the luminance of the 8-bit image (official rule):
  * HF energy: the variance of the 4-neighbour Laplacian, at spans 1, 1e-2, 1e-4, 1e-6, 1e-9, 1e-12;
  * continuity: the mean absolute change (8-bit levels) between the render at span s and the render at 1.1*s resampled
    (bilinear) to the frame of s, for s = 10^(-i/P), i = 0..12P (P = --per-decade, default 2) - plotted over the 12 decades.

Usage (from the repository root, after `dotnet build Creps.sln -c Release`):
  /usr/bin/python3 tools/octave_metrics.py [--model tests/fixtures/gan-models/terrain.safetensors] [--seed 5] [--point 0.37,0.61]
      [--octaves 48] [--scale 2] [--per-decade 2] [--out-plot models/octave-continuity-seedS.png] [--skip-continuity]
Prints Markdown tables (what BENCHMARKS.md holds).
"""
import argparse, os, subprocess, sys, tempfile
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLI = os.path.join(ROOT, "src", "Creps.Cli", "bin", "Release", "net10.0", "creps.dll")
SIZE = 256


def render(args, span, octaves, tmp):
    x, y = args.point
    region = ",".join(repr(v) for v in (x - span / 2, y - span / 2, x + span / 2, y + span / 2))
    out = os.path.join(tmp, "r.f32")
    cmd = ["dotnet", CLI, "render", "--model", args.model, "--seed", str(args.seed), "--size", str(SIZE),
           "--region", region, "--backend", "cpu", "--out", out]
    if octaves:
        cmd += ["--octaves", str(args.octaves), "--octave-scale", str(args.scale)]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"render failed: {' '.join(cmd)}\n{r.stderr}")
    v = np.fromfile(out, dtype=np.float32).reshape(3, SIZE, SIZE)
    q = np.clip(np.floor(v.astype(np.float64) * 127.5 + 128), 0, 255)   # the official 8-bit rule
    return 0.299 * q[0] + 0.587 * q[1] + 0.114 * q[2]


def laplacian_var(lum):
    lap = lum[1:-1, 2:] + lum[1:-1, :-2] + lum[2:, 1:-1] + lum[:-2, 1:-1] - 4 * lum[1:-1, 1:-1]
    return float(lap.var())


def resample_to_inner(img, ratio):
    """The central 1/ratio of img (a view of span ratio*s) bilinearly resampled to SIZE x SIZE pixel centres of span s."""
    c = (np.arange(SIZE) + 0.5) / SIZE                  # pixel centres of the inner frame in [0,1)
    src = ((c - 0.5) / ratio + 0.5) * SIZE - 0.5        # their positions in img's pixel index space
    i0 = np.clip(np.floor(src).astype(int), 0, SIZE - 2)
    f = src - i0
    rows = img[i0] * (1 - f)[:, None] + img[i0 + 1] * f[:, None]
    return rows[:, i0] * (1 - f)[None, :] + rows[:, i0 + 1] * f[None, :]


def plot(args, spans, curves):
    """A log-x line plot with PIL (no matplotlib on the build machine)."""
    from PIL import Image, ImageDraw
    w, h, l, r, t, b = 760, 340, 60, 20, 30, 50
    img = Image.new("RGB", (w, h), "white")
    d = ImageDraw.Draw(img)
    ymax = max(max(curves[False]), max(curves[True])) * 1.1
    lo, hi = np.log10(min(spans)), np.log10(max(spans))
    X = lambda s: l + (hi - np.log10(s)) / (hi - lo) * (w - l - r)      # zooming in goes right
    Y = lambda v: h - b - v / ymax * (h - t - b)
    d.rectangle([l, t, w - r, h - b], outline="black")
    for e in range(0, 13):
        x = X(10.0 ** -e)
        d.line([x, h - b, x, h - b + 4], fill="black")
        d.text((x - 10, h - b + 8), f"1e-{e}" if e else "1", fill="black")
    for i in range(6):
        v = ymax * i / 5
        d.line([l - 4, Y(v), l, Y(v)], fill="black")
        d.text((5, Y(v) - 6), f"{v:.2f}", fill="black")
    d.text((l, h - 20), "span s of the 256x256 view (zooming in ->); y: mean |change| s -> 1.1 s, 8-bit levels", fill="black")
    for key, colour, label in ((False, (31, 119, 180), "plain model"), (True, (214, 39, 40), f"--octaves {args.octaves}")):
        pts = [(X(s), Y(v)) for s, v in zip(spans, curves[key])]
        d.line(pts, fill=colour, width=2)
        for x, y in pts:
            d.ellipse([x - 2, y - 2, x + 2, y + 2], fill=colour)
        d.text((w - r - 150, t + 8 + 14 * key), label, fill=colour)
    d.text((l, 8), f"seed {args.seed} at {args.point}: change per 10 % zoom step", fill="black")
    img.save(args.out_plot)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=os.path.join(ROOT, "tests", "fixtures", "gan-models", "terrain.safetensors"))
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--point", default="0.37,0.61")
    ap.add_argument("--octaves", type=int, default=48)
    ap.add_argument("--scale", type=float, default=2.0)
    ap.add_argument("--per-decade", type=int, default=2)
    ap.add_argument("--out-plot", default=None)
    ap.add_argument("--skip-continuity", action="store_true")
    args = ap.parse_args()
    args.point = tuple(float(v) for v in args.point.split(","))
    args.out_plot = args.out_plot or os.path.join(ROOT, "models", f"octave-continuity-seed{args.seed}.png")
    with tempfile.TemporaryDirectory() as tmp:
        print(f"model {os.path.relpath(args.model, ROOT)}, seed {args.seed}, point {args.point}, {SIZE}x{SIZE}, "
              f"--octaves {args.octaves} --octave-scale {args.scale}\n")
        print("| span | plain: Laplacian variance | ratio to span 1 | octaves: Laplacian variance | ratio to span 1 |")
        print("|---|---|---|---|---|")
        ref = None
        for span in [1, 1e-2, 1e-4, 1e-6, 1e-9, 1e-12]:
            p, o = laplacian_var(render(args, span, False, tmp)), laplacian_var(render(args, span, True, tmp))
            ref = ref or (p, o)
            print(f"| {span:g} | {p:.3g} | {p / ref[0]:.3g} | {o:.3g} | {o / ref[0]:.3g} |", flush=True)
        if args.skip_continuity:
            return
        spans = [10 ** (-i / args.per_decade) for i in range(12 * args.per_decade + 1)]
        curves = {False: [], True: []}
        for octaves in (False, True):
            for s in spans:
                a, b = render(args, s, octaves, tmp), render(args, 1.1 * s, octaves, tmp)
                curves[octaves].append(float(np.abs(a - resample_to_inner(b, 1.1)).mean()))
        print("\n| span s | plain: mean abs change s -> 1.1 s (8-bit levels) | octaves |")
        print("|---|---|---|")
        for s, p, o in zip(spans, curves[False], curves[True]):
            print(f"| {s:.3g} | {p:.3f} | {o:.3f} |")
        plot(args, spans, curves)
        print(f"\nplot: {os.path.relpath(args.out_plot, ROOT)}")


if __name__ == "__main__":
    main()
