"""The network view and the source's example in Chromium, as a person sees them.

Saves screenshots to artifacts/ (network_view.png, network_hover.png, preset.png) for a person to look at.
"""
import os

from playground.bench.browser import APP_READY, CHARTS_DRAWN_JS, ROOT, button, open_app, pause

ARTIFACTS = os.path.join(ROOT, "artifacts")
# The live view's network part: its canvas as an image, and where its first hidden neuron is on screen.
NETWORK_JS = """() => {
  const host = [...document.querySelector(".st-key-chart_network").querySelectorAll("*")].find(e => e.shadowRoot);
  const view = host.shadowRoot.querySelector("div.live").__live, canvas = view.size.canvas;
  const rect = canvas.getBoundingClientRect(), node = view.nodesAt.nodes[1][0], tile = view.nodesAt.tile;
  return {image: canvas.toDataURL(), neuron: [rect.x + node.x + tile / 2, rect.y + node.y + tile / 2],
          tip: view.tip.style.display === "block" ? view.tip.textContent : null};
}"""
# Whether a chart whose title contains the text is drawn.
TITLE_SHOWN_JS = """text => [...document.querySelectorAll("[data-testid='stPlotlyChart'] .gtitle")]
  .some(t => t.textContent.includes(text))"""


def test_the_network_view_moves_while_playing_and_names_a_hovered_neuron(browser_and_url):
    browser, url = browser_and_url
    page = open_app(browser, url, viewport={"width": 1500, "height": 1100})
    page.wait_for_function(CHARTS_DRAWN_JS, timeout=60_000)
    start = page.evaluate(NETWORK_JS)["image"]
    button(page, "Play").click()
    samples = []
    for _ in range(30):
        page.wait_for_timeout(100)
        samples.append(page.evaluate(NETWORK_JS)["image"])
    pause(page)
    assert len(set(samples) | {start}) > 2, "the neuron pictures did not change"

    network = page.locator(".st-key-chart_network")
    network.screenshot(path=os.path.join(ARTIFACTS, "network_view.png"))
    x, y = page.evaluate(NETWORK_JS)["neuron"]
    page.mouse.move(x, y)
    page.wait_for_function(f"({NETWORK_JS})().tip !== null", timeout=5000)
    assert page.evaluate(NETWORK_JS)["tip"] == "layer 1 · neuron 1 (tanh)"
    network.screenshot(path=os.path.join(ARTIFACTS, "network_hover.png"))
    assert page.locator("[data-testid='stException']").count() == 0


def test_the_preset_trains_the_source_example_and_shows_its_accuracy_and_the_image_views(browser_and_url):
    browser, url = browser_and_url
    page = open_app(browser, url, viewport={"width": 1500, "height": 1100})
    page.locator("[data-testid='stSidebar']").get_by_text("Lessons and examples").click()
    page.locator(".st-key-preset_source button").first.click()
    metric = page.locator(".st-key-preset_panel [data-testid='stMetric']").filter(has_text="Test accuracy")
    metric.first.wait_for(timeout=60_000)
    page.wait_for_selector(APP_READY)
    assert "%" in metric.first.inner_text()
    assert "dataset=digits" in page.url and "width_1=64" in page.url
    for title in ("Confusion matrix", "test images, predicted / true"):
        page.wait_for_function(TITLE_SHOWN_JS, arg=title, timeout=30_000)
    assert page.locator("[data-testid='stException']").count() == 0
    page.screenshot(path=os.path.join(ARTIFACTS, "preset.png"))
