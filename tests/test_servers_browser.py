"""More than one server: two Streamlit servers behind HAProxy, as docs/deploy/haproxy.cfg sets them up, sharing one
PostgreSQL (a throw-away cluster, playground/bench/servers.py) for the class view. Students' browsers land on both servers,
each stays on its own (its session, its run and its live view's WebSocket live there), and the teacher's dashboard,
opened through the proxy, lists them all. When one server is killed, the other's students never notice, and its
own are sent to the other server, where they are back in the class with their last results on the dashboard."""
import time

import pytest

from playground.bench.browser import APP_READY, button, start_streamlit
from playground.bench.page import LIVE_JS, epoch
from playground.bench.class_load import cards, join, open_class
from playground.bench.servers import cluster, haproxy
from waits import until, value_when

pytestmark = [pytest.mark.browser, pytest.mark.timeout(900)]
STUDENTS = 6
DASHBOARD_DELAY = 2.0   # seconds from a student's joining to their card on the dashboard


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


def settled(dashboard, seconds=4.0, timeout=30):
    """The dashboard's cards once they have not changed for `seconds` (a student writes every 2.25 s)."""
    deadline, seen = time.monotonic() + timeout, cards(dashboard)
    while True:
        time.sleep(seconds)
        now = cards(dashboard)
        if now == seen:
            return now
        assert time.monotonic() < deadline, "the dashboard still changes"
        seen = now


def test_a_class_on_two_servers_behind_haproxy_and_a_killed_server_costs_its_students_only_a_reload(browser):
    with cluster() as database:
        env = {"PLAYGROUND_WORKERS": "1", "PLAYGROUND_DATABASE": database}
        with start_streamlit("app.py", env=env) as (first, first_url), \
                start_streamlit("app.py", env=env) as (_, second_url), \
                haproxy([first_url.removeprefix("http://"), second_url.removeprefix("http://")]) as url:
            join_link, teacher_link = open_class(browser, url)
            assert join_link.startswith(url)   # the links name the proxy, not a server behind it
            dashboard = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            dashboard.goto(teacher_link)
            dashboard.wait_for_selector(".st-key-class_end")

            names = [f"Student {i}" for i in range(1, STUDENTS + 1)]
            pages, delays = [], []
            for name in names:
                pages.append(join(browser, join_link, name)[0])
                joined = time.monotonic()   # the student's page says so
                until(lambda: name in cards(dashboard), 10, f"{name}'s card on the dashboard")
                delays.append(time.monotonic() - joined)
            servers = [server_of(page) for page in pages]
            print(f"dashboard delays after joining: {', '.join(f'{d:.2f} s' for d in delays)}; servers {servers}")
            assert sorted(set(servers)) == ["s1", "s2"], servers   # both servers carry students
            assert max(delays) < DASHBOARD_DELAY, delays
            for page in pages:
                button(page, "Play").click()
            for page in pages:
                training(page)   # through the proxy: Streamlit's WebSocket and the live view's
            until(lambda: all(f"epoch 0 " not in text for text in cards(dashboard).values()), 30,
                  "every student's epoch on the dashboard")
            for page in pages:
                button(page, "Pause").click()
            before = settled(dashboard)   # each student's last results written

            first.kill()
            first.wait()
            survivors = [p for p, s in zip(pages, servers) if s == "s2"]
            moved = [(p, n) for p, n, s in zip(pages, names, servers) if s == "s1"]
            for page in survivors:
                button(page, "Play").click()
                training(page, timeout=20)   # never noticed
            for page, name in moved:   # loaded again on the other server (a new run), back in the class
                value_when(lambda: newest_epoch(page), lambda n: n == 0, 60, "the epoch of a moved student's run")
                page.wait_for_selector(APP_READY, timeout=60_000)
                assert server_of(page) == "s2"
                bar = page.locator(".st-key-class_member_bar")
                bar.filter(has_text="back in the class").wait_for(timeout=30_000)
                assert name in bar.inner_text()
            assert set(cards(dashboard)) == set(names)
            for page, name in moved:   # their last results stay on the dashboard, not epoch 0
                assert cards(dashboard)[name] == before[name], (cards(dashboard)[name], before[name])
