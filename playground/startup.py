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
        _configured = True


def give_back_memory():
    """After a run or a session is dropped: collects its cycles and hands the freed heap back to the
    system (glibc's malloc_trim), so that the process's resident memory falls back rather than staying
    at its high-water mark for the class's next sessions to fill. Elsewhere only the collection runs."""
    gc.collect()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim():
    """glibc's malloc_trim, looked up once (finding the C library runs `ldconfig`); None elsewhere."""
    libc = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(libc).malloc_trim if libc else None
    except (OSError, AttributeError):  # not glibc: nothing to trim
        return None
