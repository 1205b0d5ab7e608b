#!/usr/bin/env python3
"""The README's picture strip (issue #15): one point of a model's plane at spans 1, 1e-2, ..., 1e-12, plain (top row)
and with `--octaves N` (bottom row). Each frame is rendered by the built CLI (`creps render --size S --region ...`);
PIL only assembles and labels them.

Usage (from the repository root, after `dotnet build Creps.sln -c Release`):
  /usr/bin/python3 tools/octave_strip.py [--model tests/fixtures/gan-models/terrain.safetensors] [--seed 5] [--point 0.37,0.61]
      [--octaves 48] [--size 160] [--out models/octave-strip.png]
"""
import argparse, os, subprocess, sys, tempfile
from PIL import Image, ImageDraw

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLI = os.path.join(ROOT, "src", "Creps.Cli", "bin", "Release", "net10.0", "creps.dll")
SPANS = [1, 1e-2, 1e-4, 1e-6, 1e-8, 1e-10, 1e-12]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=os.path.join(ROOT, "tests", "fixtures", "gan-models", "terrain.safetensors"))
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--point", default="0.37,0.61")
    ap.add_argument("--octaves", type=int, default=48)
    ap.add_argument("--size", type=int, default=160)
    ap.add_argument("--out", default=os.path.join(ROOT, "models", "octave-strip.png"))
    args = ap.parse_args()
    x, y = (float(v) for v in args.point.split(","))
    n, gap, label = args.size, 4, 16
    strip = Image.new("RGB", (len(SPANS) * (n + gap) - gap + 70, 2 * (n + label) + 4), "white")
    d = ImageDraw.Draw(strip)
    with tempfile.TemporaryDirectory() as tmp:
        for row, octaves in enumerate((False, True)):
            d.text((2, row * (n + label) + label + n // 2 - 6), "octaves" if octaves else "plain", fill="black")
            for i, s in enumerate(SPANS):
                out = os.path.join(tmp, f"{row}_{i}.png")
                region = ",".join(repr(v) for v in (x - s / 2, y - s / 2, x + s / 2, y + s / 2))
                cmd = ["dotnet", CLI, "render", "--model", args.model, "--seed", str(args.seed), "--size", str(n),
                       "--region", region, "--out", out] + (["--octaves", str(args.octaves)] if octaves else [])
                r = subprocess.run(cmd, capture_output=True, text=True)
                if r.returncode != 0:
                    sys.exit(f"render failed: {' '.join(cmd)}\n{r.stderr}")
                px = 70 + i * (n + gap)
                strip.paste(Image.open(out), (px, row * (n + label) + label))
                if row == 0:
                    d.text((px + 2, 2), f"span {s:g}", fill="black")
    strip.save(args.out, optimize=True)
    print(f"wrote {os.path.relpath(args.out, ROOT)} ({os.path.getsize(args.out) // 1024} KiB)")


if __name__ == "__main__":
    main()
