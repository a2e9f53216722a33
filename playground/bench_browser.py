"""`python -m playground.bench --browser`: the playground playing in Chromium, measured.

`measure` starts the app on the default setup (or another engine), presses Play, and samples
epochs a second (the Epoch metric), chart redraws a second (each chart's SVG changing), whether
every chart stays on screen (looked at just before each paint), the websocket traffic the page
receives, and the server's memory (RSS, workers included); then, as the baseline of the page's rate
in the same run, the engine's own `train_epoch` on the same setup, in a process set up as a worker is.

`presses` presses a button once at each of many random moments, as a person does, with a mouse
click at its centre, while other sessions play on the same server, and times what follows from
the click's own timestamp in the page: for Pause, until the Epoch metric stands still; for Play,
until it first moves; for Step, until it shows one epoch more. A press after which nothing
happens within PRESS_LIMIT seconds is lost.
"""
import os
import random
import re
import statistics
import subprocess
import sys
import time

from .browser import APP_READY, button, launch_chromium, start_streamlit

PRESS_LIMIT = 5.0  # seconds after which a press that changed nothing counts as lost
STILL = 1.5        # seconds the metric must not move for Pause to count as held

# Looked at before each paint for `ms` ms: per frame, how many charts are drawn; per chart,
# how many times its plot changed.
SAMPLE_JS = """async (ms) => {
  const hash = (s) => { let h = 0; for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0; return h; };
  const svgs = () => [...document.querySelectorAll("iframe[data-testid='stCustomComponentV1']")]
    .map(f => f.contentDocument && f.contentDocument.querySelector(".main-svg"));
  const frames = [], last = [], changes = [];
  const end = performance.now() + ms;
  while (performance.now() < end) {
    await new Promise(r => requestAnimationFrame(r));
    const now = svgs();
    frames.push(now.filter(Boolean).length);
    now.forEach((svg, i) => {
      const html = svg ? hash(svg.parentNode.innerHTML) : null;
      if (last[i] !== undefined && html !== last[i]) changes[i] = (changes[i] || 0) + 1;
      last[i] = html;
    });
  }
  return {frames, changes, charts: svgs().length};
}"""

# Records every click (capture phase: before any handler) and every change of the Epoch metric,
# with the page's own clock.
WATCH_JS = """() => {
  const np = window.__np = {clicks: [], changes: [], last: null};
  const value = () => {
    const metric = [...document.querySelectorAll("[data-testid='stMetric']")].find(m => m.innerText.includes("Epoch"));
    const digits = metric ? metric.innerText.match(/\\d+/g) : null;
    return digits ? Number(digits[digits.length - 1]) : null;
  };
  document.addEventListener("mousedown", () => np.clicks.push(performance.now()), true);
  new MutationObserver(() => {
    const v = value();
    if (v !== null && v !== np.last) { np.last = v; np.changes.push([performance.now(), v]); }
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
  np.last = value();
}"""


def rss_mb(pid):
    """The resident memory of a process and its children (the workers), in MB."""
    import psutil
    process = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [process, *process.children(recursive=True)]) / 2**20


def epoch(page):
    text = page.locator("[data-testid='stMetric']").filter(has_text="Epoch").first.inner_text()
    return int(re.findall(r"\d+", text)[-1])


def block_plotly(context):
    """Pages of this context load no plotly.js: a browser in a class draws on the student's machine,
    not on the server's cores."""
    context.route(re.compile(r".*plotly\.min\.js.*"), lambda route: route.abort())


def open_page(browser, url, draw=True, viewport=None):
    """A new page in a context of its own, once its first run has ended; `draw=False`: without plotly.js."""
    context = browser.new_context(viewport=viewport or {"width": 1500, "height": 1100})
    if not draw:
        block_plotly(context)
    page = context.new_page()
    page.goto(url)
    button(page, "Play").wait_for(timeout=60_000)  # the first run has begun (the app reads as ready before it)
    page.wait_for_selector(APP_READY, timeout=60_000)  # and has ended
    return page


def measure(seconds=60.0, warmup=10.0, engine="numpy"):
    from playwright.sync_api import sync_playwright

    with start_streamlit("app.py") as (server, url), sync_playwright() as p:
        browser = launch_chromium(p)
        page = open_page(browser, f"{url}/?engine={engine}")
        received = [0]
        page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: received.__setitem__(
            0, received[0] + len(payload))))
        page.reload()
        page.wait_for_selector(APP_READY, timeout=60_000)
        button(page, "Play").click()
        time.sleep(warmup)
        start_rss, start_epoch, start_bytes, start = rss_mb(server.pid), epoch(page), received[0], time.monotonic()
        sampled = page.evaluate(SAMPLE_JS, 10_000)
        time.sleep(max(0.0, seconds - (time.monotonic() - start)))
        elapsed = time.monotonic() - start
        result = {
            "epochs per second": (epoch(page) - start_epoch) / elapsed,
            "redraws per second (loss chart)": sampled["changes"][1] / 10.0 if len(sampled["changes"]) > 1 else 0.0,
            "redraws per second (slowest chart)": min(sampled["changes"] or [0]) / 10.0,
            "frames with a chart missing (%)": 100.0 * sum(n < sampled["charts"] for n in sampled["frames"])
            / max(1, len(sampled["frames"])),
            "websocket traffic (kB/s)": (received[0] - start_bytes) / elapsed / 1000,
            "server memory growth, workers included (MB)": rss_mb(server.pid) - start_rss,
            "measured for (s)": elapsed,
        }
        browser.close()
    bare = bare_rate(engine)
    result["bare train_epoch, same setup (epochs/s)"] = bare
    result["in the page / bare train_epoch (%)"] = 100.0 * result["epochs per second"] / bare
    return result


def bare_rate(engine, seconds=10.0):
    """Epochs a second of `engine`'s own train_epoch on the page's default setup, with nothing else to
    do, in a process of its own with one thread, as a worker has."""
    from .trainer.pool import WORKER_ENVIRONMENT
    env = {**os.environ, **WORKER_ENVIRONMENT}
    code = f"from playground.bench_browser import _bare_rate; print(_bare_rate({engine!r}, {seconds!r}))"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True,
                         cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return float(out.stdout.split()[-1])


def _bare_rate(engine, seconds):
    from . import settings
    from .data import make_dataset
    from .engines import create_engine
    from .nn import targets
    from .startup import configure_process
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
    """The Epoch metric's changes after the page-clock time `t` (ms): (seconds after t, value)."""
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
    """Presses `kind` n times, with `companions` other sessions playing (their pages load no plotly.js);
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
        print(f"{name:<45}{value:>10.1f}")
