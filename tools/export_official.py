#!/usr/bin/env python3
"""Convert an official CREPS checkpoint (.pkl with G_ema) into a Creps model file (.safetensors).

Usage:
    PYTHONPATH=/path/to/your/CREPS/checkout /usr/bin/python3 tools/export_official.py network.pkl model.safetensors

Needs PyTorch (Debian: python3-torch) and the user's own checkout of the official CREPS code on PYTHONPATH:
the pickle refers to its modules (dnnlib, torch_utils, training.networks_creps). Nothing of that code is part
of this project. The output keeps the official state_dict() names (minus the per-run buffer
synthesis.b4.input.coords) as float32, with the generator config as JSON in __metadata__["creps_config"].
"""
import json
import pickle
import struct
import sys


def fail(msg):
    print(f"export_official: {msg}", file=sys.stderr)
    sys.exit(1)


def load_generator(path):
    try:
        import torch  # noqa: F401  (the pickle needs it)
    except ImportError:
        fail("PyTorch is missing (Debian: apt-get install python3-torch)")
    try:
        import dnnlib  # noqa: F401
        import torch_utils  # noqa: F401
    except ImportError:
        fail("the official CREPS code is not importable: put your CREPS checkout on PYTHONPATH")
    try:
        with open(path, "rb") as f:
            data = pickle.load(f)
    except FileNotFoundError:
        fail(f"'{path}' does not exist")
    except Exception as e:  # a corrupt or foreign pickle
        fail(f"cannot unpickle '{path}': {e}")
    g = data.get("G_ema") if isinstance(data, dict) else data
    if g is None:
        fail(f"'{path}' holds no G_ema")
    return g


def kwarg(g, key, default):
    """Constructor arguments as the official persistence layer records them (Generator, then SynthesisNetwork)."""
    for module in (g, g.synthesis):
        kw = getattr(module, "init_kwargs", None) or {}
        if key in kw:
            return kw[key]
    return default


def config_of(g):
    syn, mapping = g.synthesis, g.mapping
    b4 = syn.b4
    return {
        "z_dim": int(g.z_dim),
        "c_dim": int(g.c_dim),
        "w_dim": int(g.w_dim),
        "img_resolution": int(g.img_resolution),
        "img_channels": int(g.img_channels),
        "channel_base": int(kwarg(g, "channel_base", 32768)),
        "channel_max": int(kwarg(g, "channel_max", 512)),
        "biline_channels": int(syn.biline_channels),
        "rank": int(b4.input.rank),
        "mapping_layers": int(mapping.num_layers),
        "mapping_lr_multiplier": float(mapping.fc0.bias_gain),
        "fc_clamp": float(b4.fc1.fc_clamp) if b4.fc1.fc_clamp is not None else 256.0,
    }


def check_channels(cfg, g):
    # channel_base/max may hide in nested kwargs: verify them against the real layer widths.
    for res in g.synthesis.block_resolutions:
        want = min(cfg["channel_base"] // res, cfg["channel_max"])
        have = getattr(g.synthesis, f"b{res}").fc1.weight.shape[0]
        if want != have:
            fail(f"could not recover channel_base/channel_max (block {res} has {have} channels, config gives {want})")


def write_safetensors(path, tensors, metadata):
    header = {"__metadata__": metadata}
    offset, blobs = 0, []
    for name in sorted(tensors):
        arr = tensors[name].detach().to("cpu").float().contiguous()
        raw = arr.numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(arr.shape), "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        blobs.append(raw)
    head = json.dumps(header).encode("utf-8")
    head += b" " * ((8 - len(head) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(head)))
        f.write(head)
        for b in blobs:
            f.write(b)
    import os
    os.replace(tmp, path)


def main():
    if len(sys.argv) != 3:
        fail("usage: export_official.py NETWORK.pkl OUT.safetensors")
    g = load_generator(sys.argv[1])
    cfg = config_of(g)
    check_channels(cfg, g)
    state = {k: v for k, v in g.state_dict().items() if k != "synthesis.b4.input.coords"}
    write_safetensors(sys.argv[2], state, {"creps_config": json.dumps(cfg), "source": sys.argv[1]})
    print(f"wrote {sys.argv[2]}: {len(state)} tensors, config {json.dumps(cfg)}")


if __name__ == "__main__":
    main()
