"""Image sets: digits offline, MNIST from $PLAYGROUND_MNIST or through Keras's loader."""
import subprocess
import sys

import numpy as np
import pytest

from playground.data import MNIST_VARIABLE, make_dataset


@pytest.fixture
def no_mnist_variable(monkeypatch):
    monkeypatch.delenv(MNIST_VARIABLE, raising=False)


def test_digits_are_8_by_8_split_by_train_fraction_and_scaled_to_0_1():
    ds = make_dataset("digits", train_fraction=0.7, seed=3)
    assert ds.image_shape == (8, 8) and ds.n_inputs == 64 and ds.n_classes == 10
    assert len(ds.y_train) == round(1797 * 0.7) and len(ds.y_train) + len(ds.y_test) == 1797
    assert ds.scale == "minmax" and ds.X_train.min() == 0 and ds.X_train.max() == 1
    assert ds.Y_train.shape == (len(ds.y_train), 10)
    np.testing.assert_array_equal(ds.Y_train.argmax(axis=1), ds.y_train)
    assert ds.points_train is None


def test_digits_minmax_divides_every_pixel_by_16():
    raw = make_dataset("digits", scale=None)
    scaled = make_dataset("digits")
    assert set(np.unique(raw.X_train)) <= set(range(17))
    np.testing.assert_allclose(scaled.X_train, raw.X_train / 16, rtol=1e-6)
    standard = make_dataset("digits", scale="standard")
    assert np.abs(standard.X_train.mean(axis=0)).max() < 1e-5


def test_digits_are_deterministic_and_n_samples_caps_the_training_images():
    one, two = make_dataset("digits", seed=5), make_dataset("digits", seed=5)
    np.testing.assert_array_equal(one.X_train, two.X_train)
    capped = make_dataset("digits", seed=5, n_samples=100, noise=0.3, features=("x1",))
    assert len(capped.y_train) == 100 and len(capped.y_test) == len(one.y_test)
    np.testing.assert_array_equal(capped.X_train, one.X_train[:100])


def test_images_have_no_input_plane():
    with pytest.raises(ValueError, match="plane"):
        make_dataset("digits").transform(np.zeros((4, 2)))


def test_mnist_from_the_path_in_playground_mnist(tmp_path, monkeypatch, mnist_writer):
    arrays = mnist_writer(tmp_path / "mnist.npz")
    monkeypatch.setenv(MNIST_VARIABLE, str(tmp_path / "mnist.npz"))
    ds = make_dataset("mnist")
    assert ds.name == "mnist" and ds.image_shape == (28, 28) and ds.n_inputs == 784
    assert ds.X_train.shape == (30, 784) and ds.X_test.shape == (12, 784)
    np.testing.assert_allclose(ds.X_train, arrays["x_train"].reshape(30, -1) / 255, rtol=1e-6)
    np.testing.assert_array_equal(ds.y_test, arrays["y_test"])
    assert ds.class_names == tuple("0123456789") and ds.Y_test.shape == (12, 10)
    assert len(make_dataset("mnist", n_samples=10).y_train) == 10


@pytest.mark.parametrize("replace, words", [
    ({"y_test": None}, "no array 'y_test'"),
    ({"x_train": np.zeros((30, 784), np.uint8)}, "format"),
    ({"y_train": np.full(30, 12, np.uint8)}, "digits 0 to 9"),
])
def test_a_bad_mnist_file_is_refused(tmp_path, monkeypatch, replace, words, mnist_writer):
    mnist_writer(tmp_path / "mnist.npz", **replace)
    monkeypatch.setenv(MNIST_VARIABLE, str(tmp_path / "mnist.npz"))
    with pytest.raises(ValueError, match=words):
        make_dataset("mnist")


@pytest.mark.parametrize("content", [None, b"not an npz", "array"])
def test_a_missing_or_unreadable_mnist_path_names_the_variable(tmp_path, monkeypatch, content):
    path = tmp_path / "mnist.npz"
    if content == "array":
        with open(path, "wb") as file:
            np.save(file, np.zeros(3))
    elif content is not None:
        path.write_bytes(content)
    monkeypatch.setenv(MNIST_VARIABLE, str(path))
    with pytest.raises(ValueError, match=MNIST_VARIABLE):
        make_dataset("mnist")


def keras_mnist_module():
    import keras
    return sys.modules[keras.datasets.mnist.load_data.__module__]


def test_mnist_through_keras_reads_what_get_file_hands_over(tmp_path, monkeypatch, no_mnist_variable, mnist_writer):
    arrays = mnist_writer(tmp_path / "cached.npz", n_train=20, n_test=10)
    asked = {}

    def get_file(fname=None, origin=None, **kwargs):
        asked.update(fname=fname, origin=origin)
        return str(tmp_path / "cached.npz")

    monkeypatch.setattr(keras_mnist_module(), "get_file", get_file)
    ds = make_dataset("mnist", scale=None)
    assert asked["origin"].endswith("mnist.npz")
    np.testing.assert_array_equal(ds.X_train, arrays["x_train"].reshape(20, -1))
    np.testing.assert_array_equal(ds.y_train, arrays["y_train"])


def test_mnist_offline_offers_digits_and_names_the_variable(monkeypatch, no_mnist_variable):
    def get_file(**kwargs):
        raise Exception("URL fetch failure on https://storage.googleapis.com/: None -- offline")

    monkeypatch.setattr(keras_mnist_module(), "get_file", get_file)
    with pytest.raises(ValueError, match="digits") as error:
        make_dataset("mnist")
    assert MNIST_VARIABLE in str(error.value)


def test_mnist_that_cannot_be_fetched_says_in_one_sentence_where_to_put_it(monkeypatch, no_mnist_variable, tmp_path):
    from playground.data import images

    def offline():
        raise Exception("URL fetch failure on https://storage.googleapis.com/: None -- offline")

    monkeypatch.setattr(images, "keras_load_mnist", offline)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    with pytest.raises(images.MnistUnavailable) as error:
        make_dataset("mnist")
    sentence = str(error.value)
    assert sentence.count(". ") == 0 and sentence.endswith(".")
    for part in ("digits", MNIST_VARIABLE, "x_train, y_train, x_test and y_test",
                 str(tmp_path / "keras" / "datasets" / "mnist.npz")):
        assert part in sentence
    assert error.value.cache == str(tmp_path / "keras" / "datasets" / "mnist.npz")


def test_importing_the_data_package_loads_no_tensorflow():
    code = ("import sys, playground.data\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_mnist_with_test_images_of_another_size_is_refused(tmp_path, monkeypatch, mnist_writer):
    rng = np.random.default_rng(0)
    mnist_writer(tmp_path / "mnist.npz", x_test=rng.integers(0, 256, (12, 20, 20), dtype=np.uint8))
    monkeypatch.setenv(MNIST_VARIABLE, str(tmp_path / "mnist.npz"))
    with pytest.raises(ValueError, match="same size"):
        make_dataset("mnist")
