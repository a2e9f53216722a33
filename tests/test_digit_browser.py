"""The drawing pad in Chromium: the tutorial's network, trained on digits, names a "1" and a "0" drawn with real mouse
moves, and a "1" drawn with a finger (touch events); axe finds nothing to fault; the keyboard draws too (arrow keys
move the cursor, Space held down paints) without pressing Play, in the dark theme; the pad keeps its drawing when the
tool is closed and opened again.

Saves a screenshot to artifacts/draw_digit.png for a person to look at.
"""
import os
import re

from playground.bench.browser import APP_READY, CHARTS_DRAWN_JS, ROOT, button, open_app, open_expander
from test_accessibility_browser import violations

ARTIFACTS = os.path.join(ROOT, "artifacts")
PAD = ".st-key-draw_digit canvas"
EMPTY = "appears here as you draw"
# The share of the pad's canvas that is dark: ink.
INKED_JS = """() => { const host = [...document.querySelector(".st-key-draw_digit").querySelectorAll("*")].find(e => e.shadowRoot);
  const c = host.shadowRoot.querySelector("canvas"), d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
  let dark = 0; for (let i = 0; i < d.length; i += 4) dark += d[i] < 128; return dark / (d.length / 4); }"""


def trained_pad(browser, url, theme="light"):
    """The page with the tutorial's network trained 10 epochs on digits (its preset), and the drawing pad open."""
    page = open_app(browser, f"{url}/?dataset=digits&tool=digit", viewport={"width": 1400, "height": 1000},
                    color_scheme=theme)
    page.wait_for_function(CHARTS_DRAWN_JS, timeout=60_000)  # the page as a person sees it before pressing
    page.wait_for_selector(APP_READY)   # the sidebar drawn after the first frame: no run under way to take the press
    open_expander(page, "Lessons and examples")
    page.wait_for_selector(APP_READY)
    page.locator(".st-key-preset_source button").first.click()
    page.locator(".st-key-preset_panel [data-testid='stMetric']").filter(has_text="Test accuracy").first.wait_for(
        timeout=90_000)
    page.wait_for_selector(APP_READY)
    page.locator(PAD).scroll_into_view_if_needed()
    page.get_by_text(EMPTY).wait_for()
    return page


def stroke(page, points, steps=6):
    """Draws one stroke with the mouse through `points`, given as shares (x, y) of the pad's side."""
    box = page.locator(PAD).bounding_box()
    at = [(box["x"] + x * box["width"], box["y"] + y * box["height"]) for x, y in points]
    page.mouse.move(*at[0])
    page.mouse.down()
    for x, y in at[1:]:
        page.mouse.move(x, y, steps=steps)
    page.mouse.up()


def touch_stroke(page, points):
    """Draws one stroke with a finger (Chromium's touch events, through the DevTools protocol) through `points`."""
    box, cdp = page.locator(PAD).bounding_box(), page.context.new_cdp_session(page)
    at = [{"x": box["x"] + x * box["width"], "y": box["y"] + y * box["height"]} for x, y in points]
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [at[0]]})
    for point in at[1:]:
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def reads(page, digit):
    """Waits until the page names `digit` for the drawing, once the page has run to its end."""
    page.get_by_text(re.compile(rf"^The network reads a {digit} \(probability \d+%\)\.$")).wait_for(timeout=20_000)
    page.wait_for_selector(APP_READY)
    return page.get_by_text(re.compile(r"^The network reads a \d")).inner_text()


def clear(page):
    page.locator(".st-key-draw_digit_clear button").first.click()
    page.get_by_text(EMPTY).wait_for()


def test_the_trained_tutorial_network_names_a_one_and_a_zero_drawn_with_the_mouse_and_a_one_by_touch(browser_and_url):
    page = trained_pad(*browser_and_url)
    box = page.locator(PAD).bounding_box()
    assert box["width"] == box["height"] and box["width"] >= 200  # square, and large enough for a finger
    stroke(page, [(0.5, 0.12), (0.5, 0.88)], steps=12)
    assert reads(page, 1).startswith("The network reads a 1")
    page.locator(".st-key-draw_digit").screenshot(path=os.path.join(ARTIFACTS, "draw_digit_one.png"))
    clear(page)
    ring = [(0.5 + 0.25 * x, 0.5 + 0.36 * y) for x, y in
            [(0, -1), (-0.7, -0.7), (-1, 0), (-0.7, 0.7), (0, 1), (0.7, 0.7), (1, 0), (0.7, -0.7), (0, -1)]]
    stroke(page, ring)
    assert reads(page, 0).startswith("The network reads a 0")
    page.screenshot(path=os.path.join(ARTIFACTS, "draw_digit.png"))
    assert page.locator("[data-testid='stException']").count() == 0
    assert violations(page) == []  # axe-core, WCAG 2.0/2.1 A and AA, the pad and its reading on the page
    clear(page)
    touch_stroke(page, [(0.48, 0.1 + 0.08 * i) for i in range(11)])
    assert reads(page, 1).startswith("The network reads a 1")  # drawn with a finger


def test_the_keyboard_moves_a_cursor_and_space_held_down_paints_without_pressing_play(browser_and_url):
    page = trained_pad(*browser_and_url, theme="dark")
    pad = page.locator(PAD)
    assert pad.get_attribute("aria-label") == "Drawing pad: draw a digit"
    pad.focus()
    page.keyboard.press("ArrowRight")  # to column 9 of 16, row 4: the top of a "1"
    page.get_by_role("status").filter(has_text="Cursor at column 9, row 4 of 16").wait_for()
    page.keyboard.down(" ")
    for _ in range(10):
        page.keyboard.press("ArrowDown")
    page.keyboard.up(" ")
    assert reads(page, 1).startswith("The network reads a 1")
    assert button(page, "Play").count() == 1 and button(page, "Pause").count() == 0  # Space painted: no Play
    for tool in ("Compare runs", "Draw a digit"):  # the tool closed and opened again: the pad keeps the drawing
        page.locator(".st-key-tool button").filter(has_text=re.compile(rf"^{tool}$")).click()
        page.wait_for_selector(APP_READY)
    page.locator(PAD).wait_for()
    assert page.evaluate(INKED_JS) > 0.02 and reads(page, 1).startswith("The network reads a 1")
    page.locator(".st-key-draw_digit").screenshot(path=os.path.join(ARTIFACTS, "draw_digit_dark.png"))
    assert violations(page) == []  # in the dark theme too
    assert page.locator("[data-testid='stException']").count() == 0
