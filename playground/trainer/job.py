"""A job's process started afresh, not forked (worker.spawn_job: the worker holds TensorFlow):
`python -m playground.trainer.job FD`. It takes (function, arguments) from the socket FD, computes at a job's
limits, answers there and ends."""
import os
import sys
from multiprocessing.connection import Connection

from ..startup import configure_process
from .worker import compute, limit_job


def main(fd):
    limit_job()
    configure_process()
    conn = Connection(fd)
    compute(conn, *conn.recv())
    sys.stderr.flush()
    os._exit(0)  # at once: the worker's loop waits for the process to end, and TensorFlow's shutdown takes seconds


if __name__ == "__main__":
    main(int(sys.argv[1]))
