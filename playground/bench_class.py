"""`python -m playground.bench --class`: one server carrying a class, measured in Chromium.

Every page here loads no plotly.js (in a class each browser draws on its student's machine, not
on the server's cores), and each session has its own browser context. Measured:
- epochs a second of one session playing alone, then of 2 and of 6 sessions playing together
  (their total against one alone, and the slowest against the fastest);
- how long a page opened while six sessions play takes to show its metrics;
- the server's CPU (workers included) 6 s after every tab is closed;
- the server's memory (workers included) after 40 sessions opened and closed one after another;
- the server's memory after 20 switches between the NumPy and the Keras engine in one session;
- how many sessions play together at 30 epochs a second or more each.
"""
import re
import time

import psutil

from .bench_browser import epoch, open_page, rss_mb
from .browser import APP_READY, button, launch_chromium, start_streamlit


def cpu_percent(pid, seconds=2.0):
    """The CPU the server and its workers use over `seconds`, in % of one core."""
    processes = [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
    for p in processes:
        p.cpu_percent(None)
    time.sleep(seconds)
    return sum(p.cpu_percent(None) for p in processes)


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


def close_all(pages):
    for page in pages:
        page.context.close()


def sessions(browser, url, n, engine="numpy"):
    return [open_page(browser, f"{url}/?engine={engine}", draw=False) for _ in range(n)]


class Results(dict):
    """The figures, each printed as soon as it is measured (a long run that fails keeps what it had)."""

    def __setitem__(self, name, value):
        print(f"{name:<65}{value:>10.2f}", flush=True)
        super().__setitem__(name, value)


def measure(max_sessions=12):
    from playwright.sync_api import sync_playwright

    results = Results()
    with start_streamlit("app.py") as (server, url), sync_playwright() as p:
        browser = launch_chromium(p)
        warm = sessions(browser, url, 1)
        close_all(warm)
        time.sleep(2)
        baseline_rss = rss_mb(server.pid)

        alone = sessions(browser, url, 1)
        play_all(alone)
        time.sleep(3)
        one = rates(alone)[0]
        results["one session alone (epochs/s)"] = one
        pair = alone + sessions(browser, url, 1)
        play_all(pair[1:])
        time.sleep(3)
        two = rates(pair)
        results["two sessions together / one alone"] = sum(two) / one
        six = pair + sessions(browser, url, 4)
        play_all(six[2:])
        time.sleep(3)
        each = rates(six)
        results["six sessions: slowest / fastest"] = min(each) / max(each)
        results["six sessions: slowest (epochs/s)"] = min(each)
        began = time.monotonic()
        newcomer = open_page(browser, url, draw=False)
        newcomer.locator("[data-testid='stMetric']").filter(has_text="Epoch").wait_for(timeout=60_000)
        results["a page opened while six play: ready after (s)"] = time.monotonic() - began
        close_all([*six, newcomer])
        time.sleep(6)
        results["CPU 6 s after every tab closed (% of a core)"] = cpu_percent(server.pid)

        for n in range(2, max_sessions + 1, 2):
            group = sessions(browser, url, n)
            play_all(group)
            time.sleep(3)
            slowest = min(rates(group, 6.0))
            close_all(group)
            if slowest < 30:
                break
            results["sessions at 30 epochs/s or more each"] = n
        time.sleep(2)

        for _ in range(40):
            page = open_page(browser, url, draw=False)
            page.context.close()
        time.sleep(60)
        results["RSS after 40 sessions opened and closed, against before (MB)"] = rss_mb(server.pid) - baseline_rss

        results["RSS growth over 20 engine switches, after the first (MB)"] = engine_switches(browser, url, server)
        browser.close()
    return results


def engine_switches(browser, url, server, switches=20):
    """The growth of the server's memory (workers included) over `switches` switches between the NumPy
    and the Keras engine in one session, each followed by a Step, from after the first switch to Keras."""
    from playwright.sync_api import expect

    page = open_page(browser, url, draw=False)
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.get_by_text("More network and training options").click()  # the engine is folded there
    engines = ["Keras (TensorFlow)", "NumPy (from scratch)"]

    def switch_and_step(engine):
        """A new run of `engine` has been built, and has trained its first epoch, when this returns:
        the switch starts a new run at epoch 0, and its Step makes it 1."""
        sidebar.get_by_text(engine).click()
        expect(page.locator("[data-testid='stMetric']").filter(has_text="Epoch").first).to_have_text(
            re.compile(r"\D0$"), timeout=180_000)
        page.wait_for_selector(APP_READY, timeout=180_000)
        button(page, "Step").click()
        expect(page.locator("[data-testid='stMetric']").filter(has_text="Epoch").first).to_have_text(
            re.compile(r"\D1$"), timeout=180_000)

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
