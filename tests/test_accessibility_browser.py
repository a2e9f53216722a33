"""axe-core (the axe-playwright-python wheel, which bundles it and runs offline) on the WCAG 2.0 and 2.1 A
and AA rules, in the page and in every frame in it, in the states of issue 32: English and Chinese, the
default page, playing and paused, a diverged run, blobs with five classes, an image set, presentation and
classroom mode, each tool below the live part open, the live charts' tables open, and the dark theme. Every state
must have no violation.

A few page loads each cover several states, on the module's one server. The same pages check the live
charts' names and text alternatives, the live region's sentences, and the page's `lang`."""
import os
import re

from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import expect

from playground.bench.browser import APP_READY, CHARTS_DRAWN_JS, ROOT, button, open_app, pause, shown_epoch
from playground.ui.page import TOOLS

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
VIEWPORT = {"width": 1400, "height": 1000}
# What axe may not report, because it comes from Streamlit itself and the page cannot change it: the rule,
# the element (a CSS selector that axe's target for the node must contain) and why, e.g.
#   {"rule": "color-contrast", "element": "[data-testid=\"stX\"]", "reason": "Streamlit draws ... and ..."}.
# None is needed today. An exclusion without its rule, element or reason is a failure.
EXCLUDED = []


def unexplained(exclusions):
    """The exclusions that do not name their rule and element, or give no reason (a sentence of 6 words or more)."""
    return [e for e in exclusions if set(e) != {"rule", "element", "reason"} or not e["rule"] or not e["element"]
            or len(str(e["reason"]).split()) < 6]


def test_every_exclusion_says_why():
    assert unexplained(EXCLUDED) == []
    assert unexplained([{"rule": "color-contrast", "element": "[data-testid='stSlider']", "reason": ""},
                        {"rule": "image-alt", "element": "img"}]) != []


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


# Every accessible name and placeholder written on the page and in the live view's shadow roots, Streamlit's own too.
NAMES_JS = """() => { const out = []; const walk = (root) => { for (const e of root.querySelectorAll('*')) {
  for (const a of ['aria-label', 'placeholder']) if (e.getAttribute(a)) out.push(e.getAttribute(a));
  if (e.shadowRoot) walk(e.shadowRoot); } }; walk(document); return out; }"""
# Latin words a Chinese page may name: the language picker's own name, key names, features and function names.
LATIN = {"Language", "Space", "S", "x1", "x2", "tanh", "sigmoid", "relu", "softmax"}


def english_names(page):
    """The accessible names and placeholders with a word in Latin letters that is not in LATIN."""
    return sorted({name for name in page.evaluate(NAMES_JS)
                   if set(re.findall(r"[A-Za-z][A-Za-z0-9]*", name)) - LATIN})


# Each live chart's canvas: [its accessible name, the sentence it is described by].
CHARTS_JS = """() => [...document.querySelectorAll('*')].filter(e => e.shadowRoot).flatMap(host =>
  [...host.shadowRoot.querySelectorAll('canvas')].map(c => [c.getAttribute('role'), c.getAttribute('aria-label'),
    (host.shadowRoot.getElementById(c.getAttribute('aria-describedby')) || {}).textContent]))"""


def charts(page):
    """{accessible name: text alternative} of the live charts, each of which must be an image with both."""
    found = page.evaluate(CHARTS_JS)
    assert found and all(role == "img" and name and text for role, name, text in found), found
    return {name: text for _role, name, text in found}


def said(page):
    """What the live region said so far: [(text, time in ms)]."""
    return [(s["text"], s["time"]) for s in page.evaluate("window.__playgroundSaid || []")]


def wait_said(page, text, timeout=10_000):
    page.wait_for_function("t => (window.__playgroundSaid || []).some(s => s.text === t)", arg=text, timeout=timeout)


def tool_labels(page):
    """The labels of the tool row's buttons."""
    return page.locator(".st-key-tool button").all_inner_texts()


def open_every_tool(page, name, report):
    labels = tool_labels(page)
    assert len(labels) == len(TOOLS) - 1, labels   # every tool, the class view's too; the drawing pad is the image sets'
    for label in labels:
        page.locator(".st-key-tool button").filter(has_text=re.compile(rf"^{re.escape(label)}$")).click()
        page.wait_for_timeout(300)
        page.wait_for_selector(APP_READY, timeout=60_000)
        check(page, f"{name}, tool {label!r} open", report)


def test_english_page_default_playing_paused_stepped_and_every_tool(browser_and_url):
    browser, url = browser_and_url
    page, report = opened(browser, url), {}
    assert page.evaluate("document.documentElement.lang") == "en"
    check(page, "default", report)
    alts = charts(page)
    assert set(alts) == {"Network", "Decision boundary", "Loss", "Accuracy"}, alts
    assert re.fullmatch(r"Decision boundary at epoch 0: test accuracy 0\.\d{3}; \d+ of 250 test points misclassified\.",
                        alts["Decision boundary"]), alts
    assert re.fullmatch(r"Network 2 → 4 → 2 → 1, tanh; largest weight −?\d\.\d, from (x[12]|neuron \d of layer \d) to "
                        r"(neuron \d of layer \d|the output)\.", alts["Network"]), alts
    assert alts["Loss"] == "Loss: no epoch trained yet.", alts

    button(page, "Play").click()
    wait_said(page, "Playing")
    page.wait_for_timeout(1500)
    check(page, "playing", report)
    alts = charts(page)
    assert re.fullmatch(r"Loss at epoch \d+: training \d\.\d{3}, test \d\.\d{3}, (falling|rising|steady)\.", alts["Loss"])

    pause(page)
    epoch = shown_epoch(page)
    assert epoch > 0
    wait_said(page, f"Paused at epoch {epoch}")
    check(page, "paused", report)
    alts = charts(page)
    assert alts["Decision boundary"].startswith(f"Decision boundary at epoch {epoch}: "), alts
    assert alts["Accuracy"].startswith(f"Accuracy at epoch {epoch}: training "), alts

    button(page, "Step").click()
    wait_said(page, f"Stepped to epoch {epoch + 1}")
    spoken = said(page)
    assert [text for text, _t in spoken] == ["Playing", f"Paused at epoch {epoch}", f"Stepped to epoch {epoch + 1}"]
    # Never more than once every 2 s (the pause came within 2 s of Play, and waited its turn).
    assert all(b - a >= 1990 for (_x, a), (_y, b) in zip(spoken, spoken[1:])), spoken
    assert page.get_by_role("status").inner_text() == f"Stepped to epoch {epoch + 1}"

    open_every_tool(page, "paused", report)
    page.context.close()
    assert_none(report)


def test_chinese_page_with_five_blobs_then_digits_then_english_chosen(browser_and_url):
    browser, url = browser_and_url
    page, report = opened(browser, url, "?lang=zh&dataset=blobs&classes=5"), {}
    assert page.evaluate("document.documentElement.lang") == "zh"
    check(page, "Chinese, blobs with five classes", report)
    # Streamlit's own names too ("Help for …", "Shortcut Space", "Clear all", …): none left in English.
    assert english_names(page) == []
    assert "数据集的帮助" in page.evaluate(NAMES_JS) and "快捷键 Space" in page.evaluate(NAMES_JS)
    alts = charts(page)
    assert set(alts) == {"网络", "决策边界", "损失", "准确率"}, alts
    assert re.fullmatch(r"第 0 轮的决策边界：测试准确率 0\.\d{3}；250 个测试点中有 \d+ 个分错。", alts["决策边界"]), alts
    assert alts["网络"].startswith("网络 2 → 4 → 2 → 5，激活函数 tanh；最大的权重是 "), alts
    # Each chart's table and the plane's cross-hair, in Chinese too.
    for name in alts:
        page.get_by_role("button", name=f"数值表格：{name}").press("Enter")
        expect(page.get_by_role("region", name=f"数值表格：{name}")).to_be_visible()
    page.get_by_role("img", name="决策边界").focus()
    page.keyboard.press("ArrowRight")
    readout = page.get_by_role("img", name="决策边界").evaluate(
        "c => c.getRootNode().querySelector('[aria-live]').textContent")
    assert re.fullmatch(r"十字准线位于 x1 -?\d+\.\d\d、x2 -?\d+\.\d\d；预测为 \S+（概率约 \d\.\d\d）；最近的训练样本：\d+", readout), readout
    page.wait_for_timeout(1200)
    check(page, "Chinese, blobs with five classes, the tables open, the cross-hair shown", report)
    # An image set, chosen on the page: its live charts are the curves (the network and the confusion matrix are
    # plotly charts there).
    box = page.locator(".st-key-dataset input[role='combobox']")
    box.click()
    box.press_sequentially("digits")
    page.get_by_role("option", name="digits", exact=True).first.click()
    page.wait_for_function("() => !document.querySelector('.st-key-live_boundary')", timeout=30_000)
    page.wait_for_selector(APP_READY, timeout=30_000)
    page.wait_for_function(CHARTS_DRAWN_JS, timeout=60_000)
    check(page, "Chinese, digits", report)
    assert set(charts(page)) == {"损失", "准确率"}, charts(page)
    # The language chosen during the session: the page's lang and the charts' words follow.
    page.locator(".st-key-lang input[role='combobox']").click()
    page.get_by_role("option", name="English", exact=True).click()
    page.wait_for_function("() => document.documentElement.lang === 'en'", timeout=30_000)
    page.wait_for_selector(APP_READY, timeout=30_000)
    check(page, "English, digits", report)
    assert "Help for Data set" in page.evaluate(NAMES_JS) and "数据集的帮助" not in page.evaluate(NAMES_JS)
    assert set(charts(page)) == {"Loss", "Accuracy"}, charts(page)
    # axe sees into the live view's shadow roots: a chart without its name is a violation.
    page.evaluate("""() => { for (const host of document.querySelectorAll('*')) if (host.shadowRoot)
      for (const canvas of host.shadowRoot.querySelectorAll('canvas')) canvas.removeAttribute('aria-label'); }""")
    assert any(found.startswith("role-img-alt ") for found in violations(page))
    page.context.close()
    assert_none(report)


DIVERGES = "dataset=plane&output=linear&loss=mse&learning_rate=3&batch_size=250&speed=1"  # the lesson "Learning rate 3"
SOLVES = "challenge=xor&dataset=xor&layers=0&features=x1*x2"  # the challenge "xor" and its solution


def test_presentation_mode_until_the_challenge_is_solved(browser_and_url):
    browser, url = browser_and_url
    page, report = opened(browser, url, f"?presentation=1&{SOLVES}"), {}
    check(page, "presentation, a challenge", report)
    assert charts(page)["Network"].startswith("Network 1 → 1, sigmoid; largest weight ")
    button(page, "Play").click()
    wait_said(page, "Playing")
    page.wait_for_function("() => (window.__playgroundSaid || []).some(s => /^Challenge solved at epoch \\d+$/.test(s.text))",
                           timeout=30_000)
    page.wait_for_selector(APP_READY, timeout=30_000)
    check(page, "presentation, the challenge solved", report)
    page.context.close()
    assert_none(report)


def test_classroom_mode_in_chinese_until_the_run_diverges(browser_and_url):
    browser, url = browser_and_url
    page, report = opened(browser, url, f"?lang=zh&classroom=all&{DIVERGES}"), {}
    check(page, "classroom, Chinese", report)
    button(page, "运行").click()
    page.locator(".st-key-roll_back").wait_for(timeout=30_000)
    page.wait_for_selector(APP_READY, timeout=30_000)
    wait_said(page, "训练已停止：损失不再是有限的数")
    epoch = shown_epoch(page)
    assert charts(page)["平面上的输出"].startswith(f"第 {epoch} 轮平面上的输出"), charts(page)
    check(page, "classroom, Chinese, diverged", report)
    page.context.close()
    assert_none(report)


# The page's colours as a person sees them: its background's luminance, the metrics' label colour (in the live view's
# shadow root), and the theme live.js read.
THEME_JS = """() => { const lum = (c) => { const v = c.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number).map(x => x / 255)
    .map(x => x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4); return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  const host = [...document.querySelector('.st-key-metrics').querySelectorAll('*')].find(e => e.shadowRoot);
  const label = host.shadowRoot.querySelector('.metric .label');
  return {page: lum(getComputedStyle(document.querySelector('[data-testid=stApp]')).backgroundColor),
          label: lum(getComputedStyle(label).color), theme: document.documentElement.getAttribute('data-playground-theme')}; }"""


def test_the_dark_theme_default_playing_paused_and_every_table_open(browser_and_url):
    browser, url = browser_and_url
    # A browser that prefers a dark page gets Streamlit's dark theme, and the live view draws for it.
    page, report = open_app(browser, url + "/", viewport=VIEWPORT, color_scheme="dark"), {}
    page.wait_for_function(CHARTS_DRAWN_JS, timeout=60_000)
    seen = page.evaluate(THEME_JS)
    assert seen["theme"] == "dark" and seen["page"] < 0.02 and seen["label"] > 0.5, seen
    # A slider's thumb, in the primary colour made for white text on it, is ringed in a light blue on the dark page.
    ring = page.locator(".st-key-speed input[type='range']").evaluate(
        "e => getComputedStyle(e.parentElement.parentElement).boxShadow")
    assert "rgb(138, 180, 248)" in ring, ring
    check(page, "dark, default", report)
    for name in ("Network", "Decision boundary", "Loss", "Accuracy"):
        page.get_by_role("button", name=f"Table of values: {name}").press("Enter")
    button(page, "Play").click()
    wait_said(page, "Playing")
    page.wait_for_timeout(1500)
    check(page, "dark, playing, the tables open", report)
    pause(page)
    page.get_by_role("img", name="Decision boundary").focus()
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(1200)
    page.screenshot(path=os.path.join(ROOT, "artifacts", "dark.png"), full_page=True)
    check(page, "dark, paused, the tables open, the cross-hair shown", report)
    page.context.close()
    # The same page in a light browser is light.
    page = open_app(browser, url + "/", viewport=VIEWPORT, color_scheme="light")
    page.wait_for_function(CHARTS_DRAWN_JS, timeout=60_000)
    seen = page.evaluate(THEME_JS)
    assert seen["theme"] == "light" and seen["page"] > 0.9 and seen["label"] < 0.1, seen
    # The browser's preference changes while the page is open (a projector's dark room): the page and its charts follow.
    page.emulate_media(color_scheme="dark")
    page.wait_for_function("() => document.documentElement.getAttribute('data-playground-theme') === 'dark'",
                           timeout=10_000)
    seen = page.evaluate(THEME_JS)
    assert seen["page"] < 0.02 and seen["label"] > 0.5, seen
    check(page, "dark, after the light page", report)
    page.context.close()
    assert_none(report)
