"""The network view and the source's example in Chromium, as a person sees them.

Saves screenshots to artifacts/ (network_view.png, network_hover.png, preset.png) for a person to look at.
"""
import os

from playground.bench.browser import APP_READY, CHARTS_DRAWN_JS, ROOT, button, open_app, open_expander, pause

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
    open_expander(page, "Lessons and examples")
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


# The network part's layout as drawn: the pictures' side, every label's box, the part's width and what it scrolls,
# and at the left edge of each hidden and output picture (where its links end) the colour on the canvas.
NETWORK_LAYOUT_JS = """() => {
  const host = [...document.querySelector(".st-key-chart_network").querySelectorAll("*")].find(e => e.shadowRoot);
  const el = host.shadowRoot.querySelector("div.live"), view = el.__live, L = view.nodesAt, canvas = view.size.canvas;
  const ratio = canvas.width / canvas.getBoundingClientRect().width, g = canvas.getContext("2d");
  const edges = L.nodes.slice(1).flat().map(n => [...g.getImageData(Math.floor((n.x + 0.5) * ratio),
    Math.floor((n.y + L.tile / 2) * ratio), 1, 1).data].slice(0, 3));
  return {tile: L.tile, boxes: view.labelBoxes, width: canvas.getBoundingClientRect().width,
          client: el.clientWidth, scroll: el.scrollWidth, edges};
}"""
FRAME_GREY = (75, 85, 99)  # #4b5563, each picture's frame on the light theme (ink().faint in live.js)


def overlapping(boxes):
    return [(a["text"], b["text"]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
            if a["x0"] < b["x1"] and b["x0"] < a["x1"] and a["y0"] < b["y1"] and b["y0"] < a["y1"]]


def test_eight_layers_of_eight_fit_the_first_screen_with_pictures_of_24_px_over_their_links(browser_and_url):
    browser, url = browser_and_url
    widths = "&".join(f"width_{i}=8" for i in range(1, 9))
    page = open_app(browser, f"{url}/?layers=8&{widths}", viewport={"width": 1280, "height": 720})
    page.wait_for_function(CHARTS_DRAWN_JS, timeout=60_000)
    layout = page.evaluate(NETWORK_LAYOUT_JS)
    page.locator(".st-key-chart_network").screenshot(path=os.path.join(ARTIFACTS, "network_8x8.png"))
    assert layout["tile"] >= 24, layout["tile"]
    assert layout["scroll"] <= layout["client"] + 1, "the whole network is in view, not scrolled"
    assert not overlapping(layout["boxes"]), overlapping(layout["boxes"])
    assert all(b["x0"] >= 0 and b["x1"] <= layout["width"] + 0.5 for b in layout["boxes"]), layout["boxes"]
    # The links end under each picture's frame: the frame's grey is on top where they meet.
    assert len(layout["edges"]) == 8 * 8 + 1
    assert all(max(abs(c - f) for c, f in zip(colour, FRAME_GREY)) <= 12 for colour in layout["edges"]), layout["edges"]
    page.context.close()


def test_a_wide_layer_shows_its_first_neurons_and_how_many_more_and_the_title_is_whole(browser_and_url):
    browser, url = browser_and_url
    page = open_app(browser, f"{url}/?layers=3&width_1=32&width_2=40&width_3=8", viewport={"width": 1280, "height": 720})
    page.wait_for_function(CHARTS_DRAWN_JS, timeout=60_000)
    layout = page.evaluate(NETWORK_LAYOUT_JS)
    texts = [b["text"] for b in layout["boxes"]]
    assert "+ 24 more" in texts and "+ 32 more" in texts, texts
    assert not overlapping(layout["boxes"]), overlapping(layout["boxes"])
    # The title, in as many lines as it needs, none wider than the part.
    assert "".join(t for t in texts if t.startswith("Network") or "neurons" in t).endswith("their first 8 neurons")
    assert all(b["x1"] <= layout["width"] + 0.5 for b in layout["boxes"]), layout["boxes"]
    page.context.close()


# The whole network's chart, once shown: its neurons (the hover markers' trace) and whether its box scrolls.
ALL_NEURONS_JS = """() => {
  const box = document.querySelector(".st-key-network_all_view"), plot = box.querySelector(".js-plotly-plot");
  const scroller = [box, ...box.querySelectorAll("*")].find(e => e.scrollHeight > e.clientHeight + 20
    && getComputedStyle(e).overflowY !== "visible");
  const neurons = plot.data[plot.layout.meta.hover_zoom.trace];
  return {neurons: neurons.text.length, scrolls: !!scroller, height: box.getBoundingClientRect().height};
}"""


def test_every_neuron_of_a_wide_layer_is_shown_on_request_in_a_box_that_scrolls(browser_and_url):
    browser, url = browser_and_url
    page = open_app(browser, f"{url}/?layers=3&width_1=32&width_2=40&width_3=8", viewport={"width": 1280, "height": 720})
    page.wait_for_function(CHARTS_DRAWN_JS, timeout=60_000)
    assert page.locator(".st-key-network_all_view").count() == 0
    page.locator(".st-key-network_all label").click()
    page.wait_for_selector(".st-key-network_all_view .main-svg", timeout=30_000)
    page.wait_for_selector(APP_READY)
    seen = page.evaluate(ALL_NEURONS_JS)
    assert seen["neurons"] == 2 + 32 + 40 + 8 + 1 and seen["scrolls"] and seen["height"] < 720, seen
    page.locator(".st-key-network_all_view").screenshot(path=os.path.join(ARTIFACTS, "network_all.png"))
    page.context.close()


# The network figure off the plane (plotly): its pictures' side in pixels, whether the pictures come after the links
# (SVG paints later elements on top), its labels' and title's boxes and the chart's right edge.
FIGURE_LAYOUT_JS = """() => {
  const box = document.querySelector(".st-key-chart_network"), plot = box.querySelector(".js-plotly-plot");
  const zoom = plot.layout.meta.hover_zoom, xa = plot._fullLayout.xaxis;
  const picture = box.querySelector("image"), link = box.querySelector(".scatterlayer path.js-line");
  const boxes = [...box.querySelectorAll(".annotation, .gtitle")].map(a => {
    const r = a.getBoundingClientRect(); return {text: a.textContent, x0: r.left, x1: r.right, y0: r.top, y1: r.bottom}; });
  return {tile: Math.abs(xa.l2p(zoom.boxes[1][2]) - xa.l2p(0)), boxes, right: plot.getBoundingClientRect().right,
          above: !!(link.compareDocumentPosition(picture) & Node.DOCUMENT_POSITION_FOLLOWING)};
}"""


def test_off_the_plane_eight_layers_of_eight_have_pictures_of_24_px_over_their_links(browser_and_url):
    browser, url = browser_and_url
    widths = "&".join(f"width_{i}=8" for i in range(1, 9))
    page = open_app(browser, f"{url}/?dataset=digits&layers=8&{widths}", viewport={"width": 1280, "height": 720})
    page.wait_for_selector(".st-key-chart_network .main-svg", timeout=60_000)
    page.wait_for_selector(APP_READY)
    seen = page.evaluate(FIGURE_LAYOUT_JS)
    page.locator(".st-key-chart_network").screenshot(path=os.path.join(ARTIFACTS, "network_digits_8x8.png"))
    assert seen["tile"] >= 24 and seen["above"], seen
    assert not overlapping(seen["boxes"]), overlapping(seen["boxes"])
    assert all(b["x1"] <= seen["right"] + 0.5 for b in seen["boxes"]), seen["boxes"]
    page.context.close()
