"""Extract the photographic terrain textures of the Debian package 0ad-data (CC-BY-SA-3.0,
Wildfire Games) into data/0ad-terrain/ as PNG files (data/ is git-ignored: never commit it).

    apt-get install -y 0ad-data
    /usr/bin/python3 -m train.extract_data [--zip /usr/share/games/0ad/mods/public/public.zip] [--out data]

Takes art/textures/terrain/types/**/*.cached.dds, skips normal/specular maps (_norm, _spec), the
water/ folder, flat colour swatches and test/grid textures. Also writes data/0ad-terrain/index.tsv
(name, source path, size, split) where every 8th texture (sorted by name) is held out for metrics.
"""
import argparse
import io
import os
import zipfile

import numpy as np
from PIL import Image

ZIP = "/usr/share/games/0ad/mods/public/public.zip"
PREFIX = "art/textures/terrain/types/"
SKIP_WORDS = ("_norm", "_spec", "grid_", "bridge_", "test", "lava")


def wanted(name):
    if not name.startswith(PREFIX) or not name.endswith(".cached.dds"):
        return False
    rel = name[len(PREFIX):]
    if rel.startswith("water/"):
        return False
    low = rel.lower()
    return not any(w in low for w in SKIP_WORDS)


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--zip", default=ZIP)
    ap.add_argument("--out", default="data")
    ap.add_argument("--holdout-every", type=int, default=8)
    args = ap.parse_args(argv)
    out = os.path.join(args.out, "0ad-terrain")
    os.makedirs(os.path.join(out, "train"), exist_ok=True)
    os.makedirs(os.path.join(out, "heldout"), exist_ok=True)
    z = zipfile.ZipFile(args.zip)
    names = sorted(n for n in z.namelist() if wanted(n))
    rows = []
    kept = 0
    for n in names:
        try:
            im = Image.open(io.BytesIO(z.read(n)))
            im.load()
        except Exception as e:  # pragma: no cover
            print("skip (unreadable)", n, e)
            continue
        im = im.convert("RGB")
        a = np.asarray(im, dtype=np.float32)
        if a.std() < 4.0 or min(im.size) < 128:
            print("skip (flat or small)", n, im.size)
            continue
        base = n[len(PREFIX):-len(".cached.dds")].replace("/", "__").replace(" ", "_")
        base = os.path.splitext(base)[0]
        split = "heldout" if kept % args.holdout_every == args.holdout_every - 1 else "train"
        kept += 1
        im.save(os.path.join(out, split, base + ".png"))
        rows.append(f"{base}\t{n}\t{im.size[0]}x{im.size[1]}\t{split}")
    with open(os.path.join(out, "index.tsv"), "w") as f:
        f.write("name\tsource\tsize\tsplit\n" + "\n".join(rows) + "\n")
    print(f"wrote {len(rows)} textures to {out} "
          f"({sum(r.endswith('train') for r in rows)} train, {sum(r.endswith('heldout') for r in rows)} held out)")


if __name__ == "__main__":
    main()
