"""One neuron on the plane, in Chromium: hovering over a neuron of the network view shows its output on the plane,
a click keeps it, Esc goes back to the network's output, the selector `focus_neuron` chooses one by keyboard, and
while the run plays the neuron's picture plays too.

Saves screenshots to artifacts/ (focus_hover.png, focus_playing.png) for a person to look at.
"""
import os
import re

from playwright.sync_api import expect

from playground.bench.browser import CHARTS_DRAWN_JS, ROOT, button, open_app, pause
from test_accessibility_browser import violations

ARTIFACTS = os.path.join(ROOT, "artifacts")
# Where the network view draws a neuron (column from the inputs, neuron from 0), on the screen.
NEURON_JS = """([c, j]) => {
  const host = [...document.querySelector(".st-key-chart_network").querySelectorAll("*")].find(e => e.shadowRoot);
  const view = host.shadowRoot.querySelector("div.live").__live, rect = view.size.canvas.getBoundingClientRect();
  const node = view.nodesAt.nodes[c][j], tile = view.nodesAt.tile;
  return [rect.x + node.x + tile / 2, rect.y + node.y + tile / 2];
}"""
# While the run plays: the focused neuron's pictures the frames brought, and those the plane drew, until each has
# `n` different ones.
PLAYING_PICTURES_JS = """(n) => {
  const c = window.__playgroundLive, frame = c && c.frame;
  const host = [...document.querySelector(".st-key-chart_boundary").querySelectorAll("*")].find(e => e.shadowRoot);
  const plane = host.shadowRoot.querySelector("div.live");
  if (!frame || frame.header.mode !== "playing" || !frame.arrays.focus || !plane.getAttribute("data-focus")) return false;
  window.__focusFrames = window.__focusFrames || new Set();
  window.__focusDrawn = window.__focusDrawn || new Set();
  window.__focusFrames.add(frame.arrays.focus.join(","));
  window.__focusDrawn.add(plane.querySelector("canvas").toDataURL());
  return window.__focusFrames.size >= n && window.__focusDrawn.size >= n;
}"""
NAME = "layer 2, neuron 2: tanh"


def test_hover_shows_a_neuron_a_click_keeps_it_it_plays_and_esc_or_the_output_goes_back(browser_and_url):
    browser, url = browser_and_url
    page = open_app(browser, url, viewport={"width": 1500, "height": 1100})
    page.wait_for_function(CHARTS_DRAWN_JS, timeout=60_000)
    legend, plane = page.locator(".st-key-chart_boundary .legend"), page.locator(".st-key-chart_boundary div.live")
    chooser = page.locator(".st-key-focus_neuron input")
    expect(legend).not_to_contain_text("neuron")

    page.mouse.move(*page.evaluate(NEURON_JS, [2, 1]))  # the second neuron of the second hidden layer
    expect(legend).to_contain_text(NAME)
    expect(plane).to_have_attribute("data-focus", NAME)
    page.locator(".st-key-chart_boundary").screenshot(path=os.path.join(ARTIFACTS, "focus_hover.png"))
    page.mouse.move(5, 5)  # off the network: the plane shows the output again
    expect(legend).not_to_contain_text(NAME)
    expect(plane).not_to_have_attribute("data-focus", NAME)

    page.mouse.click(*page.evaluate(NEURON_JS, [2, 1]))
    page.mouse.move(5, 5)
    expect(chooser).to_have_value(NAME)  # the selector follows the click
    expect(legend).to_contain_text(NAME)  # and the neuron stays when the pointer goes

    button(page, "Play").click()
    page.wait_for_function(PLAYING_PICTURES_JS, arg=5, timeout=30_000)
    page.locator(".st-key-live_row").screenshot(path=os.path.join(ARTIFACTS, "focus_playing.png"))
    pause(page)
    expect(legend).to_contain_text(NAME)
    held = page.evaluate("window.__playgroundLive.frame.header.epoch")
    button(page, "Step").click()  # a stepped run's frame shows it too
    page.wait_for_function(f"() => {{ const f = window.__playgroundLive.frame; "
                           f"return f.header.mode === 'paused' && f.header.epoch === {held + 1} && !!f.arrays.focus; }}")
    expect(legend).to_contain_text(NAME)

    page.keyboard.press("Escape")
    expect(legend).not_to_contain_text(NAME)
    expect(chooser).to_have_value("The network's output")
    page.mouse.click(*page.evaluate(NEURON_JS, [1, 3]))
    expect(chooser).to_have_value("layer 1, neuron 4: tanh")
    page.mouse.click(*page.evaluate(NEURON_JS, [3, 0]))  # the output neuron: back to the network's output
    expect(chooser).to_have_value("The network's output")
    expect(legend).not_to_contain_text("neuron")
    assert page.locator("[data-testid='stException']").count() == 0
    page.context.close()


def test_the_selector_chooses_a_neuron_by_keyboard_and_its_picture_has_a_text_alternative_and_no_axe_violation(browser_and_url):
    browser, url = browser_and_url
    page = open_app(browser, url, viewport={"width": 1500, "height": 1100})
    page.wait_for_function(CHARTS_DRAWN_JS, timeout=60_000)
    box = page.locator(".st-key-focus_neuron input")
    box.focus()
    page.keyboard.type("layer 1, neuron 3")
    page.keyboard.press("Enter")
    legend = page.locator(".st-key-chart_boundary .legend")
    expect(legend).to_contain_text("layer 1, neuron 3: tanh")
    expect(page.locator(".st-key-chart_boundary canvas")).to_have_accessible_description(re.compile(
        r"^Output of layer 1, neuron 3: tanh over the plane at epoch 0: from −?0\.\d\d to −?0\.\d\d, on a colour scale "
        r"from −1\.00 to 1\.00\.$"))
    page.get_by_role("button", name="Table of values: Decision boundary").click()
    expect(page.locator(".st-key-chart_boundary caption").first).to_contain_text(
        "Output of layer 1, neuron 3: tanh over the plane at epoch 0")
    assert not violations(page)  # axe-core: WCAG 2.0/2.1 A and AA, the neuron on the plane and its table open
    page.keyboard.press("Escape")  # the focus on the table's button, in the plane's part
    expect(legend).not_to_contain_text("neuron 3")
    assert page.locator("[data-testid='stException']").count() == 0
    page.context.close()
