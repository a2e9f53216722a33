"""Hostile names in Chromium: a CSV file whose name, header and class labels are markdown and HTML that
would fetch addresses or make links. The page shows them as text, and no request leaves it."""

from playwright.sync_api import expect

from playground.bench.browser import APP_READY, open_app
from playground.data.columns import short

EVIL = "evil.invalid"
NAME = f"![seen](http:{EVIL}) **bold** <b>x</b>.csv"
HEADER = f'<img src="http://{EVIL}/h.png">,x2,label'
LABELS = (f'<a href="http://{EVIL}/">click me</a>', f"![i](http://{EVIL}/i.png)")
# Links or images that point at the hostile address, in the page, in any frame or in any shadow root.
HOSTILE_ELEMENTS_JS = f"""() => [document, ...[...document.querySelectorAll("iframe")].map(f => f.contentDocument),
    ...[...document.querySelectorAll("*")].filter(e => e.shadowRoot).map(e => e.shadowRoot)]
  .filter(Boolean).flatMap(d => [...d.querySelectorAll("a[href*='{EVIL}'], img[src*='{EVIL}'], image[href*='{EVIL}']")])
  .length"""


def hostile_csv():
    rows = [HEADER]
    for i in range(40):
        rows.append(f'{(i % 7) - 3},{(i % 5) - 2},"{LABELS[i % 2].replace(chr(34), chr(34) * 2)}"')
    return "\n".join(rows).encode()


def test_hostile_names_are_shown_as_text_and_fetch_nothing(browser_and_url):
    browser, url = browser_and_url
    page = open_app(browser, f"{url}/?dataset=upload", viewport={"width": 1500, "height": 1100})
    outside = []
    page.context.on("request", lambda request: outside.append(request.url) if EVIL in request.url else None)
    page.locator("[data-testid='stSidebar'] [data-testid='stFileUploader'] input[type='file']").set_input_files(
        {"name": NAME, "mimeType": "text/csv", "buffer": hostile_csv()})
    page.wait_for_selector(APP_READY, timeout=60_000)
    legend = page.locator(".st-key-chart_boundary .legend")
    expect(legend).to_contain_text("click me", timeout=30_000)
    legend = legend.text_content()
    # The labels, character for character, as the data set names its classes (cut at 40 characters).
    assert short(LABELS[0]) in legend and short(LABELS[1]) in legend, legend
    page.wait_for_timeout(1000)
    assert page.evaluate(HOSTILE_ELEMENTS_JS) == 0
    assert outside == []
    assert page.locator("[data-testid='stException']").count() == 0
