import sys

from .threads_env import apply_blas_settings

apply_blas_settings(sys.argv)

from .trainer import main  # noqa: E402

sys.exit(main())
