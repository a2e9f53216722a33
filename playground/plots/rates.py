"""The learning rate's charts: a schedule's rate over the epochs, and the learning-rate finder's curve."""
import numpy as np

from ..i18n import _
from .charts import GRID, TRAIN_COLOR

RAW_COLOR, SUGGESTION_COLOR = "#adb5bd", "#e8590c"


def schedule_figure(epochs, rates):
    """α over the epochs, as a schedule gives it (nn.schedules.rate_curve)."""
    return {"data": [{"type": "scatter", "mode": "lines", "x": np.asarray(epochs, np.float32),
                      "y": np.asarray(rates, np.float32), "line": {"color": TRAIN_COLOR, "width": 2},
                      "hovertemplate": _("epoch %{x}") + ": α = %{y:.3g}<extra></extra>"}],
            "layout": {"height": 150, "margin": {"l": 45, "r": 8, "t": 8, "b": 32}, "showlegend": False,
                       "paper_bgcolor": "white", "plot_bgcolor": "white", "font": {"size": 12},
                       "xaxis": {"title": {"text": _("epoch")}, "gridcolor": GRID, "fixedrange": True},
                       "yaxis": {"title": {"text": "α"}, "gridcolor": GRID, "rangemode": "tozero",
                                 "fixedrange": True}}}


def finder_figure(result):
    """The finder's loss, raw and smoothed, against the rate on a log axis, and its suggestion (lr_finder's result)."""
    data = [{"type": "scatter", "mode": "lines", "name": _("loss"), "x": result.rates.astype(np.float32),
             "y": result.losses.astype(np.float32), "line": {"color": RAW_COLOR, "width": 1}},
            {"type": "scatter", "mode": "lines", "name": _("smoothed loss"), "x": result.rates.astype(np.float32),
             "y": result.smoothed.astype(np.float32), "line": {"color": TRAIN_COLOR, "width": 2.5}}]
    finite = result.smoothed[np.isfinite(result.smoothed)]
    top = float(finite.max()) if finite.size else 1.0
    return {"data": data, "layout": {
        "height": 260, "margin": {"l": 50, "r": 10, "t": 30, "b": 40}, "paper_bgcolor": "white",
        "plot_bgcolor": "white", "font": {"size": 12},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        "xaxis": {"type": "log", "title": {"text": _("learning rate")}, "exponentformat": "power",
                  "gridcolor": GRID},
        "yaxis": {"title": {"text": _("loss")}, "gridcolor": GRID, "range": [0, top * 1.05]},
        "shapes": [{"type": "line", "x0": result.suggestion, "x1": result.suggestion, "yref": "paper", "y0": 0,
                    "y1": 1, "line": {"color": SUGGESTION_COLOR, "dash": "dash", "width": 2}}]}}
