"""The step-through in view, in Chromium: a click on a training point brings that example's numbers onto the screen
where the teacher looks, and no formula of the step-through is cut at its column's edge.

Saves artifacts/step_view_<width>.png for a person to look at.
"""
import os

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from playground.bench.browser import APP_READY, CHARTS_DRAWN_JS, ROOT, lonely_point, open_app

SCREENS = [pytest.param((1280, 720), id="1280x720"), pytest.param((1024, 576), id="1024x576")]
STEP_INDEX = ".st-key-step_index input"
# The step-through's first formula shown (the example's inputs, with their numbers): its top and bottom in the
# viewport, or null while there is none.
NUMBERS_JS = """() => {
  const first = [...document.querySelectorAll("[data-testid='stMain'] .katex-display")]
    .find(e => e.getBoundingClientRect().height > 0);
  if (!first) return null;
  const r = first.getBoundingClientRect();
  return {top: Math.round(r.top), bottom: Math.round(r.bottom), viewport: window.innerHeight};
}"""
IN_VIEW_JS = f"() => {{ const n = ({NUMBERS_JS})(); return !!n && n.top >= 0 && n.bottom <= n.viewport; }}"
# The formulas shown (the open tab's), and those cut: wider or taller than their box shows, or out of their column.
FORMULAS_JS = """() => {
  const shown = [...document.querySelectorAll("[data-testid='stMain'] .katex-display")]
    .filter(e => e.getBoundingClientRect().width > 0);
  const cut = shown.filter(e => {
    const column = e.closest("[data-testid='stVerticalBlock']").getBoundingClientRect(), r = e.getBoundingClientRect();
    return e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1
      || r.left < column.left - 1 || r.right > column.right + 1;
  }).map(e => ({formula: e.textContent.slice(0, 40), scrollWidth: e.scrollWidth, clientWidth: e.clientWidth,
                scrollHeight: e.scrollHeight, clientHeight: e.clientHeight}));
  return {shown: shown.length, cut};
}"""


def opened(browser_and_url, screen):
    """The page at `screen` (width, height); the `browser` fixture closes its context after the test."""
    browser, url = browser_and_url
    return open_app(browser, url, viewport={"width": screen[0], "height": screen[1]})


@pytest.mark.parametrize("screen", SCREENS)
def test_a_click_on_a_training_point_brings_its_numbers_into_view(browser_and_url, screen):
    width, height = screen
    page = opened(browser_and_url, screen)
    page.wait_for_function(CHARTS_DRAWN_JS, timeout=60_000)
    example, x, y = lonely_point(page)
    page.mouse.click(x, y)
    page.wait_for_function("([selector, i]) => { const input = document.querySelector(selector); "
                           "return !!input && Number(input.value) === i; }", arg=[STEP_INDEX, example],
                           timeout=30_000)
    page.wait_for_selector(APP_READY, timeout=30_000)
    try:
        page.wait_for_function(IN_VIEW_JS, timeout=10_000)
    except PlaywrightTimeout:
        pytest.fail(f"after the click, the example's first numbers are at {page.evaluate(NUMBERS_JS)} px "
                    f"from the viewport's top, out of view")
    page.screenshot(path=os.path.join(ROOT, "artifacts", f"step_view_{width}.png"))
    # They are that example's, and the sentence that says so is on the screen too.
    caption = page.get_by_text(f"Example {example} at epoch 0").bounding_box()
    assert caption is not None and 0 <= caption["y"] and caption["y"] + caption["height"] <= height
    numbers = page.evaluate(NUMBERS_JS)
    assert 0 <= numbers["top"] and numbers["bottom"] <= height, numbers


@pytest.mark.parametrize("screen", SCREENS)
def test_no_formula_is_cut_at_its_column_s_edge(browser_and_url, screen):
    page = opened(browser_and_url, screen)
    page.locator(".st-key-tool button").filter(has_text="Step through").click()
    page.wait_for_selector(APP_READY, timeout=30_000)
    for tab in ("Forward pass", "Loss", "Backward pass", "Update"):
        page.get_by_role("tab", name=tab).click()
        page.wait_for_function("() => [...document.querySelectorAll(\"[data-testid='stMain'] .katex-display\")]"
                               ".some(e => e.getBoundingClientRect().width > 0)", timeout=30_000)
        formulas = page.evaluate(FORMULAS_JS)
        assert formulas["shown"] >= 2, (tab, formulas)
        assert formulas["cut"] == [], (tab, formulas["cut"])
