"""Plots: pure functions, data in, a plotly figure (a dict) out. Nothing here knows about the page."""
from .charts import (CLASS_COLORS, MAX_POINTS, boundary_figure, grid_points, history_figure,
                     weight_histograms)
from .health import health_figure

__all__ = ["CLASS_COLORS", "MAX_POINTS", "boundary_figure", "grid_points", "history_figure", "weight_histograms",
           "health_figure"]
