"""Image sets: scikit-learn's 8×8 digits (always offline) and MNIST's 28×28 digits.

Each image becomes one row of pixels. `n_samples` caps the training images (all by default).
Scaling "minmax" divides every pixel by its full scale (16 for digits, 255 for MNIST), as the
source material's MNIST example does, rather than by each pixel's own range, so that a pixel
value means the same everywhere in the image.

MNIST comes from the path in the environment variable PLAYGROUND_MNIST when it is set (an
mnist.npz in Keras's format: x_train, y_train, x_test, y_test), else from
keras.datasets.mnist.load_data(): the Keras cache, or a download.
"""
import os

import numpy as np
from sklearn.datasets import load_digits

from .dataset import build, fit_scaler, split_indices

MNIST_VARIABLE = "PLAYGROUND_MNIST"
MNIST_KEYS = ("x_train", "y_train", "x_test", "y_test")
DIGIT_NAMES = tuple(str(d) for d in range(10))


def digits(n_samples, train_fraction, seed, scale):
    data = load_digits()
    train, test = split_indices(len(data.target), train_fraction, np.random.default_rng(seed))
    return image_dataset("digits", data.images[train], data.target[train],
                         data.images[test], data.target[test], 16, n_samples, scale)


def mnist(n_samples, train_fraction, seed, scale):
    """MNIST with its own split of 60,000 training and 10,000 test images."""
    (x_train, y_train), (x_test, y_test) = read_mnist()
    return image_dataset("mnist", x_train, y_train, x_test, y_test, 255, n_samples, scale)


def image_dataset(name, images_train, y_train, images_test, y_test, full_scale, n_samples, scale):
    images_train, y_train = images_train[:n_samples], y_train[:n_samples]
    pixels_train = images_train.reshape(len(images_train), -1).astype(np.float32)
    pixels_test = images_test.reshape(len(images_test), -1).astype(np.float32)
    n_pixels = pixels_train.shape[1]
    full_range = np.array([np.zeros(n_pixels), np.full(n_pixels, full_scale)], np.float32)
    scaler = fit_scaler(scale, full_range if scale == "minmax" else pixels_train)
    return build(name, "classification", pixels_train, pixels_test,
                 y_train.astype(np.int64), y_test.astype(np.int64),
                 [f"px{i}" for i in range(n_pixels)], DIGIT_NAMES, scale, scaler,
                 image_shape=tuple(images_train.shape[1:]))


def read_mnist():
    """((x_train, y_train), (x_test, y_test)) from $PLAYGROUND_MNIST or Keras; keras is
    imported here only, so that importing the playground never loads TensorFlow."""
    path = os.environ.get(MNIST_VARIABLE)
    if path:
        return check_mnist(read_npz(path), path)
    try:
        arrays = keras_load_mnist()
    except Exception as error:  # Keras reports a failed download as a bare Exception
        raise MnistUnavailable(keras_cache()) from error
    return check_mnist(arrays, "Keras's MNIST")


class MnistUnavailable(ValueError):
    """MNIST is not named by $PLAYGROUND_MNIST, not in Keras's cache, and could not be downloaded. `cache`
    is where Keras keeps it once downloaded."""

    def __init__(self, cache):
        self.cache = cache
        super().__init__(
            "MNIST is not on this machine and could not be downloaded, so choose the data set 'digits' "
            "(the tutorial's example runs on digits then), or give MNIST to the app as an mnist.npz in "
            "Keras's format (arrays x_train, y_train, x_test and y_test): set the environment variable "
            f"{MNIST_VARIABLE} to its path before starting the app, or copy it to {cache}, where Keras "
            "keeps it once downloaded.")


def keras_load_mnist():
    """keras.datasets.mnist.load_data(): from Keras's cache, or a download into it."""
    from keras.datasets import mnist as keras_mnist
    return keras_mnist.load_data()


def keras_cache():
    """Where keras.datasets.mnist keeps mnist.npz: $KERAS_HOME/datasets, else ~/.keras/datasets (Keras's
    own rule, read here without loading Keras)."""
    home = os.environ.get("KERAS_HOME")
    if home is None:
        base = os.path.expanduser("~")
        home = os.path.join(base if os.access(base, os.W_OK) else "/tmp", ".keras")
    return os.path.join(os.path.expanduser(home), "datasets", "mnist.npz")


def read_npz(path):
    where = f"{path} (named by {MNIST_VARIABLE})"
    try:
        archive = np.load(path, allow_pickle=False)
    except FileNotFoundError:
        raise ValueError(f"There is no file at {where}. Fix the path, or unset the "
                         "variable to let Keras load MNIST.") from None
    except (OSError, ValueError) as error:
        raise ValueError(f"{where} is not a readable .npz file.") from error
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise ValueError(f"{where} holds one array; an mnist.npz holds {', '.join(MNIST_KEYS)}.")
    with archive:
        missing = [key for key in MNIST_KEYS if key not in archive.files]
        if missing:
            raise ValueError(f"{where} has no array {missing[0]!r}; an mnist.npz holds "
                             f"{', '.join(MNIST_KEYS)}.")
        x_train, y_train, x_test, y_test = (archive[key] for key in MNIST_KEYS)
    return (x_train, y_train), (x_test, y_test)


def check_mnist(arrays, where):
    for x, y in arrays:
        if x.ndim != 3 or y.ndim != 1 or len(x) != len(y):
            raise ValueError(f"{where} is not in MNIST's format: images (n, height, width) "
                             f"with labels (n,), got {x.shape} and {y.shape}.")
        if not len(y) or not np.issubdtype(y.dtype, np.integer) or y.min() < 0 or y.max() > 9:
            raise ValueError(f"{where} needs training and test images labelled with the "
                             "digits 0 to 9.")
    (x_train, _), (x_test, _) = arrays
    if x_train.shape[1:] != x_test.shape[1:]:
        raise ValueError(f"{where} has training images of {x_train.shape[1]}×{x_train.shape[2]} pixels but test "
                         f"images of {x_test.shape[1]}×{x_test.shape[2]}: both must be the same size.")
    return arrays
