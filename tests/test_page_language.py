"""The page's <html lang>: the HTML Streamlit serves says "en"; the Preload middleware says the page's language."""
import asyncio

from playground.ui.channel import Preload, page_language


def scope(query=b"", language=b""):
    return {"type": "http", "method": "GET", "path": "/", "query_string": query,
            "headers": [(b"accept-language", language)] if language else []}


def test_the_language_comes_from_the_link_then_the_browser():
    assert page_language(scope(b"lang=zh")) == "zh"
    assert page_language(scope(b"lang=en", b"zh-CN,zh;q=0.9")) == "en"
    assert page_language(scope(b"", b"zh-CN,zh;q=0.9,en;q=0.8")) == "zh"
    assert page_language(scope(b"lang=fr", b"en-GB")) == "en"
    assert page_language(scope()) == "en"


def test_the_served_html_says_the_language():
    async def streamlit(scope, receive, send):
        body = b'<!doctype html><html lang="en"><head></head><body></body></html>'
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/html"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    sent = []

    async def send(message):
        sent.append(message)

    asyncio.run(Preload(streamlit)(scope(b"speed=1&lang=zh"), None, send))
    body = sent[1]["body"]
    assert b'<html lang="zh">' in body and b'lang="en"' not in body
    assert dict(sent[0]["headers"])[b"content-length"] == str(len(body)).encode()
