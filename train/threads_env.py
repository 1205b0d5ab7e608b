"""Settings OpenBLAS reads once, when torch loads it: import this and call apply_blas_settings(sys.argv)
before the first `import torch`.

- --threads N: torch.set_num_threads alone leaves Debian's pthread OpenBLAS with a thread per core, so two
  1-thread runs side by side ran ~1.6x slower than with this.
- the BLAS core: OpenBLAS 0.3.21 (Debian 12) does not know newer Xeons (seen: family 6 model 207, Emerald
  Rapids) and falls back to its generic "Prescott" SSE3 kernels; with OPENBLAS_CORETYPE unset we name the
  best 0.3.21 core the CPU's flags allow (AVX-512 BF16: Cooperlake, which is also what it detects on Zen 5;
  AVX-512: SkylakeX; AVX2: Haswell). A value already set is kept, so benchmarks can compare cores.
"""
import ctypes
import os

CORE_BY_FLAG = (("avx512_bf16", "Cooperlake"), ("avx512f", "SkylakeX"), ("avx2", "Haswell"))


def cpu_info(path="/proc/cpuinfo"):
    """The first processor's /proc/cpuinfo fields ({} where there is none)."""
    info = {}
    try:
        with open(path) as f:
            for line in f:
                if not line.strip():
                    break
                key, _, value = line.partition(":")
                info.setdefault(key.strip(), value.strip())
    except OSError:
        pass
    return info


def blas_core_for(flags):
    return next((core for flag, core in CORE_BY_FLAG if flag in flags), None)


def apply_blas_settings(argv):
    for i, arg in enumerate(argv):
        n = arg.split("=", 1)[1] if arg.startswith("--threads=") else (
            argv[i + 1] if arg == "--threads" and i + 1 < len(argv) else None)
        if n and n != "0":
            for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
                os.environ.setdefault(var, n)
    if "OPENBLAS_CORETYPE" not in os.environ:
        core = blas_core_for(set(cpu_info().get("flags", "").split()))
        if core:
            os.environ["OPENBLAS_CORETYPE"] = core


def blas_core():
    try:
        lib = ctypes.CDLL("libblas.so.3")
        f = lib.openblas_get_corename
        f.restype = ctypes.c_char_p
        return "OpenBLAS " + f().decode()
    except (OSError, AttributeError):
        return "reference BLAS (netlib libblas.so.3: no openblas_get_corename)"


def cpu_name():
    """The CPU's model name with its family/model numbers (some Xeons name themselves only "Intel(R) Xeon(R)
    Processor")."""
    info = cpu_info()
    if not info:
        return "unknown CPU"
    return f"{info.get('model name', 'unknown CPU')} (family {info.get('cpu family', '?')} model {info.get('model', '?')})"
