"""The space view in Chromium: opened by its link, it follows the run frame by frame while it plays, holds the
paused epoch, shows a stepped one, and changes layer and opens its table from the keyboard."""
import os

from playwright.sync_api import expect

from playground.bench.browser import APP_READY, CHARTS_DRAWN_JS, ROOT, button, open_app, pause

ARTIFACTS = os.path.join(ROOT, "artifacts")
SPACE_JS = """() => { const box = document.querySelector('.st-key-chart_space');
  const host = box && [...box.querySelectorAll('*')].find(e => e.shadowRoot);
  const el = host && host.shadowRoot.querySelector('div.live');
  const canvas = el && el.querySelector('canvas');
  return el && el.hasAttribute('data-epoch') ? {epoch: Number(el.getAttribute('data-epoch')),
    picture: canvas.toDataURL(), alt: el.querySelector('p.alt').textContent} : null; }"""


def space_view(page):
    return page.evaluate(SPACE_JS)


def space_epoch_after(page, epoch, timeout=30_000):
    """Waits until the space view draws an epoch past `epoch`; returns what it shows."""
    page.wait_for_function(f"(n) => {{ const v = ({SPACE_JS})(); return v && v.epoch > n; }}", arg=epoch,
                           timeout=timeout)
    return space_view(page)


def test_the_view_follows_the_run_frame_by_frame_and_holds_what_pause_and_step_show(browser_and_url):
    browser, url = browser_and_url
    page = open_app(browser, url + "/?tool=space&dataset=xor", viewport={"width": 1280, "height": 900})
    page.wait_for_function(CHARTS_DRAWN_JS, timeout=60_000)
    page.wait_for_function(f"({SPACE_JS})() !== null", timeout=30_000)
    first = space_view(page)
    assert first["epoch"] == 0 and "in its two activations" in first["alt"]
    button(page, "Play").click()
    seen = [space_epoch_after(page, 0)]
    for _ in range(3):
        seen.append(space_epoch_after(page, seen[-1]["epoch"]))
    assert len({view["picture"] for view in seen}) == len(seen), "the view did not change between frames"
    page.locator(".st-key-chart_space").scroll_into_view_if_needed()
    page.screenshot(path=os.path.join(ARTIFACTS, "space_playing.png"))
    pause(page)
    stopped = int(page.locator(".st-key-replay_epoch input").input_value())
    page.wait_for_function(f"(n) => ({SPACE_JS})().epoch === n", arg=stopped, timeout=10_000)
    held = space_view(page)
    page.wait_for_timeout(800)
    assert space_view(page) == held  # paused: the picture stands
    button(page, "Step").click()
    page.wait_for_function(f"(n) => ({SPACE_JS})().epoch === n", arg=stopped + 1, timeout=30_000)
    assert "The output's boundary is the line" in space_view(page)["alt"]
    page.context.close()


def test_the_layer_is_chosen_and_the_table_opened_from_the_keyboard(browser_and_url):
    browser, url = browser_and_url
    page = open_app(browser, url + "/?tool=space&layers=2&width_1=5&width_2=2",
                    viewport={"width": 1280, "height": 900})
    page.wait_for_function(CHARTS_DRAWN_JS, timeout=60_000)
    page.wait_for_function(f"({SPACE_JS})() !== null", timeout=30_000)
    page.wait_for_selector(APP_READY)
    # By keyboard: the selector takes the focus, typing filters its options, Enter chooses.
    chooser = page.locator(".st-key-space_layer input[role='combobox']")
    chooser.focus()
    chooser.press_sequentially("layer 1")
    expect(page.get_by_role("option", name="layer 1: 5 neurons, tanh")).to_be_visible()
    page.keyboard.press("Enter")
    page.wait_for_selector(APP_READY)
    page.wait_for_function(f"() => ({SPACE_JS})().alt.includes('principal components')", timeout=30_000)
    assert "Layer 1 at epoch 0" in space_view(page)["alt"]
    table = page.locator(".st-key-chart_space .table-button")
    table.focus()
    page.keyboard.press("Enter")
    expect(table).to_have_attribute("aria-expanded", "true")
    box = page.locator(".st-key-chart_space .table-box")
    expect(box.locator("caption")).to_have_text("Each training point where the layer puts it, at epoch 0")
    expect(box.locator("th[scope='col']").nth(1)).to_contain_text("component 1")
    assert box.locator("tbody tr").count() == 250
    page.locator(".st-key-chart_space").screenshot(path=os.path.join(ARTIFACTS, "space_components.png"))
    page.context.close()
