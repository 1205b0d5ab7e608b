"""Random-crop texture dataset: crops with scale jitter, wrap-around (the textures tile),
the 8 flips/rotations (or horizontal flips only), resized (antialiased) to the training resolution."""
import glob
import math
import os

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

EXTS = (".png", ".jpg", ".jpeg", ".bmp", ".webp", ".tif", ".tiff", ".dds")


def list_images(sources, include=None, exclude=None):
    files = []
    for src in sources:
        if os.path.isdir(src):
            for root, _, names in os.walk(src):
                files += [os.path.join(root, n) for n in names if n.lower().endswith(EXTS)]
        elif any(ch in src for ch in "*?["):
            files += glob.glob(src, recursive=True)
        else:
            files.append(src)
    files = sorted(set(files))
    if include:
        files = [f for f in files if any(w in os.path.basename(f) for w in include)]
    if exclude:
        files = [f for f in files if not any(w in os.path.basename(f) for w in exclude)]
    return files


def fit_within(im, max_side):
    """A PIL image resized (Lanczos) so its longer side is at most max_side (0: unchanged)."""
    if max_side and max(im.size) > max_side:
        s = max_side / max(im.size)
        im = im.resize((max(1, round(im.size[0] * s)), max(1, round(im.size[1] * s))), Image.LANCZOS)
    return im


def load_image(path, max_side):
    im = fit_within(Image.open(path).convert("RGB"), max_side)
    return torch.from_numpy(np.asarray(im).copy()).permute(2, 0, 1).contiguous()  # uint8 [3,H,W]


class CropSampler:
    def __init__(self, images, res, crop_min=0.25, crop_max=0.5, wrap=True, seed=0, rotate=True):
        """images: list of uint8 [3,H,W] tensors; crop side = U_log[crop_min, crop_max] * min(H,W).
        rotate=False keeps the up direction (photographs): horizontal flips only."""
        assert images, "no training images"
        self.images, self.res = images, res
        self.crop_min, self.crop_max, self.wrap, self.rotate = crop_min, crop_max, wrap, rotate
        self.g = np.random.RandomState(seed)

    def one(self):
        g = self.g
        im = self.images[g.randint(len(self.images))]
        _, H, W = im.shape
        s = math.exp(g.uniform(math.log(self.crop_min), math.log(self.crop_max)))
        c = max(self.res // 2, min(min(H, W), int(round(s * min(H, W)))))
        if self.wrap:
            y, x = g.randint(H), g.randint(W)
            ys = torch.arange(y, y + c) % H
            xs = torch.arange(x, x + c) % W
            crop = im[:, ys][:, :, xs]
        else:
            y, x = g.randint(H - c + 1), g.randint(W - c + 1)
            crop = im[:, y:y + c, x:x + c]
        crop = crop.float().unsqueeze(0)
        if c != self.res:
            crop = F.interpolate(crop, size=(self.res, self.res), mode="bilinear", align_corners=False,
                                 antialias=c > self.res)
        k = g.randint(8) if self.rotate else g.randint(2)
        if k & 1:
            crop = crop.flip(3)
        if k & 2:
            crop = crop.flip(2)
        if k & 4:
            crop = crop.transpose(2, 3)
        return crop[0]

    def batch(self, n):
        x = torch.stack([self.one() for _ in range(n)])
        return (x / 127.5 - 1).clamp(-1, 1)


def synthetic_image(size=96, seed=0):
    """A deterministic colourful texture (sum of sinusoids) for smoke tests."""
    g = np.random.RandomState(seed)
    yy, xx = np.mgrid[0:size, 0:size] / size
    img = np.zeros((3, size, size), np.float32)
    for c in range(3):
        for _ in range(4):
            fx, fy = g.randint(1, 6, size=2)
            img[c] += np.sin(2 * np.pi * (fx * xx + fy * yy) + g.uniform(0, 6.28))
    img = (img - img.min()) / (img.max() - img.min()) * 255
    return torch.from_numpy(img.astype(np.uint8))
