"""The network view, drawn inside the live part so that it moves while the network trains.

For a set in the plane each neuron shows its activation over the plane, as the decision
boundary does for the output. For an image set the first layer's neurons show their weights
as images (what each one looks for), and the neurons after it their mean activation on a
sample of test images; for an upload that is neither, every neuron shows that mean.
"""
import numpy as np
import streamlit as st

from .. import plots
from ..plots.network import Column
from .live_chart import live_chart

TILE_STEP = 5   # every 5th point of the boundary's 100 × 100 grid: 20 × 20 tiles
SAMPLE = 200    # test rows whose mean activation colours a neuron without a plane
FLAT_TILE = 8   # the tile size of neurons shown by one colour


def network_view(run, weights, plane=None):
    """Draws the network with its current `weights`; `plane` is the boundary's (x, y, inputs) grid
    for a set in the plane."""
    if plane is not None:
        columns = _plane_columns(run, weights, plane[2])
    else:
        columns = _sample_columns(run, weights)
    links = [W for W, _ in weights]
    if run.dataset.image_shape is not None:
        links[0] = None  # the pixels' weights are the first layer's pictures
    figure = plots.network_figure(columns, links, smooth=plane is not None, title=_title(run))
    live_chart(figure, key="chart_network", height=figure["layout"]["height"])
    st.caption("Links: blue for a positive weight, orange for a negative one, thicker for a larger one. "
               "Hover over a link for its weight, over a neuron for its picture, enlarged.")


def _title(run):
    sizes = " → ".join(map(str, run.spec.sizes))
    wide = max(run.spec.sizes[1:]) > plots.MAX_NEURONS or (
        run.dataset.image_shape is None and run.spec.sizes[0] > plots.MAX_NEURONS)
    note = f" · wide layers show their first {plots.MAX_NEURONS} neurons" if wide else ""
    return f"Network: {sizes}{note}"


def _names(run):
    spec = run.spec
    return [f"layer {i}" for i in range(1, len(spec.hidden) + 1)] + ["output"], \
        (*spec.activations, spec.output_activation)


def _neuron_hover(name, activation, j, b, values, what):
    finite = values[np.isfinite(values)]
    span = f"{finite.min():.3f} to {finite.max():.3f}" if finite.size else "not finite"
    return f"{name} · neuron {j + 1} ({activation})<br>bias {b:.3f}<br>{what} {span}"


def _plane_columns(run, weights, grid):
    """Every node's activation over a 20 × 20 grid of the plane, the top row the largest x2."""
    n = int(np.sqrt(len(grid)))
    pick = np.arange(n).reshape(-1, 1) * n + np.arange(n)
    pick = pick[::-TILE_STEP][:, ::TILE_STEP].ravel()
    points = grid[pick]
    side = len(range(0, n, TILE_STEP))
    scaled = points / np.maximum(np.abs(points).max(axis=0), 1e-9)
    inputs = Column("input", scaled.T.reshape(-1, side, side),
                    [f"input {f}<br>from {points[:, k].min():.2f} to {points[:, k].max():.2f}"
                     for k, f in enumerate(run.dataset.feature_names)], labels=run.dataset.feature_names)
    columns = [inputs]
    names, activations = _names(run)
    for a, (_, b), name, f in zip(run.layer_outputs(points, weights), weights, names, activations):
        shown = a[:, :plots.MAX_NEURONS]
        tiles = shown.T.reshape(-1, side, side)
        if f in ("sigmoid", "softmax"):
            tiles = 2 * tiles - 1  # a probability: 0.5 is white, as on the boundary
        hover = [_neuron_hover(name, f, j, b[j], shown[:, j], "over the plane") for j in range(shown.shape[1])]
        columns.append(Column(name, tiles, hover, a.shape[1]))
    return columns


def _sample_columns(run, weights):
    """For data without a plane: pictures of the first layer's weights for an image set, and
    each neuron's mean activation on SAMPLE test rows as its colour."""
    ds = run.dataset
    sample = ds.X_test[:SAMPLE]
    shape = ds.image_shape
    side = shape[1] if shape else FLAT_TILE
    if shape:
        mean = sample.mean(axis=0)
        columns = [Column("input", (mean / max(mean.max(), 1e-9)).reshape(1, *shape),
                          [f"input: {ds.n_inputs} pixels ({shape[0]}×{shape[1]})<br>"
                           "the picture is the mean test image"])]
    else:
        columns = [Column("input", np.zeros((ds.n_inputs, side, side)),
                          [f"input {f}" for f in ds.feature_names])]
    names, activations = _names(run)
    for layer, (a, (W, b), name, f) in enumerate(zip(run.layer_outputs(sample, weights), weights, names, activations)):
        k = min(a.shape[1], plots.MAX_NEURONS)
        if layer == 0 and shape:
            pictures = W[:, :k].T / np.maximum(np.abs(W[:, :k]).max(axis=0), 1e-9)[:, None]
            tiles = pictures.reshape(k, *shape)
            hover = [_neuron_hover(name, f, j, b[j], W[:, j], "weights from") for j in range(k)]
        else:
            mean = a[:, :k].mean(axis=0)
            tiles = np.broadcast_to(mean[:, None, None], (k, side, side))
            hover = [_neuron_hover(name, f, j, b[j], a[:, j], "on test rows:") + f"<br>mean {mean[j]:.3f}"
                     for j in range(k)]
        columns.append(Column(name, np.asarray(tiles, np.float32), hover, a.shape[1]))
    return columns
