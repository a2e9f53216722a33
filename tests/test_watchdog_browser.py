"""In Chromium: a worker that stops answering (SIGSTOP) is noticed by the server's watchdog, and the page
says so by itself, with no traceback, and starts the run again; a Pause it does not answer never freezes
the page."""
import re
import signal
import time

import psutil
from playwright.sync_api import expect

from playground.bench.browser import button, start_streamlit
from test_live_browser import moves, open_page

SILENT = 3  # seconds: the server's watchdog limit here (PLAYGROUND_SILENT_AFTER)


def stop_workers(server):
    """SIGSTOPs every worker of the server (whichever holds the page's run); returns their processes."""
    workers = [w for w in psutil.Process(server.pid).children() if "playground.trainer.worker" in " ".join(w.cmdline())]
    assert workers
    for worker in workers:
        worker.send_signal(signal.SIGSTOP)
    return workers


def go_on(workers):
    for worker in workers:
        try:
            worker.send_signal(signal.SIGCONT)
        except psutil.NoSuchProcess:
            pass


def test_a_stopped_worker_is_said_on_the_page_which_starts_the_run_again_and_pause_does_not_freeze_it(browser):
    env = {"PLAYGROUND_SILENT_AFTER": str(SILENT), "PLAYGROUND_WORKERS": "2"}
    with start_streamlit("app.py", env=env) as (server, url):
        page = open_page(browser, url, draw=False)
        button(page, "Play").click()
        moves(page)
        stopped = stop_workers(server)
        began = time.monotonic()
        try:
            restart = page.get_by_role("button", name=re.compile("Start again from epoch"))
            expect(restart).to_be_visible(timeout=(SILENT + 12) * 1000)  # nothing pressed: the live view hears it
            noticed = time.monotonic() - began
            expect(page.get_by_text("stopped answering")).to_be_visible()
            assert all(not w.is_running() or w.status() == psutil.STATUS_ZOMBIE for w in stopped), "killed"
        finally:
            go_on(stopped)
        restart.click()
        expect(restart).to_have_count(0, timeout=20_000)
        button(page, "Play").click()
        moves(page)
        stopped = stop_workers(server)
        try:
            pressed = time.monotonic()
            button(page, "Pause").click()  # the worker does not answer: the page says so, then starts again
            expect(page.get_by_role("button", name=re.compile("Start again from epoch"))).to_be_visible(
                timeout=(SILENT + 12) * 1000)
            answered = time.monotonic() - pressed
        finally:
            go_on(stopped)
        assert page.locator("[data-testid='stException']").count() == 0
        assert page.get_by_text("Something went wrong").count() == 0
        print(f"noticed without a press after {noticed:.1f} s; after a Pause, {answered:.1f} s")
        assert noticed < SILENT + 8 and answered < SILENT + 8
