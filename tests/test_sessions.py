"""The Streamlit internals that ui/sessions.py reads to drop closed tabs' sessions when due: if a new Streamlit
moves them, this fails here, naming the Streamlit version and the internal, rather than leaving closed sessions in
memory. And the session's time-out, written once."""
import importlib
import inspect
import pathlib
import re
import threading
from unittest import mock

import pytest
import streamlit as st

import playground.ui
from playground.ui.sessions import streamlit_parts


def internal(module, name):
    """Streamlit's `module`.`name`, or the test fails saying which internal this Streamlit lacks."""
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as error:
        pytest.fail(f"Streamlit {st.__version__} has no {module}.{name}, which ui/sessions.py reads: {error}")


def test_the_closed_sessions_store_its_lock_and_the_event_loop_are_where_sessions_py_reads_them():
    storage_class = internal("streamlit.runtime.memory_session_storage", "MemorySessionStorage")
    manager_class = internal("streamlit.runtime.websocket_session_manager", "WebsocketSessionManager")
    runtime_class = internal("streamlit.runtime.runtime", "Runtime")
    storage = storage_class(maxsize=4, ttl_seconds=1)
    manager = manager_class(storage, mock.Mock(), mock.Mock(), None)
    loop = object()
    server = mock.Mock(spec=["_session_mgr", "_get_async_objs"], _session_mgr=manager)
    server._get_async_objs.return_value.eventloop = loop
    store, lock, found_loop = streamlit_parts(server)
    where = f"in Streamlit {st.__version__}"
    assert store is storage._cache and callable(store.expire), f"MemorySessionStorage._cache.expire moved {where}"
    assert found_loop is loop
    assert isinstance(lock, type(threading.Lock())), f"WebsocketSessionManager._storage_lock moved {where}"
    assert hasattr(runtime_class, "_get_async_objs"), f"Runtime._get_async_objs moved {where}"
    assert "self._session_mgr = " in inspect.getsource(runtime_class.__init__), f"Runtime._session_mgr moved {where}"


def test_a_missing_internal_is_named_with_the_streamlit_version():
    server = mock.Mock(spec=["_get_async_objs"])  # as if Streamlit had renamed Runtime._session_mgr
    with pytest.raises(RuntimeError, match=rf"Streamlit {re.escape(st.__version__)} .*_session_mgr"):
        streamlit_parts(server)


def test_the_session_time_out_is_written_once_in_the_config_and_given_to_the_workers(monkeypatch):
    config = (pathlib.Path(__file__).parents[1] / ".streamlit" / "config.toml").read_text()
    assert len(re.findall(r"^disconnectedSessionTTL = \d+$", config, re.M)) == 1
    source = pathlib.Path(playground.ui.__file__).parents[1]
    written = [str(path) for path in source.rglob("*.py") if re.search(r"(?i)\b(\w*_)?ttl *= *\d", path.read_text())]
    assert written == []  # no second number in the code: it reads the option
    given = []
    for name in ("clean_stale", "forget_closed_sessions"):
        monkeypatch.setattr(playground.ui, name, lambda: None)
    monkeypatch.setattr(playground.ui.startup, "configure_process", lambda: None)
    monkeypatch.setattr(playground.ui.startup, "no_delay_on_tcp_sockets", lambda: None)
    monkeypatch.setattr(playground.ui.trainer, "pool", given.append)
    monkeypatch.setattr(playground.ui.st, "get_option", {"server.disconnectedSessionTTL": 7}.get)
    playground.ui.setup.__wrapped__()
    assert given == [7]
