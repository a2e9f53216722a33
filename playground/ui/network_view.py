"""The network view of data off the plane (image sets, uploads): drawn by plotly when the page runs
(a set in the plane has the live view's own, in ui/live_view; the pictures come from
plots.network_view_figure)."""
from .. import plots
from .chart import chart


def network_view(run, weights, plane=None, height=None, limit=plots.MAX_NEURONS, key="network_figure"):
    """Draws the network with its current `weights`; `plane` is the boundary's (x, y, inputs) grid
    for a set in the plane; `height` in pixels (else the figure's own); at most `limit` neurons a layer
    (None: every one)."""
    figure = plots.network_view_figure(run.spec, run.dataset, weights, None if plane is None else plane[2], height,
                                       limit=limit)
    chart(figure, key=key, height=figure["layout"]["height"])
