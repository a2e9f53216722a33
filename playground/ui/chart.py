"""A plotly chart of the page that is not live (the weights, gradient health, the tools' charts): drawn
by Streamlit's own plotly chart, whose plotly.js the page loads once, and drawn again only when the
page's script runs (the live view draws itself: ui/live_view).

Beside each chart, a "Table of values" button (a popover, reached by Tab and opened by Enter or Space) holds the
chart's numbers as a table: what a mouse reads by hovering, for a keyboard and a screen reader too.
"""
import numpy as np
import streamlit as st

from ..i18n import _

MOST_ROWS = 300  # rows of one trace in the table at most; past it, evenly spaced ones


def chart(figure, key, height):
    """Draws `figure` (a plotly Figure or a dict with "data" and "layout") `height` pixels high, as wide as its
    container; `key` is stable, so the chart keeps its place from one run of the page to the next."""
    if isinstance(figure, dict):
        figure = {**figure, "layout": {**figure.get("layout", {}), "height": int(height)}}
    else:
        figure.update_layout(height=int(height))
    st.plotly_chart(figure, key=key, config={"displayModeBar": False, "responsive": True})
    rows, thinned = figure_table(figure if isinstance(figure, dict) else figure.to_dict())
    if rows:
        with st.popover(_("Table of values"), key=f"{key}_table", help=_("The chart's numbers, as a table.")):
            st.dataframe(rows, hide_index=True, width="stretch", height=min(400, 38 + 35 * len(rows)))
            if thinned:
                st.caption(_("Every point of a long series is not listed: {n} evenly spaced ones are.").format(
                    n=MOST_ROWS))


def figure_table(figure):
    """(the rows of a plotly figure's numbers, as a list of dicts, whether a series was thinned): a heatmap's cells,
    or each line's, bar's or marker's points, with their series and, in a figure of several panels, their panel; for
    a picture, the words written on it."""
    layout, rows, thinned = figure.get("layout", {}), [], False
    panels = len({t.get("xaxis", "x") for t in figure.get("data", ())}) > 1
    series, panel, x_name, y_name = _("series"), _("panel"), _("x"), _("y")
    for trace in figure.get("data", ()):
        name = str(trace.get("name") or "")
        where = _axis_title(layout, trace.get("xaxis", "x"), "xaxis") or trace.get("xaxis", "x")
        if trace.get("type") == "heatmap" and trace.get("z") is not None:
            z = np.asarray(trace["z"], dtype=object)
            xs = trace.get("x", range(z.shape[1]))
            ys = trace.get("y", range(z.shape[0]))
            for i, y in enumerate(ys):
                for j, x in enumerate(xs):
                    rows.append({x_name: _cell(x), y_name: _cell(y), _("value"): _cell(z[i][j])})
            continue
        if trace.get("x") is None and trace.get("y") is None:
            continue  # a picture, or a trace of shapes: nothing a table can list
        xs, ys = _values(trace.get("x")), _values(trace.get("y"))
        n = max(len(xs), len(ys))
        picks = range(n) if n <= MOST_ROWS else np.linspace(0, n - 1, MOST_ROWS).round().astype(int)
        thinned = thinned or n > MOST_ROWS
        for i in picks:
            row = {series: name} if name else {}
            if panels:
                row[panel] = str(where)
            row[x_name] = _cell(xs[i]) if i < len(xs) else ""
            row[y_name] = _cell(ys[i]) if i < len(ys) else ""
            rows.append(row)
    if not rows:  # a picture with its words written on it (the image sets' test images: predicted / true)
        rows = [{_("label"): str(a["text"])} for a in layout.get("annotations", ()) if a.get("text")]
    return rows, thinned


def _values(values):
    if values is None:
        return []
    if isinstance(values, dict):  # plotly's typed array ({"dtype", "bdata"}): not written by the page's figures
        return []
    return list(np.asarray(values, dtype=object).ravel())


def _axis_title(layout, axis, prefix):
    """The title of a trace's axis ("x2" → layout["xaxis2"]["title"]), or None."""
    title = layout.get(prefix + axis[1:], {}).get("title")
    return title.get("text") if isinstance(title, dict) else title


def _cell(value):
    """A number to 4 significant digits, as text (so a column mixes numbers and words as the chart does)."""
    if isinstance(value, (float, np.floating)):
        return "—" if not np.isfinite(value) else f"{float(value):.4g}"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return "" if value is None else str(value)
