"""Set-up that changes the whole process, in explicit calls at start.

`configure_process()` is called once by whatever starts a process that trains: `app.py`, the
bench, a training worker, the tests (tests/conftest.py); the server's set-up also calls
`no_delay_on_tcp_sockets()`. Importing a playground module changes nothing in the process; these
calls do, on purpose.
"""
import ctypes
import ctypes.util
import functools
import gc
import os
import socket

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


def lower_priority(nice):
    """This worker process yields the cores: nice `nice` at least, in a session of its own whose
    autogroup gets the same low weight. Where the kernel shares the CPU between sessions first
    (autogroup, as most Linux distributions do), a process's nice counts only against the processes
    of its own session, so a busy worker left in the server's session would take a whole core from
    every other session whatever its nice. For a worker process only, never the server's."""
    if os.getsid(0) != os.getpid():
        try:
            os.setsid()
        except OSError:   # a process group's leader may not start a session: nice alone then
            pass
    os.nice(max(0, nice - os.nice(0)))
    if os.getsid(0) == os.getpid():
        try:
            with open("/proc/self/autogroup", "w") as f:
                f.write(str(nice))
        except OSError:   # no autogroup here: nice alone does it
            pass


def no_delay_on_tcp_sockets():
    """Turns Nagle's algorithm off on the process's TCP sockets: the server's listening socket, whose
    connections inherit it, and the connections already open. Returns how many sockets it set.

    Streamlit's server binds its listening socket itself, with `socket.socket(family)`, so the
    protocol number is left at 0; the connections accepted on it report 0 too, and asyncio turns
    Nagle's algorithm off only on sockets that report IPPROTO_TCP (uvicorn issue 3149). With Nagle on,
    a response written in two parts (headers, then body) waits for the browser's delayed ACK: every
    request on a kept-alive connection after the first took 40 to 44 ms, the 119 files of a page
    opening were fetched 6 at a time at that pace, and a websocket message written right after
    another could wait as long."""
    count = 0
    for name in os.listdir("/proc/self/fd") if os.path.isdir("/proc/self/fd") else ():
        try:
            sock = socket.socket(fileno=int(name))  # wraps the descriptor; detach() below lets it go
        except OSError:  # not a socket, or already closed
            continue
        try:
            if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                count += 1
        except OSError:
            pass
        finally:
            sock.detach()
    return count
