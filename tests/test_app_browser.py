"""The playground in Chromium, as a person uses it: load, Play, watch, Pause.

Saves a screenshot to artifacts/playground.png for a person to look at.
"""
import os
import time

from playwright.sync_api import sync_playwright

from playground.browser import (CHARTS_DRAWN_JS, PARTS_DRAWN_JS, ROOT, button, launch_chromium, open_app, pause,
                                shown_epoch as epoch, start_streamlit)

ARTIFACTS = os.path.join(ROOT, "artifacts")
PARTS = ["chart_boundary", "chart_loss", "chart_score", "chart_network"]


def wait_for_epoch(page, condition, timeout=20.0):
    """Polls the Epoch metric until condition(epoch) holds; returns it."""
    deadline = time.monotonic() + timeout
    while not condition(value := epoch(page)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return value


def test_play_trains_live_and_pause_holds():
    os.makedirs(ARTIFACTS, exist_ok=True)
    with start_streamlit("app.py") as (_, url), sync_playwright() as p:
        browser = launch_chromium(p)
        page = open_app(browser, url, viewport={"width": 1500, "height": 1100})
        page.wait_for_function(CHARTS_DRAWN_JS, timeout=60_000)
        assert epoch(page) == 0
        assert "learning_rate=0.03" in page.url

        button(page, "Play").click()
        samples = []
        for _ in range(30):
            time.sleep(0.1)
            samples.append(page.evaluate(PARTS_DRAWN_JS, PARTS))
        playing = wait_for_epoch(page, lambda e: e > 10)
        assert playing > 10
        assert all(sample == PARTS for sample in samples), "a chart left the screen while training"
        assert page.locator(".st-key-chart_weights .main-svg").count() >= 1

        pause(page)
        time.sleep(1)
        paused = epoch(page)
        time.sleep(1.5)
        assert epoch(page) == paused >= playing
        assert page.locator("[data-testid='stException']").count() == 0
        page.screenshot(path=os.path.join(ARTIFACTS, "playground.png"), full_page=True)
        browser.close()


def test_a_tampered_link_warns_and_the_page_still_works():
    with start_streamlit("app.py") as (_, url), sync_playwright() as p:
        browser = launch_chromium(p)
        page = open_app(browser, url + "/?width_1=10000&learning_rate=-1&activation=%3Cscript%3E")
        warning = page.locator("[data-testid='stAlert']").first.inner_text()
        assert "width_1" in warning and "learning_rate" in warning and "activation" in warning
        button(page, "Step").click()
        assert wait_for_epoch(page, lambda e: e > 0) == 1
        assert page.locator("[data-testid='stException']").count() == 0
        browser.close()
