"""Spectral initialisation: set a CREPS generator's weights so that it *is* a random-phase texture of the
exemplar (its power spectrum and colours), every seed new phases — before any training step.

Why: a CREPS generator from random weights draws a few separable row x column products per seed (the plaid),
and neither the GAN nor the patch losses get it out of that on a CPU budget. But one entanglement term,
row line cos(2 pi a y - phi) times column line cos(2 pi b x - psi), is the sum of two oblique plane waves
(a, b) and (a, -b) with the independent phases phi + psi and phi - psi. With each (biline channel, rank slot)
holding its own frequency pair and its own style-given phases, block b8 alone yields B x r independent terms
(32 x 8 = 256 terms, 512 waves): a random-phase noise (Galerne et al. 2011) with the exemplar's spectrum.

The construction (all of it exact arithmetic of train/model.py; nothing here is a training loss):
- channels: the biline channels go to the colour principal components by their variance (allocate_channels).
- frequencies: per component, (a, b) pairs by systematic sampling of the exemplar's power spectrum
  (pick_waves; Hann-windowed periodograms of training crops; the DC term is the crops' mean variance); zero
  frequencies are allowed, so horizontal/vertical waves and a per-seed mean offset exist. Integer, so a
  tileable model stays periodic.
- phases and amplitudes: the b4 input styles, linear in w; the mapping is set to an exact affine map of the
  normalised z (linear_mapping: |w| is the same for every seed, so is the texture's contrast) and w is
  whitened (measured over 20000 z); Input.weight gates each rank slot's row channels to rows and column
  channels to columns and sets the term's gain.
- the 1-D blocks b4.fc1, b8.fc0, b8.fc1 pass their line exactly through lrelu (the pair [v, -v]:
  lrelu(v) - lrelu(-v) = 1.2 v), b8.tores reads it out; later tores layers, the later decoders' last layers
  and the head's tores start at zero (trainable from there); decoder_last passes the B features through,
  decoder_img maps channel b to its colour component's direction with the exemplar's mean colour.
"""
import math

import torch

LRELU_DIFF = 1.2 * math.sqrt(2.0)  # (lrelu_gain(v) - lrelu_gain(-v)) / v


def crop_statistics(crops):
    """crops [K,3,R,R] in [-1,1] -> (mean colour [3], PCA directions [3,3] (columns), per-component power
    spectra [3,R,R] (each summing to that component's total variance, DC = variance of the crop means))."""
    K, _, R, _ = crops.shape
    x = crops.double()
    mean = x.mean(dim=(0, 2, 3))
    means = x.mean(dim=(2, 3))  # [K,3]
    within = (x - means[:, :, None, None]).permute(1, 0, 2, 3).reshape(3, -1)
    cov = within @ within.T / within.shape[1]
    evals, evecs = torch.linalg.eigh(cov)
    evecs = evecs.flip(1)  # largest first
    proj = torch.einsum("cq,kchw->kqhw", evecs, x - means[:, :, None, None])
    hann = torch.hann_window(R, periodic=True, dtype=torch.float64)
    win = hann[:, None] * hann[None, :]
    spec = torch.fft.fft2(proj * win).abs().square().mean(0) / win.square().sum()  # [3,R,R]
    spec[:, 0, 0] = 0
    within_var = proj.square().mean(dim=(0, 2, 3))
    spec = spec / spec.sum(dim=(1, 2), keepdim=True) * within_var[:, None, None]
    spec[:, 0, 0] = ((means - mean) @ evecs).square().mean(0)
    return mean.float(), evecs.float(), spec.float()


def orbit_weights(spec):
    """Power of each real wave pair (a, b), a, b >= 0: the sum over (+-a, +-b) of the spectrum ([R,R]
    FFT layout) -> dict {(a, b): power}."""
    R = spec.shape[-1]
    out = {}
    for a in range(R // 2 + 1):
        for b in range(R // 2 + 1):
            cells = {((sa * a) % R, (sb * b) % R) for sa in (1, -1) for sb in (1, -1)}
            out[(a, b)] = float(sum(spec[i, j] for i, j in cells))
    return out


@torch.no_grad()
def linear_mapping(G):
    """Set the mapping network to w = sqrt2 (z_n + beta), z_n the normalised z (its norm is sqrt(z_dim) for
    every seed), exactly: layer 0 adds beta = sqrt(z_dim) + 1 > any |z_n| entry, so every lrelu sees a
    positive input and passes it x sqrt2; the later layers divide that sqrt2 out. Why: with the random
    mapping, |w| varied per seed and every wave's amplitude with it (styles are linear in w, a term's power
    quartic): the seeds' contrast varied by 31 % (std of per-image std / mean; held-out crops: 4 %)."""
    m = G.mapping
    if m.z_dim != m.w_dim:
        raise ValueError(f"spectral init needs z_dim == w_dim (got {m.z_dim}, {m.w_dim})")
    beta = math.sqrt(m.z_dim) + 1.0
    eye = torch.eye(m.w_dim)
    for i in range(m.layers):
        fc = getattr(m, f"fc{i}")
        _set_fc(fc, eye if i == 0 else eye / math.sqrt(2.0), beta if i == 0 else 0.0)


@torch.no_grad()
def whiten_affine(G, n=20000, seed=0):
    """(mean, whitening matrix) of w = mapping(z) over n seeds: (w - mean) @ M has identity covariance."""
    g = torch.Generator().manual_seed(seed)
    w = G.mapping(torch.randn(n, G.z_dim, generator=g))[:, 0].double()
    mu = w.mean(0)
    cov = (w - mu).T @ (w - mu) / n
    evals, evecs = torch.linalg.eigh(cov)
    M = evecs @ torch.diag(evals.clamp_min(1e-10).rsqrt()) @ evecs.T
    return mu.float(), M.float()


def _set_fc(fc, effective_weight, bias):
    """Equalised-lr FC: stored weight = effective / w_gain, stored bias = bias / lr_mul."""
    fc.weight.copy_(effective_weight / fc.w_gain)
    fc.bias.copy_(torch.as_tensor(bias, dtype=torch.float32).expand_as(fc.bias) / fc.lr_mul)


def _constant_styles(modfc):
    modfc.affine.weight.zero_()
    modfc.affine.bias.fill_(1.0)


def _pair_matrix(out_f, in_f, n, taps):
    """[out_f, in_f] matrix whose row o < n computes v_o = sum of s * input[i] over taps(o) = [(i, s), ...]
    and row n + o computes -v_o; every other row is 0 (the [v, -v] pairs that lrelu passes exactly)."""
    W = torch.zeros(out_f, in_f)
    for o in range(n):
        for i, s in taps(o):
            W[o, i] = s
            W[n + o, i] = -s
    return W


def _pass_pairs(modfc, n, taps):
    """A demodulated synthesis layer with constant styles and no bias, computing the pairs of _pair_matrix."""
    modfc.weight.copy_(_pair_matrix(*modfc.weight.shape, n, taps))
    modfc.bias.zero_()
    _constant_styles(modfc)


def allocate_channels(component_var, B, min_share=0.01):
    """Biline channels per colour component, in proportion to its variance; a component under min_share of
    the total gets none (a grey rock's chroma components hold ~0.3 %: their channels are better spent on
    more luminance waves), the largest one takes the rounding remainder."""
    share = [v / max(sum(component_var), 1e-12) for v in component_var]
    n = [int(B * s) if s >= min_share else 0 for s in share]
    n[max(range(len(n)), key=lambda q: share[q])] += B - sum(n)
    return tuple(n)


def pick_waves(waves, K, alpha, g):
    """K wave pairs from {(a, b): power} and the power each term carries: systematic sampling (frequencies
    ordered by radius) with expected count pi = K power^alpha / sum, term power = power / pi (the expected
    spectrum is the exemplar's). A strong frequency gets several terms: one term's amplitude is a product of
    two style amplitudes (heavy-tailed), several add up to a Gaussian amplitude — measured, giving the strong
    low frequencies one term each raised the seeds' contrast spread from 7 % to 10 %. Drawing the terms
    independently (multinomial) repeats frequencies by chance and leaves weak high frequencies as lone
    gratings; alpha < 1 spreads the terms toward the weak high frequencies."""
    keys = sorted((k for k, v in waves.items() if v > 0), key=lambda k: (k[0] ** 2 + k[1] ** 2, k))
    p = torch.tensor([waves[k] for k in keys], dtype=torch.float64)
    q = p.pow(alpha)
    pi = q / q.sum() * K
    cum = torch.cumsum(pi, 0)
    u = float(torch.rand([], generator=g, dtype=torch.float64))
    picks, j = [], 0
    for t in range(K):
        while j < len(keys) - 1 and cum[j] <= u + t:
            j += 1
        picks.append(j)
    return [(keys[i], float(p[i] / pi[i])) for i in picks]


@torch.no_grad()
def spectral_init(G, crops, channels_per_component=None, seed=0, alpha=1.0, log=print):
    """Set G's weights to the random-phase construction of the module docstring (in place); returns the
    measured statistics. crops: training crops [K,3,R,R] in [-1,1] (never held-out ones);
    channels_per_component: biline channels per colour principal component (default: allocate_channels);
    alpha: how the terms' frequencies follow the power spectrum (pick_waves)."""
    syn = G.synthesis
    B, r = syn.B, syn.rank
    C = syn.channels[4]
    if C < 4 * B or syn.channels[8] < 2 * B:
        raise ValueError(f"spectral init needs b4 with >= 4 x biline ({4 * B}) channels and b8 >= {2 * B}")
    R = crops.shape[-1]
    mean, evecs, spec = crop_statistics(crops)
    if channels_per_component is None:
        channels_per_component = allocate_channels(spec.sum(dim=(1, 2)).tolist(), B)
    if sum(channels_per_component) != B:
        raise ValueError(f"channels_per_component {channels_per_component} must add up to biline {B}")
    g = torch.Generator().manual_seed(seed)
    comp_of = [q for q, n in enumerate(channels_per_component) for _ in range(n)]

    # Frequencies and gains per (b, k): n x r terms per component (pick_waves; a strong frequency holds several).
    fr_row = torch.zeros(B, r)
    fr_col = torch.zeros(B, r)
    gain = torch.zeros(B, r)
    for q, n in enumerate(channels_per_component):
        if n == 0:
            continue
        bs = [b for b in range(B) if comp_of[b] == q]
        for t, ((fa, fb), power) in enumerate(pick_waves(orbit_weights(spec[q]), n * r, alpha, g)):
            b, k = bs[t // r], t % r
            fr_row[b, k], fr_col[b, k] = fa, fb
            gain[b, k] = math.sqrt(power)  # a term of gain 1 has unit variance (see below)

    # b4 input: channel p < C/2 is sin(2 pi f[p, k] t), channel C/2 + p its cosine. Rows of channel b use
    # frequency index b, columns index B + b; every other index is gated off.
    inp = syn.b4.input
    freqs = torch.ones(C // 2, r)  # unused indices: any integer
    freqs[:B] = fr_row
    freqs[B:2 * B] = fr_col
    inp.freqs.copy_(freqs.reshape(1, -1))
    # term (b, k) = 1/2 X Y with X = G_r A_r cos(.)/sqrt(C) etc., E[(A_r A_c cos cos)^2] = 1: variance gain^2
    # when G_r G_c / (2 C) = gain, i.e. G_r = G_c = sqrt(2 C gain).
    gate = torch.zeros(C, 2 * r)
    amp = (2 * C * gain).sqrt()  # [B, r]
    for b in range(B):
        for idx in (b, C // 2 + b):
            gate[idx, :r] = amp[b]
        for idx in (B + b, C // 2 + B + b):
            gate[idx, r:] = amp[b]
    inp.weight.copy_(gate.reshape(1, C, 1, 2 * r))
    # Styles: zero-mean, unit variance per entry, from whitened w and a random projection.
    linear_mapping(G)
    mu, Mw = whiten_affine(G, seed=seed + 1)
    proj = torch.randn(C * 2 * r, G.w_dim, generator=g) / math.sqrt(G.w_dim)
    eff = proj @ Mw.T  # style = proj @ Mw^T... applied to (w - mu)
    _set_fc(inp.affine, eff, -(eff @ mu))
    G.mapping.w_avg.copy_(mu)

    # b4.fc1: v_b = sum of the 4 channels of b (only 2 are live on either axis) -> [v, -v, 0...].
    _pass_pairs(syn.b4.fc1, B, lambda o: [(o, 1.0), (C // 2 + o, 1.0), (B + o, 1.0), (C // 2 + B + o, 1.0)])
    gain_line = 0.5 * LRELU_DIFF  # demod: 4 entries of 1 -> 1/2 each; pair difference -> 1.2 sqrt 2
    for fc in (syn.b8.fc0, syn.b8.fc1):
        _pass_pairs(fc, B, lambda o: [(o, 1.0), (B + o, -1.0)])
        gain_line *= LRELU_DIFF / math.sqrt(2.0)
    # b8.tores: X_b = (h_b - h_{B+b}) / gain_line (no demod; styles 1/sqrt(in)).
    tr = syn.b8.tores
    W = torch.zeros_like(tr.weight)
    s = math.sqrt(tr.in_c) / gain_line
    for b in range(B):
        W[b, b], W[b, B + b] = s, -s
    tr.weight.copy_(W)
    tr.bias.zero_()
    _constant_styles(tr)
    for res in syn.res_list[2:]:  # later tores: start at 0
        blk = getattr(syn, f"b{res}")
        blk.tores.weight.zero_()
        blk.tores.bias.zero_()
        dec = getattr(syn, f"decoder_{res}")
        dec[-1].weight.zero_()
        dec[-1].bias.zero_()
    for blk in (syn.block0, syn.block1):
        blk.tores.weight.zero_()
        blk.tores.bias.zero_()

    # decoder_last: pass the B features through: [x, -x] pairs, then rho x + 1 (positive) at the end.
    # N_b carries 1/n_q of its component's variance: its std sets the scale that keeps rho N + 1 > 0.
    comp_var = spec.sum(dim=(1, 2))
    std_b = torch.stack([(comp_var[q] / channels_per_component[q]).sqrt() for q in comp_of])  # every q in comp_of has n_q > 0
    rho = 1.0 / (6.0 * std_b.clamp_min(1e-6))
    d = syn.decoder_last
    _set_fc(d[0], _pair_matrix(2 * B, B, B, lambda i: [(i, 1.0)]), 0.0)
    for fc in (d[1], d[2]):  # [x, -x] in -> [x, -x] out: (h_i - h_{B+i}) / LRELU_DIFF = x_i
        _set_fc(fc, _pair_matrix(fc.weight.shape[0], fc.weight.shape[1], B,
                                 lambda i: [(i, 1 / LRELU_DIFF), (B + i, -1 / LRELU_DIFF)]), 0.0)
    E = _pair_matrix(2 * B, 2 * B, B, lambda i: [(i, rho[i] / LRELU_DIFF), (B + i, -rho[i] / LRELU_DIFF)])[:B]
    _set_fc(d[3], E, 1.0)
    # h4 = sqrt2 (rho N + 1) -> img = evec_q N + mean.
    P = torch.stack([evecs[:, comp_of[b]] for b in range(B)], dim=1)  # [3, B]
    Peff = P / (math.sqrt(2.0) * rho)[None, :]
    _set_fc(syn.decoder_img, Peff, mean - math.sqrt(2.0) * Peff.sum(1))
    stats = {"mean": mean.tolist(), "component_var": comp_var.tolist()}
    log(f"spectral init: components' variance {[round(v, 5) for v in stats['component_var']]}, "
        f"channels {list(channels_per_component)}, {B * r} terms ({2 * B * r} waves)")
    return stats
