"""A class's sessions come and go: a closed session gives back what it held.

The server runs in its own process (with its workers), and its resident memory is read from
outside, as the operating system sees it. It keeps a closed tab's session, and its run, for TTL
seconds (server.disconnectedSessionTTL; the page's default is 40 s), and the run longer for a browser that
comes back (PLAYGROUND_KEEP_FOR; 600 s by default): both are TTL here, so that the test need not wait for the
defaults to pass.
"""
import time

import psutil
import pytest

from playground.bench.page import LIVE_JS, epoch, open_page, rss_mb
from playground.bench.browser import APP_READY, button, start_streamlit
from playground.trainer.worker import IDLE_WAIT
from playground.ui.sessions import EVERY

TTL = 3
# Seconds after which every closed session and its run are gone: the session's time, the server's look
# for closed sessions (ui/sessions.py), the worker's look for detached runs, and a margin for a busy machine.
GONE = TTL + min(EVERY, TTL / 4) + IDLE_WAIT + 10


@pytest.mark.timeout(1200)
def test_forty_sessions_opened_and_closed_leave_less_than_5_mb_once_they_are_gone(browser):
    env = {"STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL": str(TTL), "PLAYGROUND_KEEP_FOR": str(TTL)}
    with start_streamlit("app.py", env=env) as (server, url):

        def session():
            page = open_page(browser, url, draw=False)
            before = epoch(page)
            button(page, "Step").click()
            page.wait_for_function(f"({LIVE_JS})() > {before}")
            page.wait_for_selector(APP_READY)
            page.context.close()

        for _ in range(3):  # what the first sessions load once for all (modules, caches, the workers' data)
            session()
        time.sleep(GONE)  # and they are gone
        workers = len(psutil.Process(server.pid).children(recursive=True))
        before = rss_mb(server.pid)
        for _ in range(40):
            session()
        time.sleep(GONE)
        after = rss_mb(server.pid)
        assert len(psutil.Process(server.pid).children(recursive=True)) == workers  # the same processes measured
    print(f"the server and its workers grew by {after - before:.1f} MB")
    assert after - before < 5, f"the server and its workers grew by {after - before:.1f} MB"
