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

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # the repository
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
APP_READY = "[data-testid='stApp'][data-test-script-state='notRunning']"
# Every chart on the page is drawn: the live view has drawn a frame, the weights' chart (drawn after it) is
# there, and each plotly chart has its plot.
CHARTS_DRAWN_JS = """() => { const c = window.__playgroundLive;
  return !!(c && c.frame && c.frames > 0) && !!document.querySelector(".st-key-chart_weights .main-svg")
    && [...document.querySelectorAll("[data-testid='stPlotlyChart']")].every(e => e.querySelector(".main-svg")); }"""
EPOCH = "[data-live-epoch]"  # the live view's epoch (Playwright's selectors look into its shadow root)
# The live view's parts drawn now, by the key of their container: those with a canvas of some size in them.
PARTS_DRAWN_JS = """(keys) => keys.filter(key => {
  const box = document.querySelector(".st-key-" + key);
  const host = box && [...box.querySelectorAll("*")].find(e => e.shadowRoot);
  const canvas = host && host.shadowRoot.querySelector("canvas");
  return canvas && canvas.width > 0 && canvas.height > 0; })"""


def shown_epoch(page):
    """The epoch the live view shows."""
    return int(page.locator(EPOCH).get_attribute("data-live-epoch"))


def metric(page, label):
    """The number the live view's metric `label` shows ("Training accuracy" → 0.936; "Epoch" → 12.0)."""
    text = page.locator(".st-key-metrics .metric").filter(has_text=label).first.locator(".value").inner_text()
    return float(text.replace("−", "-"))


# The live view's boundary part, in the page: its plot area on screen, and where its training points are.
PLANE_JS = """() => {
  const host = [...document.querySelector(".st-key-chart_boundary").querySelectorAll("*")].find(e => e.shadowRoot);
  const view = host.shadowRoot.querySelector("div.live").__live, a = view.area();
  const rect = view.size.canvas.getBoundingClientRect();
  const points = view.data.train.x.map((x, i) => {
    const [px, py] = view.toPixel(a, x, view.data.train.y[i]); return [rect.x + px, rect.y + py]; });
  return {x: rect.x + a.left, y: rect.y + a.top, width: a.side, height: a.side, points};
}"""


def lonely_point(page):
    """(index, x, y on screen) of the training point farthest from its nearest neighbour: a click hits it alone."""
    points = page.evaluate(PLANE_JS)["points"]
    def gap(i):
        return min((points[i][0] - q[0]) ** 2 + (points[i][1] - q[1]) ** 2 for j, q in enumerate(points) if j != i)
    best = max(range(len(points)), key=gap)
    return best, points[best][0], points[best][1]


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
    """A new page on `url`, returned once the script has run to its end with the whole page drawn."""
    page = browser.new_context(**context_kwargs).new_page()
    page.goto(url)
    # The sidebar comes with the run after the live view's first frame (hidden, in presentation mode).
    page.wait_for_selector(".st-key-lang", state="attached", timeout=timeout)
    page.wait_for_selector(APP_READY, timeout=timeout)
    return page


def open_expander(page, label, where="[data-testid='stSidebar']"):
    """Opens the expander `label` and returns once it has finished opening. The expander's opening is an
    animation of its height: a button inside it has its place only at the end, and a click aimed at it
    before then lands where the sidebar has moved since, as a person would not click."""
    summary = page.locator(where).locator("summary").filter(has_text=label).first
    summary.click()
    summary.evaluate("""s => new Promise(done => { const wait = () => {
        const details = s.closest("details");
        if (details.open && details.getAnimations({subtree: true}).length === 0) done();
        else requestAnimationFrame(wait); }; wait(); })""")


def button(page, label):
    """The button whose text starts with `label` ("Play" finds "Play", whose accessible name goes on to
    name its shortcut, and not "Help for Replay")."""
    return page.get_by_role("button", name=re.compile(rf"^{re.escape(label)}(?!\w)"))


def pause(page, timeout=30_000):
    """Presses Pause once and waits until the page shows Play again and the script has run to its end."""
    button(page, "Pause").click()
    button(page, "Play").wait_for(timeout=timeout)
    page.wait_for_selector(APP_READY, timeout=timeout)
