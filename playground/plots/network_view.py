"""The network view's pictures: what each neuron shows, computed from the weights (pure, no page).

For a set in the plane each neuron shows its activation over the plane, as the decision
boundary does for the output. For an image set the first layer's neurons show their weights
as images (what each one looks for), and the neurons after it their mean activation on a
sample of test images; for an upload that is neither, every neuron shows that mean.
`network_view_figure` puts them in the network figure (`network.py`).
"""
import numpy as np

from ..i18n import _
from ..nn import forward_layers
from .charts import text
from .network import MAX_NEURONS, Column, network_figure

TILE_STEP = 5   # every 5th point of the boundary's 100 × 100 grid: 20 × 20 tiles
SAMPLE = 200    # test rows whose mean activation colours a neuron without a plane
FLAT_TILE = 8   # the tile size of neurons shown by one colour


def network_view_figure(spec, dataset, weights, grid=None, height=None, limit=MAX_NEURONS):
    """The network figure of `spec` with `weights`; `grid` is the network's inputs under the decision
    boundary (the data set's plane_grid) for a set in the plane; at most `limit` neurons a layer (None: all)."""
    columns = (plane_columns(spec, dataset, weights, grid, limit) if grid is not None
               else sample_columns(spec, dataset, weights, limit))
    links = [W for W, _b in weights]
    if dataset.image_shape is not None:
        links[0] = None  # the pixels' weights are the first layer's pictures
    return network_figure(columns, links, smooth=grid is not None, title=title(spec, dataset, limit, "<br>"), height=height,
                          limit=limit)


def wide(spec, dataset):
    """Whether a layer (or the inputs, off the plane and not an image) has more neurons than the view shows."""
    return max(spec.sizes[1:]) > MAX_NEURONS or (dataset.image_shape is None and spec.sizes[0] > MAX_NEURONS)


def title(spec, dataset, limit=MAX_NEURONS, between=" · "):
    """The network's sizes, and a note when a layer is shown in part (after `between`: a line break in a figure,
    whose title plotly does not wrap)."""
    sizes = " → ".join(map(str, spec.sizes))
    note = (between + _("wide layers show their first {n} neurons").format(n=MAX_NEURONS)
            if limit is not None and wide(spec, dataset) else "")
    return _("Network: {sizes}").format(sizes=sizes) + note


def _names(spec):
    return [_("layer {layer}").format(layer=i) for i in range(1, len(spec.hidden) + 1)] + [_("output")], \
        (*spec.activations, spec.output_activation)


def _outputs(spec, weights, X):
    return forward_layers(weights, (*spec.activations, spec.output_activation), X, spec.dtype, spec.off)


def _neuron_hover(name, activation, j, b, values, what, off=()):
    finite = values[np.isfinite(values)]
    span = _("{low:.3f} to {high:.3f}").format(low=finite.min(), high=finite.max()) if finite.size else _("not finite")
    return (_("{layer} · neuron {neuron} ({activation})").format(layer=name, neuron=j + 1, activation=activation)
            + (" · " + _("off") if j in off else "")
            + "<br>" + _("bias {bias:.3f}").format(bias=b) + f"<br>{what} {span}")


def _off(spec, layer):
    """The places (from 0) of the neurons of Dense layer `layer` (from 0) switched off."""
    return tuple(neuron - 1 for l, neuron in spec.off if l == layer + 1)


def plane_columns(spec, dataset, weights, grid, limit=MAX_NEURONS):
    """Every node's activation over a 20 × 20 grid of the plane, the top row the largest x2."""
    n = int(np.sqrt(len(grid)))
    pick = np.arange(n).reshape(-1, 1) * n + np.arange(n)
    pick = pick[::-TILE_STEP][:, ::TILE_STEP].ravel()
    points = grid[pick]
    side = len(range(0, n, TILE_STEP))
    scaled = points / np.maximum(np.abs(points).max(axis=0), 1e-9)
    names = [text(f) for f in dataset.feature_names]
    inputs = Column(_("input"), scaled.T.reshape(-1, side, side),
                    [_("input {feature}").format(feature=f) + "<br>" + _("from {low:.2f} to {high:.2f}").format(
                        low=points[:, k].min(), high=points[:, k].max()) for k, f in enumerate(names)], labels=names)
    columns = [inputs]
    layer_names, activations = _names(spec)
    for layer, (a, (_W, b), name, f) in enumerate(zip(_outputs(spec, weights, points), weights, layer_names,
                                                       activations)):
        shown, off = a[:, :limit], _off(spec, layer)
        tiles = shown.T.reshape(-1, side, side)
        if f in ("sigmoid", "softmax"):
            tiles = 2 * tiles - 1  # a probability: 0.5 is white, as on the boundary
        hover = [_neuron_hover(name, f, j, b[j], shown[:, j], _("over the plane"), off) for j in range(shown.shape[1])]
        columns.append(Column(name, tiles, hover, a.shape[1], off=off))
    return columns


def sample_columns(spec, dataset, weights, limit=MAX_NEURONS):
    """For data without a plane: pictures of the first layer's weights for an image set, and
    each neuron's mean activation on SAMPLE test rows as its colour."""
    sample = dataset.X_test[:SAMPLE]
    shape = dataset.image_shape
    side = shape[1] if shape else FLAT_TILE
    if shape:
        mean = sample.mean(axis=0)
        columns = [Column(_("input"), (mean / max(mean.max(), 1e-9)).reshape(1, *shape),
                          [_("input: {n} pixels ({height}×{width})").format(n=dataset.n_inputs, height=shape[0],
                                                                             width=shape[1])
                           + "<br>" + _("the picture is the mean test image")])]
    else:
        columns = [Column(_("input"), np.zeros((dataset.n_inputs, side, side)),
                          [_("input {feature}").format(feature=text(f)) for f in dataset.feature_names])]
    layer_names, activations = _names(spec)
    for layer, (a, (W, b), name, f) in enumerate(zip(_outputs(spec, weights, sample), weights, layer_names,
                                                      activations)):
        k = a.shape[1] if limit is None else min(a.shape[1], limit)
        off = _off(spec, layer)
        if layer == 0 and shape:
            pictures = W[:, :k].T / np.maximum(np.abs(W[:, :k]).max(axis=0), 1e-9)[:, None]
            tiles = pictures.reshape(k, *shape)
            hover = [_neuron_hover(name, f, j, b[j], W[:, j], _("weights from"), off) for j in range(k)]
        else:
            mean = a[:, :k].mean(axis=0)
            tiles = np.broadcast_to(mean[:, None, None], (k, side, side))
            hover = [_neuron_hover(name, f, j, b[j], a[:, j], _("on test rows:"), off) + "<br>"
                     + _("mean {mean:.3f}").format(mean=mean[j]) for j in range(k)]
        columns.append(Column(name, np.asarray(tiles, np.float32), hover, a.shape[1], off=off))
    return columns
