"""The teaching tools in Chromium: pin a run, download files while playing, upload weights, a lesson,
and classroom mode. Saves screenshots to artifacts/ (tools, lesson, compare, classroom .png)."""
import os
import re
import time
import zipfile

import numpy as np
from playwright.sync_api import expect

from playground.bench.browser import (APP_READY, CHARTS_DRAWN_JS, EPOCH, ROOT, button, open_app, open_expander, pause,
                                      shown_epoch as epoch)
from waits import epoch_when

ARTIFACTS = os.path.join(ROOT, "artifacts")
# The names of the pinned runs the live view's curves draw beside the run.
PINNED_JS = """() => [...window.__playgroundLive.views].flatMap(v => (v.data.pinned || []).map(p => p.label))"""


def settle(page):
    page.wait_for_selector(APP_READY)
    time.sleep(0.5)


def download(page, label):
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name=label).click()
    return info.value


def npz(path, **arrays):
    np.savez(path, **arrays)
    return str(path)


def choose_tool(page, name):
    page.locator(".st-key-tool button").filter(has_text=name).click()
    page.wait_for_selector(APP_READY)


def alerts(page):
    return page.locator("[data-testid='stAlert']").all_inner_texts()


def test_pin_download_upload_and_a_lesson(browser_and_url, tmp_path):
    browser, url = browser_and_url
    page = open_app(browser, url, viewport={"width": 1500, "height": 1100}, accept_downloads=True)
    for _ in range(3):
        button(page, "Step").click()
        settle(page)
    page.get_by_role("button", name="Pin this run").click()
    settle(page)
    page.wait_for_function(f"({PINNED_JS})().includes('#1')", timeout=20_000)

    button(page, "Play").click()
    time.sleep(2)
    choose_tool(page, "Take it away")
    weights = download(page, "Weights (.npz)")
    with np.load(weights.path(), allow_pickle=False) as archive:
        assert archive.files == ["W1", "b1", "W2", "b2", "W3", "b3", "input_mean", "input_std"]
        assert archive["W1"].shape == (2, 4)
    assert weights.suggested_filename == "circle-weights.npz"
    history = open(download(page, "History (.csv)").path()).read().splitlines()
    assert history[0] == "epoch,train_loss,test_loss,train_score,test_score" and len(history) > 2
    pause(page)
    settle(page)

    with zipfile.ZipFile(download(page, "Keras model (.keras)").path()) as model:
        assert "config.json" in model.namelist()

    uploader = page.locator("[data-testid='stFileUploader'] input[type='file']").last
    uploader.set_input_files(npz(tmp_path / "wrong.npz", W1=np.ones((3, 4)), b1=np.zeros(4), W2=np.ones((4, 2)),
                                 b2=np.zeros(2), W3=np.ones((2, 1)), b3=np.zeros(1)))
    page.wait_for_function("document.body.innerText.includes('was not loaded')", timeout=20_000)
    assert any("Layer 1" in text and "unchanged" in text for text in alerts(page))
    uploader.set_input_files(npz(tmp_path / "zeros.npz", W1=np.zeros((2, 4)), b1=np.zeros(4), W2=np.zeros((4, 2)),
                                 b2=np.zeros(2), W3=np.zeros((2, 1)), b3=np.zeros(1)))
    page.wait_for_function("document.body.innerText.includes('are in the network now')", timeout=20_000)
    assert page.locator("[data-testid='stException']").count() == 0
    page.screenshot(path=os.path.join(ARTIFACTS, "tools.png"), full_page=True)

    open_expander(page, "Lessons and examples")
    page.get_by_role("button", name="Learning rate 3").click()
    page.wait_for_url(re.compile("dataset=plane"))
    settle(page)
    assert "learning_rate=3" in page.url
    assert epoch_when(page, lambda e: e == 0, timeout=10) == 0
    button(page, "Play").click()
    page.wait_for_function("document.body.innerText.includes('smaller learning rate')", timeout=30_000)
    assert page.locator("[data-testid='stSidebar']").get_by_text("What happens when each step").count() == 1
    assert page.locator("[data-testid='stException']").count() == 0
    page.wait_for_function(CHARTS_DRAWN_JS, timeout=20_000)
    page.screenshot(path=os.path.join(ARTIFACTS, "lesson.png"))
    choose_tool(page, "Compare runs")
    page.get_by_text("The settings that differ").scroll_into_view_if_needed()
    page.screenshot(path=os.path.join(ARTIFACTS, "compare.png"))


def test_classroom_mode_hides_the_named_controls(browser_and_url):
    browser, url = browser_and_url
    page = open_app(browser, url + "/?classroom=optimizer,learning_rate,lessons&learning_rate=0.1",
                    viewport={"width": 1500, "height": 1100})
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.get_by_text("More network and training options").click()
    sidebar.get_by_text("Seed").wait_for()  # the sidebar's last control: the rest is drawn
    assert sidebar.get_by_text("Hidden layers").count() == 1
    assert sidebar.get_by_text("Optimizer").count() == 0
    assert sidebar.get_by_text("Learning rate", exact=True).count() == 0  # no control: its value, read-only
    assert sidebar.get_by_text("Learning rate 0.1 (set for this class)", exact=True).count() == 1
    assert sidebar.get_by_text("Lessons").count() == 0
    button(page, "Step").click()
    # A busy machine may take longer than the page waits for the epoch (0.5 s): it is shown when done.
    expect(page.locator(EPOCH)).to_have_attribute("data-live-epoch", "1", timeout=30_000)
    settle(page)
    assert epoch(page) == 1 and "learning_rate=0.1" in page.url and "classroom=" in page.url
    page.screenshot(path=os.path.join(ARTIFACTS, "classroom.png"), full_page=True)
