"""`python -m playground.bench --browser`: the playground playing in Chromium, measured.

`measure` starts the app on the default setup (or another engine) and, on the warm, idle server:
- the first boundary: seconds from a new page's navigation to the decision boundary's first picture
  drawn, and the bytes the page took before it (files and websockets, as sent);
- at the default, the slowest and the fastest speed, while the page plays at 1280 × 720: distinct
  pictures of the boundary a second as Chromium paints them (its screencast, the boundary's region
  compared frame to frame), epochs a second, the server process's CPU (its workers not counted), and
  the bytes a second of the live view's channel;
- Pause: seconds from the click to the last picture that changed, and whether the picture it holds is
  the epoch the run stopped at;
then, as the baseline of the page's rate in the same run, the engine's own `train_epoch` on the same
setup, in a process set up as a worker is.

`presses` presses a button once at each of many random moments, as a person does, with a mouse
click at its centre, while other sessions play on the same server, and times what follows from
the click's own timestamp in the page: for Pause, until the epoch shown stands still; for Play,
until it first moves; for Step, until it shows one epoch more. A press after which nothing
happens within PRESS_LIMIT seconds is lost.
"""
import base64
import io
import os
import random
import statistics
import subprocess
import sys
import time

from .browser import APP_READY, ROOT, button, launch_chromium, start_streamlit

PRESS_LIMIT = 5.0  # seconds after which a press that changed nothing counts as lost
STILL = 1.5        # seconds the epoch shown must not move for Pause to count as held
SPEEDS = {"default": None, "slowest": 0.25, "fastest": 0}

# Records every click (capture phase: before any handler) and, at every paint, a change of the epoch the
# live view shows, with the page's own clock.
WATCH_JS = """() => {
  const np = window.__np = {clicks: [], changes: [], last: null};
  const value = () => { const c = window.__playgroundLive; return c && c.frame ? c.frame.header.epoch : null; };
  document.addEventListener("mousedown", () => np.clicks.push(performance.now()), true);
  const look = () => {
    const v = value();
    if (v !== null && v !== np.last) { np.last = v; np.changes.push([performance.now(), v]); }
    requestAnimationFrame(look);
  };
  np.last = value();
  requestAnimationFrame(look);
}"""
LIVE_JS = "() => { const c = window.__playgroundLive; return c && c.frame ? c.frame.header.epoch : null; }"


def rss_mb(pid):
    """The resident memory of a process and its children (the workers), in MB."""
    import psutil
    process = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [process, *process.children(recursive=True)]) / 2**20


def epoch(page):
    """The epoch of the newest frame the page has (drawn at the next paint, or counted in a quiet page)."""
    page.wait_for_function(f"({LIVE_JS})() !== null", timeout=60_000)
    return page.evaluate(LIVE_JS)


def quiet(context):
    """Pages of this context take the live view's frames but draw nothing, and load no plotly.js: a browser
    in a class draws on the student's machine, not on the server's cores."""
    context.add_init_script("window.__playgroundQuiet = true;")


def open_page(browser, url, draw=True, viewport=None, timeout=60_000):
    """A new page in a context of its own, once its first run has ended and its first frame has come (each within
    `timeout` ms); `draw=False`: a quiet page."""
    context = browser.new_context(viewport=viewport or {"width": 1500, "height": 1100})
    if not draw:
        quiet(context)
    page = context.new_page()
    page.goto(url, timeout=timeout)
    button(page, "Play").wait_for(timeout=timeout)  # the first run has begun (the app reads as ready before it)
    page.wait_for_selector(APP_READY, timeout=timeout)  # and has ended
    epoch(page)
    return page


def first_boundary(browser, url):
    """(seconds from navigation to the boundary's first picture, MB received before it) of a new page."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    received = []
    cdp.on("Network.dataReceived", lambda e: received.append((e["timestamp"], e["encodedDataLength"])))
    cdp.on("Network.webSocketFrameReceived", lambda e: received.append((e["timestamp"], len(e["response"]["payloadData"]))))
    page.goto(url)
    page.wait_for_function("performance.getEntriesByName('playground-first-boundary').length > 0", timeout=60_000)
    seconds = page.evaluate("performance.getEntriesByName('playground-first-boundary')[0].startTime") / 1000
    context.close()
    # CDP's timestamps are seconds on a clock of its own, from the first byte here: what came after the picture
    # (plotly.js, loaded once it is drawn) does not count.
    received.sort()
    start = received[0][0] if received else 0.0
    before = sum(n for t, n in received if t - start <= seconds)
    return seconds, before / 1e6


class Screencast:
    """Chromium's screencast of a page: each painted frame it hands over (while Playwright waits, as in
    page.wait_for_timeout), kept as (time, JPEG)."""

    def __init__(self, page, selector):
        self.cdp = page.context.new_cdp_session(page)
        self.box = page.locator(selector).bounding_box()
        self.frames, self.on = [], False
        self.cdp.on("Page.screencastFrame", self._frame)

    def _frame(self, event):
        self.cdp.send("Page.screencastFrameAck", {"sessionId": event["sessionId"]})
        if self.on:
            self.frames.append((event["metadata"]["timestamp"], event["data"]))

    def start(self):
        self.frames, self.on = [], True
        self.cdp.send("Page.startScreencast", {"format": "jpeg", "quality": 80, "everyNthFrame": 1})

    def stop(self):
        self.on = False
        self.cdp.send("Page.stopScreencast")

    def distinct(self):
        """How many frames showed a picture of the region different from the frame before."""
        from PIL import Image, ImageChops
        count, last = 0, None
        for _t, data in self.frames:
            image = Image.open(io.BytesIO(base64.b64decode(data))).convert("RGB")
            b = self.box
            region = image.crop((int(b["x"]), int(b["y"]), int(b["x"] + b["width"]), int(b["y"] + b["height"])))
            if last is not None and ImageChops.difference(region, last).getbbox() is not None:
                count += 1
            last = region
        return count


def server_cpu(pid):
    import psutil
    times = psutil.Process(pid).cpu_times()
    return times.user + times.system


def playing(browser, url, server, engine, speed, seconds):
    """Plays the default setup on `engine` at `speed` for `seconds`: its figures, and Pause's."""
    query = "&".join(q for q in (f"engine={engine}", "" if speed is None else f"speed={speed}") if q)
    page = open_page(browser, f"{url}/?{query}", viewport={"width": 1280, "height": 720})
    live = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: live.append(len(payload)))
            if "/_playground/live" in ws.url else None)
    page.reload()
    page.evaluate(WATCH_JS)
    cast = Screencast(page, ".st-key-chart_boundary canvas")
    button(page, "Play").click()
    page.wait_for_timeout(1000)
    cast.start()
    first, cpu, sent, began = epoch(page), server_cpu(server.pid), sum(live), time.monotonic()
    page.wait_for_timeout(seconds * 1000)  # the screencast's frames come while Playwright waits
    elapsed = time.monotonic() - began
    last, cpu, sent = epoch(page), server_cpu(server.pid) - cpu, sum(live) - sent
    cast.stop()
    t = _click(page, "Pause")
    page.wait_for_timeout((STILL + 1.0) * 1000)
    changes = _changes_after(page, t)
    held = changes[-1][0] if changes else 0.0
    button(page, "Play").wait_for(timeout=10_000)
    page.wait_for_selector(APP_READY, timeout=30_000)
    shown = page.locator("[data-live-epoch]").get_attribute("data-live-epoch")
    result = {"distinct boundary pictures a second": cast.distinct() / elapsed,
              "epochs a second": (last - first) / elapsed,
              "server process CPU (cores)": cpu / elapsed,
              "live channel (kB/s)": sent / elapsed / 1000,
              "Pause: last change after the click (s)": held,
              "Pause: the epoch shown is the epoch paused at": float(int(shown) == epoch(page))}
    page.context.close()
    return result


def measure(seconds=10.0, warmup=None, engine="numpy"):
    from playwright.sync_api import sync_playwright

    result = {}
    with start_streamlit("app.py") as (server, url), sync_playwright() as p:
        browser = launch_chromium(p)
        open_page(browser, url).context.close()  # a warm server
        firsts = [first_boundary(browser, url) for _ in range(3)]
        result["first boundary: seconds after navigation, median of 3"] = statistics.median(s for s, _ in firsts)
        result["first boundary: MB received before it, median of 3"] = statistics.median(mb for _, mb in firsts)
        for name, speed in SPEEDS.items():
            for figure, value in playing(browser, url, server, engine, speed, seconds).items():
                result[f"{name} speed: {figure}"] = value
        browser.close()
    bare = bare_rate(engine)
    result["bare train_epoch, same setup (epochs/s)"] = bare
    result["fastest speed in the page / bare train_epoch (%)"] = 100.0 * result["fastest speed: epochs a second"] / bare
    return result


def bare_rate(engine, seconds=10.0):
    """Epochs a second of `engine`'s own train_epoch on the page's default setup, with nothing else to
    do, in a process of its own with one thread, as a worker has."""
    from ..trainer.pool import WORKER_ENVIRONMENT
    env = {**os.environ, **WORKER_ENVIRONMENT}
    code = f"from playground.bench.page import _bare_rate; print(_bare_rate({engine!r}, {seconds!r}))"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True,
                         cwd=ROOT)
    return float(out.stdout.split()[-1])


def _bare_rate(engine, seconds):
    from .. import settings
    from ..data import make_dataset
    from ..engines import create_engine
    from ..nn import targets
    from ..startup import configure_process
    configure_process()
    values = settings.defaults()
    dataset = make_dataset(values["dataset"], **settings.data_arguments(values))
    spec = settings.network_spec(values, dataset)
    X, Y = dataset.X_train, targets(dataset.y_train, dataset.task, spec.n_outputs, spec.dtype)
    model = create_engine(engine, spec)
    model.train_epoch(X, Y)  # warm-up: tracing, first allocations
    start, epochs = time.perf_counter(), 0
    while time.perf_counter() - start < seconds:
        model.train_epoch(X, Y)
        epochs += 1
    return epochs / (time.perf_counter() - start)


def _click(page, name):
    """A mouse click at the centre of the button `name`, as a person makes it; returns the click's time
    in the page's clock."""
    box = button(page, name).bounding_box()
    before = page.evaluate("window.__np.clicks.length")
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function(f"window.__np.clicks.length > {before}")
    return page.evaluate("window.__np.clicks[window.__np.clicks.length - 1]")


def _changes_after(page, t):
    """The shown epoch's changes after the page-clock time `t` (ms): (seconds after t, value)."""
    return [((when - t) / 1000, value) for when, value in page.evaluate("window.__np.changes") if when > t]


def _press_pause(page, rng):
    """Play, then Pause at a random moment: seconds from the click until the metric stood still, or None."""
    _click(page, "Play")
    button(page, "Pause").wait_for(timeout=10_000)
    time.sleep(rng.uniform(0.3, 3.0))
    t = _click(page, "Pause")
    deadline = time.monotonic() + PRESS_LIMIT + STILL
    while time.monotonic() < deadline:
        time.sleep(0.25)
        changes = _changes_after(page, t)
        now = (page.evaluate("performance.now()") - t) / 1000
        last = changes[-1][0] if changes else 0.0
        if now - last >= STILL and last <= PRESS_LIMIT:
            button(page, "Play").wait_for(timeout=10_000)
            return last
    return None


def _press_play(page, rng):
    """Play at a random moment of a pause: seconds from the click until the metric first moved, or None."""
    time.sleep(rng.uniform(0.3, 3.0))
    t = _click(page, "Play")
    deadline = time.monotonic() + PRESS_LIMIT
    while time.monotonic() < deadline and not _changes_after(page, t):
        time.sleep(0.05)
    changes = _changes_after(page, t)
    button(page, "Pause").wait_for(timeout=10_000)
    time.sleep(0.3)
    _click(page, "Pause")
    button(page, "Play").wait_for(timeout=10_000)
    return changes[0][0] if changes else None


def _press_step(page, rng):
    """Step at a random moment: seconds from the click until the metric showed one epoch more, or None."""
    time.sleep(rng.uniform(0.3, 3.0))
    before = epoch(page)
    t = _click(page, "Step")
    deadline = time.monotonic() + PRESS_LIMIT
    while time.monotonic() < deadline:
        done = [when for when, value in _changes_after(page, t) if value == before + 1]
        if done:
            return done[0]
        time.sleep(0.05)
    return None


PRESSES = {"pause": _press_pause, "play": _press_play, "step": _press_step}


def presses(kind="pause", n=100, companions=1, seed=0, engine="numpy"):
    """Presses `kind` n times, with `companions` other sessions playing (quiet pages);
    returns the latencies in seconds (None for a lost press)."""
    from playwright.sync_api import sync_playwright

    rng = random.Random(seed)
    with start_streamlit("app.py") as (_, url), sync_playwright() as p:
        browser = launch_chromium(p)
        others = [open_page(browser, f"{url}/?engine={engine}", draw=False) for _ in range(companions)]
        for other in others:
            button(other, "Play").click()
        page = open_page(browser, f"{url}/?engine={engine}")
        page.evaluate(WATCH_JS)
        latencies = [PRESSES[kind](page, rng) for _ in range(n)]
        browser.close()
    return latencies


def summary(latencies):
    held = sorted(x for x in latencies if x is not None)
    lost = len(latencies) - len(held)
    if not held:
        return {"presses": len(latencies), "lost": lost}
    return {"presses": len(latencies), "lost": lost, "median (s)": statistics.median(held),
            "95th percentile (s)": held[min(len(held) - 1, round(0.95 * (len(held) - 1)))], "slowest (s)": held[-1]}


def main(seconds, warmup, press=None, n=100, engine="numpy"):
    if press:
        for kind in press:
            result = summary(presses(kind, n, engine=engine))
            print(f"{kind}: " + ", ".join(f"{name} {value:.3g}" if isinstance(value, float) else f"{name} {value}"
                                          for name, value in result.items()))
        return
    for name, value in measure(seconds, warmup, engine).items():
        print(f"{name:<62}{value:>10.2f}")
