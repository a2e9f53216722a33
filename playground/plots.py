"""Plots: pure functions, data in, a plotly Figure out. Nothing here knows about the page.

Live charts are redrawn several times a second, so each sends little: histories are
thinned to at most MAX_POINTS points, histograms are binned here, arrays go as float32,
and every figure has a fixed height and fixed axis ranges where the data allows.
"""
import math

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

MAX_POINTS = 400
TRAIN_COLOR, TEST_COLOR, START_COLOR = "#1f6feb", "#e8590c", "#adb5bd"
# Class colours: orange and blue for two classes, as in TensorFlow Playground, then more.
CLASS_COLORS = ["#f59322", "#0877bd", "#2ca02c", "#9467bd", "#d62728"]
# The background is paler than the points, so the points stand out on their own class's side.
BINARY_SCALE = [[0.0, "#f9c48a"], [0.5, "#f2f3f4"], [1.0, "#7fb3d9"]]


def _layout(fig, height, **kwargs):
    fig.update_layout(height=height, margin=dict(l=50, r=10, t=36, b=36), template="plotly_white",
                      legend=dict(orientation="h", yanchor="bottom", y=1.0, x=0), uirevision="keep", **kwargs)
    return fig


def _thin(values):
    """Every k-th value, so at most MAX_POINTS remain; the last one is always kept."""
    values = np.asarray(values, np.float32)
    step = max(1, math.ceil(len(values) / MAX_POINTS))
    idx = np.unique(np.r_[np.arange(0, len(values), step), len(values) - 1]) if len(values) else []
    return values[idx]


def history_figure(history, metric, title, pinned=(), height=260):
    """Training and test curves of `metric` ("loss" or "score") against the epoch."""
    fig = go.Figure()
    epochs = _thin(history["epoch"])
    for part, color in (("train", TRAIN_COLOR), ("test", TEST_COLOR)):
        fig.add_scatter(x=epochs, y=_thin(history[f"{part}_{metric}"]), name=part, mode="lines",
                        line=dict(color=color, width=2))
    for label, h in pinned:
        fig.add_scatter(x=_thin(h["epoch"]), y=_thin(h[f"test_{metric}"]), name=f"{label} (test)", mode="lines",
                        line=dict(width=1.5, dash="dot"))
    return _layout(fig, height, title=dict(text=title, x=0, font=dict(size=14)),
                   xaxis=dict(title="epoch", rangemode="tozero"), yaxis=dict(rangemode="tozero"))


def _nice_ceiling(x):
    """The smallest of 1, 2, 5 × 10^k at or above x, so a range changes only now and then."""
    if not x > 0 or not math.isfinite(x):
        return 1.0
    power = 10.0 ** math.floor(math.log10(x))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= x)


def weight_histograms(initial, current, bins=30, height=260):
    """One histogram per layer of its weights W: at the start (grey) and now (coloured)."""
    n = len(current)
    cols = min(n, 3)
    rows = math.ceil(n / cols)
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[f"layer {i + 1} W" for i in range(n)],
                        horizontal_spacing=0.06, vertical_spacing=0.18)
    for i, ((W0, _), (W, _)) in enumerate(zip(initial, current)):
        finite = W[np.isfinite(W)]
        limit = _nice_ceiling(max(float(np.abs(W0).max()), float(np.abs(finite).max()) if finite.size else 0))
        edges = np.linspace(-limit, limit, bins + 1)
        centers = ((edges[:-1] + edges[1:]) / 2).astype(np.float32)
        for weights, name, color in ((W0, "start", START_COLOR), (finite, "now", TRAIN_COLOR)):
            counts = np.histogram(weights, edges)[0].astype(np.float32)
            fig.add_bar(x=centers, y=counts, name=name, marker_color=color, opacity=0.75,
                        showlegend=i == 0, row=i // cols + 1, col=i % cols + 1)
        fig.update_xaxes(range=[-limit, limit], row=i // cols + 1, col=i % cols + 1)
    fig.update_layout(barmode="overlay", bargap=0)
    fig.update_annotations(font_size=11)
    return _layout(fig, max(height, 200 * rows))


def grid_points(extent, resolution=100):
    """A resolution × resolution grid over [−extent, extent]²: (axis values, points (n, 2))."""
    axis = np.linspace(-extent, extent, resolution)
    x1, x2 = np.meshgrid(axis, axis)
    return axis, np.column_stack([x1.ravel(), x2.ravel()])


def boundary_figure(axis, outputs, task, n_classes, train, test=None, discretize=False,
                    class_names=None, height=420):
    """The network's output over the input plane, with the data points on top.

    `outputs` are the network's outputs at the grid points (row by row, as `grid_points` gives).
    Two classes: a heatmap of the probability of the second class. Three or more: each cell
    takes its predicted class's colour, paler where the network is less sure. Regression: the
    predicted value. `train` and `test` are (points (n, 2), labels (n,)).
    """
    r = len(axis)
    fig = go.Figure()
    if task == "classification" and n_classes > 2:
        fig.add_image(z=_class_image(outputs, discretize).reshape(r, r, 3), x0=axis[0], dx=axis[1] - axis[0],
                      y0=axis[0], dy=axis[1] - axis[0], hoverinfo="skip")
    else:
        z = outputs[:, -1] if outputs.shape[1] <= 2 else outputs[:, 0]
        if task == "classification" and discretize:
            z = (z > 0.5).astype(np.float32)
        color = dict(colorscale=BINARY_SCALE, zmin=0, zmax=1) if task == "classification" else \
            dict(colorscale="RdBu_r", zmid=0)
        fig.add_heatmap(x=axis.astype(np.float32), y=axis.astype(np.float32),
                        z=np.round(z.reshape(r, r), 3).astype(np.float32), showscale=True,
                        colorbar=dict(thickness=10, len=0.8), hovertemplate="x1 %{x:.2f}<br>x2 %{y:.2f}<br>output %{z:.3f}<extra></extra>",
                        **color)
    for part, name, symbol in ((train, "train", "circle"), (test, "test", "diamond")):
        if part is None or not len(part[0]):
            continue
        points, labels = part
        fig.add_scatter(x=points[:, 0].astype(np.float32), y=points[:, 1].astype(np.float32), mode="markers",
                        name=name, marker=_marker(labels, task, n_classes, symbol), customdata=np.arange(len(points)),
                        hovertemplate=name + " point %{customdata}<br>x1 %{x:.2f}<br>x2 %{y:.2f}<extra></extra>")
    lim = [float(axis[0]), float(axis[-1])]
    return _layout(fig, height, xaxis=dict(range=lim, title="x1", constrain="domain"),
                   yaxis=dict(range=lim, title="x2", scaleanchor="x"), showlegend=True)


def _marker(labels, task, n_classes, symbol):
    line = dict(color="white" if symbol == "circle" else "#222222", width=1)
    if task == "regression":
        return dict(color=np.asarray(labels, np.float32), colorscale="RdBu_r", cmid=0, size=8, symbol=symbol, line=line)
    colors = np.array(CLASS_COLORS)[np.asarray(labels, int) % len(CLASS_COLORS)]
    return dict(color=colors.tolist(), size=8, symbol=symbol, line=line)


def _class_image(outputs, discretize):
    """RGB uint8 per grid point: the predicted class's colour, blended with white by confidence."""
    rgb = np.array([[int(c[i:i + 2], 16) for i in (1, 3, 5)] for c in CLASS_COLORS], np.float32)
    k = outputs.shape[1]
    cls = outputs.argmax(axis=1)
    confidence = np.ones(len(outputs), np.float32) if discretize else \
        (outputs.max(axis=1) - 1 / k) / (1 - 1 / k)
    alpha = 0.15 + 0.45 * np.clip(confidence, 0, 1)[:, None]
    return (255 * (1 - alpha) + rgb[cls % len(rgb)] * alpha).astype(np.uint8)
