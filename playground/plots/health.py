"""Gradient health over time: each layer's gradient norm and update ratio, per epoch, on log axes."""
import math

import numpy as np

from ..i18n import _
from .charts import MAX_POINTS, _axis, _figure, _note

# One colour per layer for nine layers (8 hidden and the output): Okabe and Ito's, darkened where needed to 3:1 on
# white, then black and grey. Colours some colour visions confuse have different dashes (tests/test_colour.py).
LAYER_COLORS = ["#0072b2", "#d55e00", "#009e73", "#bd8300", "#ca73a3", "#1d96db", "#9c920c", "#000000", "#6b6b6b"]
LAYER_DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]


def _rows(n):
    """Indices of every k-th row, so at most MAX_POINTS remain; the last is always kept."""
    step = max(1, math.ceil(n / MAX_POINTS))
    return np.unique(np.r_[np.arange(0, n, step), n - 1]) if n else np.zeros(0, int)


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
                   yaxis=_axis(type="log", exponentformat="power"),
                   xaxis2=_axis(domain=[0.56, 1], title={"text": _("epoch")}, rangemode="tozero", anchor="y2"),
                   yaxis2=_axis(type="log", exponentformat="power", anchor="x2"))
