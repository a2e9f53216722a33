"""A Streamlit server in a subprocess, and Debian's Chromium: for the browser tests and the bench.

`playwright install` cannot download browsers here, so Playwright drives /usr/bin/chromium.
"""
import contextlib
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the repository
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
APP_READY = "[data-testid='stApp'][data-test-script-state='notRunning']"
# Every live chart on the page has drawn its plot: plotly.js has loaded in each chart's frame.
CHARTS_DRAWN_JS = """() => [...document.querySelectorAll("iframe[data-testid='stCustomComponentV1']")]
  .every(f => f.contentDocument && f.contentDocument.querySelector(".main-svg"))"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def start_streamlit(script, port=None, env=None, timeout=60):
    """Run `streamlit run script` headless; yield (proc, url) once /_stcore/health answers."""
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "streamlit", "run", str(script),
           "--server.headless", "true", "--server.fileWatcherType", "none",
           "--server.port", str(port), "--server.address", "127.0.0.1",
           "--browser.gatherUsageStats", "false"]
    log = tempfile.TemporaryFile(mode="w+")  # a file, not a pipe: a full pipe would stall the server
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **(env or {})},
                            stdout=log, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"streamlit exited with {proc.returncode}:\n{log.read()}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"streamlit did not answer on {url} within {timeout} s")
            time.sleep(0.2)
        yield proc, url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def launch_chromium(playwright, **kwargs):
    """Launch Debian's Chromium through Playwright, headless unless told otherwise."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, **kwargs)


def open_app(browser, url, timeout=60_000, **context_kwargs):
    """A new page on `url`, returned once the script has run to its end."""
    page = browser.new_context(**context_kwargs).new_page()
    page.goto(url)
    page.wait_for_selector(APP_READY, timeout=timeout)
    return page


def button(page, label):
    """The button whose text starts with `label` ("Play" finds "Play", whose accessible name goes on to
    name its shortcut, and not "Help for Replay")."""
    return page.get_by_role("button", name=re.compile(rf"^{re.escape(label)}(?!\w)"))


def pause(page, timeout=30_000):
    """Presses Pause once and waits until the page shows Play again and the script has run to its end."""
    button(page, "Pause").click()
    button(page, "Play").wait_for(timeout=timeout)
    page.wait_for_selector(APP_READY, timeout=timeout)
