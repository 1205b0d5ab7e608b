"""Write the trainer cross-check fixture for the C# loader/renderer:

    /usr/bin/python3 -m train.make_fixture [--out tests/fixtures/trainer]

model.safetensors: a small tileable layout (R 32, z = w = 64, channel_base 512, channel_max 64,
B 16, rank 8, 3 mapping layers) with deterministic random weights, every bias/affine bias/w_avg
perturbed so that every term matters, output calibrated on seed 3 (per-channel mean 0, std 0.35).
render_seed3.f32: raw little-endian float32 [3, 24, 40] for seed 3 (z = NumPy RandomState(3).randn(1, 64)
cast to float32), psi 1, rows (i + 0.5) / 24, cols (j + 0.5) / 40 computed in float64 and cast to float32.
"""
import argparse
import os

import numpy as np
import torch

from .model import Generator
from .st import export_generator, load_generator

H, W, SEED = 24, 40, 3


def centres(n):
    return torch.from_numpy(((np.arange(n, dtype=np.float64) + 0.5) / n).astype(np.float32))


def render(G, seed=SEED):
    z = torch.from_numpy(np.random.RandomState(seed).randn(1, G.z_dim)).float()
    with torch.no_grad():
        return G(z, psi=1.0, rows=centres(H), cols=centres(W))[0]


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join("tests", "fixtures", "trainer"))
    a = ap.parse_args(argv)
    os.makedirs(a.out, exist_ok=True)
    torch.manual_seed(3003)
    G = Generator(z_dim=64, w_dim=64, img_resolution=32, channel_base=512, channel_max=64, biline_channels=16,
                  rank=8, mapping_layers=3, tileable=True).eval()
    g = torch.Generator().manual_seed(3004)
    with torch.no_grad():
        for name, p in G.named_parameters():
            if name.endswith("affine.bias"):
                p.copy_(1.0 + 0.3 * torch.randn(p.shape, generator=g))
            elif name.endswith("bias"):
                p.copy_((10.0 if name.startswith("mapping") else 0.1) * torch.randn(p.shape, generator=g))
            else:
                p.mul_(1.0 + 0.1 * torch.randn(p.shape, generator=g))
        G.mapping.w_avg.copy_(0.5 * torch.randn(G.w_dim, generator=g))
        # calibrate on the fixture seed: img = decoder_img + block0.tores + block1.tores is linear in
        # those layers' parameters (the +-256 clamps stay idle), so scale them to a spatial std of
        # 0.35 and shift decoder_img.bias so that every channel of the seed-3 render has mean 0
        img = render(G)
        s = 0.35 / (img - img.mean(dim=[1, 2], keepdim=True)).std().item()
        for mod in [G.synthesis.decoder_img, G.synthesis.block0.tores, G.synthesis.block1.tores]:
            mod.weight.mul_(s)
            mod.bias.mul_(s)
        G.synthesis.decoder_img.bias.sub_(render(G).mean(dim=[1, 2]))
    path = os.path.join(a.out, "model.safetensors")
    export_generator(G, path)
    G2, cfg = load_generator(path)  # render from the file, exactly what the C# side reads
    img = render(G2)
    img.numpy().astype("<f4").tofile(os.path.join(a.out, "render_seed3.f32"))
    print(f"wrote {path} ({os.path.getsize(path)} bytes) and render_seed3.f32 {tuple(img.shape)} "
          f"range [{img.min():.4f}, {img.max():.4f}] mean {img.mean():.4f} std {img.std():.4f}")
    print("config", cfg)


if __name__ == "__main__":
    main()
