"""Write a small copy of a training folder, to carry to a GPU machine that cannot reach the data.

    /usr/bin/python3 -m train.compact_data --src data/0ad-terrain/train --out DIR [--max-side 256] [--quality 92]

Each image is resized (Lanczos) so its longer side is at most --max-side and saved as JPEG. With the
default crops (25-50 % of the image side, resized to the training resolution 64) a 256 px image still
holds every detail a crop uses, so train on the copy with `--max-side 256`: the 500 0ad training
textures take ~17 MB this way instead of ~970 MB of PNG.
"""
import argparse
import os

from PIL import Image

from .data import fit_within, list_images


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m train.compact_data", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--src", required=True, help="folder of training images")
    ap.add_argument("--out", required=True)
    ap.add_argument("--max-side", type=int, default=256)
    ap.add_argument("--quality", type=int, default=92)
    a = ap.parse_args(argv)
    files = list_images([a.src])
    if not files:
        raise SystemExit(f"no images found in {a.src}")
    os.makedirs(a.out, exist_ok=True)
    total = 0
    for f in files:
        im = fit_within(Image.open(f).convert("RGB"), a.max_side)
        dst = os.path.join(a.out, os.path.splitext(os.path.basename(f))[0] + ".jpg")
        im.save(dst + ".tmp", format="JPEG", quality=a.quality)
        os.replace(dst + ".tmp", dst)
        total += os.path.getsize(dst)
    print(f"wrote {len(files)} images to {a.out} ({total / 2 ** 20:.1f} MiB); train with --max-side {a.max_side}")


if __name__ == "__main__":
    main()
