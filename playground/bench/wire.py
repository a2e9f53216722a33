"""A student's page without a browser, for the class bench: it speaks to the server as the page does, and draws
nothing.

A browser that draws nothing still costs the server what its page asks of it: the page's HTML (which gives it the
browser's token, and, behind HAProxy, the server's cookie), Streamlit's websocket (`/_stcore/stream`: a BackMsg
`rerun_script` with the widgets' states for each press, the ForwardMsgs of each run of the script, and the
fragments' runs every `auto_rerun` interval), and the live view's websocket (`/_playground/live`), every frame
of it, asking for a key frame when one went missing and saying once that the first frame came (the live view's
"ready" part), as live.js does. A `Page` does all of that and no more, at a few hundredths of a millisecond a
frame, where a Chromium page that draws nothing took a process of its own. `Students` runs many such pages in
one thread, at the priority of the class bench's browsers (nice 10).
"""
import asyncio
import json
import os
import threading
import time
import urllib.request
from urllib.parse import urlsplit

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime.state.session_state import STREAMLIT_INTERNAL_KEY_PREFIX

from ..frames import unpack

COLUMNS = 5      # the history rows' columns (live.js COLUMNS): a row's first is its epoch
NICE = 10        # as the class bench's browsers (classroom.Background)


def key_of(widget_id):
    """The user's key in a widget's id ("$$ID-<hash>-play" → "play"), or None."""
    parts = widget_id.split("-", 2)
    return parts[2] if len(parts) == 3 and parts[2] != "None" else None


class Page:
    """One student's page, opened at `url` (a join link): its widgets by key, its run's frames."""

    def __init__(self, url):
        self.url, self.parts = url, urlsplit(url)
        self.ids, self.labels, self.fragments = {}, {}, {}   # key -> widget id, button key -> label, id -> fragment
        self.values = {}            # widget id -> the WidgetState the page holds (a text typed)
        self.timers = {}            # fragment id -> (interval, task) of its auto_rerun
        self.cookies, self.token, self.ready_id, self.ready_said = {}, None, None, False
        self.frames, self.epoch, self.last_epoch, self.asked = 0, None, None, False
        self.runs_finished, self.changed = 0, asyncio.Event()
        self.stream = self.live = None
        self.tasks = []

    @property
    def server(self):
        """The server HAProxy keeps this page on (its cookie), or None without a proxy."""
        return self.cookies.get("PLAYGROUND_SERVER")

    def _fetch_cookies(self):
        request = urllib.request.Request(self.url, headers={"Accept-Language": "en-US,en"})
        with urllib.request.urlopen(request, timeout=60) as answer:
            answer.read()
            for header in answer.headers.get_all("Set-Cookie") or []:
                name, _, value = header.split(";", 1)[0].partition("=")
                self.cookies[name.strip()] = value.strip()

    def _headers(self):
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Accept-Language": "en-US,en"}

    async def open(self, timeout=60.0):
        """Loads the page: its HTML, Streamlit's websocket and the script's first run, and its run's frames."""
        await asyncio.to_thread(self._fetch_cookies)
        self.stream = await websockets.connect(f"ws://{self.parts.netloc}/_stcore/stream", subprotocols=["streamlit"],
                                               additional_headers=self._headers(), max_size=None)
        self.tasks.append(asyncio.create_task(self._read_stream()))
        await self.rerun()
        # As a person sees the page: drawn whole (the sidebar comes after the live view's first frame).
        await self.until(lambda: "lang" in self.ids and self.epoch is not None, timeout)

    async def close(self):
        for task in [*self.tasks, *(task for _, task in self.timers.values())]:
            task.cancel()
        for socket in (self.stream, self.live):
            if socket is not None:
                await socket.close()

    async def until(self, condition, timeout=60.0):
        """Waits until `condition()` holds, looked at after each message the page takes."""
        deadline = time.monotonic() + timeout
        while not condition():
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{self.url}: not there within {timeout} s")
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), left)
            except asyncio.TimeoutError:
                pass

    async def rerun(self, triggers=(), fragment_id="", auto=False, **texts):
        """Asks for a run of the script with the page's widget states, as the browser does after a press:
        `triggers` the keys of buttons pressed, `texts` the text typed in inputs (by key)."""
        for key, text in texts.items():
            state = self.values.setdefault(self.ids[key], _widget(self.ids[key]))
            state.string_value = text
        message = BackMsg()
        client = message.rerun_script
        client.query_string = self.parts.query
        client.page_script_hash = ""
        client.fragment_id = fragment_id
        client.is_auto_rerun = auto
        client.context_info.timezone = "UTC"
        client.context_info.locale = "en-US"
        client.context_info.url = self.url
        states = list(self.values.values())
        for key in triggers:
            state = _widget(self.ids[key] if key in self.ids else key)
            if key == self.ready_id:
                state.json_trigger_value = json.dumps([{"event": "ready", "value": True}])
            else:
                state.trigger_value = True
            states.append(state)
        client.widget_states.widgets.extend(states)
        await self.stream.send(message.SerializeToString())

    async def press(self, key):
        """Presses the button keyed `key`."""
        await self.rerun(triggers=[key], fragment_id=self.fragments.get(self.ids[key], ""))

    async def _read_stream(self):
        async for data in self.stream:
            message = ForwardMsg()
            message.ParseFromString(data)
            kind = message.WhichOneof("type")
            if kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                self._element(message.delta.new_element, message.delta.fragment_id)
            elif kind == "script_finished":
                self.runs_finished += 1
            elif kind == "auto_rerun" and message.auto_rerun.fragment_id:
                self._auto_rerun(message.auto_rerun.fragment_id, message.auto_rerun.interval)
            elif kind == "stop_auto_rerun":
                for fragment in message.stop_auto_rerun.fragment_ids:
                    _, task = self.timers.pop(fragment, (None, None))
                    if task:
                        task.cancel()
            self.changed.set()

    def _element(self, element, fragment_id):
        kind = element.WhichOneof("type")
        inner = getattr(element, kind)
        if kind == "bidi_component":
            data = json.loads(inner.json) if inner.json else {}
            if data.get("view") == "ready":
                self.ready_id = f"{STREAMLIT_INTERNAL_KEY_PREFIX}_{inner.id}__events"
                self.fragments[self.ready_id] = fragment_id
                self.tasks.append(asyncio.create_task(self._say_ready()))
            if data.get("token") and data["token"] != self.token:
                self.token = data["token"]
                if self.live is not None:
                    self.tasks.append(asyncio.create_task(self.live.close()))
                self.tasks.append(asyncio.create_task(self._read_live(self.token)))
            return
        widget_id = getattr(inner, "id", "") if kind != "text" else ""
        key = key_of(widget_id) if isinstance(widget_id, str) else None
        if key:
            self.ids[key], self.fragments[widget_id] = widget_id, fragment_id
            if kind == "button":
                self.labels[key] = inner.label

    def _auto_rerun(self, fragment_id, interval):
        if self.timers.get(fragment_id, (None,))[0] == interval:
            return
        _, task = self.timers.pop(fragment_id, (None, None))
        if task:
            task.cancel()

        async def every():
            while True:
                await asyncio.sleep(interval)
                await self.rerun(fragment_id=fragment_id, auto=True)
        self.timers[fragment_id] = (interval, asyncio.create_task(every()))

    async def _read_live(self, token):
        url = f"ws://{self.parts.netloc}/_playground/live?token={token}"
        async with websockets.connect(url, additional_headers=self._headers(), max_size=None) as socket:
            self.live, self.last_epoch, self.asked = socket, None, False
            async for data in socket:
                if isinstance(data, str):   # "lost": the run's worker died
                    continue
                header, arrays = unpack(data)
                if header["key"]:
                    self.asked = False
                elif header["after"] != self.last_epoch:   # a frame went missing: the whole history again
                    if not self.asked:
                        await socket.send("key")
                        self.asked = True
                    if self.last_epoch is None:
                        continue
                rows = arrays["rows"]
                if len(rows):
                    self.last_epoch = float(rows[-COLUMNS])
                self.frames, self.epoch = self.frames + 1, header["epoch"]
                await self._say_ready()
                self.changed.set()

    async def _say_ready(self):
        """The live view's "ready" part says once that the first frame came: the page then draws the rest."""
        if self.ready_id and self.epoch is not None and not self.ready_said:
            self.ready_said = True
            await self.rerun(triggers=[self.ready_id], fragment_id=self.fragments[self.ready_id])


def _widget(widget_id):
    from streamlit.proto.WidgetStates_pb2 import WidgetState
    state = WidgetState()
    state.id = widget_id
    return state


class Students:
    """Pages of students in one event loop, in a thread of its own at nice NICE; each method waits for its
    answer."""

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self.pages = []
        started = threading.Event()

        def run():
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICE)
            asyncio.set_event_loop(self.loop)
            self.loop.call_soon(started.set)
            self.loop.run_forever()
        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        started.wait()

    def call(self, coroutine, timeout=None):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def open(self, url, timeout=60.0):
        """A page opened at `url`, its first run ended and its first frame come."""
        async def opened():
            page = Page(url)
            await page.open(timeout)
            return page
        page = self.call(opened())
        self.pages.append(page)
        return page

    def join(self, page, name, timeout=60.0):
        """Types `name` and presses Join, as a student does; returns the time (monotonic) Join was pressed, once
        the page says it joined."""
        async def joined():
            runs = page.runs_finished
            await page.rerun(class_name=name)
            await page.until(lambda: page.runs_finished > runs, timeout)
            pressed = time.monotonic()
            await page.press("class_join")
            await page.until(lambda: "class_leave" in page.ids, timeout)
            return pressed
        return self.call(joined())

    def play(self, page, playing=True, timeout=60.0):
        """Presses Play (or Pause), once the button says it; returns the time of the press, once it says the other."""
        async def pressed():
            want, then = ("Play", "Pause") if playing else ("Pause", "Play")
            await page.until(lambda: page.labels.get("play") == want, timeout)
            at = time.monotonic()
            await page.press("play")
            await page.until(lambda: page.labels.get("play") == then, timeout)
            return at
        return self.call(pressed())

    def close(self):
        async def closed():
            await asyncio.gather(*(page.close() for page in self.pages), return_exceptions=True)
        self.call(closed())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
