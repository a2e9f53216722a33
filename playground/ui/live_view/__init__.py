"""The live view's parts on the page: metrics, the decision boundary, the network and the curves, each
drawn by live.js from the run's frames (playground/frames.py), which reach the browser over the
page's own channel (ui/channel.py), not through the page's script.

Each part is a Streamlit component (components v2: in the page itself, no frame of its own); its data
is what the script knows and changes rarely (the points, the labels, the height, the run's token), so
the script runs when the user acts, and the frames move the pictures in between. live.js is served
once per page (`/_playground/live.js`) and every part shares its one connection to the run.
"""
import base64

import streamlit as st

from ...i18n import language
from ..channel import PREFIX, token

# The component's own script only loads live.js (a module: one copy, and one connection, per page) and
# hands it the part's element and data.
_STUB = """
export default function (component) {
  const {parentElement, data, setTriggerValue} = component;
  // The page's language, for a language chosen after the page was opened (the page's HTML says the first).
  if (data.lang && document.documentElement.lang !== data.lang) document.documentElement.lang = data.lang;
  let el = parentElement.querySelector("div.live");
  if (!el) {
    el = document.createElement("div");
    el.className = "live";
    parentElement.appendChild(el);
  }
  let cleanup = null, gone = false, timer = null;
  if (data.view === "ready") {
    // The page waits for this part to say the first frame is drawn: it says so at the latest after a while,
    // even if live.js or its channel fails.
    timer = setTimeout(() => { if (!el.__readySent) { el.__readySent = true; setTriggerValue("ready", true); } }, 5000);
  }
  import(new URL("%s/live.js", window.location.href).href).then((live) => {
    if (!gone) cleanup = live.mount(el, data, setTriggerValue);
  });
  return () => { gone = true; clearTimeout(timer); if (cleanup) cleanup(); };
}
""" % PREFIX
_CSS = """
.live { position: relative; width: 100%; font-family: "Source Sans Pro", "Noto Sans CJK SC", sans-serif;
        --ink: #111111; --ink-muted: #374151; --ink-faint: #4b5563; --ink-line: #d1d5db; --ink-head: #f3f5f8;
        --ink-back: #ffffff; --ink-pressed: #e5e7eb; color: var(--ink); }
/* Streamlit's dark theme (live.js reads it): text and lines that keep their contrast on the dark page. */
.live.dark { --ink: #fafafa; --ink-muted: #d1d5db; --ink-faint: #9ca3af; --ink-line: #4b5563; --ink-head: #262730;
             --ink-back: #0e1117; --ink-pressed: #374151; }
.metrics { display: flex; flex-wrap: wrap; gap: 0.4rem 1.6rem; }
.metric .label { font-size: 0.875rem; color: var(--ink-muted); white-space: nowrap; }
.metric .value { font-size: 1.5rem; line-height: 1.2; font-variant-numeric: tabular-nums; white-space: nowrap; }
.note { font-size: 0.875rem; color: var(--ink-faint); min-height: 1.3em; }
.legend { display: flex; flex-wrap: wrap; gap: 0 0.9rem; font-size: 13px; color: var(--ink-muted); min-height: 1.3em;
          overflow: hidden; }
.legend span { white-space: nowrap; max-width: 14em; overflow: hidden; text-overflow: ellipsis; }
.legend svg { display: inline-block; vertical-align: -2px; margin-right: 3px; }
.legend i.bar { display: inline-block; width: 28px; height: 9px; margin-right: 4px; border: 1px solid var(--ink-muted);
                border-radius: 2px; }
.alt { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0);
       clip-path: inset(50%); white-space: nowrap; border: 0; }
.table-button { position: absolute; top: 0; right: 0; z-index: 1; font: inherit; font-size: 13px; line-height: 1.2;
                padding: 1px 7px; color: var(--ink); background: var(--ink-back); border: 1px solid var(--ink-faint);
                border-radius: 4px; cursor: pointer; }
.table-button[aria-expanded="true"] { background: var(--ink-pressed); }
.legend { padding-right: 4.5em; }
.table-box { max-height: 16rem; overflow: auto; margin-top: 4px; font-size: 13px; }
.table-box[hidden] { display: none; }
.table-box table { border-collapse: collapse; margin-bottom: 6px; font-variant-numeric: tabular-nums; }
.table-box caption { text-align: left; font-weight: 600; padding: 2px 0; white-space: normal; }
.table-box th, .table-box td { border: 1px solid var(--ink-line); padding: 1px 6px; text-align: right; white-space: nowrap; }
.table-box th[scope="col"] { background: var(--ink-head); }
.table-box th[scope="row"] { text-align: left; font-weight: normal; }
.live canvas:focus-visible, .table-button:focus-visible, .table-box:focus-visible {
  outline: 2px solid var(--ink); outline-offset: 2px; }
.tip { position: absolute; display: none; pointer-events: none; background: #111827; color: #fff;
       font-size: 13px; padding: 3px 6px; border-radius: 4px; white-space: nowrap; z-index: 2; }
"""
_component = st.components.v2.component("playground_live", js=_STUB, css=_CSS)


def part(view, key, run, height=None, on_click=None, on_stopped=None, on_ready=None, past=None, on_pick=None,
         on_focus=None, **data):
    """Mounts one part of the live view (`view`: "metrics", "boundary", "network", "loss", "score", or "ready",
    which draws nothing and calls `on_ready` once the live view has drawn its first frame) for
    `run`; `past` is a frame's bytes to show instead of the run's (a replayed epoch). `on_click` is called
    after a click on the plane (its value in st.session_state[key].click), `on_stopped` when the run stops
    by itself, `on_ready` once the first frame is drawn, `on_pick` after a click on a link or a neuron of the
    network (its value in st.session_state[key].pick: {"layer": the source's column, "from", "to": a neuron of the
    next column, or None for the neuron itself, "time"}), `on_focus` after a click on a neuron of the network view
    or Esc (its value in st.session_state[key].focus: {"neuron": [layer, neuron] or None, "time"})."""
    callbacks = {}
    if on_click is not None:
        callbacks["on_click_change"] = on_click
    if on_stopped is not None:
        callbacks["on_stopped_change"] = on_stopped
    if on_ready is not None:
        callbacks["on_ready_change"] = on_ready
    if on_pick is not None:
        callbacks["on_pick_change"] = on_pick
    if on_focus is not None:
        callbacks["on_focus_change"] = on_focus
    payload = {"view": view, "token": token(run), "run": run.id, "height": height, "lang": language(),
               "past": base64.b64encode(past).decode() if past is not None else None, **data}
    return _component(data=payload, key=key, height="content", **callbacks)


def clicked(key="live_boundary"):
    """The last click on the plane of the part keyed `key`, in an on_click callback: {"kind": "plane", "x", "y",
    "time"} in draw mode, else {"meta": "train", "customdata": the training example's index, "time"}; or None."""
    value = st.session_state.get(key)
    click = value.get("click") if hasattr(value, "get") else None
    return click if isinstance(click, dict) else None
