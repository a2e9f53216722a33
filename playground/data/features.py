"""Input features: TensorFlow Playground's seven functions of a point (x1, x2).

The network sees the chosen features, not the point itself, so a circle can be learned with
no hidden layer once x1^2 and x2^2 are offered. Its n_inputs is the number chosen.
"""
import numpy as np

FEATURES = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1^2": lambda x1, x2: x1 ** 2,
    "x2^2": lambda x1, x2: x2 ** 2,
    "x1*x2": lambda x1, x2: x1 * x2,
    "sin(x1)": lambda x1, x2: np.sin(x1),
    "sin(x2)": lambda x1, x2: np.sin(x2),
}
# Each feature as NumPy source, for the exported NumPy code: the same formulas as FEATURES.
FEATURE_CODE = {"x1": "x1", "x2": "x2", "x1^2": "x1 ** 2", "x2^2": "x2 ** 2", "x1*x2": "x1 * x2",
                "sin(x1)": "np.sin(x1)", "sin(x2)": "np.sin(x2)"}


def check_features(features):
    """The chosen feature names as a tuple, in the order given; ValueError if any is wrong."""
    names = (features,) if isinstance(features, str) else tuple(features)
    choices = ", ".join(map(repr, FEATURES))
    if not names:
        raise ValueError(f"Choose at least one input feature from {choices}.")
    for name in names:
        if name not in FEATURES:
            raise ValueError(f"Unknown input feature {name!r}: choose from {choices}.")
    if len(set(names)) < len(names):
        raise ValueError(f"Each input feature can be chosen once; {names} repeats one.")
    return names


def feature_matrix(points, names):
    """The features `names` of each point: points (n, 2) -> (n, len(names)), float64."""
    points = np.asarray(points, np.float64)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"Points in the input plane have two coordinates (x1, x2): expected "
                         f"an array of shape (n, 2), got {points.shape}.")
    x1, x2 = points[:, 0], points[:, 1]
    return np.column_stack([FEATURES[name](x1, x2) for name in names])


def plane_points(points):
    """The identity feature map of an uploaded table with exactly two columns."""
    return feature_matrix(points, ("x1", "x2"))
