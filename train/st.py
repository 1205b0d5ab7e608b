"""Minimal safetensors reader/writer (F32 only) and generator import/export."""
import json
import os
import struct

import numpy as np
import torch

from .model import Generator

SKIP = {"synthesis.b4.input.coords"}


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    meta = header.pop("__metadata__", {}) or {}
    tensors = {}
    for name, info in header.items():
        assert info["dtype"] == "F32", (name, info["dtype"])
        a, b = info["data_offsets"]
        arr = np.frombuffer(data[a:b], dtype="<f4").reshape(info["shape"])
        tensors[name] = torch.from_numpy(arr.copy())
    return tensors, meta


def write_safetensors(path, tensors, metadata=None):
    header = {}
    if metadata:
        header["__metadata__"] = {k: str(v) for k, v in metadata.items()}
    blobs = []
    off = 0
    for name in sorted(tensors):
        a = np.ascontiguousarray(tensors[name].detach().cpu().to(torch.float32).numpy()).astype("<f4")
        raw = a.tobytes()
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [off, off + len(raw)]}
        blobs.append(raw)
        off += len(raw)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)  # align data start to 8 bytes
    # written beside and renamed into place: an interrupted export never leaves a partial model file
    with open(path + ".tmp", "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for raw in blobs:
            f.write(raw)
    os.replace(path + ".tmp", path)


def generator_tensors(G):
    sd = G.state_dict()
    return {k: v for k, v in sd.items() if k not in SKIP}


def export_generator(G, path):
    write_safetensors(path, generator_tensors(G), {"creps_config": json.dumps(G.config, sort_keys=True)})


def load_generator(path):
    tensors, meta = read_safetensors(path)
    cfg = json.loads(meta["creps_config"])
    G = Generator(**cfg)
    missing, unexpected = G.load_state_dict(tensors, strict=False)
    missing = [m for m in missing if m not in SKIP]
    assert not missing and not unexpected, (missing, unexpected)
    G.eval()
    return G, cfg
