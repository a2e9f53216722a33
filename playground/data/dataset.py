"""Dataset: one data set, split into training and test rows, ready for an engine.

The fields follow the data contract in DESIGN.md. Beyond it, a set that lives in the (x1, x2)
plane keeps its points and can map any other points, such as a grid under the decision
boundary, through the same features and scaling (`transform`); an image set keeps its image
shape; an upload keeps notes on how its file was read, for the page to show.
"""
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from ..nn.targets import targets

SCALERS = {"standard": StandardScaler, "minmax": MinMaxScaler}
SCALES = (None, *SCALERS)
GRID_RESOLUTION = 100  # points on each side of the grid under the decision boundary


def check_scale(scale):
    if scale is not None and scale not in SCALERS:
        raise ValueError(f"Unknown scaling {scale!r}: choose None, 'standard' or 'minmax'.")
    return scale


def check_train_fraction(train_fraction):
    if not 0.1 <= train_fraction <= 0.9:
        raise ValueError(f"The training fraction must lie between 0.1 and 0.9, not {train_fraction}.")


def fit_scaler(scale, rows):
    """A scikit-learn scaler fit on `rows` (the training rows), or None for no scaling.
    It scales in place: the rows it is given are always fresh arrays, and MNIST's are large."""
    return None if scale is None else SCALERS[scale](copy=False).fit(rows)


def split_indices(n, train_fraction, rng):
    """Shuffled row indices cut into (train, test); each part keeps at least one row."""
    order = rng.permutation(n)
    n_train = min(max(round(n * train_fraction), 1), n - 1)
    return order[:n_train], order[n_train:]


@dataclass(eq=False, repr=False)
class Dataset:
    name: str
    task: str                        # "classification" | "regression"
    X_train: np.ndarray              # (n, n_inputs) float32, features after scaling
    X_test: np.ndarray
    y_train: np.ndarray              # class indices (int64) or real values (float32), (n,)
    y_test: np.ndarray
    feature_names: tuple
    class_names: tuple = ()          # empty for regression
    scale: object = None             # None | "standard" | "minmax"
    points_train: np.ndarray = None  # (n, 2) float32 raw (x1, x2), for sets in the plane
    points_test: np.ndarray = None
    image_shape: tuple = None        # (8, 8) or (28, 28), for image sets
    featurize: object = None         # points (n, 2) -> unscaled features, for sets in the plane
    extent: float = None             # a built-in set's plane is drawn over at least [−extent, extent]²
    scaler: object = None            # fitted on the training rows; None for no scaling
    notes: tuple = ()                # sentences on how the file was read ("... read as Windows-1252.")
    Y_train: np.ndarray = field(init=False)  # engine targets, from y and the task
    Y_test: np.ndarray = field(init=False)

    def __post_init__(self):
        n_outputs = self.n_classes if self.n_classes > 2 else 1
        self.Y_train = targets(self.y_train, self.task, n_outputs)
        self.Y_test = targets(self.y_test, self.task, n_outputs)

    def __repr__(self):
        classes = f", {self.n_classes} classes" if self.n_classes else ""
        return (f"<Dataset {self.name!r}: {self.task}, {len(self.y_train)} training and "
                f"{len(self.y_test)} test rows, {self.n_inputs} features{classes}>")

    @property
    def n_classes(self):
        return len(self.class_names)

    @property
    def n_inputs(self):
        return self.X_train.shape[1]

    @property
    def n_outputs(self):
        return self.Y_train.shape[1]

    def transform(self, points):
        """Network inputs for raw (x1, x2) points (n, 2): the set's features, then its scaling."""
        if self.featurize is None:
            raise ValueError(f"The data set {self.name!r} does not lie in the (x1, x2) plane, "
                             "so it has no decision boundary to draw.")
        return scaled(self.scaler, self.featurize(points))

    def unscaled(self, X):
        """Network inputs `X` (rows of X_train or X_test) as they were before scaling."""
        return np.asarray(X, np.float64) if self.scaler is None else self.scaler.inverse_transform(
            np.array(X, np.float64))

    @property
    def grid(self):
        """The network's inputs under the decision boundary (plane_grid's), or None off the plane."""
        return None if self.points_train is None else self.plane_grid[2]

    @cached_property
    def plane_grid(self):
        """(x values, y values, network inputs) of the GRID_RESOLUTION² grid under the decision boundary:
        over the points with a margin of a tenth, and at least [−extent, extent]² for a built-in set."""
        points = np.vstack([self.points_train, self.points_test])
        low, high = points.min(axis=0), points.max(axis=0)
        margin = 0.1 * np.maximum(high - low, 1e-6)
        low, high = low - margin, high + margin
        if self.extent is not None:
            low, high = np.minimum(low, -self.extent), np.maximum(high, self.extent)
        x, y = np.linspace(low[0], high[0], GRID_RESOLUTION), np.linspace(low[1], high[1], GRID_RESOLUTION)
        x1, x2 = np.meshgrid(x, y)
        return x, y, self.transform(np.column_stack([x1.ravel(), x2.ravel()]))


def scaled(scaler, rows):
    return np.asarray(rows if scaler is None else scaler.transform(rows), np.float32)


def build(name, task, rows_train, rows_test, y_train, y_test, feature_names, class_names,
          scale, scaler, **extra):
    """A Dataset from unscaled feature rows and a fitted scaler (or None)."""
    return Dataset(name, task, scaled(scaler, rows_train), scaled(scaler, rows_test),
                   y_train, y_test, tuple(feature_names), tuple(class_names), scale,
                   scaler=scaler, **extra)
