"""Charts as Chromium draws them: no two tick labels of the loss chart meet, however small the loss gets or
however far it climbs, in the plotly figure and in the live view's own drawing."""
import json
import os

import numpy as np
import plotly
from plotly.utils import PlotlyJSONEncoder

from playground import plots
from playground.bench.browser import CHARTS_DRAWN_JS, open_app

PLOTLY_JS = os.path.join(os.path.dirname(plotly.__file__), "package_data", "plotly.min.js")
# Every tick label's box on the y axis, as drawn.
TICK_BOXES_JS = """() => [...document.querySelectorAll(".ytick text")].filter(t => t.textContent)
  .map(t => { const r = t.getBoundingClientRect(); return {text: t.textContent, x0: r.left, y0: r.top, x1: r.right,
              y1: r.bottom}; })"""


def overlapping(boxes):
    return [(a["text"], b["text"]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
            if a["x0"] < b["x1"] and b["x0"] < a["x1"] and a["y0"] < b["y1"] and b["y0"] < a["y1"]]


def losses(start, end, n=1000):
    """A loss history of n epochs falling (or climbing) from `start` to `end`, evenly on a log scale."""
    e = np.arange(n)
    train = np.geomspace(start, end, n)
    return {"epoch": e, "train_loss": train, "test_loss": train * 1.5, "train_score": e / n, "test_score": e / n}


def drawn(browser, figure, width):
    page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    page.set_content(f"<div id='chart' style='width:{width}px'></div>")
    page.add_script_tag(path=PLOTLY_JS)
    page.evaluate("figure => Plotly.newPlot('chart', figure.data, figure.layout)",
                  json.loads(json.dumps(figure, cls=PlotlyJSONEncoder)))
    return page


def test_the_loss_charts_log_axis_keeps_its_tick_labels_apart(browser):
    # A long run on the circle (the loss down to 1e-4), one a little shorter (two decades), and a divergence.
    for start, end in ((0.7, 1e-4), (0.7, 5e-4), (0.7, 1e35)):
        figure = plots.history_figure(losses(start, end), "loss", "Loss", height=190)
        assert figure["layout"]["yaxis"]["type"] == "log"
        for width in (200, 330):
            page = drawn(browser, figure, width)
            boxes = page.evaluate(TICK_BOXES_JS)
            assert len(boxes) >= 2 and not overlapping(boxes), (start, end, width, boxes)
            page.context.close()


# The live view's loss chart fed a history: the boxes of the labels it drew.
FEED_JS = """([epochs, train, test]) => {
  const c = window.__playgroundLive;
  c.history = {epoch: epochs, train_loss: train, test_loss: test, train_score: epochs.map(() => 0.9),
               test_score: epochs.map(() => 0.9)};
  c.schedule();
}"""
LIVE_BOXES_JS = """() => {
  const host = [...document.querySelector(".st-key-chart_loss").querySelectorAll("*")].find(e => e.shadowRoot);
  return host.shadowRoot.querySelector("div.live").__live.labelBoxes;
}"""


def test_the_live_loss_chart_keeps_its_labels_apart_after_a_long_run(browser_and_url):
    browser, url = browser_and_url
    widths = "&".join(f"width_{i}=8" for i in range(1, 9))
    for query in ("", f"?layers=8&{widths}"):   # the curves' column at its widest and at its narrowest
        page = open_app(browser, f"{url}/{query}", viewport={"width": 1280, "height": 720})
        page.wait_for_function(CHARTS_DRAWN_JS, timeout=60_000)
        for start, end in ((0.7, 1e-4), (0.7, 5e-3), (1e-3, 1e35)):
            h = losses(start, end)
            page.evaluate(FEED_JS, [h["epoch"].tolist(), h["train_loss"].tolist(), h["test_loss"].tolist()])
            page.wait_for_timeout(200)
            boxes = page.evaluate(LIVE_BOXES_JS)
            ticks = [b for b in boxes if b["kind"] == "y"]
            assert len(ticks) >= 2 and not overlapping(boxes), (query, start, end, boxes)
        page.context.close()


# Every caption, message and control label on the page (the sidebar's too) that is cut: its text wider than its box
# where the box hides the rest, or a word broken across two lines ("Laye" / "r 1").
CUT_JS = """() => {
  const selector = "[data-testid='stCaptionContainer'], [data-testid='stAlert'] [data-testid='stMarkdownContainer'], "
    + "[data-testid='stWidgetLabel'], [data-testid='stExpander'] summary, [data-testid='stMain'] [data-testid='stMarkdownContainer'] p";
  const cut = [];
  for (const e of document.querySelectorAll(selector)) {
    if (!e.getBoundingClientRect().width) continue;
    for (let p = e; p && p !== document.body; p = p.parentElement) {   // a box that hides what overflows it
      const style = getComputedStyle(p);
      if (style.overflowX !== "visible" && p.scrollWidth > p.clientWidth + 1 && p.contains(e)
          && !(p.scrollWidth > p.clientWidth && style.overflowX === "auto")) {
        cut.push({text: e.textContent.slice(0, 80), why: "hidden"}); break;
      }
      if (p.matches("[data-testid='stSidebar'], [data-testid='stMain']")) break;
    }
    const walker = document.createTreeWalker(e, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const re = /\\S+/g;
      let m;
      while ((m = re.exec(node.data))) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (lines.size > 1 && /^[A-Za-z0-9]/.test(m[0])) cut.push({text: e.textContent.slice(0, 80), why: "word " + m[0]});
      }
    }
  }
  return cut;
}"""


def test_no_caption_message_or_label_is_cut_at_1280_by_720(browser_and_url):
    browser, url = browser_and_url
    widths = "&".join(f"width_{i}=8" for i in range(1, 9))
    for query in ("", f"?layers=8&{widths}", "?layers=3&width_1=32&width_2=40&width_3=8", "?classroom=all",
                  "?challenge=xor", "?lang=zh_CN&layers=8"):
        page = open_app(browser, f"{url}/{query}", viewport={"width": 1280, "height": 720})
        page.wait_for_function(CHARTS_DRAWN_JS, timeout=60_000)
        page.wait_for_timeout(300)
        cut = page.evaluate(CUT_JS)
        assert not cut, (query, cut)
        page.context.close()
