"""CREPS generator (official parameter names, exact arithmetic of docs/creps-model.md)
and a small StyleGAN2-style residual discriminator.

Written from the arithmetic description; all per-pixel and per-line layers work on
channels-last tensors ([N, P, C]) so that every 1x1 layer is a plain (batched) matmul.
"""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SQRT2 = math.sqrt(2.0)
TWO_PI = np.pi * 2  # python float; torch casts it to float32 like the official code
HALF_PI = np.pi / 2


def lrelu_gain(x):
    return F.leaky_relu(x, 0.2) * SQRT2


class FC(nn.Module):
    """Equalised-learning-rate fully connected layer ([out, in] weight)."""

    def __init__(self, in_f, out_f, act="linear", lr_mul=1.0, bias_init=0.0):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(out_f, in_f) / lr_mul)
        self.bias = nn.Parameter(torch.full([out_f], float(bias_init)))
        self.act = act
        self.lr_mul = lr_mul
        self.w_gain = lr_mul / math.sqrt(in_f)

    def forward(self, x):
        w = self.weight * self.w_gain
        b = self.bias * self.lr_mul if self.lr_mul != 1 else self.bias
        if self.act == "linear":
            return F.linear(x, w, b)
        return lrelu_gain(F.linear(x, w) + b)


class Mapping(nn.Module):
    def __init__(self, z_dim, w_dim, num_ws, layers=8, lr_mul=0.01, w_avg_beta=0.998):
        super().__init__()
        self.z_dim, self.w_dim, self.num_ws, self.layers = z_dim, w_dim, num_ws, layers
        self.w_avg_beta = w_avg_beta
        feats = [z_dim] + [w_dim] * layers
        for i in range(layers):
            setattr(self, f"fc{i}", FC(feats[i], feats[i + 1], act="lrelu", lr_mul=lr_mul))
        self.register_buffer("w_avg", torch.zeros([w_dim]))

    def forward(self, z, psi=1.0, cutoff=None, update_w_avg=False):
        x = z.to(torch.float32)
        x = x * (x.square().mean(dim=1, keepdim=True) + 1e-8).rsqrt()
        for i in range(self.layers):
            x = getattr(self, f"fc{i}")(x)
        if update_w_avg:
            with torch.no_grad():
                self.w_avg.copy_(x.detach().mean(dim=0).lerp(self.w_avg, self.w_avg_beta))
        x = x.unsqueeze(1).repeat([1, self.num_ws, 1])
        if psi != 1:
            if cutoff is None:
                x = self.w_avg.lerp(x, psi)
            else:
                x = x.clone()
                x[:, :cutoff] = self.w_avg.lerp(x[:, :cutoff], psi)
        return x


class ModFC(nn.Module):
    """Synthesis layer (demodulated, lrelu, clamp) or ToRes layer (no demod, linear, clamp)."""

    def __init__(self, in_c, out_c, w_dim, tores=False, clamp=256.0):
        super().__init__()
        self.affine = FC(w_dim, in_c, bias_init=1)
        self.weight = nn.Parameter(torch.randn([out_c, in_c]))
        self.bias = nn.Parameter(torch.zeros([out_c]))
        self.tores = tores
        self.clamp = clamp
        self.in_c = in_c

    def forward(self, x, w):
        # x: [N, P, I], w: [N, w_dim]
        styles = self.affine(w)
        if self.tores:
            styles = styles * (1 / np.sqrt(self.in_c))
        wt = self.weight.unsqueeze(0) * styles.unsqueeze(1)  # [N, O, I]
        if not self.tores:
            d = (wt.square().sum(dim=2) + 1e-8).rsqrt()
            wt = wt * d.unsqueeze(2)
        y = torch.bmm(x, wt.transpose(1, 2)) + self.bias
        if not self.tores:
            y = lrelu_gain(y)
        if self.clamp is not None:
            y = y.clamp(-self.clamp, self.clamp)
        return y


class Input(nn.Module):
    def __init__(self, channels, w_dim, rank=8, bandwidth=10.0, tileable=False):
        super().__init__()
        self.channels, self.rank = channels, rank
        freqs = torch.randn([1, channels // 2 * rank]) * bandwidth
        if tileable:
            freqs = integer_freqs(freqs)
        self.register_buffer("freqs", freqs)
        self.weight = nn.Parameter(torch.randn([1, channels, 1, 2 * rank]))
        self.affine = FC(w_dim, channels * 2 * rank, bias_init=1)

    def line_features(self, t):
        """t: [L] float32 coordinates -> [L, r, C] sin features (channels last)."""
        C, r = self.channels, self.rank
        ph = (t.to(torch.float32).reshape(-1, 1) * self.freqs.reshape(1, -1))  # [L, C/2*r]
        ph = ph * TWO_PI
        ph = ph.reshape(-1, C // 2, r)
        s = torch.sin(torch.cat([ph, ph + HALF_PI], dim=1))  # [L, C, r]
        return s.permute(0, 2, 1)  # [L, r, C]

    def forward(self, w, rows, cols):
        N, C, r = w.shape[0], self.channels, self.rank
        m = self.weight * self.affine(w).reshape(N, C, 1, 2 * r)  # [N, C, 1, 2r]
        m = m[:, :, 0, :].permute(0, 2, 1)  # [N, 2r, C]
        fr = self.line_features(rows).unsqueeze(0) * m[:, None, :r, :] / np.sqrt(C)  # [N,H,r,C]
        fc = self.line_features(cols).unsqueeze(0) * m[:, None, r:, :] / np.sqrt(C)  # [N,W,r,C]
        return torch.cat([fr, fc], dim=1)  # [N, H+W, r, C]


def integer_freqs(freqs):
    f = torch.round(freqs)
    f = torch.where(f == 0, torch.where(freqs >= 0, torch.ones_like(f), -torch.ones_like(f)), f)
    return f


class Block(nn.Module):
    def __init__(self, in_c, out_c, w_dim, res_c, first=False, rank=8, clamp=256.0, tileable=False):
        super().__init__()
        self.first = first
        if first:
            self.input = Input(out_c, w_dim, rank=rank, tileable=tileable)
        else:
            self.fc0 = ModFC(in_c, out_c, w_dim, clamp=clamp)
        self.fc1 = ModFC(out_c, out_c, w_dim, clamp=clamp)
        self.tores = ModFC(out_c, res_c, w_dim, tores=True, clamp=clamp)


def decoder(B):
    return nn.Sequential(FC(B, 2 * B, "lrelu"), FC(2 * B, 4 * B, "lrelu"), FC(4 * B, 2 * B, "lrelu"),
                         FC(2 * B, B, "lrelu"))


class Synthesis(nn.Module):
    def __init__(self, w_dim, img_resolution, img_channels=3, biline_channels=32, channel_base=32768,
                 channel_max=512, rank=8, fc_clamp=256.0, tileable=False):
        super().__init__()
        self.w_dim, self.R, self.B, self.rank = w_dim, img_resolution, biline_channels, rank
        self.tileable = tileable
        log2 = int(np.log2(img_resolution))
        assert 2 ** log2 == img_resolution and img_resolution >= 8
        self.res_list = [2 ** i for i in range(2, log2 + 1)]
        ch = {res: min(channel_base // res, channel_max) for res in self.res_list}
        self.channels = ch
        for res in self.res_list:
            first = res == 4
            in_c = 1 if first else ch[res // 2]
            setattr(self, f"b{res}", Block(in_c, ch[res], w_dim, biline_channels, first=first, rank=rank,
                                           clamp=fc_clamp, tileable=tileable))
        for res in self.res_list[1:]:
            setattr(self, f"decoder_{res}", decoder(biline_channels))
        self.decoder_last = decoder(biline_channels)
        self.decoder_img = FC(biline_channels, img_channels)
        B = biline_channels
        self.block0 = Block(B, 4 * B, w_dim, img_channels, clamp=fc_clamp)
        self.block1 = Block(4 * B, 2 * B, w_dim, img_channels, clamp=fc_clamp)
        self.num_ws = 2 * log2 - 1

    def default_coords(self, n):
        if self.tileable:
            return (torch.arange(n, dtype=torch.float64) + 0.5).div(n).to(torch.float32)
        return torch.linspace(0, 1, n)

    def forward(self, ws, rows=None, cols=None, return_stages=False):
        N = ws.shape[0]
        if rows is None:
            rows = self.default_coords(self.R)
        if cols is None:
            cols = self.default_coords(self.R)
        rows = torch.as_tensor(rows, dtype=torch.float32, device=ws.device)
        cols = torch.as_tensor(cols, dtype=torch.float32, device=ws.device)
        H, W = rows.shape[0], cols.shape[0]
        r, B = self.rank, self.B
        ws = ws.to(torch.float32)
        stages = {}
        b4 = self.b4
        x = b4.input(ws[:, 0], rows, cols)  # [N, H+W, r, C]
        if return_stages:
            stages["input_b4"] = x
        L = H + W
        x = b4.fc1(x.reshape(N, L * r, -1), ws[:, 1])
        biline = None
        feature = None
        for k, res in enumerate(self.res_list[1:], start=3):
            blk = getattr(self, f"b{res}")
            x = blk.fc0(x, ws[:, 2 * k - 5])
            x = blk.fc1(x, ws[:, 2 * k - 4])
            y = blk.tores(x, ws[:, 2 * k - 3])
            biline = y if biline is None else biline + y
            if return_stages:
                stages[f"biline_after_b{res}"] = biline.reshape(N, L, r, B)
            bl = (biline * np.sqrt(0.5)).reshape(N, L, r, B)
            X = bl[:, :H].permute(0, 3, 1, 2)  # [N, B, H, r]
            Y = bl[:, H:].permute(0, 3, 2, 1)  # [N, B, r, W]
            new_f = torch.matmul(X, Y).permute(0, 2, 3, 1).reshape(N, H * W, B)
            if feature is None:
                feature = new_f
            else:
                feature = getattr(self, f"decoder_{res}")(feature) + new_f
        feature = self.decoder_last(feature)
        img = self.decoder_img(feature)  # [N, HW, 3]
        if return_stages:
            stages["feature_decoder_last"] = feature
            stages["img_decoder_img"] = img
        wl = ws[:, -1]
        f = self.block0.fc0(feature, wl)
        f = self.block0.fc1(f, wl)
        img = img + self.block0.tores(f, wl)
        if return_stages:
            stages["img_after_block0"] = img
        f = self.block1.fc0(f, wl)
        f = self.block1.fc1(f, wl)
        img = img + self.block1.tores(f, wl)
        img = img.reshape(N, H, W, -1).permute(0, 3, 1, 2)
        if return_stages:
            return img, stages
        return img


class Generator(nn.Module):
    def __init__(self, z_dim=128, w_dim=128, img_resolution=64, img_channels=3, channel_base=4096,
                 channel_max=128, biline_channels=16, rank=8, mapping_layers=4, mapping_lr_multiplier=0.01,
                 fc_clamp=256, c_dim=0, tileable=False, **_ignored):
        super().__init__()
        self.config = dict(z_dim=z_dim, c_dim=0, w_dim=w_dim, img_resolution=img_resolution,
                           img_channels=img_channels, channel_base=channel_base, channel_max=channel_max,
                           biline_channels=biline_channels, rank=rank, mapping_layers=mapping_layers,
                           mapping_lr_multiplier=mapping_lr_multiplier, fc_clamp=fc_clamp)
        if tileable:
            self.config["tileable"] = True
        self.z_dim, self.w_dim = z_dim, w_dim
        self.synthesis = Synthesis(w_dim, img_resolution, img_channels, biline_channels, channel_base,
                                   channel_max, rank, float(fc_clamp), tileable)
        self.num_ws = self.synthesis.num_ws
        self.mapping = Mapping(z_dim, w_dim, self.num_ws, mapping_layers, mapping_lr_multiplier)

    def forward(self, z, psi=1.0, cutoff=None, rows=None, cols=None, update_w_avg=False):
        ws = self.mapping(z, psi, cutoff, update_w_avg=update_w_avg)
        return self.synthesis(ws, rows, cols)


# ---------------------------------------------------------------------------------------------
# Discriminator (StyleGAN2 residual layout, equalised lr, [1,3,3,1] blur before downsampling)

class Conv(nn.Module):
    def __init__(self, in_c, out_c, k, act=True, bias=True, down=False):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(out_c, in_c, k, k))
        self.bias = nn.Parameter(torch.zeros(out_c)) if bias else None
        self.gain = 1 / math.sqrt(in_c * k * k)
        self.act, self.down, self.k = act, down, k
        f = torch.tensor([1.0, 3.0, 3.0, 1.0])
        f = torch.outer(f, f)
        self.register_buffer("blur", (f / f.sum())[None, None], persistent=False)

    def forward(self, x):
        w = self.weight * self.gain
        if self.down:
            C = x.shape[1]
            p = (self.k - 1) // 2 + 1  # blur 4x4 then stride-2 conv ("same" geometry as StyleGAN2)
            if self.k == 1:
                x = F.conv2d(F.pad(x, [1, 1, 1, 1]), self.blur.expand(C, 1, 4, 4), groups=C)
                x = F.conv2d(x[:, :, ::2, ::2], w, self.bias)
            else:
                x = F.conv2d(F.pad(x, [2, 2, 2, 2]), self.blur.expand(C, 1, 4, 4), groups=C)
                x = F.conv2d(x, w, self.bias, stride=2)
            del p
        else:
            x = F.conv2d(x, w, self.bias, padding=self.k // 2)
        return lrelu_gain(x) if self.act else x


class DBlock(nn.Module):
    def __init__(self, in_c, tmp_c, out_c):
        super().__init__()
        self.conv0 = Conv(tmp_c, tmp_c, 3)
        self.conv1 = Conv(tmp_c, out_c, 3, down=True)
        self.skip = Conv(tmp_c, out_c, 1, act=False, bias=False, down=True)

    def forward(self, x):
        y = self.skip(x)
        x = self.conv1(self.conv0(x))
        return (x + y) * np.sqrt(0.5)


class Discriminator(nn.Module):
    def __init__(self, img_resolution=64, channel_base=2048, channel_max=128, mbstd_group=4):
        super().__init__()
        log2 = int(np.log2(img_resolution))
        ch = {2 ** i: min(channel_base // 2 ** i, channel_max) for i in range(2, log2 + 1)}
        self.from_rgb = Conv(3, ch[img_resolution], 1)
        blocks = []
        for i in range(log2, 2, -1):
            res = 2 ** i
            blocks.append(DBlock(ch[res], ch[res], ch[res // 2]))
        self.blocks = nn.ModuleList(blocks)
        c4 = ch[4]
        self.mbstd_group = mbstd_group
        self.conv = Conv(c4 + 1, c4, 3)
        self.fc = FC(c4 * 16, c4, "lrelu")
        self.out = FC(c4, 1)

    def forward(self, img):
        x = self.from_rgb(img)
        for b in self.blocks:
            x = b(x)
        N, C, H, W = x.shape
        G = min(self.mbstd_group, N)
        while N % G:
            G -= 1
        y = x.reshape(G, -1, 1, C, H, W)
        y = y - y.mean(dim=0)
        y = (y.square().mean(dim=0) + 1e-8).sqrt()
        y = y.mean(dim=[2, 3, 4]).reshape(-1, 1, 1, 1).repeat(G, 1, H, W)
        x = torch.cat([x, y], dim=1)
        x = self.conv(x)
        x = self.fc(x.flatten(1))
        return self.out(x)
