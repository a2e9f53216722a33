"""The page's own middleware: the HTML that names the first picture's scripts (Preload), and Streamlit's
scripts compressed once (CompressedStatic); each driven as the server drives it, over a small ASGI app."""
import gzip
import os
import re

from playground.ui.channel import FIRST_ELEMENTS, _STATIC, CompressedStatic, Preload, preload_links
from conftest import run_async

PAGE = b"<html><head><title>t</title></head><body></body></html>"
SCRIPT = b"x" * 5000


async def _inner(scope, receive, send):
    html = scope["path"] == "/"
    body = PAGE if html else SCRIPT
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/html" if html else b"text/javascript"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def get(path, accept=b"gzip"):
    """(headers, body) of a GET through both middlewares, in the server's order."""
    app = CompressedStatic(Preload(_inner))
    sent = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request"}

    scope = {"type": "http", "method": "GET", "path": path, "headers": [(b"accept-encoding", accept)]}
    run_async(app(scope, receive, send))
    return dict(sent[0]["headers"]), b"".join(m.get("body", b"") for m in sent[1:])


def test_every_first_element_and_each_script_it_imports_is_named_once_and_exists():
    names = re.findall(r'href="\./static/js/([^"]+)"', preload_links())
    assert len(names) == len(set(names))
    with open(os.path.join(_STATIC, "index.html"), encoding="utf-8") as file:
        index = file.read()
    for element in FIRST_ELEMENTS:
        assert any(name.startswith(element + ".") for name in names), element
    for name in names:
        with open(os.path.join(_STATIC, "static", "js", name), encoding="utf-8") as file:
            for imported in re.findall(r'(?:from|import)\s*"\./([\w.\-]+\.js)"', file.read()):
                assert imported in names or imported in index, (name, imported)
    assert preload_links().endswith('href="/_playground/live.js">')


def test_the_page_names_them_in_its_head_and_its_length_is_told_right():
    headers, body = get("/")
    head = body.split(b"</head>")[0].decode()
    assert preload_links() in head and "BidiComponent" in head
    assert int(headers[b"content-length"]) == len(body)


def test_scripts_are_sent_compressed_to_a_browser_that_takes_gzip_and_plain_to_one_that_does_not():
    headers, body = get("/static/js/a.js")
    assert headers[b"content-encoding"] == b"gzip" and gzip.decompress(body) == SCRIPT
    assert int(headers[b"content-length"]) == len(body)
    headers, body = get("/static/js/a.js", accept=b"identity")
    assert b"content-encoding" not in headers and body == SCRIPT


def test_without_streamlit_s_files_where_this_version_keeps_them_the_page_preloads_live_js_alone(monkeypatch):
    import playground.ui.channel as channel
    monkeypatch.setattr(channel, "_STATIC", "/nonexistent")
    channel.preload_links.cache_clear()
    try:
        assert channel.preload_links() == '<link rel="modulepreload" crossorigin href="/_playground/live.js">'
        headers, body = get("/")
        assert b"live.js" in body and int(headers[b"content-length"]) == len(body)
    finally:
        monkeypatch.undo()
        channel.preload_links.cache_clear()
