"""The sigmoid lesson in Chromium at 1280 × 720: the chart it names, each layer's gradient size, is on the first
screen, and it follows the run while it plays. Saves artifacts/lesson_gradients.png for a person to look at."""
import os

from playground.bench.browser import APP_READY, ROOT, button, open_app, open_expander, pause

ARTIFACTS = os.path.join(ROOT, "artifacts")
VIEWPORT = {"width": 1280, "height": 720}
CHART = ".st-key-lesson_gradients"
# The last epoch drawn of layer 1's line (trace 2, after the vanishing zone and its edge), as plotly.js decoded it.
LAST_EPOCH_JS = f"""() => {{ const plot = document.querySelector("{CHART} .js-plotly-plot");
  const x = plot && plot._fullData && plot._fullData[2] && plot._fullData[2].x; return x ? Number(x[x.length - 1]) : -1; }}"""


def test_the_sigmoid_lesson_shows_its_gradient_chart_on_the_first_screen_and_it_follows_the_run(browser_and_url):
    browser, url = browser_and_url
    page = open_app(browser, url, viewport=VIEWPORT)
    open_expander(page, "Lessons and examples")
    page.get_by_role("button", name="Six sigmoid layers").click()
    page.wait_for_selector(f"{CHART} .main-svg", timeout=30_000)
    page.wait_for_selector(APP_READY)
    plot = page.locator(f"{CHART} [data-testid='stPlotlyChart']").bounding_box()
    assert page.evaluate("window.scrollY") == 0
    assert plot["y"] >= 0 and plot["y"] + plot["height"] <= VIEWPORT["height"], plot
    assert plot["x"] >= 0 and plot["x"] + plot["width"] <= VIEWPORT["width"] and plot["height"] >= 200, plot
    assert page.locator(f"{CHART} .gtitle").text_content() == "Gradient size per layer"
    sidebar = page.locator("[data-testid='stSidebar']")
    assert sidebar.get_by_text("watch the chart above, Gradient size per layer").count() == 1
    assert sidebar.get_by_text("Vanishing now: layers 1,").count() == 1
    assert page.evaluate(LAST_EPOCH_JS) == 0
    button(page, "Play").click()
    page.wait_for_function(f"({LAST_EPOCH_JS})() >= 3", timeout=30_000)  # redrawn while it plays, no press needed
    pause(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "lesson_gradients.png"))
