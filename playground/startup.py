"""Set-up that changes the whole process, in one explicit call at start.

`configure_process()` is called once by whatever starts a process that trains: `app.py`, the
bench, a training worker, the tests (tests/conftest.py). Importing a playground module changes
nothing in the process; this call does, on purpose.
"""
import ctypes
import ctypes.util
import functools
import gc

from threadpoolctl import threadpool_limits

_configured = False


def configure_process():
    """Caps the BLAS libraries (OpenBLAS, MKL) at one thread each; calling it again does nothing.

    OpenBLAS's own threads pay off on large matrices only. On a network's small batches, with a
    server's sessions training side by side on a few cores, they wait for each other: measured on
    2 shared cores, an MNIST epoch (60,000 images, batch 32) took 7 to 36 s with them, 0.9 s without.
    """
    global _configured
    if not _configured:
        threadpool_limits(1, user_api="blas")
        _fix_heap_thresholds()
        _configured = True


M_TRIM_THRESHOLD = -1  # glibc's mallopt parameter (malloc.h)
TRIM_THRESHOLD = 128 * 1024  # glibc's default, kept from then on


def _fix_heap_thresholds():
    """Keeps glibc's heap thresholds at their defaults (128 KiB) instead of letting them grow.

    By default, freeing a large buffer (a figure's JSON, a snapshot's arrays) raises glibc's mmap
    threshold to that size and its trim threshold to twice it, and `malloc_trim` never trims the top
    of a thread's arena. Each script run of a session runs in a thread, so after a class's sessions
    had come and gone the server kept about 650 KiB of free heap on top of each of its 13 thread
    arenas: 40 sessions opened and closed left it 6.9 to 7.8 MB larger, 1.4 MB with the thresholds
    fixed (setting the trim threshold fixes both)."""
    libc = _libc()
    if libc is not None and hasattr(libc, "mallopt"):
        libc.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD)


def give_back_memory():
    """After a run or a session is dropped: collects its cycles and hands the freed heap back to the
    system (glibc's malloc_trim), so that the process's resident memory falls back rather than staying
    at its high-water mark for the class's next sessions to fill. Elsewhere only the collection runs."""
    gc.collect()
    libc = _libc()
    if libc is not None and hasattr(libc, "malloc_trim"):
        libc.malloc_trim(0)


@functools.cache
def _libc():
    """The C library, looked up once (finding it runs `ldconfig`); None where there is none to load."""
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name) if name else None
    except OSError:
        return None
