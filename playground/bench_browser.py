"""`python -m playground.bench --browser`: the playground playing in Chromium, measured.

Starts the app on the default setup, presses Play, and for the given time samples:
epochs a second (the Epoch metric), chart redraws a second (each chart's SVG changing),
whether every chart stays on screen (looked at just before each paint), the websocket
traffic the page receives, and the server's memory (RSS) from the first minute on.
"""
import re
import time

from .browser import APP_READY, launch_chromium, start_streamlit

# Looked at before each paint for `ms` ms: per frame, how many charts are drawn; per chart,
# how many times its plot changed.
SAMPLE_JS = """async (ms) => {
  const hash = (s) => { let h = 0; for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0; return h; };
  const svgs = () => [...document.querySelectorAll("iframe[data-testid='stCustomComponentV1']")]
    .map(f => f.contentDocument && f.contentDocument.querySelector(".main-svg"));
  const frames = [], last = [], changes = [];
  const end = performance.now() + ms;
  while (performance.now() < end) {
    await new Promise(r => requestAnimationFrame(r));
    const now = svgs();
    frames.push(now.filter(Boolean).length);
    now.forEach((svg, i) => {
      const html = svg ? hash(svg.parentNode.innerHTML) : null;
      if (last[i] !== undefined && html !== last[i]) changes[i] = (changes[i] || 0) + 1;
      last[i] = html;
    });
  }
  return {frames, changes, charts: svgs().length};
}"""


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS")) / 1024


def epoch(page):
    text = page.locator("[data-testid='stMetric']").filter(has_text="Epoch").first.inner_text()
    return int(re.findall(r"\d+", text)[-1])


def measure(seconds=60.0, warmup=60.0):
    from playwright.sync_api import sync_playwright

    with start_streamlit("app.py") as (server, url), sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_context(viewport={"width": 1500, "height": 1100}).new_page()
        received = [0]
        page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: received.__setitem__(
            0, received[0] + len(payload))))
        page.goto(url)
        page.wait_for_selector(APP_READY, timeout=60_000)
        time.sleep(3)
        page.get_by_role("button", name="Play").click()
        time.sleep(warmup)
        start_rss, start_epoch, start_bytes, start = rss_mb(server.pid), epoch(page), received[0], time.monotonic()
        sampled = page.evaluate(SAMPLE_JS, 10_000)
        print("changes per chart in 10 s:", sampled["changes"])
        time.sleep(max(0.0, seconds - (time.monotonic() - start)))
        elapsed = time.monotonic() - start
        result = {
            "epochs per second": (epoch(page) - start_epoch) / elapsed,
            "redraws per second (loss chart)": sampled["changes"][1] / 10.0 if len(sampled["changes"]) > 1 else 0.0,
            "redraws per second (slowest chart)": min(sampled["changes"] or [0]) / 10.0,
            "frames with a chart missing (%)": 100.0 * sum(n < sampled["charts"] for n in sampled["frames"])
            / max(1, len(sampled["frames"])),
            "websocket traffic (kB/s)": (received[0] - start_bytes) / elapsed / 1000,
            "server memory growth (MB)": rss_mb(server.pid) - start_rss,
            "measured for (s)": elapsed,
        }
        browser.close()
        return result


def main(seconds, warmup):
    for name, value in measure(seconds, warmup).items():
        print(f"{name:<40}{value:>10.1f}")
