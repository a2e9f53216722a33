"""The live view's channel: each run's frames, from its worker to the browser, over a WebSocket on the
page's own port, beside Streamlit's (a route of the server's `st.App`, in app.py).

The page gives the browser a token for its run (`token`), unguessable and known only to that session;
the socket `/_playground/live?token=…` then carries the run's frames (playground/frames.py) as they
come, the text "lost" if the run's worker died, and takes two requests: "key", for a key frame, and
"focus LAYER NEURON" (or "focus" alone), the hidden neuron whose picture the frames carry (the one the
browser's pointer is on, or the page's focused neuron). The page's script never runs for a frame: frames go
from the worker's reader thread to the socket.
"""
import asyncio
import functools
import gzip
import logging
import os
import re
import secrets
import threading
import weakref
from urllib.parse import parse_qs

import streamlit

from starlette.middleware import Middleware
from starlette.responses import FileResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocketDisconnect

from ..i18n import LANGUAGES, best_language
from .keep import COOKIE

log = logging.getLogger("playground.channel")
PREFIX = "/_playground"
BACKLOG = 45     # frames waiting for a browser that does not keep up (a second's worth): past it they are
                 # dropped, and the browser, finding a gap in the curves, asks for a key frame
SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "live_view", "live.js")
SPACE_SCRIPT = os.path.join(os.path.dirname(SCRIPT), "layer_space.js")  # the space view (ui/space_view.py), beside it
FOCUS = re.compile(r"focus( \d{1,4} \d{1,5})?")   # a hidden neuron's (layer, neuron), both from 0; none
_runs = weakref.WeakValueDictionary()   # token -> RunHandle
_tokens = weakref.WeakKeyDictionary()   # RunHandle -> token
_lock = threading.Lock()


def token(run):
    """The token that opens `run`'s frames: made once per run handle, 128 random bits."""
    with _lock:
        value = _tokens.get(run)
        if value is None:
            value = secrets.token_urlsafe(16)
            _tokens[run], _runs[value] = value, run
        return value


async def live_socket(socket):
    run = _runs.get(socket.query_params.get("token", ""))
    if run is None:
        await socket.close(code=1008)  # no such run (closed, or a guessed token)
        return
    await socket.accept()
    loop, frames = asyncio.get_running_loop(), asyncio.Queue()

    def put(frame):
        if frames.qsize() >= BACKLOG and frame is not None:
            while not frames.empty():
                frames.get_nowait()
        frames.put_nowait(frame)

    def listener(frame):  # in the thread that reads the worker
        try:
            loop.call_soon_threadsafe(put, frame)
        except RuntimeError:  # the loop has closed: the server is stopping
            pass

    async def send():
        while True:
            frame = await frames.get()
            if frame is None:
                await socket.send_text("lost")
                return
            await socket.send_bytes(frame)

    async def receive():
        while True:
            message = await socket.receive_text()
            if message == "key":
                run.watch(listener)  # watched again: a key frame comes first
            elif FOCUS.fullmatch(message):
                run.focus(tuple(int(n) for n in message.split()[1:]))
            else:
                return  # nothing else is spoken here

    run.watch(listener)
    tasks = [asyncio.create_task(send()), asyncio.create_task(receive())]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        run.unwatch(listener)
        try:
            await socket.close()
        except (RuntimeError, WebSocketDisconnect):  # already closed by the browser
            pass


async def live_script(request):
    return FileResponse(SCRIPT, media_type="text/javascript", headers={"Cache-Control": "no-cache"})


async def space_script(request):
    return FileResponse(SPACE_SCRIPT, media_type="text/javascript", headers={"Cache-Control": "no-cache"})


ROUTES = [Route(PREFIX + "/live.js", live_script), WebSocketRoute(PREFIX + "/live", live_socket),
          Route(PREFIX + "/layer_space.js", space_script)]


async def _whole_response(app, scope, receive):
    """(the response's start message, its whole body) of `app` for a request, kept rather than sent."""
    start, body = {}, []

    async def keep(message):
        if message["type"] == "http.response.start":
            start.update(message)
        elif message["type"] == "http.response.body":
            body.append(message.get("body", b""))

    await app(scope, receive, keep)
    return start, b"".join(body)


class CompressedStatic:
    """ASGI middleware: Streamlit's own scripts and styles (`/static/…`), gzip-compressed once and kept.

    Streamlit 1.67 serves them uncompressed, leaving compression to a proxy in front of it; a class's
    server is often reached directly, and the page then loaded 3.4 MB (8 MB with plotly.js) before its first
    picture. The files never change while the server runs (their names carry their hash), so each is
    compressed at its first request and served from memory after (a few MB in all).
    """

    def __init__(self, app):
        self.app, self.cache = app, {}

    async def __call__(self, scope, receive, send):
        path = scope.get("path", "")
        headers = dict(scope.get("headers", ()))
        if (scope["type"] != "http" or scope.get("method") != "GET" or "/static/" not in path
                or b"gzip" not in headers.get(b"accept-encoding", b"") or b"range" in headers):
            await self.app(scope, receive, send)
            return
        cached = self.cache.get(path)
        if cached is None:
            start, content = await _whole_response(self.app, scope, receive)
            kept = [(k, v) for k, v in start.get("headers", ()) if k.lower() not in (b"content-length", b"content-encoding")]
            if start.get("status") != 200 or len(content) < 1024:
                await send({**start, "headers": start.get("headers", [])})
                await send({"type": "http.response.body", "body": content})
                return
            packed = gzip.compress(content, 6)
            cached = self.cache[path] = (kept + [(b"content-encoding", b"gzip"), (b"vary", b"Accept-Encoding"),
                                                 (b"content-length", str(len(packed)).encode())], packed)
        await send({"type": "http.response.start", "status": 200, "headers": cached[0]})
        await send({"type": "http.response.body", "body": cached[1]})


# The scripts of the elements a page's first run draws before its first picture (buttons, sliders, checkboxes,
# st.html, the segmented control and the live view's component). Streamlit loads each when an element first
# needs it, after the script's output has come: about 0.15 s in which the page waits. Named in the page, they
# load while Streamlit connects.
FIRST_ELEMENTS = ("Html", "Button", "Slider", "Checkbox", "ButtonGroup", "BidiComponent")
_STATIC = os.path.join(os.path.dirname(streamlit.__file__), "static")
_IMPORT = re.compile(r'(?:from|import)\s*"\./([\w.\-]+\.js)"')


@functools.cache
def preload_links():
    """<link rel="modulepreload"> for the first elements' scripts, the scripts they import (those the page
    does not name already), and live.js; live.js alone if Streamlit's files are not where this version keeps
    them."""
    folder = os.path.join(_STATIC, "static", "js")
    try:
        with open(os.path.join(_STATIC, "index.html"), encoding="utf-8") as file:
            named = set(re.findall(r"\./static/js/([\w.\-]+\.js)", file.read()))
        files = sorted(os.listdir(folder))
    except OSError:
        log.warning("Streamlit's static files are not in %s: the page preloads live.js alone", _STATIC)
        named, files = set(), []
    todo = [name for element in FIRST_ELEMENTS for name in files if re.fullmatch(rf"{element}\.[\w\-]+\.js", name)]
    found = []
    while todo:
        name = todo.pop()
        if name in named or name in found or not os.path.exists(os.path.join(folder, name)):
            continue
        found.append(name)
        with open(os.path.join(folder, name), encoding="utf-8") as file:
            todo.extend(_IMPORT.findall(file.read()))
    return "".join(f'<link rel="modulepreload" crossorigin href="./static/js/{name}">' for name in sorted(found)) + (
        f'<link rel="modulepreload" crossorigin href="{PREFIX}/live.js">')


def page_language(scope):
    """The language of the page an HTML request opens: its link's `lang`, else the browser's first language
    (as the page's script chooses it, from the browser's locale)."""
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    chosen = query.get("lang", [""])[-1]
    if chosen in LANGUAGES:
        return chosen
    headers = dict(scope.get("headers", ()))
    return best_language(headers.get(b"accept-language", b"").decode("latin-1").split(",")[0].strip())


class Preload:
    """ASGI middleware: the page's HTML names the scripts of its first picture (preload_links), so that the
    browser fetches them at once rather than when each element first needs one; and its `<html lang>` says
    the page's language from the start (Streamlit's says "en"; the live view keeps it right when the
    language changes later)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        path = scope.get("path", "")
        if scope["type"] != "http" or scope.get("method") != "GET" or not (path.endswith("/") or path.endswith(".html")):
            await self.app(scope, receive, send)
            return
        start, content = await _whole_response(self.app, scope, receive)
        headers = start.get("headers", [])
        html = any(k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in headers)
        encoded = any(k.lower() == b"content-encoding" for k, v in headers)
        if start.get("status") == 200 and html and not encoded and b"</head>" in content:
            content = content.replace(b"</head>", preload_links().encode() + b"</head>", 1)
            content = content.replace(b'<html lang="en">', f'<html lang="{page_language(scope)}">'.encode(), 1)
            headers = [(k, v) for k, v in headers if k.lower() != b"content-length"] + [
                (b"content-length", str(len(content)).encode())]
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": content})


class KeepToken:
    """ASGI middleware: a browser that opens the page without a token of its own (keep.COOKIE) gets one with the
    page's HTML: 128 random bits, in an HttpOnly cookie that no link carries, so that a reload finds its run
    (playground/ui/keep.py)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        path = scope.get("path", "")
        if (scope["type"] != "http" or scope.get("method") != "GET" or not (path.endswith("/") or path.endswith(".html"))
                or has_token(scope)):
            await self.app(scope, receive, send)
            return

        async def with_cookie(message):
            if message["type"] == "http.response.start":
                secure = "; Secure" if scope.get("scheme") == "https" else ""
                cookie = f"{COOKIE}={secrets.token_urlsafe(16)}; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax{secure}"
                message = {**message, "headers": [*message.get("headers", ()), (b"set-cookie", cookie.encode())]}
            await send(message)

        await self.app(scope, receive, with_cookie)


def has_token(scope):
    """Whether the request carries the browser's token."""
    cookies = b"; ".join(v for k, v in scope.get("headers", ()) if k.lower() == b"cookie").decode("latin-1")
    return any(part.strip().startswith(COOKIE + "=") and part.strip() != COOKIE + "=" for part in cookies.split(";"))


MIDDLEWARE = [Middleware(CompressedStatic), Middleware(Preload), Middleware(KeepToken)]
