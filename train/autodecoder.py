"""Warm start of a material model from a regression fit (an auto-decoder): before any GAN step, G is
regressed onto K fixed training crops, each with a free w of its own (one w per crop, broadcast to every
layer as the mapping network's output is), and the mapping network is fitted to send K fixed z codes to
those ws. The GAN then starts from a G that already draws the material (train.capacity showed that a
regression fit is nearly as non-separable as the crops, where a GAN from random weights starts plaid),
and from a mapping whose outputs lie among the fitted crops' ws.

Called by train.exemplar (--warm autodecoder); the held-out part of the exemplar is never a target.
"""
import time

import torch


def autodecoder_warm_start(G, sampler, crops, minutes, lr=2e-3, batch=8, map_lr=0.05, seed=0, log=print):
    """Regress G.synthesis (weights + K free ws) onto K crops of `sampler` for `minutes`, then fit
    G.mapping to those ws. Returns a dict of what it measured (steps, final MSE / PSNR, mapping MSE)."""
    g = torch.Generator().manual_seed(seed)
    targets = sampler.batch(crops)  # [K,3,R,R] in [-1,1], training region only
    z = torch.randn(crops, G.z_dim, generator=g)
    with torch.no_grad():
        w0 = G.mapping(z)[:, 0]
    w = torch.nn.Parameter(w0.clone())
    opt = torch.optim.Adam(list(G.synthesis.parameters()) + [w], lr=lr, betas=(0.9, 0.99))
    t0, last, step, budget = time.time(), time.time(), 0, minutes * 60 * 0.85  # 15 %: the mapping fit
    mse = float("nan")
    while time.time() - t0 < budget:
        idx = torch.randint(0, crops, (min(batch, crops),), generator=g)
        ws = w[idx].unsqueeze(1).repeat(1, G.num_ws, 1)
        loss = (G.synthesis(ws) - targets[idx]).square().mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        step += 1
        mse = 0.9 * mse + 0.1 * loss.item() if step > 1 else loss.item()
        if time.time() - last >= 30:
            psnr = 10 * torch.log10(torch.tensor(4.0 / mse)).item()  # images span [-1,1]: peak-to-peak 2
            log(f"warm start (auto-decoder, {crops} crops): step {step} mse {mse:.4f} ({psnr:.1f} dB) "
                f"{step / (time.time() - t0):.2f} steps/s")
            last = time.time()
    # The mapping network: K fixed z codes -> the fitted ws (its own Adam; its weights carry lr_mul 0.01,
    # so a larger lr than the synthesis').
    target_w = w.detach()
    opt_m = torch.optim.Adam(G.mapping.parameters(), lr=map_lr, betas=(0.9, 0.99))
    t1, m_steps, m_loss = time.time(), 0, float("nan")
    while (time.time() - t1 < minutes * 60 * 0.15 and m_loss > 1e-6) or m_steps < 50:  # stops once fitted
        m = (G.mapping(z)[:, 0] - target_w).square().mean()
        opt_m.zero_grad(set_to_none=True)
        m.backward()
        opt_m.step()
        m_steps, m_loss = m_steps + 1, m.item()
    with torch.no_grad():
        G.mapping.w_avg.copy_(target_w.mean(0))
        spread = target_w.var(0).mean().item()
    psnr = 10 * torch.log10(torch.tensor(4.0 / mse)).item()
    log(f"warm start done: {step} synthesis steps, mse {mse:.4f} ({psnr:.1f} dB); mapping {m_steps} steps, "
        f"w mse {m_loss:.4f} (w variance {spread:.4f}); {(time.time() - t0) / 60:.1f} min")
    return {"steps": step, "mse": mse, "psnr": psnr, "map_steps": m_steps, "map_mse": m_loss}
