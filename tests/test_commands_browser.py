"""A run's commands from the page in Chromium, pressed as a person presses them: Step (a command by which the
worker drives the run), then the replay's slider moved with the keyboard (`replay_at`) and "Continue from here"
(`continue_from`, which rewrites the run's history), each served by the worker from the table of commands. Saves
artifacts/commands.png for a person to look at.
"""
import os

from playwright.sync_api import expect

from playground.bench.browser import APP_READY, ROOT, button, metric, open_app
from waits import metric_when as wait_for_metric

ARTIFACTS = os.path.join(ROOT, "artifacts")


def test_step_then_the_replay_and_continue_from_here_take_the_run_back_and_it_steps_on(browser_and_url):
    browser, url = browser_and_url
    page = open_app(browser, url, viewport={"width": 1500, "height": 1100})
    start = metric(page, "Epoch")
    for n in range(1, 4):
        button(page, "Step").click()
        wait_for_metric(page, "Epoch", lambda e, n=n: e == start + n)
        page.wait_for_selector(APP_READY)
    slider = page.locator(".st-key-replay_epoch input")
    assert int(slider.input_value()) == start + 3
    for _ in range(2):
        slider.press("ArrowLeft", timeout=15_000)   # two epochs back: the page shows that epoch, kept in the replay
    wait_for_metric(page, "Epoch", lambda e: e == start + 1)
    page.wait_for_selector(APP_READY)
    page.locator(".st-key-replay_continue").get_by_role("button").click()
    page.wait_for_selector(APP_READY)
    expect(page.locator(".st-key-replay_continue")).to_have_count(0, timeout=20_000)
    assert metric(page, "Epoch") == start + 1
    button(page, "Step").click()
    wait_for_metric(page, "Epoch", lambda e: e == start + 2)   # trained on from there, not from epoch 3
    page.wait_for_selector(APP_READY)
    page.screenshot(path=os.path.join(ARTIFACTS, "commands.png"))
    page.context.close()
