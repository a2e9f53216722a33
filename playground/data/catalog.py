"""The catalog of data sets, and make_dataset, which builds any of them by name."""
from dataclasses import dataclass
from functools import partial

import numpy as np

from ..i18n import N_
from . import images, synthetic
from .dataset import build, check_scale, check_train_fraction, fit_scaler, split_indices
from .features import check_features, feature_matrix

DEFAULT_SAMPLES = 500          # TensorFlow Playground's number of points
SAMPLES_RANGE = (10, 100_000)  # for the 2-D sets
PLANE_EXTENT = 6.0             # the 2-D sets are drawn over at least [−6, 6]², as in TensorFlow Playground


@dataclass(frozen=True)
class DatasetInfo:
    task: str         # "classification" | "regression"
    kind: str         # "plane": points (x1, x2) with input features | "image"
    scale: object     # the scaling used when make_dataset is not told one
    description: str  # marked for translation: shown with _(description), given {least} and {most} classes
    make: object      # a generator of synthetic.py, or a loader of images.py
    n_classes: int = 2  # of a classification set in the plane; where the number is chosen, the least
    classes: tuple = None     # (least, most) classes to choose from (blobs); None: n_classes, fixed
    own_split: bool = False   # it comes split (MNIST: Keras's split): no training share, no data seed

    @property
    def settings(self):
        """The page's settings that make this set, in the sidebar's order (settings.data_arguments reads them)."""
        plane = ("noise", "samples", "features") if self.kind == "plane" else ()
        return plane + (("classes",) if self.classes else ()) + (() if self.own_split else ("train_percent", "data_seed"))


DATASETS = {
    "circle": DatasetInfo("classification", "plane", "standard",
                          N_("A disc of one class inside a ring of the other."), synthetic.circle),
    "xor": DatasetInfo("classification", "plane", "standard",
                       N_("Four squares: one class where x1 and x2 share a sign."), synthetic.xor),
    "gauss": DatasetInfo("classification", "plane", "standard",
                         N_("Two Gaussian clusters, one per class."), synthetic.gauss),
    "spiral": DatasetInfo("classification", "plane", "standard",
                          N_("Two interleaved spiral arms."), synthetic.spiral),
    "moons": DatasetInfo("classification", "plane", "standard",
                         N_("Two interleaving half circles."), synthetic.moons),
    "blobs": DatasetInfo("classification", "plane", "standard",
                         N_("Gaussian clusters of {least} to {most} classes, for softmax."), synthetic.blobs, 3, (3, 5)),
    "checkerboard": DatasetInfo("classification", "plane", "standard",
                                N_("A 4 × 4 checkerboard of two classes."), synthetic.checkerboard),
    "rings": DatasetInfo("classification", "plane", "standard",
                         N_("Three concentric rings, one class each."), synthetic.rings, 3),
    "sine": DatasetInfo("classification", "plane", "standard",
                        N_("Points above and below the curve x2 = sin(x1)."), synthetic.sine),
    "plane": DatasetInfo("regression", "plane", "standard",
                         N_("A tilted plane: the value grows with x1 + x2."), synthetic.plane),
    "multi-gauss": DatasetInfo("regression", "plane", "standard",
                               N_("Six Gaussian bumps, three up and three down."),
                               synthetic.multi_gauss),
    "digits": DatasetInfo("classification", "image", "minmax",
                          N_("scikit-learn's 1,797 handwritten digits, 8×8 pixels."), images.digits),
    "mnist": DatasetInfo("classification", "image", "minmax",
                         N_("MNIST's 70,000 handwritten digits, 28×28 pixels."), images.mnist,
                         own_split=True),
}


def make_dataset(name, n_samples=None, noise=0.0, train_fraction=0.5, seed=0,
                 features=("x1", "x2"), scale="default", n_classes=None):
    """Build the data set `name`; the same arguments always give the same arrays.

    n_samples: points of a 2-D set (500 by default), or a cap on training images (all by
    default). noise (0 to 0.5) and features apply to 2-D sets, n_classes to a set whose classes are chosen
    (blobs: its `classes`, default its `n_classes`); each is ignored where it does not apply. scale: None, "standard" or "minmax";
    "default" is the set's own default ("standard" for 2-D sets, "minmax" for images).
    """
    if name not in DATASETS:
        raise ValueError(f"Unknown data set {name!r}: choose one of {', '.join(map(repr, DATASETS))}.")
    info = DATASETS[name]
    scale = info.scale if scale == "default" else check_scale(scale)
    check_train_fraction(train_fraction)
    if not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"The seed must be a whole number of 0 or more, not {seed!r}.")
    _check_samples(n_samples, info.kind)
    if info.kind == "image":
        return info.make(n_samples, train_fraction, seed, scale)
    if not 0 <= noise <= 0.5:
        raise ValueError(f"The noise must lie between 0 and 0.5, not {noise}.")
    make, class_names = info.make, [str(k) for k in range(info.n_classes)] if info.task == "classification" else []
    if info.classes:
        n_classes = _check_classes(name, info, n_classes)
        make, class_names = partial(make, n_classes=n_classes), [str(k) for k in range(n_classes)]
    return plane_dataset(name, make, info.task, class_names, n_samples or DEFAULT_SAMPLES,
                         noise, train_fraction, seed, check_features(features), scale)


def _check_samples(n_samples, kind):
    low, high = SAMPLES_RANGE
    if n_samples is None:
        return
    if not isinstance(n_samples, (int, np.integer)) or n_samples < low or (
            kind == "plane" and n_samples > high):
        most = f" and at most {high:,}" if kind == "plane" else ""
        raise ValueError(f"The number of samples must be a whole number of at least {low}"
                         f"{most}, not {n_samples!r}.")


def _check_classes(name, info, n_classes):
    low, high = info.classes
    n_classes = info.n_classes if n_classes is None else n_classes
    if not isinstance(n_classes, (int, np.integer)) or not low <= n_classes <= high:
        raise ValueError(f"{name} has {low} to {high} classes, not {n_classes!r}.")
    return n_classes


def plane_dataset(name, make, task, class_names, n_samples, noise, train_fraction, seed,
                  features, scale):
    rng = np.random.default_rng(seed)
    points, y = make(n_samples, noise, rng)
    points = points.astype(np.float32)
    y = y.astype(np.int64 if task == "classification" else np.float32)
    train, test = split_indices(n_samples, train_fraction, rng)
    featurize = partial(feature_matrix, names=features)
    rows_train, rows_test = featurize(points[train]), featurize(points[test])
    return build(name, task, rows_train, rows_test, y[train], y[test], features, class_names,
                 scale, fit_scaler(scale, rows_train), points_train=points[train],
                 points_test=points[test], featurize=featurize, extent=PLANE_EXTENT)
