"""The first Keras run on a fresh server, in Chromium: choosing Keras leaves the page usable while TensorFlow
loads (no script run holds it for seconds), the page says it loads, and Play pressed meanwhile plays the run."""
import time

import pytest

from playground.bench.browser import APP_READY, button, open_app, shown_epoch, start_streamlit

LOADING = "Loading TensorFlow (first time only, a few seconds)"
# Records how long each script run lasts (ms): the page is greyed and deaf while one runs.
WATCH_RUNS_JS = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  window.__scriptRuns = []; let since = null;
  new MutationObserver(() => {
    const running = app.getAttribute("data-test-script-state") !== "notRunning";
    if (running && since === null) since = performance.now();
    if (!running && since !== null) { window.__scriptRuns.push(performance.now() - since); since = null; }
  }).observe(app, {attributes: true, attributeFilter: ["data-test-script-state"]});
}"""


@pytest.mark.slow  # TensorFlow loads
def test_choosing_keras_first_says_tensorflow_loads_and_a_play_press_meanwhile_plays(browser):
    with start_streamlit("app.py") as (_, url):  # a server of its own: no worker has loaded TensorFlow
        choose_keras_and_play(browser, url)


def choose_keras_and_play(browser, url):
    page = open_app(browser, url, viewport={"width": 1400, "height": 1000})
    engine = page.locator(".st-key-engine")
    assert engine.is_visible()  # on the sidebar's first screen, no expander to open
    page.evaluate(WATCH_RUNS_JS)
    chosen = time.monotonic()
    engine.get_by_text("Keras").click()
    notice = page.get_by_text(LOADING)
    notice.wait_for(timeout=5_000)
    said_after = time.monotonic() - chosen
    page.wait_for_selector(APP_READY, timeout=5_000)
    assert notice.is_visible()  # still loading: the press below is made while it loads
    assert page.locator("[data-testid='stProgress']").count() == 1
    button(page, "Play").click()
    notice.wait_for(state="detached", timeout=120_000)
    loaded_after = time.monotonic() - chosen
    button(page, "Pause").wait_for(timeout=30_000)  # the press was carried out: the Keras run plays
    deadline = time.monotonic() + 60
    while shown_epoch(page) < 3 and time.monotonic() < deadline:
        time.sleep(0.25)
    assert shown_epoch(page) >= 3
    longest = max(page.evaluate("() => window.__scriptRuns"), default=0) / 1000
    print(f"notice after {said_after:.1f} s, run built after {loaded_after:.1f} s, longest script run {longest:.2f} s")
    assert longest < 2.5, f"a script run held the page for {longest:.1f} s"
