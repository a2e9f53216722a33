"""`python -m playground.bench --class`: one server carrying a class, measured in Chromium.

The class's pages are quiet (they take the live view's frames and draw nothing: in a class each
browser draws on its student's machine, not on the server's cores), they run in a Chromium of low
priority (`Background`), and each session has its own browser context. Measured:
- a class of 10, 20 and 30 sessions playing at the default speed: the frames a second each session
  gets (the slowest, and the slowest against the fastest), with a page opened meanwhile, which draws:
  seconds to its first boundary;
- epochs a second of one session playing alone and of 2 playing together, in turns (their total
  against one alone), with the CPU the workers, the server and the two pages' browser used meanwhile,
  then of 6 sessions playing together (the slowest against the fastest);
- how long a page takes to show its metrics, opened while six sessions play, and on the idle server
  before (5 pages in turn each: the newcomer's Chromium shares the cores, as a student's would not),
  in the page's own clock, from its navigation's start to the first frame drawn with the metrics; and,
  for comparison, as this script sees it, from asking Chromium for a new browser context;
- the server's CPU (workers included) 6 s after every tab is closed;
- the server's memory (workers included) after 40 sessions opened and closed one after another;
- the server's memory after 20 switches between the NumPy and the Keras engine in one session;
- how long the server takes to answer a request on a kept-alive connection (as a browser fetches a
  page's files): Nagle's algorithm left on had it wait 40 ms for the browser's delayed ACK.
It also gives this machine's speed at the start and at the end (a loop of pure Python, alone), as
it drifts on shared cores; it does not catch every slow stretch (one in which a session alone trained at
55 to 80% of its pace half an hour before showed the loop at its usual speed), so compare runs made side by side.
"""
import http.client
import os
import statistics
import time

import psutil

from .page import LIVE_JS, epoch, open_page, rss_mb
from .browser import APP_READY, button, launch_chromium, start_streamlit


class Background:
    """A Chromium for the class's other pages, at the priority of one training worker (nice 10).

    In a class each student's browser runs on the student's own machine; here all of them share the
    server's two cores, and at normal priority six pages' browsers took 130% of them (the workers 40%,
    the server 25%), which measured the browsers more than the server. At nice 10 together they weigh
    as much as one worker: they still ask for every redraw, but do not crowd out what they measure.
    Playwright starts Chromium in a session of its own, so where the kernel shares the CPU between
    sessions first (autogroup) that session is given the same weight; Chromium sets its processes'
    priorities itself, so `lower()` sets them again after each page opens. The pages timed for
    themselves (a newcomer) open in a Chromium of normal priority."""

    NICE = 10

    def __init__(self, playwright):
        before = {p.pid for p in psutil.process_iter()}
        self.browser = launch_chromium(playwright)
        new = [p for p in psutil.process_iter(["name"]) if p.pid not in before and "chrom" in (p.info["name"] or "")]
        self.root = next(p for p in new if p.parent() is None or p.parent().pid not in {q.pid for q in new})
        self.lower()

    def lower(self):
        if os.getsid(self.root.pid) == self.root.pid:
            try:
                with open(f"/proc/{self.root.pid}/autogroup", "w") as f:
                    f.write(str(self.NICE))
            except OSError:  # no autogroup here: nice alone does it
                pass
        for process in [self.root, *self.root.children(recursive=True)]:
            try:
                process.nice(self.NICE)
            except psutil.Error:  # ended meanwhile
                pass


def cpu_percent(pid, seconds=2.0):
    """The CPU the server and its workers use over `seconds`, in % of one core."""
    server = psutil.Process(pid)
    share = CpuShare(server=lambda: [server, *server.children(recursive=True)])
    share.start()
    time.sleep(seconds)
    share.stop()
    return share.percent()["server"]


def play_all(pages):
    for page in pages:
        button(page, "Play").click()
    for page in pages:
        button(page, "Pause").wait_for(timeout=30_000)


def rates(pages, seconds=10.0):
    """Epochs a second of each page over `seconds`."""
    start = [epoch(page) for page in pages]
    began = time.monotonic()
    time.sleep(seconds)
    elapsed = time.monotonic() - began
    return [(epoch(page) - s) / elapsed for page, s in zip(pages, start)]


FRAMES_JS = "() => window.__playgroundLive ? window.__playgroundLive.frames : 0"


def frame_rates(pages, seconds=6.0):
    """Frames a second each page took over `seconds` (a quiet page counts the frames it would draw)."""
    start = [page.evaluate(FRAMES_JS) for page in pages]
    began = time.monotonic()
    time.sleep(seconds)
    elapsed = time.monotonic() - began
    return [(page.evaluate(FRAMES_JS) - s) / elapsed for page, s in zip(pages, start)]


def turns(a, b, cpu=None, rounds=3, seconds=5.0):
    """Epochs a second of `a` playing alone, and of `a` and `b` playing together, in turns: `rounds`
    pairs of measures, each over `seconds`. This machine's speed drifts by as much as a third within
    seconds (other machines share its cores), so a ratio is taken between measures made side by side.
    `cpu` (a CpuShare), if given, is read over the measures of the two together."""
    play_all([a])
    time.sleep(3)
    alone, together = [], []
    for _ in range(rounds):
        alone.append(rates([a], seconds)[0])
        play_all([b])
        time.sleep(1.5)
        if cpu:
            cpu.start()
        together.append(sum(rates([a, b], seconds)))
        if cpu:
            cpu.stop()
        button(b, "Pause").click()
        button(b, "Play").wait_for(timeout=30_000)
        time.sleep(1.5)
    return alone, together


class CpuShare:
    """The CPU time of groups of processes (by their roots: the server, its workers, a browser) over the
    spans between start() and stop(), in % of one core."""

    def __init__(self, **roots):
        self.roots, self.used, self.elapsed, self.began = roots, dict.fromkeys(roots, 0.0), 0.0, None

    def _times(self):
        times = {}
        for name, root in self.roots.items():
            total = 0.0
            for process in root():
                try:
                    cpu = process.cpu_times()
                    total += cpu.user + cpu.system
                except psutil.Error:  # ended meanwhile
                    pass
            times[name] = total
        return times

    def start(self):
        self.began, self.at_start = time.monotonic(), self._times()

    def stop(self):
        self.elapsed += time.monotonic() - self.began
        for name, value in self._times().items():
            self.used[name] += value - self.at_start[name]

    def percent(self):
        return {name: 100.0 * used / self.elapsed for name, used in self.used.items()}


def kept_alive_requests(url, requests=20):
    """Milliseconds to answer each request after the first on one kept-alive connection (median)."""
    host, port = url.split("//")[1].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    times = []
    for _ in range(requests + 1):
        began = time.perf_counter()
        connection.request("GET", "/_stcore/health")
        connection.getresponse().read()
        times.append((time.perf_counter() - began) * 1000)
    connection.close()
    return statistics.median(times[1:])


def machine_speed(seconds=1.0):
    """Millions of turns a second of a pure-Python loop, the best of 3 measures of `seconds`."""
    best = 0.0
    for _ in range(3):
        count, end = 0, time.perf_counter() + seconds
        while time.perf_counter() < end:
            for _ in range(10_000):
                count += 1
        best = max(best, count / seconds / 1e6)
    return best


NEWCOMERS = 5  # pages opened one after another, each time a newcomer is measured


# In the page, from its navigation's start (the page's clock starts there): the boundary's first picture.
SHOWN_JS = "() => { const m = performance.getEntriesByName('playground-first-boundary'); return m.length ? m[0].startTime : null; }"


def newcomer(browser, url):
    """A page opened in a browser context of its own, then closed: seconds from its navigation's start to
    its first boundary drawn, in the page's clock; and seconds from asking for a new context to the same, as
    this script sees it (its own round trips to Chromium included)."""
    began = time.monotonic()
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.goto(url)
    page.wait_for_function(f"({SHOWN_JS})() !== null", timeout=60_000, polling=50)
    seen = time.monotonic() - began
    shown = page.evaluate(SHOWN_JS) / 1000
    context.close()
    time.sleep(2)
    return shown, seen


def close_all(pages):
    for page in pages:
        page.context.close()


def sessions(background, url, n, engine="numpy"):
    """`n` pages of the background Chromium, each a session of its own."""
    pages = [open_page(background.browser, f"{url}/?engine={engine}", draw=False) for _ in range(n)]
    background.lower()
    return pages


class Results(dict):
    """The figures, each printed as soon as it is measured (a long run that fails keeps what it had)."""

    def __setitem__(self, name, value):
        print(f"{name:<65}{value:>10.2f}", flush=True)
        super().__setitem__(name, value)


def a_class(results, background, front, url, sizes=(10, 20, 30)):
    """Classes of `sizes` sessions playing at the default speed: frames a second each, and a newcomer."""
    group = []
    for n in sizes:
        new = sessions(background, url, n - len(group))
        play_all(new)
        group += new
        time.sleep(3)
        each = frame_rates(group)
        results[f"{n} sessions: frames a second, slowest"] = min(each)
        results[f"{n} sessions: frames a second, slowest / fastest"] = min(each) / max(each)
        results[f"{n} sessions: epochs a second, slowest"] = min(rates(group, 4.0))
        shown, _seen = newcomer(front, url)
        results[f"{n} sessions: a page opened meanwhile draws its first boundary after (s)"] = shown
    close_all(group)


def measure():
    from playwright.sync_api import sync_playwright

    results = Results()
    results["this machine at the start: a Python loop, millions of turns/s"] = machine_speed()
    with start_streamlit("app.py") as (server, url), sync_playwright() as p:
        front = launch_chromium(p)
        background = Background(p)
        warm = sessions(background, url, 1)
        close_all(warm)
        time.sleep(2)
        baseline_rss = rss_mb(server.pid)
        results["a request on a kept-alive connection, after the first: answered in (ms), median of 20"] = \
            kept_alive_requests(url)
        idle = [shown for shown, _ in (newcomer(front, url) for _ in range(NEWCOMERS))]
        results[f"a page opened on the idle server: ready after (s), median of {NEWCOMERS}"] = statistics.median(idle)

        pair = sessions(background, url, 2)
        server_process = psutil.Process(server.pid)
        cpu = CpuShare(workers=lambda: server_process.children(recursive=True), server=lambda: [server_process],
                       browser=lambda: [background.root, *background.root.children(recursive=True)])
        alone, together = turns(*pair, cpu)
        results["one session alone (epochs/s)"] = statistics.median(alone)
        results["two sessions together / one alone"] = statistics.median(t / a for t, a in zip(together, alone))
        for name, percent in cpu.percent().items():
            results[f"  two together: CPU of the {name} (% of a core)"] = percent
        six = pair + sessions(background, url, 4)
        play_all(six[1:])
        time.sleep(3)
        each = rates(six)
        results["six sessions: slowest / fastest"] = min(each) / max(each)
        results["six sessions: slowest (epochs/s)"] = min(each)
        ready, seen = zip(*(newcomer(front, url) for _ in range(NEWCOMERS)))
        results[f"a page opened while six play: ready after (s), median of {NEWCOMERS}"] = statistics.median(ready)
        results[f"a page opened while six play: ready after (s), slowest of {NEWCOMERS}"] = max(ready)
        results[f"  the same, from asking Chromium for a new context (s), median of {NEWCOMERS}"] = \
            statistics.median(seen)
        close_all(six)
        time.sleep(6)
        results["CPU 6 s after every tab closed (% of a core)"] = cpu_percent(server.pid)

        a_class(results, background, front, url)
        time.sleep(2)

        for _ in range(40):
            page = open_page(background.browser, url, draw=False)
            page.context.close()
        time.sleep(60)
        results["RSS after 40 sessions opened and closed, against before (MB)"] = rss_mb(server.pid) - baseline_rss

        results["RSS growth over 20 engine switches, after the first (MB)"] = engine_switches(background.browser, url, server)
        background.browser.close()
        front.close()
    results["this machine at the end: a Python loop, millions of turns/s"] = machine_speed()
    return results


def engine_switches(browser, url, server, switches=20):
    """The growth of the server's memory (workers included) over `switches` switches between the NumPy
    and the Keras engine in one session, each followed by a Step, from after the first switch to Keras."""

    page = open_page(browser, url, draw=False)
    sidebar = page.locator("[data-testid='stSidebar']")
    engines = ["Keras (TensorFlow)", "NumPy (from scratch)"]

    def switch_and_step(engine):
        """A new run of `engine` has been built, and has trained its first epoch, when this returns:
        the switch starts a new run at epoch 0, and its Step makes it 1."""
        sidebar.get_by_text(engine).click()
        page.wait_for_function(f"({LIVE_JS})() === 0", timeout=180_000)
        page.wait_for_selector(APP_READY, timeout=180_000)
        button(page, "Step").click()
        page.wait_for_function(f"({LIVE_JS})() === 1", timeout=180_000)

    switch_and_step(engines[0])
    before = rss_mb(server.pid)
    for i in range(switches):
        switch_and_step(engines[(i + 1) % 2])
    time.sleep(2)
    growth = rss_mb(server.pid) - before
    page.context.close()
    return growth


def main():
    measure()
