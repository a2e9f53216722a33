"""The page on a projector, a laptop, a tablet and a phone, at 100, 125 and 150% zoom, in Chromium.

At 1280×720 and 100% the first screen holds the run's buttons, the Epoch and loss metrics and the
network, the decision boundary and the loss curve; at every size and zoom no labelled element cuts
its text (in the sidebar too, opened where it starts closed), and chart text is at least 12 px.
Saves artifacts/layout-W×H-Z.png for a person to look at.
"""
import os

import pytest

from playground.bench.browser import APP_READY, CHARTS_DRAWN_JS, ROOT

ARTIFACTS = os.path.join(ROOT, "artifacts")
SIZES = [(1280, 720), (1920, 1080), (768, 1024), (390, 844)]
ZOOMS = [1.0, 1.25, 1.5]
FIRST_SCREEN = ["[data-testid='stMain'] [data-testid='stBaseButton-primary']", "button:has-text('Step')", "button:has-text('Reset')",
                "[data-live-epoch]", ".st-key-metrics", ".st-key-chart_network", ".st-key-chart_boundary",
                ".st-key-chart_loss"]
# Elements that carry a label a person reads; their text must fit their box (or wrap).
CUT_JS = """() => [...document.querySelectorAll(
    "button, [data-testid='stMetricLabel'], [data-testid='stMetricValue'], [data-testid='stWidgetLabel'], "
    + "[data-testid='stCheckbox'] label, summary, [data-testid='stExpander'] summary span, h1, h2, h3")]
  .filter(e => e.offsetParent !== null && e.getBoundingClientRect().width > 0)
  .filter(e => e.getBoundingClientRect().right > 0 && e.getBoundingClientRect().left < innerWidth)  // on screen
  .filter(e => e.scrollWidth > e.clientWidth + 1)
  .map(e => `${e.tagName} ${e.getAttribute('data-testid') || ''} "${e.innerText.slice(0, 40)}" ${e.scrollWidth}>${e.clientWidth}`)"""
SMALLEST_TEXT_JS = """() => Math.min(...[...document.querySelectorAll("[data-testid='stPlotlyChart'] svg text")]
  .filter(t => t.textContent.trim() && t.getBBox().width > 0)
  .map(t => parseFloat(getComputedStyle(t).fontSize)))"""


def open_at(browser, url, width, height, zoom):
    """The page as a browser window of width × height pixels at `zoom`: CSS pixels are zoom times larger."""
    context = browser.new_context(viewport={"width": round(width / zoom), "height": round(height / zoom)},
                                  device_scale_factor=zoom)
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector(APP_READY, timeout=60_000)
    page.wait_for_function(CHARTS_DRAWN_JS, timeout=60_000)
    return page


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("zoom", ZOOMS, ids=lambda z: f"{round(100 * z)}%")
def test_no_label_is_cut_and_chart_text_is_readable(browser_and_url, size, zoom):
    browser, url = browser_and_url
    page = open_at(browser, url, *size, zoom)
    assert page.evaluate(CUT_JS) == []
    if zoom == 1.0:
        assert page.evaluate(SMALLEST_TEXT_JS) >= 12
    # On a narrow screen the sidebar starts closed, off the screen (where Chromium 156 squeezes its labels
    # to nothing): opened, its labels must fit.
    sidebar = "document.querySelector(\"[data-testid='stSidebar']\")"
    if page.evaluate(f"() => {sidebar}.getBoundingClientRect().right <= 0"):
        page.get_by_test_id("stExpandSidebarButton").click()
        page.wait_for_function(f"() => {sidebar}.getBoundingClientRect().left >= 0 && "
                               f"{sidebar}.getAnimations({{subtree: true}}).length === 0")
        assert page.evaluate(CUT_JS) == []
    page.screenshot(path=os.path.join(ARTIFACTS, f"layout-{size[0]}x{size[1]}-{round(100 * zoom)}.png"))
    page.context.close()


FITS_JS = """([width, height]) => [".st-key-metrics", ".st-key-chart_network", ".st-key-chart_boundary", ".st-key-chart_loss"]
  .every(s => { const b = document.querySelector(s).getBoundingClientRect();
                return b.height > 0 && b.top >= 0 && b.bottom <= height && b.right <= width; })"""
# A 1280 × 720 projector at 100, 125 and 150% zoom: its CSS viewports.
PROJECTOR = [(1280, 720), (1024, 576), (853, 480)]


@pytest.mark.parametrize("presentation", [False, True], ids=["page", "presentation"])
@pytest.mark.parametrize("size", PROJECTOR, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_first_screen_of_a_projector_holds_the_run(browser_and_url, size, presentation):
    browser, url = browser_and_url
    width, height = size
    page = open_at(browser, url + ("/?presentation=1" if presentation else ""), width, height, 1.0)
    # The live view fits its parts to the screen once the page around it is laid out.
    page.wait_for_function(FITS_JS, arg=[width, height], timeout=10_000)
    for selector in FIRST_SCREEN:
        box = page.locator(selector).first.bounding_box()
        assert box is not None, selector
        assert 0 <= box["y"] and box["y"] + box["height"] <= height and box["x"] + box["width"] <= width, (selector, box)
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing widens the page
    page.screenshot(path=os.path.join(ARTIFACTS, f"projector-{width}x{height}{'-presentation' if presentation else ''}.png"))
    page.context.close()


def test_presentation_hides_the_sidebar_and_enlarges_the_charts(browser_and_url):
    browser, url = browser_and_url
    page = open_at(browser, url, 1280, 720, 1.0)
    before = page.locator(".st-key-chart_boundary").bounding_box()
    page.get_by_text("Presentation").click()
    page.wait_for_url("**presentation=1**")
    page.wait_for_selector(APP_READY)
    page.wait_for_function("() => !document.querySelector(\"[data-testid='stSidebar']\") || "
                           "getComputedStyle(document.querySelector(\"[data-testid='stSidebar']\")).display === 'none'")
    after = page.locator(".st-key-chart_boundary").bounding_box()
    assert after["width"] > before["width"] and after["height"] > before["height"]
    page.context.close()
