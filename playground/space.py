"""How a hidden layer sees the data: the training points and the plane's grid lines mapped through one hidden
layer, in that layer's own coordinates (ConvNetJS's 2-D demo).

A layer of two neurons is shown in its two activations (a₁, a₂). A wider layer is shown in its first two
principal components: with the layer's activations of the training points A (rows), their mean m and the
eigenvectors c₁, c₂ of their covariance with the two largest eigenvalues λ₁ ≥ λ₂, a point a is drawn at
((a − m)·c₁, (a − m)·c₂); the share of the variance shown is (λ₁ + λ₂) / Σλ. A principal component's sign (and,
for two of nearly equal variance, their order) is arbitrary, so each frame's components are matched to the last
frame's, and the picture does not flip while the run trains. A layer of one neuron is shown along its activation.

On the last hidden layer the output is a straight line's side: for one output neuron z = a·w + b, the network
says "class 1" where f(z) > 0.5 (z > 0 for a sigmoid); for two softmax outputs where z₂ − z₁ > 0. That line in the
view's coordinates (u, v) is p·u + q·v + r = 0, with (p, q) = (c₁·w, c₂·w) and r = m·w + b − z₀ in components, or
(w₁, w₂, b − z₀) in the two activations. Nothing here knows of the page.
"""
import math

import numpy as np

from .nn import forward_layers

LINES = 11            # grid lines of the plane in each direction
LINE_POINTS = 26      # points along each grid line (every fourth of the plane's 100)
MOST_POINTS = 400     # training points shown, spread over the set
# The pre-activation z₀ at which one output neuron's f(z₀) = 0.5, where its class changes.
THRESHOLD = {"sigmoid": 0.0, "tanh": math.atanh(0.5), "linear": 0.5}


def point_indices(n):
    """The training points shown of `n`: all of them, or MOST_POINTS spread over the set."""
    return np.linspace(0, n - 1, min(n, MOST_POINTS)).round().astype(int) if n else np.zeros(0, int)


def grid_lines(grid):
    """The network's inputs along the plane's grid lines, from its n × n grid (rows of increasing y): LINES lines
    of constant y, then LINES of constant x, LINE_POINTS points each, as one (2·LINES·LINE_POINTS, inputs) array."""
    n = int(round(math.sqrt(len(grid))))
    lines, along = np.linspace(0, n - 1, LINES).round().astype(int), np.linspace(0, n - 1, LINE_POINTS).round().astype(int)
    rows = (lines[:, None] * n + along[None, :]).ravel()
    columns = (along[None, :] * n + lines[:, None]).ravel()
    return grid[np.concatenate([rows, columns])]


def principal_axes(A, previous=None):
    """(mean, basis (d, 2), shares of the variance (2,)) of the activations A (rows): the first two principal
    components, matched in order and sign to `previous` (a basis from the last frame), or else each with its
    largest loading positive."""
    mean = A.mean(axis=0)
    values, vectors = np.linalg.eigh(np.cov(A - mean, rowvar=False, bias=True))
    values, vectors = np.clip(values[::-1], 0, None), vectors[:, ::-1]
    basis = vectors[:, :2].copy()
    shares = values[:2] / values.sum() if values.sum() > 0 else np.zeros(2)
    if previous is not None and previous.shape == basis.shape:
        overlap = previous.T @ basis
        if abs(overlap[0, 1]) + abs(overlap[1, 0]) > abs(overlap[0, 0]) + abs(overlap[1, 1]):
            basis, shares, overlap = basis[:, ::-1], shares[::-1], overlap[:, ::-1]
        basis *= np.where(np.diag(overlap) < 0, -1.0, 1.0)
    else:
        basis *= np.where(basis[np.abs(basis).argmax(axis=0), [0, 1]] < 0, -1.0, 1.0)
    return mean, basis, shares


def boundary_line(spec, weights, layer, task):
    """(w, b) of the output's class boundary {a : a·w + b = 0} in the activations of hidden layer `layer`, if it
    is the last and the network sorts into two classes by one output (sigmoid, tanh or linear) or two softmax
    outputs; else None."""
    if task != "classification" or layer != len(weights) - 2:
        return None
    W, b = (np.asarray(a, np.float64) for a in weights[-1])
    if W.shape[1] == 1 and spec.output_activation in THRESHOLD:
        return W[:, 0], float(b[0]) - THRESHOLD[spec.output_activation]
    if W.shape[1] == 2 and spec.output_activation == "softmax":
        return W[:, 1] - W[:, 0], float(b[1] - b[0])
    return None


class SpaceView:
    """The mapping of one hidden layer, frame after frame: keeps the last principal axes, so that the next
    frame's are matched to them."""

    def __init__(self, layer):
        self.layer, self.basis = layer, None

    def __repr__(self):
        return f"SpaceView(layer {self.layer + 1})"

    def coordinates(self, A, fit):
        """The view's coordinates (n, 2) of a layer's activations A, and what the axes are: (coordinates, kind,
        shares, mean, basis); kind "two", "components" (fitted to the activations `fit`) or "one"."""
        if A.shape[1] == 1:
            return np.column_stack([A[:, 0], np.zeros(len(A))]), "one", None, None, None
        if A.shape[1] == 2:
            return A, "two", None, None, None
        mean, self.basis, shares = principal_axes(fit, self.basis)
        return (A - mean) @ self.basis, "components", shares, mean, self.basis

    def parts(self, spec, weights, dataset):
        """(header entry, coordinates) of the view for a frame: the training points' and then the grid lines'
        coordinates (u, v) as an (n, 2) array, within the header's "bounds" [u₀, u₁, v₀, v₁] (frames.space_arrays
        makes them a byte each: half a pixel of a picture 256 pixels wide), what the axes are, the shares of the
        variance and the boundary line p·u + q·v + r = 0 (or None). (None, None) if the network has no such hidden
        layer."""
        if not 0 <= self.layer < len(weights) - 1:
            return None, None
        activations = (*spec.activations, spec.output_activation)
        X = np.asarray(dataset.X_train)[point_indices(len(dataset.X_train))]
        inputs = np.vstack([X, grid_lines(dataset.grid)])
        A = np.asarray(forward_layers(weights, activations, inputs, spec.dtype, spec.off)[self.layer], np.float64)
        A = np.nan_to_num(A, nan=0.0, posinf=1e6, neginf=-1e6)
        points, kind, shares, mean, basis = self.coordinates(A, A[:len(X)])
        low, high = points.min(axis=0), points.max(axis=0)
        high = np.where(high - low > 1e-9, high, low + 1e-9)
        header = {"layer": self.layer, "kind": kind, "points": len(X), "lines": LINES, "along": LINE_POINTS,
                  "bounds": [float(low[0]), float(high[0]), float(low[1]), float(high[1])],
                  "shares": None if shares is None else [round(float(s), 4) for s in shares],
                  "line": self.line(spec, weights, dataset.task, kind, mean, basis)}
        return header, points

    def line(self, spec, weights, task, kind, mean, basis):
        """The boundary's [p, q, r] in the view's coordinates, or None (see the module's docstring)."""
        found = boundary_line(spec, weights, self.layer, task)
        if found is None:
            return None
        w, b = found
        p, q, r = ((float(basis[:, 0] @ w), float(basis[:, 1] @ w), float(mean @ w + b)) if kind == "components"
                   else (float(w[0]), float(w[1]) if kind == "two" else 0.0, b))
        return [p, q, r] if all(map(math.isfinite, (p, q, r))) and (p or q) else None
