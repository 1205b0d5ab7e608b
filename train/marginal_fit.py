"""Marginal match: write the exemplar's colour histograms into the per-pixel head (block0), exactly.

Why: the spectral start (spectral_init.py) is a random-phase noise, so every colour component of its pixels is
Gaussian; real ground is not (sand's bright grains and dark pebbles, snow's skewed white). An ideal random-phase
noise of the training crops themselves (train.ideal_noise, the gates' SWD at 64^2 on the held-out quadrant; numbers
in models/README.md): desert_sand_smooth 60.3 against a floor of 32.7, alpine_snow_a 62.0 against 46.9; the same
noise with each colour principal component histogram-matched to the training pixels (Heeger & Bergen 1995): sand
46.6, snow 52.1.

The construction (exact arithmetic of train/model.py, no training step): the image before the head is linear
in decoder_last's features F (decoder_img), so each colour principal component s_q = e_q . (img - mean) of the
training pixels is a linear function a_q . F + d_q. block0.fc0 (demodulated: its rows have unit norm) computes
lrelu units of (s_q - t_j) / |a_q| at knots t_j; block0.fc1 sums them into phi_q(s_q) = T_q(s_q) - s_q, the
monotone quantile map T_q from the model's values of s_q to the training pixels' (piecewise linear between
the knots, the end slopes beyond), as a [v, -v] pair per component; block0.tores adds sum_q e_q phi_q to the
image. A piecewise-linear function with slope m on the left and slope changes delta_j at the knots is
sum_j c_j lrelu(s - t_j) + c_0 s + const with c_j = delta_j / 0.8 (lrelu(u) = 0.2 u + 0.8 relu(u)) and
c_0 = m - 0.2 sum_j c_j (a unit whose knot lies below every value is linear on the data). Styles are constant
(a function of the pixel alone); block1 stays as it is (its tores is zero after the spectral start). All of it
remains trainable.
"""
import math

import numpy as np
import torch

from .spectral_init import LRELU_DIFF, _constant_styles

MIN_STD_SHARE = 0.1  # a component the model draws with less than this share of the real std is left alone
KNOT_LOGITS = 6.9  # knots at the model's quantiles sigmoid(-6.9 .. 6.9) = 0.001 .. 0.999 (dense in the tails)


def pixel_components(crops):
    """Training crops [K,3,R,R] -> (pixel mean [3], principal directions [3,3] (columns, largest first),
    the pixels' components [3, K*R*R])."""
    px = crops.permute(1, 0, 2, 3).reshape(3, -1).double()
    mu = px.mean(1)
    evecs = torch.linalg.eigh(torch.cov(px))[1].flip(1)
    return mu, evecs, evecs.T @ (px - mu[:, None])


def knots_per_component(component_var, units, min_knots=4):
    """Knots per component within fc0's units (one more unit each for the linear term), more for the
    components with more variance."""
    n = len(component_var)
    share = np.asarray(component_var) / max(sum(component_var), 1e-12)
    free = units - n * (min_knots + 1)
    return [min_knots + int(free * s) for s in share]


def piecewise_coefficients(src, dst):
    """Knots src (increasing) and values dst of T: (c_0, [c_j], const) with T(s) - s = c_0 s + sum_j c_j
    lrelu(s - src_j) + const on every s (end slopes extended), lrelu without its sqrt 2 gain."""
    slopes = np.diff(dst) / np.diff(src) - 1.0  # of phi = T - s between the knots
    left, right = slopes[0], slopes[-1]
    delta = np.diff(np.concatenate([[left], slopes, [right]]))  # slope changes at each knot
    c = delta / 0.8
    c0 = left - 0.2 * c.sum()
    s_ref = src[0]
    phi_ref = dst[0] - s_ref
    const = phi_ref - c0 * s_ref - float(np.sum(c * np.where(s_ref - src > 0, 1.0, 0.2) * (s_ref - src)))
    return c0, c, const


@torch.no_grad()
def match_marginals(G, crops, seeds=64, seed=0, log=print):
    """Set G's block0 (in place) so that each colour principal component of its pixels has the training crops'
    histogram. crops: training crops [K,3,R,R] in [-1,1]. Returns the per-component quantile maps' largest
    change (|T(s) - s| at the knots)."""
    syn = G.synthesis
    b0 = syn.block0
    units = b0.fc0.weight.shape[0]
    if b0.fc1.weight.shape[0] < 6 or b0.tores.weight.shape[1] != b0.fc1.weight.shape[0]:
        raise ValueError("marginal match needs block0.fc1 with >= 6 outputs")
    if syn.block1.tores.weight.abs().max() > 0 or syn.block1.tores.bias.abs().max() > 0:
        raise ValueError("marginal match maps the image before the head: block1 must add nothing (a spectral start)")
    mu, evecs, ref = pixel_components(crops)
    # The model's components before the head: img = Wi F + bi (decoder_img) -> s_q = a_q . F + d_q.
    Wi = (syn.decoder_img.weight * syn.decoder_img.w_gain).double()
    bi = syn.decoder_img.bias.double()
    A = evecs.T @ Wi  # [3, B]
    d = evecs.T @ (bi - mu)
    g = torch.Generator().manual_seed(seed)
    s_model = []
    for i in range(0, seeds, 16):
        z = torch.randn(min(16, seeds - i), G.z_dim, generator=g)
        _, st = syn(G.mapping(z), return_stages=True)
        F = st["feature_decoder_last"].reshape(-1, syn.B).double()
        s_model.append(F @ A.T + d)
    s_model = torch.cat(s_model).T.numpy()  # [3, M]
    var = [float(np.var(r)) for r in ref.numpy()]
    kq = knots_per_component(var, units)
    W0 = torch.zeros(units, syn.B, dtype=torch.float64)
    b0_bias = torch.zeros(units, dtype=torch.float64)
    W1 = torch.zeros_like(b0.fc1.weight, dtype=torch.float64)
    half = W1.shape[0] // 2
    Wt = torch.zeros_like(b0.tores.weight, dtype=torch.float64)
    bt = torch.zeros(3, dtype=torch.float64)
    u, largest = 0, []
    for q in range(3):
        norm = float(A[q].norm())
        if s_model[q].std() < MIN_STD_SHARE * ref[q].std():  # the model does not draw this component (a
            largest.append(0.0)                              # grey rock's chroma): mapping it would only
            continue                                         # amplify rounding noise into white noise
        levels = 1.0 / (1.0 + np.exp(-np.linspace(-KNOT_LOGITS, KNOT_LOGITS, kq[q])))
        src = np.quantile(s_model[q], levels)
        dst = np.quantile(ref[q].numpy(), levels)
        keep = np.concatenate([[True], np.diff(src) > 1e-9 * max(norm, 1.0)])  # ties (a flat component)
        src, dst = src[keep], dst[keep]
        largest.append(float(np.abs(dst - src).max()))
        if src.size < 2:
            continue
        c0, c, const = piecewise_coefficients(src, dst)
        # units: (s - t) / |a_q| at every knot, and one far below the data (linear there)
        knots = np.concatenate([[s_model[q].min() - 10.0 * (s_model[q].std() + 1e-6)], src])
        coef = np.concatenate([[c0], c])
        for t, cj in zip(knots, coef):
            W0[u] = A[q] / norm
            b0_bias[u] = (d[q] - t) / norm
            W1[q, u] = cj * norm / math.sqrt(2.0)  # fc0's output is sqrt2 lrelu((s - t) / |a|)
            u += 1
        # the far-left unit is lrelu(s - t0) = s - t0 on the data: its constant joins the bias
        const_q = const + c0 * knots[0]
        W1[half + q] = -W1[q]
        # fc1 demodulates: row q becomes W1[q] / |W1[q]|; h_q - h_{half+q} = LRELU_DIFF v_q / |W1[q]|.
        scale = float(W1[q].norm())
        Wt[:, q] = evecs[:, q] * scale / LRELU_DIFF * math.sqrt(Wt.shape[1])  # tores styles are 1/sqrt(in)
        Wt[:, half + q] = -Wt[:, q]
        bt += evecs[:, q] * const_q
    for m in (b0.fc0, b0.fc1, b0.tores):
        _constant_styles(m)
    b0.fc0.weight.copy_(W0)
    b0.fc0.bias.copy_(b0_bias)
    b0.fc1.weight.copy_(W1)
    b0.fc1.bias.zero_()
    b0.tores.weight.copy_(Wt)
    b0.tores.bias.copy_(bt)
    log(f"marginal match: {u} knots in block0 ({kq}), largest change of a component {[round(v, 4) for v in largest]}")
    return largest
