"""A page's sweep when its tab closes (Chromium against a real server): it stops once the session ends.

A student started 2 runs of 100,000 epochs and closed the tab: the sweep's workers went on training
long after the session was gone, on the class's cores. The server here keeps a closed tab's session
for 3 s (server.disconnectedSessionTTL; the page's default is 40 s).
"""
import time

import psutil
from playwright.sync_api import expect

from playground.bench.browser import APP_READY, open_app, start_streamlit
from waits import value_when

TTL = 3


def sweep_workers(server):
    return [p for p in psutil.Process(server.pid).children(recursive=True)
            if "loky" in " ".join(p.cmdline()) and "resource_tracker" not in " ".join(p.cmdline())]


def cpu_seconds(processes):
    total = 0.0
    for p in processes:
        try:
            times = p.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


def busy(server, seconds=2.0):
    """The CPU seconds the sweep's workers used over `seconds`."""
    workers = sweep_workers(server)
    before = cpu_seconds(workers)
    time.sleep(seconds)
    return cpu_seconds(workers) - before


def start_long_sweep(page):
    page.locator(".st-key-tool button").filter(has_text="Sweep").click()
    page.wait_for_selector(APP_READY)
    box = page.locator(".st-key-sweep_values_1 input")
    for count, value in enumerate(("0.03", "0.3"), 1):
        box.click()
        box.fill(value)
        page.get_by_role("option", name=value, exact=True).click()
        page.keyboard.press("Escape")
        expect(page.get_by_role("button", name=f"Train {count} runs")).to_be_visible(timeout=30_000)
        page.wait_for_selector(APP_READY)
    epochs = page.locator(".st-key-sweep_epochs input")
    epochs.fill("100000")
    epochs.press("Enter")
    page.wait_for_selector(APP_READY)
    start = page.get_by_role("button", name="Train 2 runs")
    expect(start).to_be_enabled(timeout=30_000)
    start.click()
    page.wait_for_selector(APP_READY)


def stop_sweep_processes(server):
    """Kills what is left of the server's sweeps (its workers, their resource tracker): a test that failed
    with the sweep training would leave it training after the server is stopped, on the run's cores."""
    for process in psutil.Process(server.pid).children(recursive=True):
        if "loky" in " ".join(process.cmdline()):
            process.kill()


def test_a_sweep_stops_when_its_tab_closes_and_its_session_ends(browser):
    env = {"STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL": str(TTL), "PLAYGROUND_WORKERS": "1"}
    with start_streamlit("app.py", env=env) as (server, url):
        try:
            page = open_app(browser, url)
            start_long_sweep(page)
            value_when(lambda: busy(server, 1.0), lambda cpu: cpu > 0.5, 60, "the sweep's CPU seconds a second", 0)
            assert busy(server) > 1.0   # the sweep trains
            page.context.close()
            closed = time.monotonic()
            value_when(lambda: busy(server, 1.0), lambda cpu: cpu <= 0.1, 30,
                       "the CPU seconds a second of the sweep of a closed tab", 0)
            stopped = time.monotonic() - closed
            assert busy(server) < 0.1, "the sweep still trains after its session ended"
            assert stopped < TTL + 10
        finally:
            stop_sweep_processes(server)
