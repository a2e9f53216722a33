"""The playground in Chromium, as a person uses it: load, Play, watch, Pause; and TensorFlow, which a
Keras run loads in a worker process, never in the server's (the page's) own.

Saves a screenshot to artifacts/playground.png for a person to look at.
"""
import os
import time

import psutil
import pytest

from playground.bench.browser import (CHARTS_DRAWN_JS, PARTS_DRAWN_JS, ROOT, button, open_app, pause,
                                shown_epoch as epoch)
from waits import epoch_when as wait_for_epoch

ARTIFACTS = os.path.join(ROOT, "artifacts")
PARTS = ["chart_boundary", "chart_loss", "chart_score", "chart_network"]


def test_play_trains_live_and_pause_holds(browser_and_url):
    browser, url = browser_and_url
    page = open_app(browser, url, viewport={"width": 1500, "height": 1100})
    page.wait_for_function(CHARTS_DRAWN_JS, timeout=60_000)
    assert epoch(page) == 0
    assert "learning_rate=0.03" in page.url

    button(page, "Play").click()
    samples = []
    for _ in range(30):
        time.sleep(0.1)
        samples.append(page.evaluate(PARTS_DRAWN_JS, PARTS))
    playing = wait_for_epoch(page, lambda e: e > 10)
    assert playing > 10
    assert all(sample == PARTS for sample in samples), "a chart left the screen while training"
    assert page.locator(".st-key-chart_weights .main-svg").count() >= 1

    pause(page)
    time.sleep(1)
    paused = epoch(page)
    time.sleep(1.5)
    assert epoch(page) == paused >= playing
    assert page.locator("[data-testid='stException']").count() == 0
    page.screenshot(path=os.path.join(ARTIFACTS, "playground.png"), full_page=True)


def test_a_tampered_link_warns_and_the_page_still_works(browser_and_url):
    browser, url = browser_and_url
    page = open_app(browser, url + "/?width_1=10000&learning_rate=-1&activation=%3Cscript%3E")
    warning = page.locator("[data-testid='stAlert']").first.inner_text()
    assert "width_1" in warning and "learning_rate" in warning and "activation" in warning
    button(page, "Step").click()
    assert wait_for_epoch(page, lambda e: e > 0) == 1
    assert page.locator("[data-testid='stException']").count() == 0


def tensorflow_loaded(pid):
    """Whether TensorFlow's library is mapped into the memory of process `pid` (/proc/PID/maps), as its
    import leaves it."""
    with open(f"/proc/{pid}/maps") as maps:
        return any("/libtensorflow" in line for line in maps)


@pytest.mark.slow  # TensorFlow loads (in a worker of the shared server)
def test_tensorflow_loads_in_a_worker_never_in_the_page_process(browser, shared_server):
    server, url = shared_server
    page = open_app(browser, url + "/?engine=keras", timeout=180_000)  # its first run waits for TensorFlow to load
    button(page, "Step").click()
    assert wait_for_epoch(page, lambda e: e > 0, timeout=180) == 1
    assert page.locator("[data-testid='stException']").count() == 0
    workers = [w for w in psutil.Process(server.pid).children() if "playground.trainer.worker" in " ".join(w.cmdline())]
    assert any(tensorflow_loaded(w.pid) for w in workers)  # where the Keras run trains: the check sees it
    assert not tensorflow_loaded(server.pid)


@pytest.mark.slow  # TensorFlow loads (in a worker of the shared server)
def test_both_engines_of_a_keras_run_come_from_a_process_of_their_own_while_the_run_plays(browser, shared_server):
    server, url = shared_server
    page = open_app(browser, url + "/?engine=keras&tool=proofs", viewport={"width": 1500, "height": 1100},
                    timeout=180_000)
    button(page, "Play").click()
    playing = wait_for_epoch(page, lambda e: e > 0, timeout=180)
    page.get_by_role("button", name="Run both engines from these weights").click()
    page.wait_for_function("document.body.innerText.includes('float32 rounding')", timeout=300_000)
    assert wait_for_epoch(page, lambda e: e > playing, timeout=60) > playing  # it trained on meanwhile
    workers = [w for w in psutil.Process(server.pid).children() if "playground.trainer.worker" in " ".join(w.cmdline())]
    assert any(tensorflow_loaded(w.pid) for w in workers)
    assert page.locator("[data-testid='stException']").count() == 0
    page.get_by_text("float32 rounding").scroll_into_view_if_needed()
    page.screenshot(path=os.path.join(ARTIFACTS, "both-engines-keras.png"))
