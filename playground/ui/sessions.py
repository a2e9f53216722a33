"""A closed tab's session leaves the server when it is due.

Streamlit keeps a disconnected session for `server.disconnectedSessionTTL` seconds, so that a
dropped connection comes back to it, in a TTL cache that drops expired sessions only when
another one is stored: the last sessions of a class to close stayed, with their runs' last
snapshots, until more tabs closed (measured: 14 of 40 still held 70 s after the last closed).
A thread of the server drops them when due, on the server's event loop, where Streamlit uses
that store, and then gives the memory back.
"""
import concurrent.futures
import logging
import threading
import time

import streamlit as st
from streamlit import runtime

from ..startup import give_back_memory
from . import keep

EVERY = 10.0  # seconds between looks at most; a quarter of server.disconnectedSessionTTL if that is less (1 s at least)
log = logging.getLogger("playground.sessions")


def forget_closed_sessions():
    """Starts the thread, once per server (nothing to do where no server runs, as in AppTest)."""
    if runtime.exists():
        threading.Thread(target=_forget, name="playground-closed-sessions", daemon=True).start()


def _forget():
    every = max(1.0, min(EVERY, st.get_option("server.disconnectedSessionTTL") / 4))
    while True:
        time.sleep(every)
        try:
            dropped = _expire() + keep.expire()
        except Exception:  # Streamlit's session store is not what this expects: sessions go as Streamlit lets them
            log.exception("Closed sessions are left to Streamlit")
            return
        if dropped:
            give_back_memory()


INTERNALS = "Runtime._session_mgr, WebsocketSessionManager._session_storage and ._storage_lock, " \
            "MemorySessionStorage._cache, Runtime._get_async_objs().eventloop"


def streamlit_parts(server):
    """(the TTL cache of closed sessions, the lock Streamlit holds while it uses it, the server's event loop): the
    one place that reads Streamlit's internals (1.67: INTERNALS); tests/test_sessions.py fails if a new Streamlit
    moves them. Raises RuntimeError naming the Streamlit version and the internal that is not there."""
    try:
        manager = server._session_mgr
        return manager._session_storage._cache, manager._storage_lock, server._get_async_objs().eventloop
    except AttributeError as error:
        raise RuntimeError(f"Streamlit {st.__version__} has not the internals ui/sessions.py reads ({INTERNALS}): "
                           f"{error}") from error


def _expire(timeout=10.0):
    """Drops the stored sessions whose time is over; returns how many."""
    store, lock, loop = streamlit_parts(runtime.get_instance())
    done = concurrent.futures.Future()

    def expire():
        try:
            with lock:
                done.set_result(len(store.expire()))
        except Exception as error:
            done.set_exception(error)

    loop.call_soon_threadsafe(expire)
    return done.result(timeout)
