"""More than one server: two Streamlit servers behind HAProxy, as docs/deploy/haproxy.cfg sets them up. Students'
browsers land on both, each stays on its own (its session, its run and its live view's WebSocket live there),
and when one server is killed, the other's students never notice while its own are sent to the other."""
import pytest

from playground.bench.browser import APP_READY, button, start_streamlit
from playground.bench.page import LIVE_JS, epoch, open_page
from proxy import haproxy
from waits import value_when

pytestmark = [pytest.mark.browser, pytest.mark.timeout(900)]
STUDENTS = 6


def server_of(page):
    return next(c["value"] for c in page.context.cookies() if c["name"] == "PLAYGROUND_SERVER")


def newest_epoch(page):
    """The epoch of the page's newest frame; None while it has none, or while it loads again."""
    try:
        return page.evaluate(LIVE_JS)
    except Exception:  # noqa: BLE001 - the page is being loaded again: its script's context went
        return None


def training(page, timeout=60):
    """Waits until the page's newest frame moves on by 3 epochs (its run trains and its frames come through)."""
    first = epoch(page)
    page.wait_for_function(f"(n) => ({LIVE_JS})() >= n", arg=first + 3, timeout=timeout * 1000)


def test_students_land_on_both_servers_and_a_killed_server_costs_only_its_own(browser):
    env = {"PLAYGROUND_WORKERS": "1"}
    with start_streamlit("app.py", env=env) as (first, first_url), start_streamlit("app.py", env=env) as (_, second_url):
        with haproxy([first_url.removeprefix("http://"), second_url.removeprefix("http://")]) as url:
            pages = [open_page(browser, url, draw=False) for _ in range(STUDENTS)]
            servers = [server_of(page) for page in pages]
            assert sorted(set(servers)) == ["s1", "s2"], servers   # both servers carry students
            for page in pages:
                button(page, "Play").click()
            for page in pages:
                training(page)   # through the proxy: Streamlit's WebSocket and the live view's

            first.kill()
            first.wait()
            survivors = [p for p, s in zip(pages, servers) if s == "s2"]
            moved = [p for p, s in zip(pages, servers) if s == "s1"]
            for page in survivors:
                training(page, timeout=20)   # never noticed
            for page in moved:   # loaded again, on the other server, with a page that works
                value_when(lambda: newest_epoch(page), lambda n: n is not None and n < 3, 60,
                           "the epoch of a moved student's page")
                page.wait_for_selector(APP_READY, timeout=60_000)
                assert server_of(page) == "s2"
                button(page, "Play").click()
                training(page)
