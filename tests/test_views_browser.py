"""The network view and the source's example in Chromium, as a person sees them.

Saves screenshots to artifacts/ (network_view.png, network_hover.png, preset.png) for a person to look at.
"""
import os
import time

from playwright.sync_api import sync_playwright

from playground.browser import APP_READY, ROOT, button, launch_chromium, open_app, pause, start_streamlit

ARTIFACTS = os.path.join(ROOT, "artifacts")
# The network view's state in its iframe: is it drawn, its tiles' PNG, and a neuron's place on screen.
NETWORK_JS = """() => {
  const gd = document.getElementById('chart');
  const zoom = gd && gd.layout && gd.layout.meta && gd.layout.meta.hover_zoom;
  if (!zoom || !gd._fullData) return null;
  const neurons = gd._fullData[zoom.trace], xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
  return {drawn: !!document.querySelector('.main-svg'), source: gd._fullData[zoom.image].source,
          neuron: [xa.l2p(neurons.x[3]) + xa._offset, ya.l2p(neurons.y[3]) + ya._offset],
          zoom: document.getElementById('zoom').style.display};
}"""


# Whether a live chart whose title contains the text is drawn.
TITLE_SHOWN_JS = """text => [...document.querySelectorAll("iframe[data-testid='stCustomComponentV1']")]
  .some(f => f.contentDocument && [...f.contentDocument.querySelectorAll('.gtitle')]
  .some(t => t.textContent.includes(text)))"""


def network_frame(page, timeout=60.0):
    """The frame of the live chart that draws the network, once it is drawn."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for frame in page.frames[1:]:
            try:
                if (frame.evaluate(NETWORK_JS) or {}).get("drawn"):
                    return frame
            except Exception:  # a frame still loading, or gone
                pass
        page.wait_for_timeout(300)  # not time.sleep: Playwright learns of new frames while it waits
    raise TimeoutError("the network view was not drawn")


def test_the_network_view_moves_while_playing_and_enlarges_a_hovered_neuron():
    os.makedirs(ARTIFACTS, exist_ok=True)
    with start_streamlit("app.py") as (_, url), sync_playwright() as p:
        browser = launch_chromium(p)
        page = open_app(browser, url, viewport={"width": 1500, "height": 1100})
        frame = network_frame(page)
        start = frame.evaluate(NETWORK_JS)["source"]
        button(page, "Play").click()
        samples = []
        for _ in range(30):
            page.wait_for_timeout(100)
            samples.append(frame.evaluate(NETWORK_JS))
        pause(page)
        assert all(s and s["drawn"] for s in samples), "the network view left the screen while training"
        assert len({s["source"] for s in samples} | {start}) > 2, "the neuron pictures did not change"

        element = frame.frame_element()
        element.scroll_into_view_if_needed()
        element.screenshot(path=os.path.join(ARTIFACTS, "network_view.png"))
        box, state = element.bounding_box(), frame.evaluate(NETWORK_JS)
        page.mouse.move(box["x"] + state["neuron"][0], box["y"] + state["neuron"][1])
        page.wait_for_function("f => f.contentDocument.getElementById('zoom').style.display === 'block'",
                               arg=element, timeout=5000)
        element.screenshot(path=os.path.join(ARTIFACTS, "network_hover.png"))
        assert page.locator("[data-testid='stException']").count() == 0
        browser.close()


def test_the_preset_trains_the_source_example_and_shows_its_accuracy_and_the_image_views():
    os.makedirs(ARTIFACTS, exist_ok=True)
    with start_streamlit("app.py") as (_, url), sync_playwright() as p:
        browser = launch_chromium(p)
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
        browser.close()
