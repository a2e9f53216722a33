"""Training off the page's threads: worker processes hold the runs, the page holds handles."""
from .pool import (NoAnswer, NoRoom, RunFailed, RunHandle, RunLost, TooLong, handle, live_runs, pool, shutdown,
                   worker_count)

__all__ = ["RunHandle", "RunLost", "RunFailed", "NoAnswer", "NoRoom", "TooLong", "handle", "live_runs", "pool", "shutdown",
           "worker_count"]
