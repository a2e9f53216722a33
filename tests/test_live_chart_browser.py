"""live_chart in Chromium: four charts redrawn ~3 times a second stay on screen and change.

Sampling the page 20 times a second catches a chart that is unmounted and remounted
(what st.plotly_chart does in Streamlit 1.67, so its live charts blink). The demo app
draws the same charts with st.plotly_chart when LIVE_CHART_MODE=plotly_chart, for comparison.
"""
import json
import os
import time

import numpy as np
import plotly.graph_objects as go

from playwright.sync_api import sync_playwright

from playground.browser import APP_READY, ROOT, launch_chromium, start_streamlit


APP = os.path.join("tests", "apps", "live_chart_app.py")
ARTIFACTS = os.path.join(ROOT, "artifacts")

# Runs in the page: for each of the 4 charts, a hash of its plotly SVG, or null when
# the chart is not on the page (live_chart draws in iframes, st.plotly_chart in the page).
CHARTS_JS = """() => {
  const hash = (s) => { let h = 0; for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0; return h; };
  const frames = [...document.querySelectorAll("iframe[data-testid='stCustomComponentV1']")];
  const svgs = frames.length
    ? frames.map(f => f.contentDocument && f.contentDocument.querySelector(".main-svg"))
    : [...document.querySelectorAll("[data-testid='stPlotlyChart']")].map(c => c.querySelector(".main-svg"));
  return [0, 1, 2, 3].map(i => (svgs[i] ? hash(svgs[i].parentNode.innerHTML) : null));
}"""
# For `ms` ms, looks at the page just before each paint, about every 50 ms (every third frame at 60 Hz): how many
# charts are on screen, and for how long that frame stays up (a remounting chart often
# leaves a blank frame up while the page is busy redrawing). Hashes at start and end.
SAMPLE_JS = """async (ms) => {
  const charts = %s;
  const onScreen = () => [...document.querySelectorAll("iframe[data-testid='stCustomComponentV1']")]
      .filter(f => f.contentDocument && f.contentDocument.querySelector(".main-svg")).length
    + document.querySelectorAll("[data-testid='stPlotlyChart'] .main-svg").length;
  const first = charts(), samples = [];
  const end = performance.now() + ms;
  let sample = null;
  while (performance.now() < end) {
    await new Promise(r => requestAnimationFrame(r));
    const now = performance.now(), n = onScreen();
    if (sample) sample.ms = now - sample.t;
    if (!sample || now - sample.t >= 40 || n !== sample.charts) samples.push(sample = {t: now, charts: n, ms: 0});
  }
  return {first, last: charts(), samples};
}""" % CHARTS_JS


def measure(mode, seconds=4.0):
    """Run the demo app in `mode`; return samples, websocket bytes/s and frames/s, and the page."""
    with start_streamlit(APP, env={"LIVE_CHART_MODE": mode}) as (_proc, url), sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            received = []
            context = browser.new_context(viewport={"width": 1200, "height": 900})
            page = context.new_page()
            page.on("websocket", lambda ws: ws.on(
                "framereceived", lambda payload: received.append((time.monotonic(), len(payload)))))
            page.goto(url)
            page.wait_for_selector(APP_READY, timeout=60_000)
            page.wait_for_function(f"({CHARTS_JS})().every(h => h !== null)", timeout=30_000)
            start = time.monotonic()
            result = page.evaluate(SAMPLE_JS, seconds * 1000)
            elapsed = time.monotonic() - start
            window = [n for t, n in received if start <= t <= start + elapsed]
            exceptions = page.locator("[data-testid='stException']").count()
            result.update(bytes_per_s=sum(window) / elapsed, frames_per_s=len(window) / elapsed,
                          exceptions=exceptions)
            if mode == "live_chart":
                os.makedirs(ARTIFACTS, exist_ok=True)
                page.screenshot(path=os.path.join(ARTIFACTS, "live_chart.png"), full_page=True)
                result["click"] = click_a_point(page)
            return result
        finally:
            browser.close()


def click_a_point(page):
    """Click a scatter point of the decision-boundary chart; return the caption it produces."""
    frame = page.frame_locator("iframe[data-testid='stCustomComponentV1']").nth(1)
    box = frame.locator(".scatterlayer .point").first.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    caption = page.get_by_text("clicked {")
    caption.wait_for(timeout=10_000)
    return caption.inner_text()


def report(name, result):
    samples = result["samples"]
    missing = [s for s in samples if s["charts"] < 4]
    result["missing"] = len(missing) / len(samples)
    result["missing_time"] = sum(s["ms"] for s in missing) / sum(s["ms"] for s in samples)
    print(f"\n{name}: {len(samples)} samples, a chart missing in {result['missing']:.1%} of them "
          f"({result['missing_time']:.1%} of the time); websocket {result['bytes_per_s'] / 1e3:.0f} kB/s "
          f"in {result['frames_per_s']:.1f} messages/s")


def test_live_chart_never_blinks():
    result = measure("live_chart")
    report("live_chart", result)
    assert len(result["samples"]) >= 10
    assert result["exceptions"] == 0
    assert result["missing"] == 0, "a chart was missing from the page"
    for i in range(4):
        assert result["first"][i] != result["last"][i], f"chart {i} did not change"
    assert result["bytes_per_s"] < 1e6
    assert "'curve': 1" in result["click"] and "'x':" in result["click"]


def test_figure_bytes_are_compact_and_faithful():
    from playground.ui.live_chart import figure_bytes

    z = np.random.default_rng(0).random((100, 100), dtype=np.float32)
    fig = go.Figure(go.Heatmap(z=z), layout=dict(title="a/b \\u002f"))
    sent = json.loads(figure_bytes(fig))
    as_dict = json.loads(figure_bytes(fig.to_plotly_json()))  # a dict: the same data, no template added
    assert as_dict["data"] == sent["data"] and as_dict["layout"]["title"] == sent["layout"]["title"]
    assert sent["layout"]["title"]["text"] == "a/b \\u002f"
    assert sent["data"][0]["z"]["dtype"] == "f4"  # base64, not a list of decimals
    assert len(figure_bytes(fig)) < 60_000
