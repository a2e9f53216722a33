"""A plotly chart that updates in place, so live charts never blink.

In Streamlit 1.67 `st.plotly_chart` unmounts and remounts its chart whenever the
figure changes (streamlit issue #8782): a chart redrawn a few times a second flashes.
`live_chart` is a small v1 component instead: its iframe (`frontend/index.html`,
plain JS) stays mounted as long as its `key` is stable, and each new figure is
applied with `Plotly.react`, which patches the existing plot.

The figure travels as plotly's own JSON (numpy arrays as compact base64 typed
arrays), passed as bytes so it is not escaped again inside Streamlit's JSON args, with
a checksum among the JSON args, since only a change there sends a new render message.
plotly.js is copied next to `index.html` from the installed `plotly` package, so the
browser always runs the plotly.js that matches the Python package.
"""
from __future__ import annotations

import copy
import functools
import os
import re
import shutil
import tempfile
import zlib

import plotly
import plotly.graph_objects as go
import plotly.io as pio
import streamlit.components.v1 as components
from _plotly_utils.utils import convert_to_base64  # plotly's own numpy -> base64 encoder

_FRONTEND = os.path.join(os.path.dirname(os.path.abspath(__file__)), "frontend")
_PLOTLY_JS = os.path.join(os.path.dirname(plotly.__file__), "package_data", "plotly.min.js")


def install_plotly_js() -> None:
    """Copy plotly.min.js into the frontend folder if it is missing or differs in size (at start-up)."""
    target = os.path.join(_FRONTEND, "plotly.min.js")
    if os.path.exists(target) and os.path.getsize(target) == os.path.getsize(_PLOTLY_JS):
        return
    fd, tmp = tempfile.mkstemp(dir=_FRONTEND, suffix=".tmp")
    os.close(fd)
    shutil.copyfile(_PLOTLY_JS, tmp)
    os.chmod(tmp, 0o644)
    os.replace(tmp, target)  # atomic: two servers starting at once both end well


_component = components.declare_component("live_chart", path=_FRONTEND)


# plotly escapes "/" (frequent in base64) as "\u002f" for HTML pages; JSON.parse needs
# no such care, so undo it where the backslash is not itself escaped.
_SLASH = re.compile(r"(?<!\\)((?:\\\\)*)\\u002f")


@functools.cache
def _white_template() -> dict:
    return pio.templates["plotly_white"].to_plotly_json()


def figure_bytes(figure) -> bytes:
    """The figure as the UTF-8 JSON sent to the browser (what one update costs).

    A dict is sent as it is, its numpy arrays as base64 typed arrays, without building a
    `go.Figure`: validating a figure costs tens of milliseconds, too much for a live chart.
    """
    if isinstance(figure, go.Figure):
        data = figure.to_plotly_json()
        # Once streamlit is imported, plotly's default template is Streamlit's, whose colours are
        # placeholders ("#000001", ...) that only st.plotly_chart swaps for the theme's: use a real one.
        layout = data.setdefault("layout", {})
        if tuple(figure.layout.template.layout.colorway or ())[:1] == ("#000001",):
            layout["template"] = _white_template()
        template = layout.get("template")
        if template and "data" in template:  # keep the defaults of the trace types drawn: -4 kB
            used = {trace.get("type", "scatter") for trace in data.get("data", [])}
            layout["template"] = dict(template, data={k: v for k, v in template["data"].items() if k in used})
    else:
        data = copy.deepcopy(figure)
        convert_to_base64(data)
    text = pio.to_json(data, validate=False, remove_uids=True)
    if "\\\\" in text:  # an escaped backslash somewhere: take care
        return _SLASH.sub(r"\1/", text).encode()
    return text.replace("\\u002f", "/").encode()


def live_chart(figure, key: str, height: int = 400, events=(), config=None, on_change=None):
    """Draw `figure` (a plotly Figure or a dict with "data" and "layout") in place.

    `key` is required and must stay the same from one run to the next: it keeps the
    chart mounted, so each new figure is applied with `Plotly.react`, not redrawn.
    The chart is `height` pixels high and as wide as its container.
    `config` is merged into plotly's config (default: responsive, no mode bar).

    Returns None, unless `events` contains "click": then, after the user clicks a
    point, the last click as {"x", "y", "curve", "point", "customdata", "meta", "time"} ("curve"
    is the trace index, "point" the point index, "customdata" the point's and "meta" its trace's,
    "time" the click's browser timestamp in ms, so two clicks on one point differ). The value stays until the next click;
    `on_change` is called once per click.

    With "plane" in `events`, a click anywhere on the plot area gives {"x", "y", "kind": "plane",
    "time"} in the axes' units instead (and a click on a point does not give the point).

    A figure whose `layout.meta.hover_zoom` is {"trace": t, "image": i, "boxes": [[x, y, w, h],
    ...], "smooth": bool} shows, while point k of trace t is hovered, box k of image trace i's
    `source` enlarged beside the pointer (the network view's neuron pictures).
    """
    data = figure_bytes(figure)
    return _component(
        figure=data,
        # Streamlit re-sends the args to the iframe only when the JSON args change, not
        # the bytes ones: a checksum of the figure makes a new figure a new render.
        revision=zlib.crc32(data),
        height=int(height),
        events=list(events),
        config=config or {},
        key=key,
        default=None,
        on_change=on_change,
    )
