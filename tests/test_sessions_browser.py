"""A class's sessions come and go: a closed session gives back what it held.

The server runs in its own process (with its workers), and its resident memory is read from
outside, as the operating system sees it.
"""
import time

import psutil
import pytest
from playwright.sync_api import sync_playwright

from playground.bench_browser import LIVE_JS, epoch, open_page, rss_mb
from playground.browser import APP_READY, button, launch_chromium, start_streamlit
from playground.trainer.worker import DETACHED_TTL


@pytest.mark.timeout(1200)  # the slowest test: 265 s here
def test_forty_sessions_opened_and_closed_leave_less_than_5_mb_after_60_s():
    with start_streamlit("app.py") as (server, url), sync_playwright() as p:
        browser = launch_chromium(p)

        def session():
            page = open_page(browser, url, draw=False)
            before = epoch(page)
            button(page, "Step").click()
            page.wait_for_function(f"({LIVE_JS})() > {before}")
            page.wait_for_selector(APP_READY)
            page.context.close()

        for _ in range(3):  # what the first sessions load once for all (modules, caches, the workers' data)
            session()
        time.sleep(DETACHED_TTL + 20)  # and they are gone
        workers = len(psutil.Process(server.pid).children(recursive=True))
        before = rss_mb(server.pid)
        for _ in range(40):
            session()
        time.sleep(60)
        after = rss_mb(server.pid)
        assert len(psutil.Process(server.pid).children(recursive=True)) == workers  # the same processes measured
        browser.close()
    print(f"the server and its workers grew by {after - before:.1f} MB")
    assert after - before < 5, f"the server and its workers grew by {after - before:.1f} MB"
