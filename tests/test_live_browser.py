"""Live training in Chromium, pressed as a person presses: once each, with another session playing.

Play, Pause, Step and the keys Space and S take at the first press; two sessions train side by side;
a worker killed under one session costs only that session, which starts again from where it was.
"""
import re
import signal

import psutil
from playwright.sync_api import expect

from playground.bench.page import open_page as bench_open_page
from playground.bench.browser import CHARTS_DRAWN_JS, button, start_streamlit
from waits import holds, moves, shows


def open_page(browser, url, draw=True):
    """A new page (playground.bench.page.open_page) and, if it draws the charts, once they are drawn: a person presses
    once the page is there. `draw=False`: a companion session, the server's work without the drawing."""
    page = bench_open_page(browser, url, draw, viewport={"width": 1400, "height": 900})
    if draw:
        page.wait_for_function(CHARTS_DRAWN_JS, timeout=60_000)
    return page


def press_key(page, key, timeout=15_000):
    """Presses `key` with the focus on the page's main part (no field), as after a click there; fails if the
    page does not take it within `timeout` ms (page.keyboard.press waits as long as the page is busy)."""
    page.locator("[data-testid='stMain']").press(key, timeout=timeout)


def test_play_pause_and_step_take_at_the_first_press_with_another_session_playing(browser_and_url):
    browser, url = browser_and_url
    other = open_page(browser, url, draw=False)
    button(other, "Play").click()
    page = open_page(browser, url)
    for _ in range(3):
        button(page, "Play").click()
        expect(button(page, "Pause")).to_be_visible()
        moves(page)
        button(page, "Pause").click()
        expect(button(page, "Play")).to_be_visible()
        held = holds(page)
        button(page, "Step").click()
        shows(page, held + 1)
    moves(other)  # the other session played all along
    assert page.locator("[data-testid='stException']").count() == 0


def test_space_plays_and_pauses_and_s_steps(browser_and_url):
    browser, url = browser_and_url
    page = open_page(browser, url)
    press_key(page, "Space")
    expect(button(page, "Pause")).to_be_visible()
    moves(page)
    press_key(page, "Space")
    expect(button(page, "Play")).to_be_visible()
    held = holds(page)
    press_key(page, "s")
    shows(page, held + 1)


def test_a_killed_worker_costs_only_its_session_which_starts_again_where_it_was(browser):
    # A server of its own: its first worker is killed.
    with start_streamlit("app.py") as (server, url):
        first, second = open_page(browser, url, draw=False), open_page(browser, url, draw=False)
        for page in (first, second):
            button(page, "Play").click()
            moves(page)
        workers = [w for w in psutil.Process(server.pid).children() if "playground.trainer.worker" in " ".join(w.cmdline())]
        assert len(workers) >= 2
        workers[0].send_signal(signal.SIGKILL)  # the first run went to the first worker
        restart = first.get_by_role("button", name=re.compile("Start again from epoch"))
        expect(restart).to_be_visible(timeout=20_000)
        stopped_at = int(re.findall(r"\d+", restart.inner_text())[-1])
        moves(second)  # the other session goes on
        assert second.get_by_role("button", name=re.compile("Start again")).count() == 0
        restart.click()
        shows(first, stopped_at)
        button(first, "Play").click()
        moves(first)
        assert first.locator("[data-testid='stException']").count() == 0
