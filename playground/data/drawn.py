"""Data drawn by hand on the plane: points and their labels, a data set of them, and a compact text
form for links.

The drawn points are split by a rule a person can follow: every fourth point drawn (the 4th, the 8th,
…) is a test point, the others are training points. The input features are computed from the points
as for any set in the plane, over the plane's usual [−6, 6]², and standardized over the training points.

In a link the points travel as `drawn=` text: per point one byte for x1, one for x2 (the plane cut into
255 steps of 12/255 ≈ 0.05) and one for its class (or its value, cut likewise over −1…1), zlib-packed
and in URL-safe base64: 300 points take about 1,200 characters. A link holds at most MAX_LINK_POINTS.
"""
import base64
import binascii
import hashlib
import zlib
from functools import partial

import numpy as np

from .catalog import PLANE_EXTENT
from .dataset import build, fit_scaler
from .features import check_features, feature_matrix

TEST_EVERY = 4           # every fourth point drawn is a test point
MAX_POINTS = 2000        # points a drawing may have
MAX_LINK_POINTS = 1000   # points a link carries (the CSV download holds any number)
STEPS = 255
LIMIT = PLANE_EXTENT
VALUE_LIMIT = 1.0        # a drawn regression value lies in −1…1
MAX_LINK_TEXT = 8 * MAX_LINK_POINTS   # characters of a drawing in a link


def split(n):
    """(training rows, test rows) of n drawn points: every TEST_EVERY-th point drawn is a test point."""
    rows = np.arange(n)
    test = rows % TEST_EVERY == TEST_EVERY - 1
    return rows[~test], rows[test]


def drawn_dataset(points, labels, task, class_names, features):
    """A Dataset of drawn `points` (n, 2) and their `labels` (class indices, or values for regression).
    ValueError when it cannot be one: fewer than TEST_EVERY points, or more than MAX_POINTS."""
    points = np.asarray(points, np.float32).reshape(-1, 2)
    labels = np.asarray(labels, np.int64 if task == "classification" else np.float32)
    if len(points) < TEST_EVERY:
        raise ValueError(f"Draw at least {TEST_EVERY} points: one in {TEST_EVERY} is kept for testing.")
    if len(points) > MAX_POINTS:
        raise ValueError(f"A drawing has at most {MAX_POINTS} points.")
    train, test = split(len(points))
    featurize = partial(feature_matrix, names=check_features(features))
    rows_train = featurize(points[train])
    return build("drawn", task, rows_train, featurize(points[test]), labels[train], labels[test],
                 features, class_names, "standard", fit_scaler("standard", rows_train),
                 points_train=points[train], points_test=points[test],
                 featurize=featurize, extent=PLANE_EXTENT)


def points_of(dataset):
    """(points, labels) of a set in the plane, its training points first: where a drawing starts (which
    then splits them by its own rule)."""
    return (np.concatenate([dataset.points_train, dataset.points_test]).astype(np.float32),
            np.concatenate([dataset.y_train, dataset.y_test]))


def add_point(points, labels, at, label):
    """(points, labels) with a point of `label` at `at` (x, y) added, unless the drawing has MAX_POINTS already."""
    if len(points) >= MAX_POINTS:
        return points, labels
    return (np.vstack([points, np.asarray([at], np.float32)]),
            np.append(labels, label).astype(labels.dtype))


def cleared(labels):
    """An empty drawing: (no points, no labels of `labels`'s type)."""
    return np.zeros((0, 2), np.float32), np.asarray(labels)[:0]


def erase_nearest(points, labels, at):
    """(points, labels) without the point nearest `at` (x, y); unchanged if there is none."""
    if not len(points):
        return points, labels
    nearest = int(np.argmin(np.linalg.norm(points - np.asarray([at], np.float32), axis=1)))
    return np.delete(points, nearest, axis=0), np.delete(labels, nearest)


def digest(points, labels):
    """What identifies a drawing: a short hash of its points and labels."""
    return hashlib.sha1(np.asarray(points, np.float32).tobytes()
                        + np.asarray(labels, np.float32).tobytes()).hexdigest()[:16]


def _to_steps(values, limit):
    return np.clip(np.rint((np.asarray(values, np.float64) + limit) / (2 * limit) * STEPS), 0, STEPS).astype(np.uint8)


def _from_steps(steps, limit):
    return (steps.astype(np.float32) / STEPS * 2 - 1) * limit


def encode(points, labels, task):
    """The link's text of a drawing (at most MAX_LINK_POINTS points; ValueError past that)."""
    if len(points) > MAX_LINK_POINTS:
        raise ValueError(f"A link holds at most {MAX_LINK_POINTS} drawn points.")
    labels = np.asarray(labels)
    third = _to_steps(labels, VALUE_LIMIT) if task == "regression" else labels.astype(np.uint8)
    packed = np.column_stack([_to_steps(np.asarray(points)[:, 0], LIMIT), _to_steps(np.asarray(points)[:, 1], LIMIT),
                              third]).astype(np.uint8).tobytes()
    return base64.urlsafe_b64encode(zlib.compress(packed, 9)).decode().rstrip("=")


def decode(text, task, n_classes):
    """(points, labels) from a link's text; ValueError for anything else than what `encode` makes."""
    if not isinstance(text, str) or not text.isascii() or len(text) > MAX_LINK_TEXT:
        raise ValueError("The drawing in this link is not one the playground makes.")
    try:
        packed = zlib.decompressobj().decompress(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)),
                                                 3 * MAX_LINK_POINTS + 1)
    except (binascii.Error, ValueError, zlib.error):
        raise ValueError("The drawing in this link is damaged.") from None
    if not packed or len(packed) % 3 or len(packed) > 3 * MAX_LINK_POINTS:
        raise ValueError("The drawing in this link is damaged.")
    rows = np.frombuffer(packed, np.uint8).reshape(-1, 3)
    points = np.column_stack([_from_steps(rows[:, 0], LIMIT), _from_steps(rows[:, 1], LIMIT)])
    if task == "regression":
        return points, _from_steps(rows[:, 2], VALUE_LIMIT)
    if rows[:, 2].max() >= n_classes:
        raise ValueError("The drawing in this link has a class this data set does not have.")
    return points, rows[:, 2].astype(np.int64)
