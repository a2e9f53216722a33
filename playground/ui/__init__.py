"""The page: everything that imports streamlit lives in this package."""
import functools

import streamlit as st

from .. import startup, trainer
from ..sweep.leftovers import clean_stale
from .page import main
from .sessions import forget_closed_sessions


@functools.cache
def setup():
    """Once per server process, before the first page: one BLAS thread here, no Nagle's algorithm on
    the server's sockets, the worker processes that train the runs (they start now, so the first run
    need not wait for them; a closed tab's run is kept as long as its session,
    `server.disconnectedSessionTTL`), and the thread that drops closed tabs' sessions when due; and what sweeps
    killed with an earlier server left on disk is removed."""
    clean_stale()
    startup.configure_process()
    startup.no_delay_on_tcp_sockets()
    trainer.pool(st.get_option("server.disconnectedSessionTTL"))
    forget_closed_sessions()


__all__ = ["main", "setup"]
