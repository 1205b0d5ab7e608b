"""Losses for exemplar training: a multi-scale patch sliced-Wasserstein loss and DiffAugment.

patch_swd: the distribution of k x k patches of the generated images against the real crops' patches, at
several Gaussian pyramid levels and patch sizes, on raw patches (colour, contrast) and on mean-removed
patches (structure, independent of the local colour). Each call draws fresh random unit directions,
projects both patch sets, sorts the projections and takes the mean squared difference (the 1-D
Wasserstein-2 distance per direction). With circular=True (tileable generators) the generated patches
wrap around the image border, so every position of the period counts, including the seam.

diff_augment: the same random colour / translation / cutout on real and generated images before D
(DiffAugment, Zhao et al. 2020): a D that sees few real crops memorises less, and G's gradient passes
through the (differentiable) augmentation.
"""
import torch
import torch.nn.functional as F


def _patches(x, k, circular, n, g):
    """n random k x k patches of x [N,C,H,W] as rows [n, C*k*k]."""
    if circular:
        x = F.pad(x, [0, k - 1, 0, k - 1], mode="circular")
    p = F.unfold(x, k)  # [N, C*k*k, L]
    p = p.permute(0, 2, 1).reshape(-1, p.shape[1])
    if p.shape[0] > n:
        p = p[torch.randint(0, p.shape[0], (n,), generator=g, device=p.device)]
    return p


def _sliced_w2(a, b, dirs, g):
    d = torch.randn(a.shape[1], dirs, generator=g, device=a.device)
    d = d / d.norm(dim=0, keepdim=True)
    pa, _ = torch.sort(a @ d, dim=0)
    pb, _ = torch.sort(b @ d, dim=0)
    if pa.shape[0] != pb.shape[0]:  # compare quantiles when the sets differ in size
        q = torch.linspace(0, 1, min(pa.shape[0], pb.shape[0]), device=a.device)
        pa = torch.quantile(pa, q, dim=0)
        pb = torch.quantile(pb, q, dim=0)
    return (pa - pb).square().mean()


def patch_swd(fake, real, sizes=(3, 7), levels=3, dirs=64, n=4096, circular=False, mean_removed=True, g=None):
    """Sum over pyramid levels x patch sizes x {raw, mean-removed} of sliced W2 between patch sets."""
    total = fake.new_zeros([])
    f, r = fake, real
    for lv in range(levels):
        for k in sizes:
            if k > f.shape[-1]:
                continue
            pf = _patches(f, k, circular, n, g)
            pr = _patches(r, k, False, n, g).detach()
            total = total + _sliced_w2(pf, pr, dirs, g)
            if mean_removed:
                C = f.shape[1]
                cf = pf.reshape(pf.shape[0], C, -1)
                cr = pr.reshape(pr.shape[0], C, -1)
                cf = (cf - cf.mean(dim=2, keepdim=True)).reshape(pf.shape[0], -1)
                cr = (cr - cr.mean(dim=2, keepdim=True)).reshape(pr.shape[0], -1)
                total = total + _sliced_w2(cf, cr, dirs, g)
        if lv + 1 < levels:
            f = F.avg_pool2d(F.pad(f, [1, 1, 1, 1], mode="circular" if circular else "replicate"), 4, 2, 1)
            r = F.avg_pool2d(F.pad(r, [1, 1, 1, 1], mode="replicate"), 4, 2, 1)
    return total


def diff_augment(x, g=None, translation=0.125, cutout=0.25, colour=True):
    """DiffAugment's colour (brightness, saturation, contrast), translation (zero-padded shift of up to
    `translation` of the side) and cutout (one zeroed square of `cutout` of the side) per image."""
    N, _, H, W = x.shape
    dev = x.device

    def u(*shape):
        return torch.rand(*shape, generator=g, device=dev)

    if colour:
        x = x + (u(N, 1, 1, 1) - 0.5)
        m = x.mean(dim=1, keepdim=True)
        x = (x - m) * (u(N, 1, 1, 1) * 2) + m
        m = x.mean(dim=[1, 2, 3], keepdim=True)
        x = (x - m) * (u(N, 1, 1, 1) + 0.5) + m
    if translation:
        s = int(H * translation + 0.5)
        ty = (u(N) * (2 * s + 1)).long() - s
        tx = (u(N) * (2 * s + 1)).long() - s
        yy = torch.arange(H, device=dev)[None, :] - ty[:, None]  # source row of each output row
        xx = torch.arange(W, device=dev)[None, :] - tx[:, None]
        vy = ((yy >= 0) & (yy < H)).float()
        vx = ((xx >= 0) & (xx < W)).float()
        idx_y = yy.clamp(0, H - 1)
        idx_x = xx.clamp(0, W - 1)
        x = torch.gather(x, 2, idx_y[:, None, :, None].expand(N, x.shape[1], H, W))
        x = torch.gather(x, 3, idx_x[:, None, None, :].expand(N, x.shape[1], H, W))
        x = x * (vy[:, None, :, None] * vx[:, None, None, :])
    if cutout:
        ch, cw = int(H * cutout + 0.5), int(W * cutout + 0.5)
        cy = (u(N) * (H + 1 - ch % 2)).long()
        cx = (u(N) * (W + 1 - cw % 2)).long()
        yy = torch.arange(H, device=dev)[None, :]
        xx = torch.arange(W, device=dev)[None, :]
        my = ((yy >= cy[:, None] - ch // 2) & (yy < cy[:, None] + ch - ch // 2)).float()
        mx = ((xx >= cx[:, None] - cw // 2) & (xx < cx[:, None] + cw - cw // 2)).float()
        x = x * (1 - my[:, None, :, None] * mx[:, None, None, :])
    return x
