"""The live view in Chromium: frames painted while the run plays, slow motion, the first picture's bytes,
the picture Pause holds, and a dropped channel that comes back. (The speed figures are the bench's:
python -m playground.bench --browser.)"""
import os

from playwright.sync_api import expect

from playground.bench.page import LIVE_JS, WATCH_JS, Screencast, _changes_after, _click, first_boundary
from playground.bench.browser import APP_READY, CHARTS_DRAWN_JS, EPOCH, ROOT, button, open_app, pause, shown_epoch

ARTIFACTS = os.path.join(ROOT, "artifacts")
VIEWPORT = {"width": 1280, "height": 720}
BOUNDARY_IMAGE_JS = """() => {
  const host = [...document.querySelector(".st-key-chart_boundary").querySelectorAll("*")].find(e => e.shadowRoot);
  return host.shadowRoot.querySelector("canvas").toDataURL(); }"""


def opened(browser, url, query=""):
    page = open_app(browser, url + query, viewport=VIEWPORT)
    page.wait_for_function(CHARTS_DRAWN_JS, timeout=60_000)
    return page


def test_the_boundary_is_painted_again_and_again_while_the_run_plays_and_never_blank(browser_and_url):
    browser, url = browser_and_url
    page = opened(browser, url)
    cast = Screencast(page, ".st-key-chart_boundary canvas")
    button(page, "Play").click()
    page.wait_for_timeout(500)
    cast.start()
    page.wait_for_timeout(3000)
    cast.stop()
    pause(page)
    assert cast.distinct() >= 10, "the boundary did not move frame by frame"
    from PIL import Image
    import base64
    import io
    for _t, data in cast.frames:
        region = Image.open(io.BytesIO(base64.b64decode(data))).convert("L").crop(
            (int(cast.box["x"]) + 40, int(cast.box["y"]) + 30, int(cast.box["x"] + cast.box["width"]) - 10,
             int(cast.box["y"] + cast.box["height"]) - 30))
        low, high = region.getextrema()
        assert high - low > 40, "a frame showed the boundary blank"
    page.context.close()


def test_slow_motion_draws_every_epoch(browser_and_url):
    browser, url = browser_and_url
    page = opened(browser, url, "/?speed=0.25")
    page.evaluate(WATCH_JS)
    t = _click(page, "Play")
    page.wait_for_function(f"({LIVE_JS})() >= 12", timeout=30_000)
    pause(page)
    shown = [epoch for _when, epoch in _changes_after(page, t)]
    steps = [b - a for a, b in zip(shown, shown[1:])]
    assert len(shown) >= 10 and max(steps) <= 2, shown  # at most 2 epochs a picture; here, 1
    page.context.close()


# What the page holds when live.js marks its first boundary (performance.mark, wrapped before the page loads).
AT_FIRST_BOUNDARY_JS = """() => {
  const mark = performance.mark.bind(performance);
  performance.mark = (name, ...rest) => {
    if (name === "playground-first-boundary") window.__atFirstBoundary = {
      sidebar: !!document.querySelector(".st-key-dataset"), tools: !!document.querySelector(".st-key-tool"),
      preloaded: [...document.querySelectorAll("link[rel=modulepreload]")].map(l => l.href)};
    return mark(name, ...rest);
  };
}"""


def test_on_a_first_visit_the_boundary_is_drawn_before_the_sidebar_which_then_follows(browser_and_url):
    browser, url = browser_and_url
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(f"({AT_FIRST_BOUNDARY_JS})()")
    page = context.new_page()
    page.goto(url + "/?layers=3")
    page.wait_for_function("window.__atFirstBoundary", timeout=60_000)
    seen = page.evaluate("window.__atFirstBoundary")
    assert not seen["sidebar"] and not seen["tools"], seen
    # The scripts of the first picture's elements, and live.js, are named in the page itself.
    assert any("BidiComponent" in href for href in seen["preloaded"]), seen["preloaded"]
    assert any(href.endswith("/_playground/live.js") for href in seen["preloaded"]), seen["preloaded"]
    expect(page.locator(".st-key-dataset")).to_be_visible(timeout=20_000)
    expect(page.locator(".st-key-tool")).to_be_visible()
    page.wait_for_selector(APP_READY)
    expect(page.locator(".st-key-layers input[type='range']")).to_have_attribute("aria-valuetext", "3")
    context.close()


def test_the_first_boundary_comes_before_3_mb_and_plotly_loads_once_at_most(browser_and_url):
    browser, url = browser_and_url
    open_app(browser, url).context.close()  # a warm server
    _seconds, megabytes = first_boundary(browser, url)
    assert megabytes <= 3.0, megabytes
    page = browser.new_context(viewport=VIEWPORT).new_page()
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(url)
    page.wait_for_selector(APP_READY)
    page.locator(".st-key-chart_weights .main-svg").first.wait_for(timeout=60_000)
    assert sum("PlotlyChart" in u for u in requested) == 1 and not any("plotly.min.js" in u for u in requested)
    assert page.locator("iframe").count() == 0  # no chart in a frame of its own
    page.context.close()


def test_pause_holds_the_picture_of_the_epoch_it_stopped_at(browser_and_url):
    browser, url = browser_and_url
    page = opened(browser, url)
    button(page, "Play").click()
    page.wait_for_function(f"({LIVE_JS})() >= 5", timeout=30_000)
    pause(page)
    held = page.locator(".st-key-replay_epoch input")
    stopped = int(held.input_value())  # the replay slider's end: the epoch the run stopped at
    expect(page.locator(EPOCH)).to_have_attribute("data-live-epoch", str(stopped))
    picture = page.evaluate(BOUNDARY_IMAGE_JS)
    page.wait_for_timeout(1000)
    assert page.evaluate(BOUNDARY_IMAGE_JS) == picture and shown_epoch(page) == stopped
    page.screenshot(path=os.path.join(ARTIFACTS, "paused.png"))
    page.context.close()


def test_a_dropped_channel_comes_back_and_the_curves_are_whole(browser_and_url):
    browser, url = browser_and_url
    page = opened(browser, url, "/?speed=1")
    button(page, "Play").click()
    page.wait_for_function(f"({LIVE_JS})() >= 5", timeout=30_000)
    page.evaluate("window.__playgroundLive.socket.close()")  # as a network that drops it
    at = page.evaluate(LIVE_JS)
    page.wait_for_function(f"({LIVE_JS})() >= {at + 10}", timeout=30_000)
    pause(page)
    epochs = page.evaluate("window.__playgroundLive.history.epoch")
    assert epochs == list(range(len(epochs))) and epochs[-1] == shown_epoch(page)  # no epoch missing
    assert page.locator("[data-testid='stException']").count() == 0
    page.context.close()


# Elements of the page (not the live view's shadow roots) that animate: a transition or an animation of some length.
MOVING_JS = """() => [...document.querySelectorAll('*')].filter(e => { const s = getComputedStyle(e);
  return s.transitionDuration.split(',').some(d => parseFloat(d) > 0)
    || (s.animationName !== 'none' && s.animationDuration.split(',').some(d => parseFloat(d) > 0)); }).length"""
# Frames drawn and the newest frame's epoch.
DRAWN_JS = "() => [window.__playgroundLive.frames, window.__playgroundLive.frame.header.epoch]"


def test_with_reduced_motion_at_most_2_frames_a_second_no_transitions_and_training_at_its_speed(browser_and_url):
    browser, url = browser_and_url
    page = opened(browser, url)
    assert page.evaluate(MOVING_JS) > 0  # without the preference, Streamlit's controls have transitions
    page.context.close()

    page = open_app(browser, url + "/?speed=1", viewport=VIEWPORT, reduced_motion="reduce")
    page.wait_for_function(CHARTS_DRAWN_JS, timeout=60_000)
    assert page.evaluate(MOVING_JS) == 0
    button(page, "Play").click()
    page.wait_for_function("() => window.__playgroundLive.frame.header.mode === 'playing'", timeout=30_000)
    page.wait_for_timeout(1000)
    (frames, epoch), start = page.evaluate(DRAWN_JS), page.evaluate("performance.now()")
    page.wait_for_timeout(4000)
    (frames_after, epoch_after), seconds = page.evaluate(DRAWN_JS), (page.evaluate("performance.now()") - start) / 1000
    pause(page)
    drawn = frames_after - frames
    assert 1 <= drawn <= 2 * seconds + 1, (drawn, seconds)
    # The run trains at its speed meanwhile (a frame an epoch here): more epochs than frames drawn.
    assert epoch_after - epoch > 2 * drawn, (epoch, epoch_after, drawn)
    assert page.evaluate(MOVING_JS) == 0
    page.context.close()
