"""The network view, drawn inside the live part so that it moves while the network trains
(the pictures come from plots.network_view_figure)."""
from .. import plots
from .live_chart import live_chart


def network_view(run, weights, plane=None, height=None):
    """Draws the network with its current `weights`; `plane` is the boundary's (x, y, inputs) grid
    for a set in the plane; `height` in pixels (else the figure's own)."""
    figure = plots.network_view_figure(run.spec, run.dataset, weights, None if plane is None else plane[2], height)
    live_chart(figure, key="chart_network", height=figure["layout"]["height"])
