"""2-D data sets: TensorFlow Playground's (src/dataset.ts), plus moons, blobs, checkerboard, rings and sine.

Each generator takes (n_samples, noise, rng) and returns points (n, 2) and labels (n,).
Points lie within about -6..6 on each axis. Noise runs from 0 to 0.5, TensorFlow Playground's
slider from 0 to 50%, and means what it means there: for circle, xor, plane and multi-gauss
the label is read at the point moved by noise times a uniform draw over the plane, so
labels near a border flip; gauss widens its clusters; spiral jitters its points. TensorFlow
Playground's label +1 is class 1 here and -1 is class 0.
"""
import numpy as np
from sklearn.datasets import make_blobs, make_moons

# The regression set multi-gauss: (centre x1, centre x2, sign) of each Gaussian.
GAUSSIANS = np.array([[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1],
                      [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]])


def _halves(n):
    return n - n // 2, n // 2


def _moved(points, noise, radius, rng):
    return points + rng.uniform(-radius, radius, points.shape) * noise


def circle(n_samples, noise, rng):
    """Class 1 in a disc of radius 2.5, class 0 in a ring from 3.5 to 5; label = |p + noise| < 2.5."""
    n_in, n_out = _halves(n_samples)
    r = np.concatenate([rng.uniform(0, 2.5, n_in), rng.uniform(3.5, 5, n_out)])
    angle = rng.uniform(0, 2 * np.pi, n_samples)
    points = np.column_stack([r * np.sin(angle), r * np.cos(angle)])
    moved = _moved(points, noise, 5, rng)
    return points, (np.hypot(moved[:, 0], moved[:, 1]) < 2.5).astype(np.int64)


def xor(n_samples, noise, rng):
    """Uniform in -5..5, pushed 0.3 away from both axes; class 1 where x1·x2 >= 0."""
    points = rng.uniform(-5, 5, (n_samples, 2))
    points += np.where(points > 0, 0.3, -0.3)
    moved = _moved(points, noise, 5, rng)
    return points, (moved[:, 0] * moved[:, 1] >= 0).astype(np.int64)


def gauss(n_samples, noise, rng):
    """Two Gaussians, class 1 around (2, 2) and class 0 around (-2, -2); variance 0.5 + 7·noise."""
    n1, n0 = _halves(n_samples)
    centres = np.repeat([[2.0, 2.0], [-2.0, -2.0]], [n1, n0], axis=0)
    noise = rng.normal(0, np.sqrt(0.5 + 7 * noise), centres.shape)
    return centres + noise, np.repeat([1, 0], [n1, n0])


def spiral(n_samples, noise, rng):
    """Two arms r = 5i/n, t = 3.5πi/n (+π for class 0), jittered by noise·U(-1, 1)."""
    n1, n0 = _halves(n_samples)
    arms = []
    for count, turn in ((n1, 0), (n0, np.pi)):
        i = np.arange(count) / count
        r, t = 5 * i, 1.75 * i * 2 * np.pi + turn
        arms.append(np.column_stack([r * np.sin(t), r * np.cos(t)]))
    points = np.concatenate(arms)
    return points + rng.uniform(-1, 1, points.shape) * noise, np.repeat([1, 0], [n1, n0])


def moons(n_samples, noise, rng):
    """scikit-learn's two interleaving half circles, noise as its Gaussian noise, stretched 3.5×."""
    points, y = make_moons(n_samples, noise=noise, random_state=int(rng.integers(2 ** 31)))
    return (points - [0.5, 0.25]) * 3.5, y.astype(np.int64)


def blobs(n_samples, noise, rng, n_classes=3):
    """`n_classes` Gaussian clusters on a circle of radius 4; standard deviation 0.5 + 4·noise."""
    angle = 2 * np.pi * np.arange(n_classes) / n_classes + np.pi / 2
    centres = 4 * np.column_stack([np.cos(angle), np.sin(angle)])
    points, y = make_blobs(n_samples, centers=centres, cluster_std=0.5 + 4 * noise,
                           random_state=int(rng.integers(2 ** 31)))
    return points, y.astype(np.int64)


def checkerboard(n_samples, noise, rng):
    """Uniform in -6..6 on a 4 × 4 board of squares 3 wide; class 1 on the squares where
    ⌊(x1 + 6)/3⌋ + ⌊(x2 + 6)/3⌋ is odd, read at the point moved by noise·U(-3, 3)."""
    points = rng.uniform(-6, 6, (n_samples, 2))
    squares = np.floor((_moved(points, noise, 3, rng) + 6) / 3).astype(np.int64)
    return points, squares.sum(axis=1) % 2


RINGS = (0.0, 1.5, 2.5, 3.5, 4.5, 5.5)  # class k lies between radii RINGS[2k] and RINGS[2k + 1]


def rings(n_samples, noise, rng):
    """Three concentric rings, one per class: radius 0-1.5 (class 0), 2.5-3.5 (1) and 4.5-5.5 (2);
    the class is read from the radius of the point moved by noise·U(-2, 2), split at 2 and 4."""
    counts = [n_samples // 3 + (k < n_samples % 3) for k in range(3)]
    r = np.concatenate([rng.uniform(RINGS[2 * k], RINGS[2 * k + 1], count) for k, count in enumerate(counts)])
    angle = rng.uniform(0, 2 * np.pi, n_samples)
    points = np.column_stack([r * np.sin(angle), r * np.cos(angle)])
    moved = _moved(points, noise, 2, rng)
    return points, np.digitize(np.hypot(moved[:, 0], moved[:, 1]), [2.0, 4.0]).astype(np.int64)


def sine(n_samples, noise, rng):
    """x1 uniform in -6..6, x2 in -3..3; class 1 above the curve x2 = sin(x1), read at the point
    moved by noise·U(-2, 2)."""
    points = np.column_stack([rng.uniform(-6, 6, n_samples), rng.uniform(-3, 3, n_samples)])
    moved = _moved(points, noise, 2, rng)
    return points, (moved[:, 1] > np.sin(moved[:, 0])).astype(np.int64)


def plane(n_samples, noise, rng):
    """Uniform in -6..6; value (x1 + x2) / 10, read at the point moved by noise·U(-6, 6)."""
    points = rng.uniform(-6, 6, (n_samples, 2))
    return points, _moved(points, noise, 6, rng).sum(axis=1) / 10


def multi_gauss(n_samples, noise, rng):
    """Uniform in -6..6; value ±max(0, 1 - d/2) of the Gaussian that is largest in absolute
    value, d the distance to its centre, read at the point moved by noise·U(-6, 6)."""
    points = rng.uniform(-6, 6, (n_samples, 2))
    moved = _moved(points, noise, 6, rng)
    distance = np.linalg.norm(moved[:, None, :] - GAUSSIANS[:, :2], axis=2)
    values = GAUSSIANS[:, 2] * np.clip(1 - distance / 2, 0, 1)
    strongest = np.argmax(np.abs(values), axis=1)  # the first of equals, as in dataset.ts
    return points, values[np.arange(n_samples), strongest]
