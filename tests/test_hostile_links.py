"""Hostile links: values built to make a parser's pattern backtrack, and messages too large for the page.

A run of digits that ends in a character no number has made the old number pattern try every way to
split the digits between its two digit runs: 16,000 digits took 2.4 s and 32,000 took 13.7 s, holding
the GIL, so one link froze every session of the server. Each setting's parser now refuses text longer
than any value the page writes before reading it, with patterns that cannot backtrack. The bound
asserted here (0.5 s) is generous: each parser answers in well under a millisecond.
"""
import os
import time
import tomllib

import pytest

from conftest import run_async
from playground import settings
from playground.csvfile import protect

LONG = 100_000
HOSTILE = {
    "digits then a letter": "1" * (LONG - 1) + "x",
    "digits, a point, digits, a letter": "1" * (LONG // 2) + "." + "1" * (LONG // 2 - 2) + "x",
    "digits then an unfinished exponent": "1" * (LONG - 3) + "e1x",
    "a sign, digits, a sign": "-" + "1" * (LONG - 2) + "-",
    "a point then digits": "." + "1" * (LONG - 2) + "x",
    "digits only": "1" * LONG,
    "commas": "," * LONG,
    "names and commas": ",".join(["x1"] * (LONG // 3)),
    "letters": "a" * LONG,
}
SECONDS = 0.5


def _seconds(call, *args):
    start = time.perf_counter()
    try:
        call(*args)
    except ValueError:
        pass
    return time.perf_counter() - start


@pytest.mark.parametrize("form", HOSTILE)
@pytest.mark.parametrize("setting", settings.SETTINGS, ids=lambda s: s.key)
def test_every_parser_refuses_a_hostile_100k_value_at_once(setting, form):
    text = HOSTILE[form]
    with pytest.raises(ValueError):
        setting.parse(text)
    assert _seconds(setting.parse, text) < SECONDS


def test_a_link_of_hostile_values_for_every_setting_keeps_the_defaults_at_once():
    for form, text in HOSTILE.items():
        start = time.perf_counter()
        values, refused = settings.from_query({s.key: text for s in settings.SETTINGS})
        assert time.perf_counter() - start < SECONDS, form
        assert values == settings.defaults()
        assert set(refused) == {s.key for s in settings.SETTINGS}


@pytest.mark.parametrize("text", ["0.03", "3e-2", ".03", "0.030", "1e1", "10.", "-0"])
def test_every_way_a_number_is_written_still_reads(text):
    assert settings.DECIMAL.fullmatch(text)


@pytest.mark.parametrize("text", ["", "-", ".", "1e", "1e+", "1..0", "+1", "1.0.0", "e1", "0x1", "1_0", " 1"])
def test_what_is_no_number_is_still_refused(text):
    assert not settings.DECIMAL.fullmatch(text)


@pytest.mark.parametrize("form", HOSTILE)
def test_a_spreadsheet_cell_that_starts_like_a_formula_is_protected_at_once(form):
    text = "-" + HOSTILE[form]
    assert _seconds(protect, text) < SECONDS
    assert protect(text).startswith("'") == (form != "digits only")   # "-111…1" is a number


def test_the_page_opened_with_a_100k_learning_rate_warns_and_keeps_the_default(app):
    start = time.perf_counter()
    at = app(learning_rate=HOSTILE["digits then a letter"], noise="1" * LONG + "e")
    assert time.perf_counter() - start < 60
    assert "`learning_rate`" in at.warning[0].value and "`noise`" in at.warning[0].value
    assert at.session_state.learning_rate == 0.03
    assert at.query_params["learning_rate"] == "0.03"


def test_a_client_message_may_carry_at_most_a_megabyte():
    """The page's largest client message is a drawing of 2,000 points (about 100 kB); files go through
    the upload endpoint. Streamlit's own limit is 25 MB."""
    from streamlit import config
    config.get_option("server.maxWidgetStateSize")   # the option exists in the installed Streamlit
    with open(os.path.join(os.path.dirname(os.path.dirname(__file__)), ".streamlit", "config.toml"), "rb") as file:
        server = tomllib.load(file)["server"]
    assert server["maxWidgetStateSize"] == 1


def _health_while(url, send):
    """The slowest answer of /_stcore/health while `send` (a coroutine function given the page's websocket)
    runs, and what `send` returned."""
    import threading
    import urllib.request

    import websockets
    slowest, stop = [0.0], threading.Event()

    def probe():
        while not stop.is_set():
            start = time.perf_counter()
            urllib.request.urlopen(url + "/_stcore/health", timeout=60).read()
            slowest[0] = max(slowest[0], time.perf_counter() - start)
            time.sleep(0.05)

    async def connect():
        async with websockets.connect(url.replace("http", "ws") + "/_stcore/stream", subprotocols=["streamlit"],
                                      max_size=None) as ws:
            return await send(ws)

    thread = threading.Thread(target=probe)
    thread.start()
    try:
        result = run_async(connect())
    finally:
        stop.set()
        thread.join()
    return slowest[0], result


@pytest.mark.slow
def test_a_server_answers_through_a_hostile_link_and_closes_an_oversized_message(shared_server):
    """Before: a 40 kB learning_rate left /_stcore/health unanswered for 18 s; a message of any size
    up to 25 MB was read."""
    import asyncio

    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg

    def rerun(query):
        message = BackMsg()
        message.rerun_script.query_string = query
        return message.SerializeToString()

    async def hostile_link(ws):
        await ws.send(rerun("learning_rate=" + HOSTILE["digits then a letter"] + "&noise=" + "1" * LONG + "e"))
        end = time.monotonic() + 8   # the page runs; the health probe goes on meanwhile
        while time.monotonic() < end:
            try:
                await asyncio.wait_for(ws.recv(), end - time.monotonic())
            except asyncio.TimeoutError:
                break

    async def oversized(ws):
        await ws.send(rerun("x=" + "1" * 2_000_000))
        try:
            while True:
                await asyncio.wait_for(ws.recv(), 10)
        except websockets.ConnectionClosed as closed:
            return closed.rcvd.code

    _, url = shared_server
    slowest, _ = _health_while(url, hostile_link)
    assert slowest < 1.0
    slowest, code = _health_while(url, oversized)
    assert code == 1009 and slowest < 1.0   # 1009: message too big
