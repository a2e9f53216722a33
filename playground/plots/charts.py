"""The playground's main charts: curves, weight histograms, the decision boundary.

Each function returns a figure as a plain dict in plotly's figure schema (`go.Figure(fig)`
validates it; `st.plotly_chart` and `plotly.io` take it as it is). Live charts are redrawn
several times a second, and building a validated `go.Figure` costs tens of milliseconds,
so the dicts are built directly. Each sends little: histories are thinned to at most
MAX_POINTS points, histograms are binned here, arrays go as float32, and every figure has
a fixed height and fixed axis ranges where the data allows.
"""
import base64
import io
import math

import numpy as np
from PIL import Image

from ..i18n import _
from .colours import CLASS_COLORS, OUTLINE, PLANE_SCALE, PLANE_TINT, VALUE_SCALE, class_color, class_symbol, rgb

MAX_POINTS = 400
TRAIN_COLOR, TEST_COLOR, START_COLOR = "#1f6feb", "#e8590c", "#868e96"   # each 3:1 or more on white
# Pinned runs: colours apart from the live run's blue and orange, and a dash each.
PIN_COLORS = ["#7c3aed", "#059669", "#b45309", "#db2777", "#6b7280"]
PIN_DASHES = ["dot", "dash", "dashdot", "longdash", "longdashdot"]
GRID = "#e5e7eb"
NOTE_COLOR = "#6b7280"


def text(value):
    """User text (a file's column or class name) as plotly shows it: its HTML subset escaped, so a
    name like <a href=…> is shown, never followed."""
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _figure(data, height, title=None, **layout):
    layout = {"height": height, "margin": {"l": 50, "r": 10, "t": 40, "b": 40}, "uirevision": "keep",
              "paper_bgcolor": "white", "plot_bgcolor": "white", "font": {"size": 12},
              "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1,
                         "font": {"size": 12}}, **layout}
    if title:
        layout["title"] = {"text": title, "x": 0, "xanchor": "left", "y": 1, "yanchor": "top", "yref": "container",
                           "pad": {"t": 6, "l": 4}, "font": {"size": 14}}
    return {"data": data, "layout": layout}


def _axis(**kwargs):
    return {"gridcolor": GRID, "zerolinecolor": GRID, **kwargs}


def _note(message):
    """A line of text in the middle of an empty chart, saying what will appear there."""
    return {"text": message, "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.5, "showarrow": False,
            "font": {"size": 13, "color": NOTE_COLOR}}


def _thin(values):
    """Every k-th value, so at most MAX_POINTS remain; the last one is always kept. Only those are
    converted: a long run's history has hundreds of thousands of values."""
    n = len(values)
    step = max(1, math.ceil(n / MAX_POINTS))
    kept = [*range(0, n - 1, step), n - 1] if n else []
    return np.array([values[i] for i in kept], np.float32)


def history_figure(history, metric, title, pinned=(), height=250, thinned_before=0, mark=None):
    """Training and test curves of `metric` ("loss" or "score") against the epoch.

    `pinned` is a sequence of (label, history) of earlier runs, drawn in their own colour and dash,
    test curve only; the legend names them by number ("#2"), one compact row. Before the epoch
    `thinned_before`, the history keeps fewer epochs, and the chart says so. `mark` draws a line at
    that epoch (the one a replay shows).
    """
    epochs = _thin(history["epoch"])
    data = [{"type": "scatter", "mode": "lines", "name": name, "x": epochs, "y": _thin(history[f"{part}_{metric}"]),
             "line": {"color": color, "width": 2.5}}
            for part, name, color in (("train", _("train"), TRAIN_COLOR), ("test", _("test"), TEST_COLOR))]
    for i, (label, h) in enumerate(pinned):
        data.append({"type": "scatter", "mode": "lines", "name": text(label.split(" ")[0]), "x": _thin(h["epoch"]),
                     "y": _thin(h[f"test_{metric}"]),
                     "hovertemplate": text(label) + "<br>" + _("epoch %{x}") + ": %{y:.4f}<extra>" + _("test")
                                      + "</extra>",
                     "line": {"width": 1.8, "dash": PIN_DASHES[i % len(PIN_DASHES)],
                              "color": PIN_COLORS[i % len(PIN_COLORS)]}})
    annotations = []
    if len(epochs) <= 1:
        chart = title.lower() if title[1:].islower() else title  # "the loss", but "the R²"
        annotations.append(_note(_("Press Play: the {chart}<br>appears here, epoch by epoch.").format(chart=chart)))
    if thinned_before:
        annotations.append({"text": _("fewer epochs kept before {epoch}").format(epoch=thinned_before),
                            "xref": "paper", "yref": "paper",
                            "x": 0, "y": 0, "xanchor": "left", "yanchor": "bottom", "showarrow": False,
                            "font": {"size": 12, "color": NOTE_COLOR}})
    values = np.concatenate([trace["y"] for trace in data])
    values = values[np.isfinite(values) & (values > 0)]
    # A loss that grows (or falls) a thousandfold is drawn on a log scale, where its climb stays visible.
    log = metric == "loss" and values.size and values.max() > 1000 * values.min()
    yaxis = _log_axis(values, height) if log else _axis(rangemode="tozero")
    shapes = [] if mark is None else [{"type": "line", "x0": mark, "x1": mark, "yref": "paper", "y0": 0, "y1": 1,
                                       "line": {"color": "#374151", "width": 1.5, "dash": "dot"}}]
    return _figure(data, height, title, annotations=annotations, shapes=shapes,
                   margin={"l": 50, "r": 10, "t": 56, "b": 40},
                   legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "right", "x": 1,
                           "font": {"size": 12}, "itemwidth": 30, "tracegroupgap": 0},
                   xaxis=_axis(title={"text": _("epoch")}, rangemode="tozero"), yaxis=yaxis)


def _log_axis(values, height):
    """A log axis whose tick labels never meet: a label every `dtick` decades, as few as the plot's height
    holds at about 24 px a label (a power of ten is written with its exponent raised, taller than a number)."""
    decades = math.ceil(math.log10(values.max())) - math.floor(math.log10(values.min()))
    labels = max(2, int((height - 96) / 24))
    return _axis(type="log", exponentformat="power", tick0=0, dtick=max(1, math.ceil(decades / labels)))


def _nice_ceiling(x):
    """The smallest of 1, 2, 5 × 10^k at or above x, so a range changes only now and then."""
    if not x > 0 or not math.isfinite(x):
        return 1.0
    power = 10.0 ** math.floor(math.log10(x))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= x)


STRIP_MAX = 64  # a layer with this many weights or fewer shows each weight as a point, not a histogram


def weight_histograms(initial, current, bins=30, columns=3, height=None):
    """Per layer, its weights W at the start (grey) and now (blue): a histogram, or for a layer of at
    most STRIP_MAX weights each weight as a point on two strips (a histogram of a few would be sparse bars)."""
    n = len(current)
    cols, rows = min(n, columns), math.ceil(n / columns)
    data, layout = [], {"barmode": "overlay", "bargap": 0, "annotations": []}
    for i, ((W0, _b0), (W, _b)) in enumerate(zip(initial, current)):
        finite = W[np.isfinite(W)]
        limit = _nice_ceiling(max(float(np.abs(W0).max()), float(np.abs(finite).max()) if finite.size else 0.0))
        suffix = "" if i == 0 else str(i + 1)
        axes = {"xaxis": "x" + suffix, "yaxis": "y" + suffix}
        strip = W.size <= STRIP_MAX
        for weights, name, color, row in ((W0, _("start"), START_COLOR, 1), (finite, _("now"), TRAIN_COLOR, 0)):
            legend = {"name": name, "showlegend": i == 0, "legendgroup": name, "marker": {"color": color}}
            if strip:
                data.append({"type": "scatter", "mode": "markers", "x": weights.ravel().astype(np.float32),
                             "y": np.full(weights.size, row, np.float32), **legend, **axes,
                             "marker": {"color": color, "size": 9, "line": {"color": "white", "width": 1}},
                             "hovertemplate": "W = %{x:.3f}<extra>" + name + "</extra>"})
            else:
                edges = np.linspace(-limit, limit, bins + 1)
                centers = ((edges[:-1] + edges[1:]) / 2).astype(np.float32)
                data.append({"type": "bar", "x": centers, "y": np.histogram(weights, edges)[0].astype(np.int32),
                             "opacity": 0.75, **legend, **axes,
                             "hovertemplate": "W ≈ %{x:.3f}: %{y} " + _("weights") + "<extra>" + name + "</extra>"})
        row, col = divmod(i, cols)
        x0, y1 = col / cols, 1 - row / rows
        x_domain = [x0 + 0.03, x0 + 1 / cols - 0.03]
        y_domain = [max(0.0, y1 - 1 / rows + 0.14 / rows), y1 - 0.12 / rows]
        layout["xaxis" + suffix] = _axis(domain=x_domain, range=[-limit, limit], anchor="y" + suffix)
        layout["yaxis" + suffix] = _axis(domain=y_domain, anchor="x" + suffix, rangemode="tozero") if not strip else \
            _axis(domain=y_domain, anchor="x" + suffix, range=[-0.7, 1.7], tickvals=[0, 1], ticktext=[_("now"), _("start")],
                  fixedrange=True)
        layout["annotations"].append({"text": _("layer {layer}: W {rows}×{columns}").format(
                                          layer=i + 1, rows=W.shape[0], columns=W.shape[1]), "showarrow": False,
                                      "xref": "paper", "yref": "paper", "x": sum(x_domain) / 2, "y": y_domain[1],
                                      "xanchor": "center", "yanchor": "bottom", "font": {"size": 12}})
    return _figure(data, height or max(260, 210 * rows), _("Weights: start and now"), **layout,
                   margin={"l": 50, "r": 10, "t": 60, "b": 30},
                   legend={"orientation": "h", "yanchor": "bottom", "y": 1.04, "xanchor": "right", "x": 1,
                           "font": {"size": 12}})


def grid_points(x_range, y_range, resolution=100):
    """A resolution × resolution grid over x_range × y_range: (x values, y values, points (n, 2))."""
    x, y = np.linspace(*x_range, resolution), np.linspace(*y_range, resolution)
    x1, x2 = np.meshgrid(x, y)
    return x, y, np.column_stack([x1.ravel(), x2.ravel()])


def boundary_figure(x, y, outputs, task, class_names, train, test=None, discretize=False, height=440):
    """The network's output over the input plane, with the data points on top, in equal units on both axes.

    `outputs` are the network's outputs at the grid points over x × y. Two classes: a heatmap of the
    probability of the second class. Three or more: each cell takes its predicted class's colour,
    paler where the network is less sure. Regression: the predicted value. `train` and `test` are
    (points (n, 2), labels (n,)); test may be None. The legend names each class in its colour, the
    test points (a dot in the middle) apart from the training points. Each class has its colour and its shape
    (playground/plots/colours.py); every point a dark outline. Each point's trace has `meta`
    "train" or "test" and its example's index as `customdata`, for a click to name it.
    """
    shape = (len(y), len(x))
    n_classes = len(class_names)
    if outputs is None:
        background = {"type": "heatmap", "x": x.astype(np.float32), "y": y.astype(np.float32),
                      "z": np.full(shape, np.nan, np.float32), "showscale": False, "hoverinfo": "skip"}
    elif task == "classification":
        # A PNG the browser decodes at once: a heatmap costs plotly several times more to draw on each update.
        if discretize:
            outputs = (outputs >= outputs.max(axis=1, keepdims=True)) if n_classes > 2 else (outputs > 0.5)
        background = {"type": "image", "source": png_source(plane_colours(outputs, task, n_classes, shape)),
                      "x0": float(x[0]), "dx": float(x[1] - x[0]), "y0": float(y[0]), "dy": float(y[1] - y[0]),
                      "hoverinfo": "skip"}
    else:
        background = {"type": "heatmap", "x": x.astype(np.float32), "y": y.astype(np.float32),
                      "z": np.round(outputs[:, -1].reshape(shape), 3).astype(np.float32),
                      "colorscale": PLANE_SCALE, "zmid": 0, "colorbar": {"thickness": 10, "len": 0.8},
                      "hovertemplate": "x1 %{x:.2f}<br>x2 %{y:.2f}<br>" + _("output") + " %{z:.3f}<extra></extra>"}
    data = [background]
    for part, name, suffix in ((train, "train", ""), (test, "test", "-dot")):
        if part is None or not len(part[0]):
            continue
        points, labels = part
        if task == "regression":
            label = _("train") if name == "train" else _("test")
            data.append(_points(points, np.arange(len(points)), label, name, "circle" + suffix, _value_marker(labels)))
            continue
        for k, class_name in enumerate(class_names):
            rows = np.flatnonzero(np.asarray(labels) == k)
            label = text(class_name) if name == "train" else _("{label} (test)").format(label=text(class_name))
            data.append(_points(points[rows], rows, label, name, class_symbol(k) + suffix, {"color": class_color(k)}))
    return _figure(data, height, None, showlegend=True, margin={"l": 40, "r": 10, "t": 36, "b": 36},
                   legend={"orientation": "h", "yanchor": "bottom", "y": 1.01, "x": 0, "font": {"size": 12},
                           "itemsizing": "constant"},
                   xaxis=_axis(range=[float(x[0]), float(x[-1])], title={"text": "x1", "standoff": 2},
                               constrain="domain"),
                   yaxis=_axis(range=[float(y[0]), float(y[-1])], title={"text": "x2", "standoff": 2},
                               scaleanchor="x", scaleratio=1, constrain="domain"))


def _points(points, rows, label, part, symbol, marker):
    line = {"color": OUTLINE, "width": 1}
    return {"type": "scatter", "mode": "markers", "name": label, "legendgroup": label, "meta": part,
            "x": points[:, 0].astype(np.float32), "y": points[:, 1].astype(np.float32),
            "customdata": np.asarray(rows, np.int32), "marker": {"size": 8, "symbol": symbol, "line": line, **marker},
            "hovertemplate": label + ", " + (_("training example") if part == "train" else _("test example"))
                             + " %{customdata}<br>x1 %{x:.2f}<br>x2 %{y:.2f}<extra></extra>"}


def _value_marker(labels):
    # A list, not a typed array: plotly.js drops typed-array marker colours on Plotly.react.
    return {"color": np.round(np.asarray(labels, float), 3).tolist(), "colorscale": VALUE_SCALE, "cmid": 0}


def _rgb(hex_colour):
    return np.array(rgb(hex_colour), np.float32)


def plane_colours(outputs, task, n_classes, shape):
    """RGB uint8 (rows, columns, 3) of the outputs over the plane (rows from the lowest x2 up): two classes
    on PLANE_SCALE, more in their classes' colours, regression on PLANE_SCALE too: blue (high) to orange (low)
    around 0."""
    outputs = np.asarray(outputs, np.float32)
    if task == "classification" and n_classes > 2:
        return _class_image(outputs, False).reshape(*shape, 3)
    z = outputs[:, -1]
    if task == "classification":
        t = np.clip(np.nan_to_num(z, nan=0.5), 0, 1)
    else:
        t = 0.5 + 0.5 * np.clip(np.nan_to_num(z) / max(float(np.nanmax(np.abs(z))) or 1.0, 1e-9), -1, 1)
    positions = np.array([p for p, _c in PLANE_SCALE])
    colours = np.array([_rgb(c) for _p, c in PLANE_SCALE])
    rgb = np.stack([np.interp(t, positions, colours[:, k]) for k in range(3)], axis=-1)
    return rgb.reshape(*shape, 3).astype(np.uint8)


def png_source(rgb):
    """An RGB uint8 image as a PNG data URI, for plotly's image traces."""
    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(rgb), "RGB").save(buffer, "PNG", compress_level=3)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _class_image(outputs, discretize):
    """RGB uint8 per grid point: the predicted class's colour, blended with white by confidence."""
    colours = np.array([rgb(c) for c in CLASS_COLORS], np.float32)
    k = outputs.shape[1]
    cls = outputs.argmax(axis=1)
    confidence = np.ones(len(outputs), np.float32) if discretize else (outputs.max(axis=1) - 1 / k) / (1 - 1 / k)
    least, most = PLANE_TINT
    alpha = least + (most - least) * np.clip(confidence, 0, 1)[:, None]
    return (255 * (1 - alpha) + colours[cls % len(colours)] * alpha).astype(np.uint8)
