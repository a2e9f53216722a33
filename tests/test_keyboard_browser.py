"""The page by keyboard, in Chromium, with real key presses: Space plays and pauses and S steps wherever the focus is,
unless the key is the focused control's own; a table of each live chart's numbers one key press away; a cross-hair
on the plane that arrow keys move, which says what the network predicts where it is, and with which Enter draws a
point, Delete erases one and Enter opens a training point in the step-through. Saves artifacts/keyboard.png.
"""
import os
import re

from PIL import Image
from playwright.sync_api import expect

from playground.bench.browser import APP_READY, CHARTS_DRAWN_JS, ROOT, button, open_app, pause, shown_epoch
from waits import epoch_when

VIEWPORT = {"width": 1400, "height": 1000}
STEP_INDEX = ".st-key-step_index input"


def opened(browser, url, query=""):
    page = open_app(browser, url + "/" + query, viewport=VIEWPORT)
    page.wait_for_function(CHARTS_DRAWN_JS, timeout=60_000)
    return page


def playing(page):
    """Whether the run button says Pause (the run plays), once the page's script has run."""
    page.wait_for_selector(APP_READY, timeout=30_000)
    return button(page, "Pause").count() == 1


def press_and_settle(page, key):
    """Presses `key` where the focus is, then waits for the page's script to have run (if the key started it)."""
    page.keyboard.press(key)
    page.wait_for_timeout(400)
    page.wait_for_selector(APP_READY, timeout=30_000)


def focused(page):
    """The focused element, looked for into the live view's shadow roots: [tag, type, role, accessible name]."""
    return page.evaluate("""() => { let e = document.activeElement;
      while (e && e.shadowRoot && e.shadowRoot.activeElement) e = e.shadowRoot.activeElement;
      return e && [e.tagName, e.getAttribute('type'), e.getAttribute('role'),
                   e.getAttribute('aria-label') || e.textContent.trim().slice(0, 40)]; }""")


def test_space_and_s_keep_working_wherever_the_focus_is_but_in_a_control_whose_key_it_is(browser_and_url):
    browser, url = browser_and_url
    page = opened(browser, url)
    # A slider that has been used by keyboard: Space plays and pauses, S steps.
    speed = page.locator(".st-key-speed input[type='range']")
    speed.focus()
    press_and_settle(page, "ArrowLeft")  # the slider's own key: a slower speed
    assert focused(page)[:2] == ["INPUT", "range"]
    press_and_settle(page, "Space")
    assert playing(page)
    epoch_when(page, lambda e: e >= 3)
    speed.focus()  # the page's run drew the button again; the focus is put back where a person left it
    press_and_settle(page, "Space")
    button(page, "Play").wait_for(timeout=30_000)
    held = epoch_when(page, lambda e: e > 0)
    page.wait_for_timeout(600)
    assert shown_epoch(page) == held
    speed.focus()
    press_and_settle(page, "s")
    epoch_when(page, lambda e: e == held + 1)

    # A select whose list is closed: S steps, and its choice stays.
    data_set = page.locator(".st-key-dataset input[role='combobox']")
    data_set.focus()
    press_and_settle(page, "s")
    epoch_when(page, lambda e: e == held + 2)
    assert data_set.input_value() == "circle" and data_set.get_attribute("aria-expanded") == "false"
    # Its list open, the keys are the list's: typing looks for a data set, nothing trains.
    data_set.focus()
    page.keyboard.press("ArrowDown")
    expect(data_set).to_have_attribute("aria-expanded", "true")
    page.keyboard.type("s")
    page.wait_for_timeout(800)
    assert shown_epoch(page) == held + 2 and not playing(page)
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")

    # A checkbox: Space ticks it (its own key), S steps.
    box = page.locator(".st-key-show_test input[type='checkbox']")
    box.focus()
    press_and_settle(page, "Space")
    expect(box).to_be_checked()
    assert not playing(page) and shown_epoch(page) == held + 2
    box.focus()
    press_and_settle(page, "s")
    epoch_when(page, lambda e: e == held + 3)

    # A number field: S and Space are typing there; nothing trains.
    width = page.locator(".st-key-width_1 input")
    width.focus()
    page.keyboard.press("s")
    page.keyboard.press("Space")
    page.wait_for_timeout(800)
    assert shown_epoch(page) == held + 3 and not playing(page)

    # A focused button: Space presses that button (here the loss chart's table), it does not play.
    table = page.get_by_role("button", name="Table of values: Loss")
    table.focus()
    press_and_settle(page, "Space")
    expect(table).to_have_attribute("aria-expanded", "true")
    assert not playing(page)
    # Space on Play itself plays, once.
    button(page, "Play").focus()
    press_and_settle(page, "Space")
    assert playing(page)
    pause(page)
    page.context.close()


# The rows of the table that the button named `name` shows, by its region (cells as text).
TABLES_JS = """(name) => { for (const host of document.querySelectorAll('*')) { if (!host.shadowRoot) continue;
  const box = [...host.shadowRoot.querySelectorAll('[role=region]')].find(b => b.getAttribute('aria-label') === name);
  if (box) return [...box.querySelectorAll('table')].map(t => ({caption: t.caption.textContent,
    rows: [...t.rows].map(r => [...r.cells].map(c => c.textContent))})); } return null; }"""


def tables(page, name):
    return page.evaluate(TABLES_JS, name)


def test_a_table_of_each_live_chart_is_one_key_press_away(browser_and_url):
    browser, url = browser_and_url
    page = opened(browser, url)
    button(page, "Play").click()
    epoch_when(page, lambda e: e >= 12)
    pause(page)
    # A step ends on an epoch's last batch: the predictions are of that epoch's weights, as its scores.
    epoch = shown_epoch(page) + 1
    button(page, "Step").click()
    epoch_when(page, lambda e: e == epoch)
    page.wait_for_selector(APP_READY)
    # Tab from the plane reaches its table's button; one key press opens the table.
    page.get_by_role("img", name="Decision boundary").focus()
    page.keyboard.press("Tab")
    assert focused(page) == ["BUTTON", "button", None, "Table of values: Decision boundary"]
    page.keyboard.press("Enter")
    for name in ("Network", "Loss", "Accuracy"):
        page.get_by_role("button", name=f"Table of values: {name}").focus()
        page.keyboard.press("Enter")
    for name in ("Decision boundary", "Network", "Loss", "Accuracy"):
        expect(page.get_by_role("region", name=f"Table of values: {name}")).to_be_visible()

    # The curves: the last epochs, the newest the one shown, its numbers the metrics'.
    page.wait_for_timeout(1200)  # a table follows the frames at most once a second
    [loss] = tables(page, "Table of values: Loss")
    assert loss["rows"][0] == ["epoch", "train", "test"] and len(loss["rows"]) == 11, loss
    epochs = [int(row[0]) for row in loss["rows"][1:]]
    assert epochs == list(range(epoch - 9, epoch + 1)), epochs
    metrics = page.locator(".st-key-metrics .metric .value").all_inner_texts()
    number = lambda text: float(text.replace("−", "-"))  # noqa: E731
    assert [abs(number(a) - number(b)) <= 1e-4 for a, b in zip(loss["rows"][-1][1:], metrics[1:3])] == [True, True]

    # The plane: every test point, its class and the network's prediction at the epoch shown; as many wrong as the
    # chart's sentence says.
    [points] = tables(page, "Table of values: Decision boundary")
    assert points["caption"] == f"Test points and what the network predicts for each, at epoch {epoch}", points["caption"]
    rows = points["rows"][1:]
    assert points["rows"][0] == ["Test point", "x1", "x2", "Class", "Predicted"] and len(rows) == 250
    assert {row[3] for row in rows} == {"0", "1"} and {row[4] for row in rows} <= {"0", "1"}
    wrong = sum(row[3] != row[4] for row in rows)
    sentence = page.get_by_role("img", name="Decision boundary").evaluate(
        "c => c.getRootNode().getElementById(c.getAttribute('aria-describedby')).textContent")
    assert f"; {wrong} of 250 test points misclassified." in sentence, (wrong, sentence)

    # The network: per layer, a row per neuron it comes from (and the biases), a column per neuron it goes to.
    layers = tables(page, "Table of values: Network")
    assert [t["caption"].split(" (")[0] for t in layers] == ["layer 1", "layer 2", "output"]
    assert [len(t["rows"]) for t in layers] == [4, 6, 4] and [len(t["rows"][0]) for t in layers] == [5, 3, 2]
    assert [row[0] for row in layers[0]["rows"]] == ["from ↓ to →", "x1", "x2", "bias"]
    assert all(re.fullmatch(r"−?-?\d+\.\d{3}", cell) for t in layers for row in t["rows"][1:] for cell in row[1:])
    page.context.close()


# The plane's canvas, its cross-hair's readout, and where the cross-hair is on the screen.
CROSS_JS = """() => { const host = [...document.querySelector('.st-key-chart_boundary').querySelectorAll('*')]
  .find(e => e.shadowRoot); const view = host.shadowRoot.querySelector('div.live').__live;
  const a = view.area(), rect = view.size.canvas.getBoundingClientRect(), [px, py] = view.toPixel(a, view.cross.x, view.cross.y);
  return {x: view.cross.x, y: view.cross.y, screen: [rect.x + px, rect.y + py], from: rect.x + a.left, to: rect.x + a.left + a.side,
          readout: host.shadowRoot.querySelector('[aria-live]').textContent,
          tip: view.tip.style.display === 'block' ? view.tip.textContent : null}; }"""


def test_the_plane_by_keyboard_cross_hair_look_draw_and_erase(browser_and_url):
    browser, url = browser_and_url
    page = opened(browser, url)
    plane = page.get_by_role("img", name="Decision boundary")
    plane.focus()
    # The arrow keys move the cross-hair a twentieth of the plane; its place and prediction are said and shown.
    start = page.evaluate(CROSS_JS)
    for key in ("ArrowRight", "ArrowRight", "ArrowUp"):
        page.keyboard.press(key)
    cross = page.evaluate(CROSS_JS)
    assert (round(cross["x"] - start["x"], 6), round(cross["y"] - start["y"], 6)) == (1.2, 0.6), (start, cross)
    assert re.fullmatch(r"Cross-hair at x1 1\.20, x2 0\.60; predicts [01] \(probability of 1: \d\.\d\d\); "
                        r"nearest training example: \d+", cross["readout"]), cross["readout"]
    assert cross["tip"] == cross["readout"]
    # The cross-hair is drawn where it is, darker than the plane there, and only while the plane has the focus.
    shot = os.path.join(ROOT, "artifacts", "keyboard.png")
    page.screenshot(path=shot)
    page.keyboard.press("Tab")  # to the plane's table button
    assert focused(page)[3] == "Table of values: Decision boundary"
    page.wait_for_timeout(300)
    left = os.path.join(ROOT, "artifacts", "keyboard_left.png")
    page.screenshot(path=left)
    y = round(cross["screen"][1])
    def line(path):  # along its horizontal line across the plane: the darkest pixel of each column
        image = Image.open(path).convert("L")
        return [min(image.getpixel((x, y + dy)) for dy in (-2, -1, 0, 1, 2))
                for x in range(round(cross["from"]) + 2, round(cross["to"]) - 2)]
    darker = [a < b - 40 for a, b in zip(line(shot), line(left))]
    assert sum(darker) > 0.4 * len(darker), (sum(darker), len(darker))  # the points it crosses are dark too

    # Look mode: Enter opens the training point nearest the cross-hair in the step-through.
    example = int(cross["readout"].rsplit(" ", 1)[1])
    plane.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("([s, i]) => { const e = document.querySelector(s); return !!e && Number(e.value) === i; }",
                           arg=[STEP_INDEX, example], timeout=30_000)
    page.wait_for_selector(APP_READY, timeout=30_000)

    # Draw mode: Enter adds a point of the chosen class at the cross-hair; erase mode: Delete removes the nearest.
    page.locator(".st-key-draw_mode button").filter(has_text=re.compile("^draw$")).click()
    page.wait_for_selector(APP_READY)
    caption = page.get_by_text(re.compile(r"^Your drawing: \d+ points"))
    expect(caption).to_be_visible(timeout=20_000)
    count = int(re.search(r"(\d+) points", caption.inner_text()).group(1))
    plane.focus()
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Enter")
    expect(caption).to_contain_text(f"Your drawing: {count + 1} points", timeout=20_000)
    page.wait_for_selector(APP_READY)
    page.locator(".st-key-draw_mode button").filter(has_text=re.compile("^erase$")).click()
    page.wait_for_selector(APP_READY)
    plane.focus()
    page.keyboard.press("Enter")  # not erase mode's key
    page.keyboard.press("Delete")
    expect(caption).to_contain_text(f"Your drawing: {count} points", timeout=20_000)
    page.wait_for_selector(APP_READY)
    page.context.close()


# The focused element's box on the screen, looked for into the live view's shadow roots.
FOCUSED_BOX_JS = """() => { let e = document.activeElement;
  while (e && e.shadowRoot && e.shadowRoot.activeElement) e = e.shadowRoot.activeElement;
  const r = e.getBoundingClientRect(); return {x: r.x, y: r.y, width: r.width, height: r.height}; }"""
BLUR_JS = """() => { let e = document.activeElement;
  while (e && e.shadowRoot && e.shadowRoot.activeElement) e = e.shadowRoot.activeElement;
  e.blur(); }"""


def test_tab_reaches_the_run_controls_and_the_live_charts_in_reading_order_each_with_a_visible_focus(browser_and_url):
    browser, url = browser_and_url
    page = opened(browser, url)
    button(page, "Play").focus()
    stops = [focused(page)[3]]
    while stops[-1] != "look" and len(stops) < 30:
        page.keyboard.press("Tab")
        stops.append(focused(page)[3])
    names = [re.sub(r"^(play_arrow)?(Play|Step)(Space|S)$", r"\2", name) for name in stops]
    assert names == ["Play", "Step", "Reset", "Speed", "Presentation", "Help for Presentation",
                     "Network", "Table of values: Network", "Help for The plane shows", "The plane shows", "Decision boundary",
                     "Table of values: Decision boundary", "Table of values: Loss", "Table of values: Accuracy",
                     "Show test data", "Discretize output",
                     "Help for Draw your data", "look"], names
    # Each shows that it has the focus: the screen around it changes when it loses it.
    for i, name in enumerate(names):
        button(page, "Play").focus()
        for _ in range(i):
            page.keyboard.press("Tab")
        assert focused(page)[3] == stops[i]
        box = page.evaluate(FOCUSED_BOX_JS)
        clip = {"x": max(0, box["x"] - 6), "y": max(0, box["y"] - 6), "width": box["width"] + 12,
                "height": box["height"] + 12}
        with_focus = page.screenshot(clip=clip)
        page.evaluate(BLUR_JS)
        page.wait_for_timeout(150)
        assert page.screenshot(clip=clip) != with_focus, f"{name}: no visible focus"
    page.context.close()


def test_the_numbers_of_a_chart_below_the_live_part_open_by_keyboard(browser_and_url):
    browser, url = browser_and_url
    page = opened(browser, url)
    button(page, "Step").click()
    page.wait_for_selector(APP_READY)
    table = page.locator(".st-key-chart_weights_table button").first
    table.focus()
    page.keyboard.press("Enter")
    grid = page.locator("[data-testid='stPopoverBody'] [data-testid='stDataFrame']")
    expect(grid).to_be_visible(timeout=10_000)
    assert "now" in grid.inner_text() or grid.locator("canvas").count()   # the rows, drawn by the data grid
    page.keyboard.press("Escape")
    expect(grid).to_be_hidden(timeout=10_000)
    page.context.close()
