"""Copy the landscape photographs of two Debian wallpaper packages into data/landscapes/ as PNG
(data/ is git-ignored: never commit it), with an index of package, author and licence per image.

    apt-get install -y --no-install-recommends mate-backgrounds plasma-workspace-wallpapers
    /usr/bin/python3 -m train.extract_landscapes [--out data]

Only real outdoor photographs with a horizon or ground (no macro shots, no drawn/abstract art):
11 images. They are too few to hold any out; the landscape model's metrics compare with crops of
these same photographs (models/README.md says so).
"""
import argparse
import glob
import json
import os

from PIL import Image

from .data import fit_within

MATE = "/usr/share/backgrounds/mate/nature"
PLASMA = "/usr/share/wallpapers"
# (file name, package, source, author, licence) — authors and licences from the packages'
# debian/copyright (mate-backgrounds) and each wallpaper's metadata.json (plasma-workspace-wallpapers).
PHOTOS = [
    ("Dune", "mate-backgrounds", f"{MATE}/Dune.jpg", "Marco Cogoni, Hylke Bons", "GPL-2+"),
    ("Storm", "mate-backgrounds", f"{MATE}/Storm.jpg", "Sergey Nazarov", "GPL-2+"),
    ("GreenMeadow", "mate-backgrounds", f"{MATE}/GreenMeadow.jpg", "Timothy Schellhase, Lapo Calamandrei",
     "GPL-2+"),
    ("BytheWater", "plasma-workspace-wallpapers", f"{PLASMA}/BytheWater", "Maciej Wiklo", "LGPL-3"),
    ("ColdRipple", "plasma-workspace-wallpapers", f"{PLASMA}/ColdRipple", "Risto Saukonpää", "LGPL-3"),
    ("DarkestHour", "plasma-workspace-wallpapers", f"{PLASMA}/DarkestHour", "Risto Saukonpää", "LGPL-3"),
    ("EveningGlow", "plasma-workspace-wallpapers", f"{PLASMA}/EveningGlow", "Ian Hex", "LGPL-3"),
    ("Kite", "plasma-workspace-wallpapers", f"{PLASMA}/Kite", "Risto Saukonpää", "LGPL-3"),
    ("Path", "plasma-workspace-wallpapers", f"{PLASMA}/Path", "Risto Saukonpää", "LGPL-3"),
    ("summer_1am", "plasma-workspace-wallpapers", f"{PLASMA}/summer_1am", "Risto Saukonpää", "LGPL-3"),
    ("OneStandsOut", "plasma-workspace-wallpapers", f"{PLASMA}/OneStandsOut", "Risto Saukonpää", "LGPL-3"),
]


def largest_image(src):
    """A plasma wallpaper is a folder of sizes of one picture: take the largest file."""
    if os.path.isfile(src):
        return src
    files = glob.glob(os.path.join(src, "contents", "images", "*"))
    if not files:
        raise SystemExit(f"{src}: no images (apt-get install mate-backgrounds plasma-workspace-wallpapers)")
    return max(files, key=os.path.getsize)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m train.extract_landscapes", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="data")
    ap.add_argument("--max-side", type=int, default=1024, help="stored size (training uses <= 512 by default)")
    a = ap.parse_args(argv)
    out = os.path.join(a.out, "landscapes")
    os.makedirs(out, exist_ok=True)
    rows = []
    for name, pkg, src, author, lic in PHOTOS:
        path = largest_image(src)
        if not os.path.exists(path):
            raise SystemExit(f"{path} is missing (apt-get install {pkg})")
        im = fit_within(Image.open(path).convert("RGB"), a.max_side)
        im.save(os.path.join(out, name + ".png"))
        rows.append({"name": name, "package": pkg, "source": path, "author": author, "license": lic})
    with open(os.path.join(out, "index.json"), "w") as f:
        json.dump(rows, f, indent=1, ensure_ascii=False)
    print(f"wrote {len(rows)} photographs to {out}")


if __name__ == "__main__":
    main()
