"""What the live view draws of a run, one frame at a time, as a few kilobytes of bytes.

A frame is a small JSON header and arrays: the history rows since the last frame, the decision
boundary over a BOUNDARY × BOUNDARY grid of the plane (one byte a point), every shown neuron's
picture over a coarser grid (one byte a point), and the shown links' weights. The browser draws
them on canvases (playground/ui/live_view/live.js); nothing here knows of the page.

Layout of the bytes: a little-endian uint32 n, n bytes of JSON header, then each array the header
lists in "arrays" as [name, dtype, length], in that order, each starting on a multiple of 4 bytes.
A frame of a data set in the plane that is not one of a playing run (a paused or stepped run's, a key
frame, a replayed epoch's) also carries the network's prediction for each test point (a class index as a
byte, NOT_FINITE where the outputs are not finite numbers; or a regression's value), for the live view's
table of the test points: a playing run's frames stay within their bytes a second.
While the page shows the space view, a frame also carries the training points and the plane's grid lines as one
hidden layer sees them (playground/space.py).
A frame made with a focused hidden neuron carries that neuron's output over the boundary's grid (one byte a point,
on its own colour scale) in place of the boundary, which the live view then does not draw: it stays as small.
A key frame carries the whole (thinned) history and the inputs' pictures; the frames after it carry
the rows finished since the one before (the header's "after" is the last epoch it had), so that
the curves grow a point at a time.
"""
import json
import math
import struct

import numpy as np

from .nn import forward_layers
from .space import SpaceView

BOUNDARY = 50        # points on each side of the boundary's grid (every other one of the data set's 100)
NEURON_BYTES = 1600  # bytes for all the neuron pictures of one frame: each is as fine as that allows…
NEURON_SIDE = (6, 16)  # …between 6 × 6 and 16 × 16 points
MAX_NEURONS = 8      # neurons shown per layer (TensorFlow Playground's own limit)
KEY_ROWS = 400       # history rows in a key frame, spread over the run (the latest always among them)
NOT_FINITE = 255     # a test point's predicted class when the network's outputs are not finite numbers
COLUMNS = ("epoch", "train_loss", "test_loss", "train_score", "test_score")


def _picks(side, n):
    """Indices into an n × n grid (rows of increasing y, as meshgrid gives them) of a side × side grid,
    its first row the top (largest y)."""
    at = np.linspace(0, n - 1, side).round().astype(int)
    return (at[::-1, None] * n + at[None, :]).ravel()


def neuron_side(count):
    """The side of each neuron's picture when `count` pictures share NEURON_BYTES."""
    side = int(math.sqrt(NEURON_BYTES / max(count, 1)))
    return min(max(side, NEURON_SIDE[0]), NEURON_SIDE[1])


def to_bytes(values, low=-1.0, high=1.0):
    """Values between low and high as 0…255 (NaN as 0, the ends clipped)."""
    scaled = (np.nan_to_num(np.asarray(values, np.float64), nan=low) - low) / (high - low)
    return np.round(np.clip(scaled, 0, 1) * 255).astype(np.uint8)


def boundary_bytes(outputs, task, value_range):
    """The output over the plane, one byte a point: for one output its probability (0…1), for several
    the class (high 4 bits) and how sure the network is of it (low 4 bits, from 1/k to 1), for a
    regression the value within `value_range`. Returns (kind, bytes)."""
    if task == "regression":
        return "value", to_bytes(outputs[:, 0], *value_range)
    if outputs.shape[1] == 1:
        return "probability", to_bytes(outputs[:, 0], 0.0, 1.0)
    k = outputs.shape[1]
    sure = np.nan_to_num(outputs.max(axis=1), nan=1 / k)
    level = np.round(np.clip((sure - 1 / k) / (1 - 1 / k), 0, 1) * 15).astype(np.uint8)
    return "classes", (np.minimum(np.nan_to_num(outputs.argmax(axis=1)), 15).astype(np.uint8) << 4) | level


def pack(header, arrays):
    """The frame's bytes: the header (with "arrays" listed) and the arrays, each 4-byte aligned."""
    arrays = [(name, np.ascontiguousarray(a)) for name, a in arrays if a is not None]
    header = {**header, "arrays": [[name, a.dtype.str[1:], int(a.size)] for name, a in arrays]}
    text = json.dumps(header, separators=(",", ":")).encode()
    parts = [struct.pack("<I", len(text)), text]
    size = 4 + len(text)
    for _name, a in arrays:
        pad = -size % 4
        parts += [b"\0" * pad, a.tobytes()]
        size += pad + a.nbytes
    return b"".join(parts)


def unpack(frame):
    """(header, {name: array}) of a frame's bytes: what the browser reads, for tests."""
    (n,) = struct.unpack_from("<I", frame)
    header = json.loads(frame[4:4 + n])
    arrays, at = {}, 4 + n
    for name, dtype, length in header["arrays"]:
        at += -at % 4
        a = np.frombuffer(frame, np.dtype("<" + dtype) if dtype != "u1" else np.uint8, length, at)
        arrays[name], at = a, at + a.nbytes
    return header, arrays


def _finite(value):
    return float(value) if value is not None and math.isfinite(value) else None


class FrameMaker:
    """Makes the frames of one run; remembers the last epoch sent, so each frame carries the new rows."""

    def __init__(self):
        self.sent_epoch, self.seq = None, 0
        self.space = None  # the SpaceView of the hidden layer shown, while the page shows one

    def frame(self, run, mode, key=False, space_layer=None, focus=None):
        """The run's frame now; a key frame (the whole history) when asked, first, or after the run went
        back in time (a reset, a roll back). With `space_layer`, the training points and the plane's grid lines
        as that hidden layer sees them (playground/space.py). `focus`: a hidden neuron (layer, neuron), both from
        0, whose picture the frame carries in the boundary's place (focus_picture)."""
        log, epoch = run.timeline.log, run.epoch
        key = key or self.sent_epoch is None or epoch < self.sent_epoch
        epochs = log["epoch"]
        if key:
            rows = log.rows(KEY_ROWS)
        else:
            rows = np.arange(int(np.searchsorted(epochs, self.sent_epoch, side="right")), len(log))
        table = np.column_stack([log[name][rows] for name in COLUMNS]).astype(np.float32)
        self.seq += 1
        header = {"seq": self.seq, "key": bool(key), "after": None if key else self.sent_epoch, "epoch": int(epoch),
                  "batch": run.batch, "batches": run.batches, "mode": mode, "diverged": bool(run.diverged),
                  "good": int(run.timeline.last_finite[0]), "thinned_before": int(log.thinned_before),
                  "latest": {name: _finite(log.last(name)) for name in COLUMNS[1:]} if len(log) else None}
        self.sent_epoch = int(epochs[-1]) if len(log) else epoch
        arrays = [("rows", table.ravel())]
        grid = run.dataset.grid
        if grid is not None:
            weights = run.engine.get_weights()
            header_views, view_arrays = plane_views(run.spec, weights, grid, run.dataset, key,
                                                    predicted=key or mode != "playing", focus=focus)
            header.update(header_views)
            arrays += view_arrays
            arrays += self.space_view(header, run.spec, weights, run.dataset, space_layer)
        return pack(header, arrays)

    def space_view(self, header, spec, weights, dataset, layer):
        """The space view's arrays (its header entry put in `header`), or none without a layer to show."""
        if layer is None:
            self.space = None
            return []
        if self.space is None or self.space.layer != layer:
            self.space = SpaceView(layer)
        header["space"], points = self.space.parts(spec, weights, dataset)
        return space_arrays(header["space"], points)


def space_arrays(entry, points):
    """The space view's coordinates (points: (n, 2), u and v), a byte each within its header entry's "bounds"
    [u₀, u₁, v₀, v₁]; none without a view."""
    if entry is None:
        return []
    u0, u1, v0, v1 = entry["bounds"]
    return [("space", np.column_stack([to_bytes(points[:, 0], u0, u1), to_bytes(points[:, 1], v0, v1)]).ravel())]


def plane_views(spec, weights, grid, dataset, inputs=False, predicted=True, focus=None):
    """The boundary, the neurons' pictures and the shown links' weights over the data set's plane grid
    (n × n network inputs), as (header entries, [(name, array)]); with `inputs`, the inputs' pictures too, with
    `predicted` the test points' predictions, with `focus` that hidden neuron's picture (focus_picture) in the
    boundary's place."""
    n = int(round(math.sqrt(len(grid))))
    activations = (*spec.activations, spec.output_activation)
    outputs = forward_layers(weights, activations, grid[_picks(BOUNDARY, n)], spec.dtype, spec.off)
    kind, boundary = boundary_bytes(outputs[-1], dataset.task, value_range(dataset))
    shown = [min(W.shape[1], MAX_NEURONS) for W, _b in weights]
    side = neuron_side(sum(shown))
    small = forward_layers(weights, activations, grid[_picks(side, n)], spec.dtype, spec.off)
    pictures = []
    for a, f, k in zip(small, activations, shown):
        values = a[:, :k].T
        pictures.append(to_bytes(2 * values - 1 if f in ("sigmoid", "softmax") else values))
    n_in = min(grid.shape[1], MAX_NEURONS)
    links = [np.concatenate([W[:n_in if i == 0 else shown[i - 1], :k].ravel(), b[:k]])
             for i, ((W, b), k) in enumerate(zip(weights, shown))]
    header = {"boundary": {"side": BOUNDARY, "kind": kind, "finite": bool(np.isfinite(outputs[-1]).all())},
              "side": side, "shown": shown, "sizes": [int(grid.shape[1])] + [int(W.shape[1]) for W, _b in weights],
              "off": [list(pair) for pair in spec.off]}
    focused = focus_picture(outputs, activations, focus)
    if focused is not None:  # drawn in the boundary's place
        header["focus"], picture = focused
    arrays = [("boundary", boundary) if focused is None else ("focus", picture),
              ("neurons", np.concatenate([p.ravel() for p in pictures])),
              ("weights", np.concatenate(links).astype(np.float32))]
    if predicted:
        arrays.append(("predicted", test_predictions(spec, weights, dataset)))
    if inputs:
        points = grid[_picks(side, n)][:, :n_in]
        arrays.append(("inputs", to_bytes((points / np.maximum(np.abs(points).max(axis=0), 1e-9)).T)))
    return header, arrays


def focus_range(values, activation):
    """The ends of a focused neuron's colour scale: its activation's range where it has one (tanh −1…1, sigmoid
    0…1), else ±its largest output now (relu, elu, linear: 0 stays in the middle, as in the network's pictures)."""
    if activation == "tanh":
        return -1.0, 1.0
    if activation in ("sigmoid", "softmax"):
        return 0.0, 1.0
    finite = np.abs(values[np.isfinite(values)])
    high = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
    return -high, high


def focus_picture(outputs, activations, focus):
    """A hidden neuron's output over the boundary's grid, from every layer's `outputs` there (forward_layers), as
    (header entry, bytes); None without a focus, or for one the network does not have (its width changed)."""
    if focus is None:
        return None
    layer, neuron = focus
    if not (0 <= layer < len(outputs) - 1 and 0 <= neuron < outputs[layer].shape[1]):
        return None
    values = np.asarray(outputs[layer][:, neuron], np.float64)
    low, high = focus_range(values, activations[layer])
    return ({"layer": layer, "neuron": neuron, "activation": activations[layer], "low": low, "high": high,
             "finite": bool(np.isfinite(values).all())}, to_bytes(values, low, high))


def test_predictions(spec, weights, dataset):
    """The network's prediction for each test point: its class (uint8; NOT_FINITE for outputs that are not
    finite), as the run's accuracy counts it (above 0.5 for one output, the largest output otherwise), or for a
    regression its value (float32); None without test points."""
    X = getattr(dataset, "X_test", None)
    if X is None or not len(X):
        return None
    activations = (*spec.activations, spec.output_activation)
    outputs = np.asarray(forward_layers(weights, activations, X, spec.dtype, spec.off)[-1], np.float64)
    if dataset.task == "regression":
        return outputs[:, 0].astype(np.float32)
    classes = (outputs[:, 0] > 0.5).astype(np.uint8) if outputs.shape[1] == 1 else outputs.argmax(axis=1).astype(np.uint8)
    return np.where(np.isfinite(outputs).all(axis=1), classes, NOT_FINITE).astype(np.uint8)


def value_range(dataset):
    """The colour scale's ends for a regression: the training targets' range (fixed, so a colour keeps its
    meaning while the run trains)."""
    if dataset.task != "regression":
        return (0.0, 1.0)
    y = np.asarray(dataset.y_train, np.float64)
    low, high = float(y.min()), float(y.max())
    return (low, high) if high > low else (low - 1, high + 1)


def still(spec, snapshot, dataset, space=None, focus=None):
    """The frame of one moment kept as a Snapshot (a replayed epoch): its picture and its metrics; with `space` (a
    SpaceView), the data as its hidden layer sees it; with `focus`, that hidden neuron's picture."""
    latest = {name: _finite(values[-1]) for name, values in snapshot.history.items() if name != "epoch"}
    header = {"seq": 0, "key": True, "after": None, "epoch": int(snapshot.epoch), "batch": 0, "batches": 0,
              "mode": "paused", "diverged": bool(snapshot.diverged), "good": int(snapshot.last_finite_epoch),
              "thinned_before": 0, "latest": latest}
    arrays = [("rows", np.zeros(0, np.float32))]
    if dataset.grid is not None:
        views, view_arrays = plane_views(spec, snapshot.weights, dataset.grid, dataset, focus=focus)
        header.update(views)
        arrays += view_arrays
        if space is not None:
            header["space"], points = space.parts(spec, snapshot.weights, dataset)
            arrays += space_arrays(header["space"], points)
    return pack(header, arrays)
