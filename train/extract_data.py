"""Extract the photographic terrain textures of the Debian package 0ad-data (CC-BY-SA-3.0,
Wildfire Games) into data/0ad-terrain/ as PNG files (data/ is git-ignored: never commit it).

    apt-get install -y 0ad-data
    /usr/bin/python3 -m train.extract_data [--zip /usr/share/games/0ad/mods/public/public.zip] [--out data]

Takes art/textures/terrain/types/**/*.cached.dds, skips normal/specular maps (_norm, _spec), the
water/ folder, flat colour swatches and test/grid textures. Also writes data/0ad-terrain/index.tsv
(name, source path, size, split) where every 8th texture (sorted by name) is held out for metrics.

Also writes data/0ad-rock-skins/ (with its index.tsv): the rock and cliff skins of the game's 3-D
rocks (art/textures/skins/gaia/{stone_,rock_,*cliff}*, at least 256 px, opaque, no decals). No model
trains on them: they are a held-out reference for the rock material model, from the same artists as
its training textures (the 8 held-out terrain rock textures alone are too few to rank models).
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
SKIN_PREFIX = "art/textures/skins/gaia/"
SKIN_WORDS = ("stone_", "rock_", "cliff")
SKIN_SKIP = ("_norm", "_spec", "_ao", "/ao/", "decal_")


def wanted(name):
    if not name.startswith(PREFIX) or not name.endswith(".cached.dds"):
        return False
    rel = name[len(PREFIX):]
    if rel.startswith("water/"):
        return False
    low = rel.lower()
    return not any(w in low for w in SKIP_WORDS)


def wanted_skin(name):
    low = name.lower()
    return (low.startswith(SKIN_PREFIX) and low.endswith(".cached.dds") and any(w in low for w in SKIN_WORDS)
            and not any(w in low for w in SKIN_SKIP))


def decode(z, name, min_side, opaque=False):
    """The texture as RGB, or None (with the reason printed) when unreadable, flat, small or (opaque=True)
    partly transparent. The terrain set keeps its alpha-blind rule so its train/held-out split stays put."""
    try:
        im = Image.open(io.BytesIO(z.read(name)))
        im.load()
    except Exception as e:  # pragma: no cover
        print("skip (unreadable)", name, e)
        return None
    if opaque and im.mode == "RGBA" and (np.asarray(im)[..., 3] < 128).mean() > 0.01:
        print("skip (transparent parts)", name)
        return None
    im = im.convert("RGB")
    if np.asarray(im, dtype=np.float32).std() < 4.0 or min(im.size) < min_side:
        print("skip (flat or small)", name, im.size)
        return None
    return im


def base_name(name, prefix):
    base = name[len(prefix):-len(".cached.dds")].replace("/", "__").replace(" ", "_")
    return os.path.splitext(base)[0]


def extract_skins(z, out):
    os.makedirs(out, exist_ok=True)
    rows = []
    for n in sorted(n for n in z.namelist() if wanted_skin(n)):
        im = decode(z, n, 256, opaque=True)
        if im is not None:
            base = base_name(n, SKIN_PREFIX)
            im.save(os.path.join(out, base + ".png"))
            rows.append(f"{base}\t{n}\t{im.size[0]}x{im.size[1]}\theldout")
    with open(os.path.join(out, "index.tsv"), "w") as f:
        f.write("name\tsource\tsize\tsplit\n" + "\n".join(rows) + "\n")
    print(f"wrote {len(rows)} rock skins to {out}")


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
        im = decode(z, n, 128)
        if im is None:
            continue
        base = base_name(n, PREFIX)
        split = "heldout" if kept % args.holdout_every == args.holdout_every - 1 else "train"
        kept += 1
        im.save(os.path.join(out, split, base + ".png"))
        rows.append(f"{base}\t{n}\t{im.size[0]}x{im.size[1]}\t{split}")
    with open(os.path.join(out, "index.tsv"), "w") as f:
        f.write("name\tsource\tsize\tsplit\n" + "\n".join(rows) + "\n")
    print(f"wrote {len(rows)} textures to {out} "
          f"({sum(r.endswith('train') for r in rows)} train, {sum(r.endswith('heldout') for r in rows)} held out)")
    extract_skins(z, os.path.join(args.out, "0ad-rock-skins"))


if __name__ == "__main__":
    main()
