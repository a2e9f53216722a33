"""A reload keeps the work: the page reloaded, or opened again soon in the same browser, finds its run where it
was; a shared link, opened in another browser, opens the settings and never that run (playground/ui/keep.py)."""
import pytest

from playground.bench.browser import APP_READY, button, open_app, pause, shown_epoch
from playground.ui.keep import COOKIE
from waits import epoch_when

pytestmark = pytest.mark.browser


def settle(page):
    page.wait_for_selector(".st-key-lang", state="attached", timeout=60_000)
    page.wait_for_selector(APP_READY, timeout=60_000)


def test_a_reload_or_the_page_opened_again_finds_the_run_and_a_shared_link_does_not(browser_and_url):
    browser, url = browser_and_url
    page = open_app(browser, url + "?dataset=xor&learning_rate=0.3")
    button(page, "Play").click()
    epoch_when(page, lambda n: n >= 30)
    pause(page)
    epoch = shown_epoch(page)
    link = page.url

    page.reload()
    settle(page)
    assert shown_epoch(page) == epoch   # where it was, paused
    assert "learning_rate=0.3" in page.url and "dataset=xor" in page.url
    button(page, "Play").click()        # and it goes on from there
    epoch_when(page, lambda n: n > epoch)
    pause(page)
    epoch = shown_epoch(page)

    token = next(c for c in page.context.cookies() if c["name"] == COOKIE)
    assert token["httpOnly"] and token["value"] not in page.url

    other = open_app(browser, link)     # the link, in another browser: the settings, a run of its own
    assert shown_epoch(other) == 0
    assert "learning_rate=0.3" in other.url and "dataset=xor" in other.url
    other.context.close()

    context = page.context
    page.close()                        # the tab closed, and the page opened again in the same browser
    again = context.new_page()
    again.goto(url)
    settle(again)
    assert shown_epoch(again) == epoch
    assert "learning_rate=0.3" in again.url
    context.close()
