"""The Streamlit internals that ui/sessions.py reads to drop closed tabs' sessions when due: if a new Streamlit
moves them, this fails here, by name, rather than leaving closed sessions in memory."""
import inspect
import threading
from unittest import mock

from streamlit.runtime.memory_session_storage import MemorySessionStorage
from streamlit.runtime.runtime import Runtime
from streamlit.runtime.websocket_session_manager import WebsocketSessionManager

from playground.ui.sessions import streamlit_parts


def test_the_closed_sessions_store_its_lock_and_the_event_loop_are_where_sessions_py_reads_them():
    storage = MemorySessionStorage(maxsize=4, ttl_seconds=1)
    manager = WebsocketSessionManager(storage, mock.Mock(), mock.Mock(), None)
    loop = object()
    server = mock.Mock(spec=["_session_mgr", "_get_async_objs"], _session_mgr=manager)
    server._get_async_objs.return_value.eventloop = loop
    store, lock, found_loop = streamlit_parts(server)
    assert store is storage._cache and callable(store.expire) and found_loop is loop
    assert isinstance(lock, type(threading.Lock()))
    assert hasattr(Runtime, "_get_async_objs") and "self._session_mgr = " in inspect.getsource(Runtime.__init__)
