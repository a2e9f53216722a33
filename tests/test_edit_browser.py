"""The weight editor in Chromium, with real clicks: a click on a link of the network view chooses its weight,
a value typed and applied changes the decision boundary in the next frame; a click on a neuron and on the switch
greys it in the network view and holds its picture at 0.

Prints the time from the press on Apply to the changed boundary drawn, and saves artifacts/edit_<what>.png.
"""
import os
import statistics

from playground.bench.browser import APP_READY, CHARTS_DRAWN_JS, ROOT, open_app

# The network view's object (live.js's Network), inside its part's shadow root.
NETWORK = """(() => { const box = document.querySelector(".st-key-chart_network");
  const host = [...box.querySelectorAll("*")].find(e => e.shadowRoot);
  return host.shadowRoot.querySelector("div.live").__live; })()"""
# Where on the screen a link (from the source's column and place to a neuron of the next column) or a picture is.
LINK_JS = f"""([c, i, j]) => {{ const view = {NETWORK}, L = view.nodesAt, r = view.size.canvas.getBoundingClientRect();
  const a = L.nodes[c][i], b = L.nodes[c + 1][j];
  return {{x: r.left + (a.x + L.tile + b.x) / 2, y: r.top + (a.y + b.y) / 2 + L.tile / 2}}; }}"""
NODE_JS = f"""([c, j]) => {{ const view = {NETWORK}, L = view.nodesAt, r = view.size.canvas.getBoundingClientRect();
  const n = L.nodes[c][j];
  return {{x: r.left + n.x + L.tile / 2, y: r.top + n.y + L.tile / 2, tile: L.tile}}; }}"""
# The colour drawn at the centre of a picture, read back from the canvas (which may be drawn at the screen's scale).
PIXEL_JS = f"""([c, j]) => {{ const view = {NETWORK}, L = view.nodesAt, canvas = view.size.canvas;
  const k = canvas.width / canvas.getBoundingClientRect().width, n = L.nodes[c][j];
  return [...canvas.getContext("2d").getImageData(Math.round((n.x + L.tile / 4) * k),
                                                  Math.round((n.y + L.tile / 2) * k), 1, 1).data].slice(0, 3); }}"""
# What the editor's selectors show: [layer, from, to].
CHOSEN = "['edit_layer', 'edit_from', 'edit_to'].map(k => document.querySelector(`.st-key-${k} input`).value)"
# Once installed, the time of a press on Apply and of the first animation frame after it whose boundary differs.
WATCH_JS = """() => {
  const c = window.__playgroundLive;
  window.__edit = {pressed: null, drawn: null};
  document.addEventListener("click", (e) => {
    if (e.target.closest(".st-key-edit_apply")) {
      window.__edit = {pressed: performance.now(), drawn: null, before: c.frame.arrays.boundary.slice()};
    }
  }, true);
  const look = () => {
    const w = window.__edit, b = c.frame && c.frame.arrays.boundary;
    if (w.pressed !== null && w.drawn === null && b && b.some((v, i) => v !== w.before[i])) w.drawn = performance.now();
    requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
}"""


def test_a_clicked_link_set_by_hand_changes_the_boundary_and_a_switched_off_neuron_is_greyed(browser_and_url):
    browser, url = browser_and_url
    page = open_app(browser, url, viewport={"width": 1280, "height": 900})
    page.wait_for_function(CHARTS_DRAWN_JS, timeout=60_000)
    page.evaluate(WATCH_JS)
    # A click on the link from x1 to layer 1's neuron 2 chooses that weight in the editor.
    link = page.evaluate(LINK_JS, [0, 0, 1])
    page.mouse.click(link["x"], link["y"])
    page.wait_for_function(f"() => {CHOSEN}.join() === 'inputs,x1,neuron 2'", timeout=30_000)
    page.wait_for_selector(APP_READY, timeout=30_000)
    times = []
    for value in ("4", "-4", "2.5", "-3", "5"):
        value_box = page.locator(".st-key-edit_value input")
        value_box.fill(value)
        value_box.press("Enter")
        page.wait_for_selector(APP_READY, timeout=30_000)
        page.locator(".st-key-edit_apply button").click()
        page.wait_for_function("() => window.__edit.drawn !== null", timeout=30_000)
        times.append(page.evaluate("() => window.__edit.drawn - window.__edit.pressed"))
        page.wait_for_selector(APP_READY, timeout=30_000)
        page.get_by_text(f"w[1][x1→2]").last.wait_for(timeout=30_000)
        assert f"→ {float(value):.2f}".replace("-", "−") in page.locator(".st-key-weight_editor").inner_text()
    print(f"\nedit → boundary drawn: median {statistics.median(times):.0f} ms of {[round(t) for t in times]}")
    page.locator(".st-key-live_row").screenshot(path=os.path.join(ROOT, "artifacts", "edit_weight.png"))
    # A click on layer 1's neuron 1, then on the switch: its picture is greyed, its links too.
    before = page.evaluate(PIXEL_JS, [1, 0])
    node = page.evaluate(NODE_JS, [1, 0])
    page.mouse.click(node["x"], node["y"])
    page.wait_for_function(f"() => {CHOSEN}.join() === 'layer 1,neuron 1,bias'", timeout=30_000)
    page.wait_for_selector(APP_READY, timeout=30_000)
    page.get_by_text("Switch this neuron off").click()
    page.wait_for_function("() => (window.__playgroundLive.frame.header.off || []).length === 1", timeout=30_000)
    page.wait_for_selector(APP_READY, timeout=30_000)
    page.wait_for_function(f"() => {NETWORK}.frameHeader.off.length === 1", timeout=30_000)
    grey = page.evaluate(PIXEL_JS, [1, 0])
    assert max(grey) - min(grey) <= 30 and grey != before, (before, grey)
    assert page.evaluate("() => window.__playgroundLive.frame.header.off") == [[1, 1]]
    assert "off=1.1" in page.url
    page.locator(".st-key-live_row").screenshot(path=os.path.join(ROOT, "artifacts", "edit_neuron_off.png"))
    page.get_by_text("Switch this neuron off").click()
    page.wait_for_function("() => (window.__playgroundLive.frame.header.off || []).length === 0", timeout=30_000)


def test_the_keyboard_chooses_a_neuron_of_the_network_view_in_the_editor(browser_and_url):
    browser, url = browser_and_url
    page = open_app(browser, url, viewport={"width": 1280, "height": 900})
    page.wait_for_function(CHARTS_DRAWN_JS, timeout=60_000)
    page.locator(".st-key-chart_network canvas").focus()
    for key in ("ArrowRight", "ArrowDown", "ArrowLeft", "ArrowRight", "Enter"):   # layer 2's neuron 2
        page.keyboard.press(key)
    page.wait_for_function(f"() => {CHOSEN}.join() === 'layer 2,neuron 2,bias'", timeout=30_000)
    page.wait_for_selector(APP_READY, timeout=30_000)
    # On to the switch by keyboard alone: Tab reaches it, Space turns it on.
    switch = page.locator(".st-key-neuron_off input")
    switch.focus()
    page.keyboard.press("Space")
    page.wait_for_function("() => JSON.stringify(window.__playgroundLive.frame.header.off) === '[[2,2]]'",
                           timeout=30_000)
