"""The sidebar drawn from the settings' table, in Chromium with real clicks and keys: a choice made in a control
reaches the link; a link's value beyond what a control offers now is clamped to it, and the page says so."""
import re

from playwright.sync_api import expect

from playground.bench.browser import open_app, open_expander

SIDEBAR = "[data-testid='stSidebar']"


def test_a_choice_in_a_table_drawn_control_reaches_the_link(browser_and_url):
    browser, url = browser_and_url
    page = open_app(browser, url + "/?lang=en", viewport={"width": 1500, "height": 1100})
    open_expander(page, "More network and training options")
    box = page.locator(f"{SIDEBAR} .st-key-optimizer input[role='combobox']")
    box.click()
    box.press_sequentially("adam")
    page.get_by_role("option", name="adam", exact=True).click()
    expect(page).to_have_url(re.compile(r"optimizer=adam"), timeout=20_000)
    seed = page.locator(f"{SIDEBAR} .st-key-seed input")
    seed.fill("7")
    seed.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]seed=7(&|$)"), timeout=20_000)


def test_a_batch_larger_than_the_training_data_is_clamped_to_the_slider_s_end(browser_and_url):
    browser, url = browser_and_url
    page = open_app(browser, url + "/?lang=en&samples=100&batch_size=5000", viewport={"width": 1500, "height": 1100})
    expect(page.get_by_text("cannot use for batch_size")).to_be_visible(timeout=20_000)
    open_expander(page, "More network and training options")
    slider = page.locator(f"{SIDEBAR} .st-key-batch_size input[type='range']")
    expect(slider).to_have_value("50")  # half of 100 samples train
    expect(slider).to_have_attribute("max", "50")
    slider.focus()
    page.keyboard.press("Home")
    expect(slider).to_have_value("1", timeout=20_000)
    expect(page).to_have_url(re.compile(r"[?&]batch_size=1(&|$)"), timeout=20_000)
