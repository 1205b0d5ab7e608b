"""One material's exemplar(s), split into training and held-out parts.

One image: the bottom-right quadrant is held out; training crops never touch it (with --tileable they may
wrap around the image border, as the texture tiles, but still avoid the quadrant). Several images (a folder
of one material): the last one (sorted by name) is held out whole.
Crops are squares of `crop` x the exemplar's shorter side (log-uniform in [crop_min, crop_max]), one of the
8 flips/rotations, resized (antialiased) to the training resolution — the same sampler for training, the
held-out reference and every quality number.
"""
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

from .data import list_images, load_image


class RegionCrops:
    """Random crops of one or more uint8 [3,H,W] images, each crop avoiding an optional forbidden box
    (y0, x0, y1, x1) of its image; wrap=True lets crops run over the image border (tiling textures)."""

    def __init__(self, images, res, crop_min, crop_max, wrap=False, forbid=None, seed=0, sides=None):
        self.images, self.res, self.wrap = images, res, wrap
        self.crop_min, self.crop_max = crop_min, crop_max
        self.forbid = forbid or [None] * len(images)
        # crop sizes are relative to the whole exemplar's side, not to the held-out part's
        self.sides = sides or [min(im.shape[1:]) for im in images]
        self.g = np.random.RandomState(seed)

    def _clear(self, k, y, x, c):
        box = self.forbid[k]
        if box is None:
            return True
        _, H, W = self.images[k].shape
        y0, x0, y1, x1 = box
        # the crop's rows/columns, wrapped, as at most two intervals each; it must miss the box on one axis
        def hits(a, lo, hi, n):
            for s, e in ((a, min(a + c, n)), (0, max(0, a + c - n))):
                if e > s and s < hi and e > lo:
                    return True
            return False
        return not (hits(y, y0, y1, H) and hits(x, x0, x1, W))

    def one(self):
        g = self.g
        k = g.randint(len(self.images))
        im = self.images[k]
        _, H, W = im.shape
        s = math.exp(g.uniform(math.log(self.crop_min), math.log(self.crop_max)))
        c = max(8, min(H, W, int(round(s * self.sides[k]))))
        for _ in range(1000):
            if self.wrap:
                y, x = g.randint(H), g.randint(W)
            else:
                y, x = g.randint(H - c + 1), g.randint(W - c + 1)
            if self._clear(k, y, x, c):
                break
        else:
            raise RuntimeError("no crop position avoids the held-out part: crops are too large")
        ys = torch.arange(y, y + c) % H
        xs = torch.arange(x, x + c) % W
        crop = im[:, ys][:, :, xs].float().unsqueeze(0)
        if c != self.res:
            crop = F.interpolate(crop, size=(self.res, self.res), mode="bilinear", align_corners=False,
                                 antialias=c > self.res)
        t = g.randint(8)
        if t & 1:
            crop = crop.flip(3)
        if t & 2:
            crop = crop.flip(2)
        if t & 4:
            crop = crop.transpose(2, 3)
        return crop[0]

    def batch(self, n):
        x = torch.stack([self.one() for _ in range(n)])
        return (x / 127.5 - 1).clamp(-1, 1)


CROP_MIN, CROP_MAX = 0.25, 0.3125  # default crop side / exemplar side: training, the gates and ideal_noise share them


class Exemplar:
    """Training and held-out crop samplers of one material (see the module docstring)."""

    def __init__(self, source, res, crop_min=CROP_MIN, crop_max=CROP_MAX, tileable=False, max_side=512):
        files = list_images([source])
        if not files:
            sys.exit(f"--image {source}: no such image or folder of images")
        try:
            imgs = [load_image(f, max_side) for f in files]
        except Exception as e:
            sys.exit(f"--image {source}: cannot read an image ({type(e).__name__}: {e})")
        small = [f for f, im in zip(files, imgs) if min(im.shape[1:]) < 2 * res]
        if small:
            sys.exit(f"--image: {small[0]} is smaller than {2 * res} px (twice the training resolution)")
        self.files, self.res, self.tileable = files, res, tileable
        self.crop_min, self.crop_max = crop_min, crop_max
        if len(imgs) == 1:
            im = imgs[0]
            _, H, W = im.shape
            self.train_images, self.forbid = [im], [(H // 2, W // 2, H, W)]
            self.heldout_images = [im[:, H // 2:, W // 2:].contiguous()]
            self.sides = [min(H, W)]
            self.heldout_desc = f"bottom-right quadrant of {os.path.basename(files[0])}"
            if crop_max * min(H, W) > min(H, W) // 2:
                sys.exit(f"--crop-max {crop_max}: held-out quadrant is half the side; use at most 0.5")
        else:
            self.train_images, self.forbid = imgs[:-1], None
            self.heldout_images = imgs[-1:]
            self.sides = None
            self.heldout_desc = f"{os.path.basename(files[-1])} (the last of {len(files)} images)"

    def train(self, seed=0):
        return RegionCrops(self.train_images, self.res, self.crop_min, self.crop_max, wrap=self.tileable,
                           forbid=self.forbid, seed=seed, sides=self.sides)

    def heldout(self, seed=11):
        sides = self.sides if self.sides else None
        return RegionCrops(self.heldout_images, self.res, self.crop_min, self.crop_max, wrap=False, seed=seed,
                           sides=sides)

    def describe(self):
        return (f"{len(self.files)} image(s) {[os.path.basename(f) for f in self.files]}; held out: "
                f"{self.heldout_desc}; crops {self.crop_min:g}-{self.crop_max:g} of the side -> {self.res}^2")
