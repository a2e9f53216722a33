"""Plots: pure functions, data in, a plotly figure (a dict) out. Nothing here knows about the page."""
from . import animation, colours, rates, sweep
from .charts import (MAX_POINTS, boundary_figure, grid_points, history_figure, text,
                     weight_histograms)
from .colours import CLASS_COLORS, CLASS_SYMBOLS
from .health import gradient_sizes_figure, health_figure
from .images import confusion_figure, drawn_digit_figure, image_grid_figure, image_sheet
from .network import MAX_NEURONS, Column, network_figure
from .network_view import network_view_figure

__all__ = ["animation", "colours", "rates", "sweep", "CLASS_COLORS", "CLASS_SYMBOLS", "MAX_POINTS", "boundary_figure", "grid_points", "history_figure", "text", "weight_histograms",
           "confusion_figure", "drawn_digit_figure", "image_grid_figure", "image_sheet", "MAX_NEURONS", "Column", "network_figure", "network_view_figure",
           "health_figure", "gradient_sizes_figure"]
