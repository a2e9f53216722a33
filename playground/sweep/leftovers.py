"""What a sweep killed with its process leaves on disk, and its cleaning at start-up.

A sweep makes two kinds of folder, each named with the process id of the process that ran it:
its cancel signal's (`playground-sweep-PID-…`, signals.py) in the temporary folder, and joblib's
shared memory for the arrays it passes to its workers (`joblib_memmapping_folder_PID_…`, in
/dev/shm, $JOBLIB_TEMP_FOLDER or the temporary folder). Both are removed when the sweep ends; a
process killed mid-sweep (a server stopped with SIGKILL, a machine's out-of-memory killer) leaves
them, and a file in /dev/shm holds memory until it is removed. `clean_stale()` removes those of
processes that no longer run.
"""
import os
import re
import shutil
import tempfile

SIGNAL_PREFIX = "playground-sweep-"
_OWNED = re.compile(r"(?:playground-sweep-|joblib_memmapping_folder_)([0-9]+)[-_]")


def signal_prefix():
    """The prefix of this process's cancel-signal folders."""
    return f"{SIGNAL_PREFIX}{os.getpid()}-"


def _places():
    places = ["/dev/shm", os.environ.get("JOBLIB_TEMP_FOLDER"), tempfile.gettempdir()]
    return [p for i, p in enumerate(places) if p and p not in places[:i] and os.path.isdir(p)]


def _running(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:   # another user's process: it runs
        return True
    return True


def clean_stale():
    """Removes the sweep folders of this user whose process no longer runs; returns their paths."""
    removed = []
    for place in _places():
        try:
            entries = list(os.scandir(place))
        except OSError:
            continue
        for entry in entries:
            owner = _OWNED.match(entry.name)
            try:
                mine = entry.is_dir(follow_symlinks=False) and entry.stat(follow_symlinks=False).st_uid == os.getuid()
            except OSError:
                continue
            if owner and mine and not _running(int(owner.group(1))):
                shutil.rmtree(entry.path, ignore_errors=True)
                removed.append(entry.path)
    return removed
