"""The teaching tools in Chromium: click a training point, the step-through shows it; the health chart plays along.

Saves artifacts/step_through.png and artifacts/health.png for a person to look at.
"""
import os

from playground.bench.browser import APP_READY, CHARTS_DRAWN_JS, ROOT, button, lonely_point, open_app, pause
from waits import value_when

ARTIFACTS = os.path.join(ROOT, "artifacts")
HEALTH_DRAWN_JS = "() => !!document.querySelector('.st-key-chart_health .main-svg')"


def step_index(page):
    return int(page.locator(".st-key-step_index input").input_value())


def test_click_a_point_to_step_through_it_and_watch_gradient_health(browser_and_url):
    browser, url = browser_and_url
    page = open_app(browser, url, viewport={"width": 1500, "height": 1100})
    page.locator(".st-key-tool button").filter(has_text="Step through").click()
    page.wait_for_selector(APP_READY)
    page.wait_for_function(CHARTS_DRAWN_JS, timeout=60_000)
    page.locator(".st-key-chart_boundary").scroll_into_view_if_needed()  # the tool row's click scrolled down to it
    example, x, y = lonely_point(page)  # the training example the point is
    assert step_index(page) == 0 and example > 0
    page.mouse.click(x, y)
    assert value_when(lambda: step_index(page), lambda i: i == example, 20, "the example stepped through") == example
    page.get_by_text(f"Example {example} at epoch 0").wait_for(timeout=20_000)
    section = page.locator("[data-testid='stVerticalBlock']").filter(has_text="Step through one example").last
    assert page.locator(".katex").count() > 5
    page.get_by_text("Step through one example").scroll_into_view_if_needed()
    page.screenshot(path=os.path.join(ARTIFACTS, "step_through.png"), full_page=True)
    assert section.count() == 1

    button(page, "Play").click()
    samples = []
    for _ in range(20):
        page.wait_for_timeout(150)
        samples.append(page.evaluate(HEALTH_DRAWN_JS))
    assert all(samples), "the health chart left the screen while training"
    assert page.get_by_text("Gradients look healthy").count() >= 1
    pause(page)
    page.locator(".st-key-chart_health").scroll_into_view_if_needed()
    page.screenshot(path=os.path.join(ARTIFACTS, "health.png"))
    assert page.locator("[data-testid='stException']").count() == 0
