"""The teaching tools in Chromium: click a training point, the step-through shows it; the health chart plays along.

Saves artifacts/step_through.png and artifacts/health.png for a person to look at.
"""
import os
import time

from playwright.sync_api import sync_playwright

from playground.browser import (APP_READY, CHARTS_DRAWN_JS, ROOT, button, launch_chromium, lonely_point, open_app,
                                pause, start_streamlit)

ARTIFACTS = os.path.join(ROOT, "artifacts")
HEALTH_DRAWN_JS = "() => !!document.querySelector('.st-key-chart_health .main-svg')"


def step_index(page):
    return int(page.locator(".st-key-step_index input").input_value())


def test_click_a_point_to_step_through_it_and_watch_gradient_health():
    os.makedirs(ARTIFACTS, exist_ok=True)
    with start_streamlit("app.py") as (_, url), sync_playwright() as p:
        browser = launch_chromium(p)
        page = open_app(browser, url, viewport={"width": 1500, "height": 1100})
        page.locator(".st-key-tool button").filter(has_text="Step through").click()
        page.wait_for_selector(APP_READY)
        page.wait_for_function(CHARTS_DRAWN_JS, timeout=60_000)
        example, x, y = lonely_point(page)  # the training example the point is
        assert step_index(page) == 0 and example > 0
        page.mouse.click(x, y)
        deadline = time.monotonic() + 20
        while step_index(page) != example and time.monotonic() < deadline:
            time.sleep(0.2)
        assert step_index(page) == example
        page.get_by_text(f"Example {example} at epoch 0").wait_for(timeout=20_000)
        section = page.locator("[data-testid='stVerticalBlock']").filter(has_text="Step through one example").last
        assert page.locator(".katex").count() > 5
        page.get_by_text("Step through one example").scroll_into_view_if_needed()
        page.screenshot(path=os.path.join(ARTIFACTS, "step_through.png"), full_page=True)
        assert section.count() == 1

        button(page, "Play").click()
        samples = []
        for _ in range(20):
            time.sleep(0.15)
            samples.append(page.evaluate(HEALTH_DRAWN_JS))
        assert all(samples), "the health chart left the screen while training"
        assert page.get_by_text("Gradients look healthy").count() >= 1
        pause(page)
        page.locator(".st-key-chart_health").scroll_into_view_if_needed()
        page.screenshot(path=os.path.join(ARTIFACTS, "health.png"))
        assert page.locator("[data-testid='stException']").count() == 0
        browser.close()
