"""Cancel signals: set by the sweep's owner, read by every run between epochs.

On one machine the signal is a file in a fresh temporary folder (worker processes share the
file system, and reading it costs microseconds, so a run reads it every epoch). On a Dask
cluster it is a distributed.Event on the scheduler, which every worker reaches; a run asks it
at most every CHECK_SECONDS, so a cancelled run stops within that and one epoch.
"""
import os
import shutil
import tempfile
import time
import uuid

from .leftovers import signal_prefix

CHECK_SECONDS = 0.2


class FileSignal:
    """Set once its file exists."""

    def __init__(self):
        self.folder = tempfile.mkdtemp(prefix=signal_prefix())   # named for this process (leftovers.py)
        self.path = os.path.join(self.folder, "cancel")

    def set(self):
        if os.path.isdir(self.folder):
            open(self.path, "w").close()

    def is_set(self):
        return os.path.exists(self.path)

    def close(self):
        shutil.rmtree(self.folder, ignore_errors=True)


class EventSignal:
    """A distributed.Event named for one sweep; travels to workers by its name alone."""

    def __init__(self, client):
        from distributed import Event
        self.name = f"playground-sweep-{uuid.uuid4().hex}"
        self.event = Event(self.name, client=client)
        self.seen, self.next_check = False, 0.0

    def __getstate__(self):
        return {"name": self.name}

    def __setstate__(self, state):
        self.name, self.event = state["name"], None
        self.seen, self.next_check = False, 0.0

    def set(self):
        self.event.set()

    def is_set(self):
        now = time.monotonic()
        if not self.seen and now >= self.next_check:
            if self.event is None:  # in a worker: the worker's own client reaches the scheduler
                from distributed import Event
                self.event = Event(self.name)
            self.seen, self.next_check = self.event.is_set(), now + CHECK_SECONDS
        return self.seen

    def close(self):
        """Once set, the event stays, so that runs still out on the cluster (after a failure) stop."""
        if not self.event.is_set():
            self.event.clear()
