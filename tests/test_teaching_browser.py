"""The newer teaching tools in Chromium, pressed as a person presses them: draw a data set by clicking on
the plane, scrub the replay slider, run the learning-rate finder, solve a built-in challenge, and run a
2 × 2 sweep. Saves artifacts/draw.png, replay.png, finder.png, challenge.png and sweep.png for a person
to look at.
"""
import os
import re

from playwright.sync_api import expect

from playground.bench.browser import APP_READY, PLANE_JS, ROOT, button, metric, open_app, pause
from waits import metric_when as wait_for_metric

ARTIFACTS = os.path.join(ROOT, "artifacts")
VIEWPORT = {"width": 1500, "height": 1100}


def key_button(page, key):
    """The button of widget `key` (Streamlit keeps a hidden copy of a button beside it: the visible one)."""
    return page.locator(f".st-key-{key}").get_by_role("button")


def choose_tool(page, name):
    page.locator(".st-key-tool button").filter(has_text=name).click()
    page.wait_for_selector(APP_READY)


def test_draw_ten_points_of_each_class_and_the_run_learns_them(browser_and_url):
    browser, url = browser_and_url
    page = open_app(browser, url, viewport=VIEWPORT)
    page.locator(".st-key-draw_mode button").filter(has_text=re.compile("^draw$")).click()
    page.wait_for_selector(APP_READY)
    key_button(page, "draw_clear").click()
    caption = page.get_by_text(re.compile(r"^Your drawing: \d+ points"))
    expect(caption).to_contain_text("Your drawing: 0 points", timeout=20_000)

    drawn = 0
    for k, side in enumerate((0.2, 0.8)):  # class 0 on the left, class 1 on the right
        page.locator(".st-key-draw_class button").nth(k).click()
        page.wait_for_selector(APP_READY)
        for i in range(10):
            plane = page.evaluate(PLANE_JS)  # where it is now
            x = plane["x"] + plane["width"] * (side + 0.1 * ((i % 2) - 0.5))
            y = plane["y"] + plane["height"] * (0.1 + 0.08 * i)
            page.mouse.click(x, y)
            drawn += 1
            expect(caption).to_contain_text(f"Your drawing: {drawn} points", timeout=20_000)
            page.wait_for_selector(APP_READY)  # the page has taken the point in: as a person sees it drawn
    page.wait_for_selector(APP_READY)
    assert "drawn=" in page.url and metric(page, "Epoch") == 0
    before = metric(page, "Training accuracy")

    button(page, "Play").click()
    wait_for_metric(page, "Epoch", lambda e: e >= 30)
    pause(page)
    after = metric(page, "Training accuracy")
    page.screenshot(path=os.path.join(ARTIFACTS, "draw.png"), full_page=True)
    assert after >= 0.9 and after > before, (before, after)
    page.context.close()


# The points the plane shows now: (training points, test points, whether test points are drawn).
PLANE_POINTS_JS = """() => { const v = [...window.__playgroundLive.views].find(v => v.kind === "boundary");
  return [v.data.train.x.length, v.data.test.x.length, v.data.show_test]; }"""


def test_after_clear_the_plane_is_empty_and_quick_clicks_each_draw_a_point_moving_nothing(browser_and_url):
    browser, url = browser_and_url
    page = open_app(browser, url, viewport=VIEWPORT)
    page.locator(".st-key-draw_mode button").filter(has_text=re.compile("^draw$")).click()
    key_button(page, "draw_clear").click()
    caption = page.get_by_text(re.compile(r"^Your drawing: \d+ points"))
    expect(caption).to_contain_text("Your drawing: 0 points", timeout=20_000)
    page.wait_for_selector(APP_READY)
    assert page.evaluate(PLANE_POINTS_JS)[:2] == [0, 0]  # at once, not after 4 new points
    plane = page.evaluate(PLANE_JS)
    for i in range(10):  # a click every 0.25 s, not waiting for the page
        page.mouse.click(plane["x"] + plane["width"] * (0.1 + 0.08 * i), plane["y"] + plane["height"] * 0.5)
        page.wait_for_timeout(250)
        assert page.evaluate(PLANE_JS)["y"] == plane["y"], f"the plane moved at point {i + 1}"
    expect(caption).to_contain_text("Your drawing: 10 points", timeout=20_000)
    page.wait_for_selector(APP_READY)
    assert page.evaluate(PLANE_POINTS_JS) == [8, 2, True]  # the 4th and 8th are test points, shown
    assert page.evaluate(PLANE_JS)["y"] == plane["y"]
    page.context.close()


def test_scrub_the_replay_back_to_epoch_0_and_continue_from_there(browser_and_url):
    browser, url = browser_and_url
    page = open_app(browser, url, viewport=VIEWPORT)
    button(page, "Play").click()
    wait_for_metric(page, "Epoch", lambda e: e >= 30)
    pause(page)
    now = metric(page, "Epoch")
    slider = page.locator(".st-key-replay_epoch input")
    assert int(slider.input_value()) == now
    slider.press("Home", timeout=15_000)
    wait_for_metric(page, "Epoch", lambda e: e == 0)
    page.wait_for_selector(APP_READY)
    page.screenshot(path=os.path.join(ARTIFACTS, "replay.png"), full_page=True)

    key_button(page, "replay_continue").click()
    page.wait_for_selector(APP_READY)
    expect(page.locator(".st-key-replay_epoch")).to_have_count(0, timeout=20_000)
    assert metric(page, "Epoch") == 0
    button(page, "Play").click()
    wait_for_metric(page, "Epoch", lambda e: e >= 5)
    pause(page)
    page.context.close()


def test_the_finder_suggests_a_rate_and_use_this_sets_it_without_training_the_run(browser_and_url):
    browser, url = browser_and_url
    page = open_app(browser, url, viewport=VIEWPORT)
    choose_tool(page, "Find a learning rate")
    key_button(page, "lr_finder").click()
    use = key_button(page, "lr_finder_use")
    use.wait_for(timeout=30_000)
    expect(page.locator(".st-key-chart_lr_finder [data-testid='stPlotlyChart']")).to_have_count(1)
    rate = re.search(r"Use this: ([0-9.e+-]+)", use.inner_text()).group(1)
    assert metric(page, "Epoch") == 0
    page.screenshot(path=os.path.join(ARTIFACTS, "finder.png"), full_page=True)
    use.click()
    page.wait_for_selector(APP_READY)
    page.wait_for_url(re.compile(rf"learning_rate={re.escape(rate)}(&|$)"), timeout=20_000)
    assert metric(page, "Epoch") == 0
    page.context.close()


def test_a_built_in_challenge_is_solved_by_its_solution(browser_and_url):
    browser, url = browser_and_url
    # XOR without a hidden layer: the feature x1·x2 separates it with a straight line.
    page = open_app(browser, f"{url}/?challenge=xor&dataset=xor&layers=0&features=x1*x2", viewport=VIEWPORT)
    banner = page.locator(".st-key-challenge_banner")
    expect(banner).to_contain_text("XOR without a hidden layer")
    button(page, "Play").click()
    # The live view asks the page to run again when the goal is reached: the banner says so while it plays.
    expect(banner).to_contain_text("Solved at epoch", timeout=30_000)
    expect(button(page, "Pause")).to_be_visible()
    pause(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "challenge.png"), full_page=True)
    assert "does not count" not in banner.inner_text()
    page.context.close()


def pick(page, key, *options):
    """Chooses `options` (the first of each, by its text) in the select box or multiselect of widget `key`."""
    box = page.locator(f".st-key-{key} input[role='combobox']")
    tags = page.locator(f".st-key-{key} [data-tag]")
    box.wait_for()  # the widget is drawn (a press just before may still be running)
    several = page.locator(f".st-key-{key} [data-testid='stMultiSelect']").count() > 0
    chosen = tags.count()
    for option in options:
        box.click()
        box.press_sequentially(option)
        page.get_by_role("option", name=option, exact=True).first.click()
        # As a person does: the choice is seen on the page before the next one is made.
        if several:
            chosen += 1
            expect(tags).to_have_count(chosen)
            expect(tags.nth(chosen - 1)).to_contain_text(option)
        page.wait_for_selector(APP_READY)
    box.press("Escape", timeout=15_000)
    if several:
        expect(tags).to_have_count(chosen)


def test_a_two_by_two_sweep_shows_four_thumbnails_and_the_heatmap(browser_and_url):
    browser, url = browser_and_url
    page = open_app(browser, url, viewport=VIEWPORT)
    choose_tool(page, "Sweep")
    pick(page, "sweep_values_1", "0.01", "0.3")
    pick(page, "sweep_second", "hidden layers")
    pick(page, "sweep_values_2", "1", "2")
    epochs = page.locator(".st-key-sweep_epochs input")
    epochs.fill("20")
    epochs.press("Enter")
    page.wait_for_selector(APP_READY)
    expect(key_button(page, "sweep_start")).to_have_text("Train 4 runs")
    key_button(page, "sweep_start").click()
    expect(page.get_by_text("4 of 4 runs finished")).to_be_visible(timeout=60_000)
    page.wait_for_selector(APP_READY)
    expect(page.locator("[data-testid='stImage']")).to_have_count(4, timeout=20_000)
    heatmap = page.locator(".st-key-chart_sweep .heatmaplayer .hm")
    expect(heatmap).to_have_count(1, timeout=20_000)
    page.screenshot(path=os.path.join(ARTIFACTS, "sweep.png"), full_page=True)
    page.context.close()
