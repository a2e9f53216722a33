"""Gradient health over time: each layer's gradient norm and update ratio, per epoch, on log axes."""
import math

import numpy as np

from ..i18n import _
from .charts import MAX_POINTS, _axis, _figure, _note
from .colours import LAYER_COLORS, LAYER_DASHES, VANISHING_EDGE, VANISHING_ZONE



def _rows(n):
    """Indices of every k-th row, so at most MAX_POINTS remain; the last is always kept."""
    step = max(1, math.ceil(n / MAX_POINTS))
    return np.unique(np.r_[np.arange(0, n, step), n - 1]) if n else np.zeros(0, int)


def _log_axis(values, floor=None, **kwargs):
    """A log axis over whole decades, one tick every decade or few, so plotly never labels the digits between
    them (2, 3, … 9 in smaller type) when the values span less than a decade or two."""
    values = np.asarray(values, np.float64)
    values = values[np.isfinite(values) & (values > 0)]
    if floor is not None and np.isfinite(floor) and floor > 0:
        values = np.r_[values, floor]
    axis = _axis(type="log", exponentformat="power", **kwargs)
    if not values.size:
        return axis
    # A fifth of a decade at least above the largest value, so that a line is never drawn on the frame.
    low, high = math.floor(math.log10(values.min())), math.ceil(math.log10(values.max()) + 0.2)
    high = max(high, low + 1)
    return {**axis, "range": [low, high], "dtick": max(1, math.ceil((high - low) / 6))}


def health_figure(epochs, grad_norms, update_ratios, height=280):
    """Two panels against the epoch: ‖∂L/∂W‖ of each layer (left) and ‖ΔW‖/‖W‖ over each epoch (right).

    `grad_norms` and `update_ratios` are (epochs, layers) arrays, as HealthLog.arrays gives them.
    Values that are 0 or not finite are left out (a log axis cannot show them).
    """
    rows = _rows(len(epochs))
    x = np.asarray(epochs)[rows].astype(np.float32)
    data = []
    for column, (values, axis) in enumerate(((grad_norms, ""), (update_ratios, "2"))):
        for i in range(values.shape[1]):
            y = values[rows, i].astype(np.float32)
            y[~(np.isfinite(y) & (y > 0))] = np.nan
            data.append({"type": "scatter", "mode": "lines", "name": _("layer {layer}").format(layer=i + 1), "x": x, "y": y,
                         "line": {"color": LAYER_COLORS[i % len(LAYER_COLORS)], "width": 1.5,
                                  "dash": LAYER_DASHES[i % len(LAYER_DASHES)]},
                         "legendgroup": str(i), "showlegend": column == 0, "xaxis": "x" + axis, "yaxis": "y" + axis,
                         "hovertemplate": _("layer {layer}").format(layer=i + 1) + ", " + _("epoch %{x}")
                                          + ": %{y:.3g}<extra></extra>"})
    # Short titles, each over its own panel: on a phone the panels are narrow.
    titles = [(_("gradient") + " ‖∂L/∂W‖", 0.22), (_("update") + " ‖ΔW‖/‖W‖", 0.78)]
    annotations = [{"text": text, "showarrow": False, "xref": "paper", "yref": "paper", "x": x0, "y": 1.0,
                    "xanchor": "center", "yanchor": "bottom", "font": {"size": 12}} for text, x0 in titles]
    if len(rows) <= 1:
        annotations.append(_note(_("Press Play: each layer's gradient<br>and update appear here.")))
    return _figure(data, height, _("Gradient health"), annotations=annotations,
                   margin={"l": 50, "r": 10, "t": 84, "b": 40},
                   legend={"orientation": "h", "yanchor": "bottom", "y": 1.12, "x": 0, "font": {"size": 12}},
                   xaxis=_axis(domain=[0, 0.44], title={"text": _("epoch")}, rangemode="tozero"),
                   yaxis=_log_axis(grad_norms[rows]),
                   xaxis2=_axis(domain=[0.56, 1], title={"text": _("epoch")}, rangemode="tozero", anchor="y2"),
                   yaxis2=_log_axis(update_ratios[rows], anchor="x2"))


MARGIN = {"l": 44, "r": 22, "t": 30, "b": 36}  # of the gradient sizes' chart: its end labels go in the right one
LABEL_GAP = 13  # pixels between the end labels' middles, at least (their type is 11 px)


def gradient_sizes_figure(epochs, grad_norms, vanishing=(), threshold=None, height=300):
    """Each layer's gradient size ‖∂L/∂W‖ against the epoch on a log scale, the output layer's last (`grad_norms`
    is (epochs, layers), as the run's health has it). Each line is named at its end (1, 2, …, ŷ for the output
    layer, as the network view heads its layers). The layers in `vanishing` (numbered from 1) are drawn thick (as
    crosses while one epoch shows as dots), their names in bold; with `threshold`, the zone under threshold × the
    output layer's gradient is shaded: a layer whose gradient lies in it is vanishing. Values that are 0 or not
    finite are left out."""
    rows = _rows(len(epochs))
    x = np.asarray(epochs)[rows].astype(np.float32)
    norms = np.asarray(grad_norms, np.float64)[rows]  # a copy: indexed by an array
    norms[~(np.isfinite(norms) & (norms > 0))] = np.nan
    layers, few = norms.shape[1], len(rows) <= 2  # one or two epochs: dots, as a line hardly shows yet
    right = float(max(1.0, x[-1])) if len(x) else 1.0
    data, annotations = [], []
    floor = None
    if threshold is not None and layers and np.isfinite(norms[:, -1]).any():
        edge = threshold * norms[:, -1]
        # A decade of the zone clear of lines below them all, where it is named.
        floor = np.nanmin(np.r_[norms[np.isfinite(norms)], edge[np.isfinite(edge)]]) / 10
        xs, ys = (np.r_[0.0, right], np.r_[edge[0], edge[-1]]) if few else (x, edge)
        data.append({"type": "scatter", "mode": "lines", "x": [*xs, *xs[::-1]], "y": [*ys, *[floor] * len(xs)],
                     "fill": "toself", "fillcolor": VANISHING_ZONE, "line": {"width": 0}, "hoverinfo": "skip",
                     "showlegend": False})
        data.append({"type": "scatter", "mode": "lines", "x": xs, "y": ys, "showlegend": False,
                     "line": {"color": VANISHING_EDGE, "width": 1, "dash": "dot"},
                     "hovertemplate": _("under 1/{n:,} of the output layer's: vanishing").format(n=round(1 / threshold))
                                      + "<extra></extra>"})
        annotations.append({"text": _("vanishing"), "xref": "paper", "yref": "paper", "x": 0.02, "y": 0.02,
                            "xanchor": "left", "yanchor": "bottom", "showarrow": False,
                            "font": {"size": 11, "color": "#4b5563"}})
    ends = []
    for i in range(layers):
        layer, weak, colour = i + 1, i + 1 in vanishing, LAYER_COLORS[i % len(LAYER_COLORS)]
        name = (_("layer {layer} (output)") if i == layers - 1 else _("layer {layer}")).format(layer=layer)
        label = name + (" · " + _("vanishing") if weak else "")
        y = norms[:, i].astype(np.float32)
        data.append({"type": "scatter", "mode": "lines+markers" if few else "lines", "name": label, "x": x, "y": y,
                     "line": {"color": colour, "width": 3.5 if weak else 1.5, "dash": LAYER_DASHES[i % len(LAYER_DASHES)]},
                     "marker": {"size": 9 if weak else 6, "symbol": "x" if weak else "circle"},
                     "hovertemplate": label + ", " + _("epoch %{x}") + ": %{y:.3g}<extra></extra>"})
        shown = np.flatnonzero(np.isfinite(y))
        if shown.size:
            ends.append([math.log10(y[shown[-1]]), "ŷ" if i == layers - 1 else str(layer), colour, weak])
    yaxis = _log_axis(norms, floor, title={"text": "‖∂L/∂W‖", "standoff": 2})
    if "range" in yaxis:  # end labels LABEL_GAP pixels apart at least, on the axis's decades
        _spread(ends, (yaxis["range"][1] - yaxis["range"][0]) * LABEL_GAP / max(height - MARGIN["t"] - MARGIN["b"], 50))
    annotations += [{"text": f"<b>{text}</b>" if weak else text, "x": 1.0, "xref": "paper", "xanchor": "left",
                     "y": level, "yref": "y", "yanchor": "middle", "showarrow": False,
                     "font": {"size": 11, "color": colour}} for level, text, colour, weak in ends]
    if not ends:
        annotations.append(_note(_("Press Play: each layer's gradient<br>appears here.")))
    if floor is not None:  # the zone reaches down to the axis's bottom
        zone = data[0]
        zone["y"] = [*zone["y"][:len(zone["y"]) // 2], *[10.0 ** yaxis["range"][0]] * (len(zone["y"]) // 2)]
    return _figure(data, height, _("Gradient size per layer"), annotations=annotations, showlegend=False,
                   margin=MARGIN,
                   xaxis=_axis(title={"text": _("epoch"), "standoff": 4}, range=[0, right]),
                   yaxis=yaxis)


def _spread(ends, step):
    """Moves the end labels' levels (log10 of the last value) up where needed, so that each is `step` (decades)
    above the one below it at least and no two labels overlap; in place."""
    ends.sort(key=lambda end: end[0])
    for lower, upper in zip(ends, ends[1:]):
        upper[0] = max(upper[0], lower[0] + step)
