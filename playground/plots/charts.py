"""The playground's main charts: curves, weight histograms, the decision boundary.

Each function returns a figure as a plain dict in plotly's figure schema (`go.Figure(fig)`
validates it; `st.plotly_chart` and `plotly.io` take it as it is). Live charts are redrawn
several times a second, and building a validated `go.Figure` costs tens of milliseconds,
so the dicts are built directly. Each sends little: histories are thinned to at most
MAX_POINTS points, histograms are binned here, arrays go as float32, and every figure has
a fixed height and fixed axis ranges where the data allows.
"""
import math

import numpy as np

MAX_POINTS = 400
TRAIN_COLOR, TEST_COLOR, START_COLOR = "#1f6feb", "#e8590c", "#adb5bd"
# Class colours: orange and blue for two classes, as in TensorFlow Playground, then more.
CLASS_COLORS = ["#f59322", "#0877bd", "#2ca02c", "#9467bd", "#d62728"]
# The background is paler than the points, so the points stand out on their own class's side.
BINARY_SCALE = [[0.0, "#f9c48a"], [0.5, "#f2f3f4"], [1.0, "#7fb3d9"]]
GRID = "#e5e7eb"


def _figure(data, height, title=None, **layout):
    layout = {"height": height, "margin": {"l": 50, "r": 10, "t": 40, "b": 40}, "uirevision": "keep",
              "paper_bgcolor": "white", "plot_bgcolor": "white", "font": {"size": 12},
              "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0}, **layout}
    if title:
        layout["title"] = {"text": title, "x": 0, "font": {"size": 14}}
    return {"data": data, "layout": layout}


def _axis(**kwargs):
    return {"gridcolor": GRID, "zerolinecolor": GRID, **kwargs}


def _thin(values):
    """Every k-th value, so at most MAX_POINTS remain; the last one is always kept. Only those are
    converted: a long run's history has hundreds of thousands of values."""
    n = len(values)
    step = max(1, math.ceil(n / MAX_POINTS))
    kept = [*range(0, n - 1, step), n - 1] if n else []
    return np.array([values[i] for i in kept], np.float32)


def history_figure(history, metric, title, pinned=(), height=250):
    """Training and test curves of `metric` ("loss" or "score") against the epoch.

    `pinned` is a sequence of (label, history) of earlier runs, drawn dotted for comparison.
    """
    epochs = _thin(history["epoch"])
    data = [{"type": "scatter", "mode": "lines", "name": part, "x": epochs, "y": _thin(history[f"{part}_{metric}"]),
             "line": {"color": color, "width": 2}}
            for part, color in (("train", TRAIN_COLOR), ("test", TEST_COLOR))]
    data += [{"type": "scatter", "mode": "lines", "name": f"{label} (test)", "x": _thin(h["epoch"]),
              "y": _thin(h[f"test_{metric}"]), "line": {"width": 1.5, "dash": "dot"}} for label, h in pinned]
    return _figure(data, height, title, xaxis=_axis(title={"text": "epoch"}, rangemode="tozero"),
                   yaxis=_axis(rangemode="tozero"))


def _nice_ceiling(x):
    """The smallest of 1, 2, 5 × 10^k at or above x, so a range changes only now and then."""
    if not x > 0 or not math.isfinite(x):
        return 1.0
    power = 10.0 ** math.floor(math.log10(x))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= x)


def weight_histograms(initial, current, bins=30, columns=3, height=None):
    """One histogram per layer of its weights W: at the start (grey) and now (coloured)."""
    n = len(current)
    cols, rows = min(n, columns), math.ceil(n / columns)
    data, layout = [], {"barmode": "overlay", "bargap": 0, "annotations": []}
    for i, ((W0, _), (W, _)) in enumerate(zip(initial, current)):
        finite = W[np.isfinite(W)]
        limit = _nice_ceiling(max(float(np.abs(W0).max()), float(np.abs(finite).max()) if finite.size else 0.0))
        edges = np.linspace(-limit, limit, bins + 1)
        centers = ((edges[:-1] + edges[1:]) / 2).astype(np.float32)
        suffix = "" if i == 0 else str(i + 1)
        for weights, name, color in ((W0, "start", START_COLOR), (finite, "now", TRAIN_COLOR)):
            data.append({"type": "bar", "name": name, "x": centers, "y": np.histogram(weights, edges)[0].astype(np.int32),
                         "marker": {"color": color}, "opacity": 0.75, "showlegend": i == 0, "legendgroup": name,
                         "xaxis": "x" + suffix, "yaxis": "y" + suffix,
                         "hovertemplate": "W ≈ %{x:.3f}: %{y} weights<extra>" + name + "</extra>"})
        row, col = divmod(i, cols)
        x0, y1 = col / cols, 1 - row / rows
        x_domain = [x0 + 0.03, x0 + 1 / cols - 0.03]
        y_domain = [max(0.0, y1 - 1 / rows + 0.12 / rows), y1 - 0.1 / rows]
        layout["xaxis" + suffix] = _axis(domain=x_domain, range=[-limit, limit], anchor="y" + suffix)
        layout["yaxis" + suffix] = _axis(domain=y_domain, anchor="x" + suffix, rangemode="tozero")
        layout["annotations"].append({"text": f"layer {i + 1}: W {W.shape[0]}×{W.shape[1]}", "showarrow": False,
                                      "xref": "paper", "yref": "paper", "x": sum(x_domain) / 2, "y": y_domain[1],
                                      "xanchor": "center", "yanchor": "bottom", "font": {"size": 11}})
    return _figure(data, height or max(260, 210 * rows), "Weights: start and now", **layout)


def grid_points(x_range, y_range, resolution=100):
    """A resolution × resolution grid over x_range × y_range: (x values, y values, points (n, 2))."""
    x, y = np.linspace(*x_range, resolution), np.linspace(*y_range, resolution)
    x1, x2 = np.meshgrid(x, y)
    return x, y, np.column_stack([x1.ravel(), x2.ravel()])


def boundary_figure(x, y, outputs, task, n_classes, train, test=None, discretize=False, height=440):
    """The network's output over the input plane, with the data points on top.

    `outputs` are the network's outputs at the grid points over x × y (as `grid_points` gives).
    Two classes: a heatmap of the probability of the second class. Three or more: each cell
    takes its predicted class's colour, paler where the network is less sure. Regression: the
    predicted value. `train` and `test` are (points (n, 2), labels (n,)); test may be None.
    """
    shape = (len(y), len(x))
    if task == "classification" and n_classes > 2:
        background = {"type": "image", "z": _class_image(outputs, discretize).reshape(*shape, 3),
                      "x0": float(x[0]), "dx": float(x[1] - x[0]), "y0": float(y[0]), "dy": float(y[1] - y[0]),
                      "hoverinfo": "skip"}
    else:
        z = outputs[:, -1]
        if task == "classification" and discretize:
            z = (z > 0.5).astype(np.float32)
        color = {"colorscale": BINARY_SCALE, "zmin": 0, "zmax": 1} if task == "classification" else \
            {"colorscale": "RdBu", "reversescale": True, "zmid": 0}
        background = {"type": "heatmap", "x": x.astype(np.float32), "y": y.astype(np.float32),
                      "z": np.round(z.reshape(shape), 3).astype(np.float32),
                      "colorbar": {"thickness": 10, "len": 0.8},
                      "hovertemplate": "x1 %{x:.2f}<br>x2 %{y:.2f}<br>output %{z:.3f}<extra></extra>", **color}
    data = [background]
    for part, name, symbol in ((train, "train", "circle"), (test, "test", "diamond")):
        if part is None or not len(part[0]):
            continue
        points, labels = part
        data.append({"type": "scatter", "mode": "markers", "name": name, "x": points[:, 0].astype(np.float32),
                     "y": points[:, 1].astype(np.float32), "marker": _marker(labels, task, symbol),
                     "customdata": np.arange(len(points), dtype=np.int32),
                     "hovertemplate": name + " point %{customdata}<br>x1 %{x:.2f}<br>x2 %{y:.2f}<extra></extra>"})
    return _figure(data, height, None, showlegend=True,
                   xaxis=_axis(range=[float(x[0]), float(x[-1])], title={"text": "x1"}, constrain="domain"),
                   yaxis=_axis(range=[float(y[0]), float(y[-1])], title={"text": "x2"}))


def _marker(labels, task, symbol):
    line = {"color": "white" if symbol == "circle" else "#222222", "width": 1}
    if task == "regression":
        # A list, not a typed array: plotly.js drops typed-array marker colours on Plotly.react.
        return {"color": np.round(np.asarray(labels, float), 3).tolist(), "colorscale": "RdBu", "reversescale": True,
                "cmid": 0,
                "size": 8, "symbol": symbol, "line": line}
    colors = np.array(CLASS_COLORS)[np.asarray(labels, int) % len(CLASS_COLORS)]
    return {"color": colors.tolist(), "size": 8, "symbol": symbol, "line": line}


def _class_image(outputs, discretize):
    """RGB uint8 per grid point: the predicted class's colour, blended with white by confidence."""
    rgb = np.array([[int(c[i:i + 2], 16) for i in (1, 3, 5)] for c in CLASS_COLORS], np.float32)
    k = outputs.shape[1]
    cls = outputs.argmax(axis=1)
    confidence = np.ones(len(outputs), np.float32) if discretize else (outputs.max(axis=1) - 1 / k) / (1 - 1 / k)
    alpha = 0.15 + 0.45 * np.clip(confidence, 0, 1)[:, None]
    return (255 * (1 - alpha) + rgb[cls % len(rgb)] * alpha).astype(np.uint8)
