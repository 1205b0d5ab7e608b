"""The SWD an ideal random-phase noise of an exemplar would score: the ceiling of the spectral start.

    /usr/bin/python3 -m train.ideal_noise --image X.png [--image Y.png ...] [--n 256]

Each training crop (same sampler and crop sizes as train.exemplar / train.gates) keeps its own Fourier amplitudes
and gets random phases, the same for its three colour channels (Galerne et al. 2011), DC kept; then, as a second
row, each colour principal component of that noise is histogram-matched to the training pixels (Heeger & Bergen
1995). Both are scored like the gates (metrics.swd against the held-out quadrant's crops). A material whose ideal
noise misses the SWD gate cannot pass it with the spectral start alone; if the histogram-matched row passes,
--marginals is the step to try (train/marginal_fit.py). A measurement only.
"""
import argparse
import sys

import torch

from .exemplar_data import Exemplar
from .marginal_fit import pixel_components
from .metrics import swd


def random_phase(crops, g):
    F = torch.fft.fft2(crops.double())
    phase = torch.exp(1j * torch.angle(torch.fft.fft2(torch.randn(crops.shape[0], 1, *crops.shape[2:], generator=g,
                                                                  dtype=torch.float64))))
    phase[..., 0, 0] = 1  # keep each crop's mean colour
    return torch.fft.ifft2(F * phase).real.float().clamp(-1, 1)


def match_histograms(imgs, ref):
    """Each colour principal component of ref's pixels: imgs' values replaced by ref's at the same rank."""
    mu, evecs, pr = pixel_components(ref)
    pi = evecs.T @ (imgs.permute(1, 0, 2, 3).reshape(3, -1).double() - mu[:, None])
    out = torch.empty_like(pi)
    idx = (torch.arange(pi.shape[1], dtype=torch.float64) * (pr.shape[1] - 1) / (pi.shape[1] - 1)).round().long()
    for q in range(3):
        out[q, torch.argsort(pi[q])] = torch.sort(pr[q]).values[idx]
    N, _, H, W = imgs.shape
    return (evecs @ out + mu[:, None]).reshape(3, N, H, W).permute(1, 0, 2, 3).float().clamp(-1, 1)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m train.ideal_noise", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--image", action="append", required=True, help="an exemplar (repeat for several)")
    ap.add_argument("--n", type=int, default=256)
    ap.add_argument("--res", type=int, default=64)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    for path in a.image:
        ex = Exemplar(path, a.res, tileable=True)  # the default crop sizes of train.exemplar and train.gates
        held, train = ex.heldout(seed=11).batch(a.n), ex.train(seed=12).batch(a.n)
        noise = random_phase(train, torch.Generator().manual_seed(3))
        print(f"{path}: SWD x1e3 vs held-out crops: floor {swd(train, held)[1]:.1f}, ideal random-phase noise "
              f"{swd(noise, held)[1]:.1f}, + histogram match {swd(match_histograms(noise, train), held)[1]:.1f}",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
