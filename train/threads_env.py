"""--threads N must reach OpenBLAS/OpenMP before torch loads them: torch.set_num_threads alone leaves Debian's
pthread OpenBLAS with a thread per core, so two 1-thread runs side by side ran ~1.6x slower than with this.
Import and call this before the first `import torch`."""
import os


def apply_thread_flag(argv):
    for i, arg in enumerate(argv):
        n = arg.split("=", 1)[1] if arg.startswith("--threads=") else (
            argv[i + 1] if arg == "--threads" and i + 1 < len(argv) else None)
        if n and n != "0":
            for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
                os.environ.setdefault(var, n)
