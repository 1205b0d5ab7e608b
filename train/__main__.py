import sys

from .threads_env import apply_thread_flag

apply_thread_flag(sys.argv)

from .trainer import main  # noqa: E402

sys.exit(main())
