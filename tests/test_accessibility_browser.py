"""axe-core (the axe-playwright-python wheel, which bundles it and runs offline) on the WCAG 2.0 and 2.1 A
and AA rules, in the page and in every frame in it, in the states of issue 32: English and Chinese, the
default page, playing and paused, a diverged run, blobs with five classes, an image set, presentation and
classroom mode, and each tool below the live part open. Every state must have no violation.

A few page loads each cover several states, on the module's one server, so the whole takes well under a
minute."""
import re

from axe_playwright_python.base import AXE_SCRIPT

from playground.browser import APP_READY, CHARTS_DRAWN_JS, button, open_app, pause, shown_epoch

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
VIEWPORT = {"width": 1400, "height": 1000}
# What axe may not report, because it comes from Streamlit itself and the page cannot change it: the rule,
# the element (a CSS selector that axe's target for the node must contain) and why. A rule or element
# given no reason is a failure (test_every_exclusion_says_why).
EXCLUDED = [
]


def test_every_exclusion_says_why():
    for exclusion in EXCLUDED:
        assert set(exclusion) == {"rule", "element", "reason"}, exclusion
        assert exclusion["rule"] and exclusion["element"], exclusion
        assert len(exclusion["reason"].split()) >= 6, f"say why {exclusion['rule']} is excluded on {exclusion['element']}"


def _excluded(rule, target):
    return any(e["rule"] == rule and e["element"] in " ".join(map(str, target)) for e in EXCLUDED)


def violations(page):
    """axe's violations in the page and in every frame in it, as readable lines (empty: none)."""
    found = []
    for frame in page.frames:
        frame.evaluate(AXE_SCRIPT)
        result = frame.evaluate("options => axe.run(document, options)",
                                {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"],
                                 "iframes": False})
        for violation in result["violations"]:
            for node in violation["nodes"]:
                if not _excluded(violation["id"], node["target"]):
                    found.append(f"{violation['id']} in {frame.url.split('?')[0]} at {node['target']}: "
                                 f"{node['failureSummary']} {node['html'][:300]}")
    return found


def check(page, state, report):
    """axe in `state`; its violations go to `report`, by state."""
    report[state] = violations(page)


def assert_none(report):
    bad = {state: found for state, found in report.items() if found}
    assert not bad, "\n".join(f"{state}: {len(found)} violation(s)\n  " + "\n  ".join(found)
                              for state, found in bad.items())


def opened(browser, url, query=""):
    page = open_app(browser, url + "/" + query, viewport=VIEWPORT)
    page.wait_for_function(CHARTS_DRAWN_JS, timeout=60_000)
    return page


def tool_labels(page):
    """The labels of the tool row's buttons."""
    return page.locator(".st-key-tool button").all_inner_texts()


def open_every_tool(page, name, report):
    for label in tool_labels(page):
        page.locator(".st-key-tool button").filter(has_text=re.compile(rf"^{re.escape(label)}$")).click()
        page.wait_for_timeout(300)
        page.wait_for_selector(APP_READY, timeout=60_000)
        check(page, f"{name}, tool {label!r} open", report)


def test_english_page_default_playing_paused_and_every_tool(browser_and_url):
    browser, url = browser_and_url
    page, report = opened(browser, url), {}
    check(page, "default", report)
    button(page, "Play").click()
    page.wait_for_timeout(1500)
    assert shown_epoch(page) > 0
    check(page, "playing", report)
    pause(page)
    check(page, "paused", report)
    open_every_tool(page, "paused", report)
    assert len(report) >= 3 + 8, list(report)
    page.context.close()
    assert_none(report)


def test_chinese_page_with_five_blobs_and_every_tool(browser_and_url):
    browser, url = browser_and_url
    page, report = opened(browser, url, "?lang=zh&dataset=blobs&classes=5"), {}
    assert page.evaluate("document.documentElement.lang") == "zh"
    check(page, "Chinese, blobs with five classes", report)
    open_every_tool(page, "Chinese", report)
    # The language chosen during the session: the page's lang follows.
    page.locator(".st-key-lang input[role='combobox']").click()
    page.get_by_role("option", name="English", exact=True).click()
    page.wait_for_function("() => document.documentElement.lang === 'en'", timeout=30_000)
    page.context.close()
    assert_none(report)


def test_a_diverged_run_in_english_and_chinese(browser_and_url):
    browser, url = browser_and_url
    report = {}
    for lang in ("en", "zh"):
        page = opened(browser, url, f"?lang={lang}&dataset=plane&output=linear&loss=mse&learning_rate=3"
                                    "&batch_size=250&speed=1")
        button(page, "运行" if lang == "zh" else "Play").click()
        page.locator(".st-key-roll_back").wait_for(timeout=30_000)
        page.wait_for_selector(APP_READY, timeout=30_000)
        check(page, f"diverged ({lang})", report)
        page.context.close()
    assert_none(report)


def test_an_image_set_presentation_and_classroom_mode(browser_and_url):
    browser, url = browser_and_url
    report = {}
    for query in ("?dataset=digits", "?lang=zh&dataset=digits", "?presentation=1", "?lang=zh&presentation=1",
                  "?classroom=all", "?lang=zh&classroom=all"):
        page = opened(browser, url, query)
        check(page, query, report)
        page.context.close()
    assert_none(report)
