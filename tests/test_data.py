"""The 2-D data sets, input features, scaling and the Dataset's fields."""
import pickle

import numpy as np
import pytest

from playground.data import DATASETS, FEATURES, Dataset, make_dataset
from playground.nn import targets

PLANE_SETS = [name for name, info in DATASETS.items() if info.kind == "plane"]
CLASSIFIERS = [name for name in PLANE_SETS if DATASETS[name].task == "classification"]


def all_points(ds):
    return np.concatenate([ds.points_train, ds.points_test]).astype(np.float64)


def all_labels(ds):
    return np.concatenate([ds.y_train, ds.y_test])


@pytest.mark.parametrize("name", PLANE_SETS)
def test_shapes_and_fields(name):
    ds = make_dataset(name, n_samples=201, noise=0.2, train_fraction=0.3, seed=4)
    assert isinstance(ds, Dataset) and ds.name == name and ds.task == DATASETS[name].task
    assert ds.X_train.shape == (60, 2) and ds.X_test.shape == (141, 2)
    assert ds.X_train.dtype == ds.X_test.dtype == np.float32
    assert ds.points_train.shape == (60, 2) and ds.points_test.shape == (141, 2)
    assert ds.feature_names == ("x1", "x2") and ds.n_inputs == 2 and ds.image_shape is None
    assert np.abs(all_points(make_dataset(name, noise=0.0))).max() <= 6
    if ds.task == "regression":
        assert ds.n_classes == 0 and ds.class_names == ()
        assert ds.Y_train.shape == (60, 1) and ds.y_train.dtype == np.float32
        np.testing.assert_array_equal(ds.Y_train[:, 0], ds.y_train)
    else:
        assert ds.y_train.dtype == np.int64 and set(all_labels(ds)) <= set(range(ds.n_classes))


@pytest.mark.parametrize("name", PLANE_SETS)
def test_same_arguments_same_arrays_and_another_seed_other_arrays(name):
    one, two = (make_dataset(name, noise=0.3, seed=7) for _ in range(2))
    other = make_dataset(name, noise=0.3, seed=8)
    for field in ("X_train", "X_test", "y_train", "y_test", "Y_train", "points_test"):
        np.testing.assert_array_equal(getattr(one, field), getattr(two, field))
    assert not np.array_equal(one.X_train, other.X_train)


@pytest.mark.parametrize("name", ["circle", "gauss", "spiral", "moons"])
def test_two_class_sets_are_balanced(name):
    ds = make_dataset(name, n_samples=400, noise=0.0)
    assert np.bincount(all_labels(ds)).tolist() == [200, 200]
    assert ds.class_names == ("0", "1") and ds.Y_train.shape == (200, 1)
    assert set(np.unique(ds.Y_train)) == {0.0, 1.0}


def test_xor_is_roughly_balanced_and_keeps_off_the_axes():
    ds = make_dataset("xor", n_samples=1000, noise=0.0)
    assert 400 < np.bincount(all_labels(ds))[1] < 600
    assert np.abs(all_points(ds)).min() >= 0.3


@pytest.mark.parametrize("n_classes", [3, 4, 5])
def test_blobs_has_n_balanced_classes_one_hot(n_classes):
    ds = make_dataset("blobs", n_samples=300, n_classes=n_classes)
    assert ds.n_classes == n_classes and ds.n_outputs == n_classes
    assert np.bincount(all_labels(ds)).tolist() == [300 // n_classes] * n_classes
    np.testing.assert_array_equal(ds.Y_train, np.eye(n_classes)[ds.y_train])
    assert make_dataset("blobs").n_classes == 3


def test_noise_zero_separates_the_classes_as_the_definitions_promise():
    circle = make_dataset("circle", n_samples=1000)
    radius = np.hypot(*all_points(circle).T)
    labels = all_labels(circle)
    assert radius[labels == 1].max() < 2.5 and radius[labels == 0].min() >= 3.5
    xor = make_dataset("xor", n_samples=1000)
    np.testing.assert_array_equal(all_labels(xor), np.prod(all_points(xor), axis=1) > 0)
    gauss = make_dataset("gauss", n_samples=1000)
    accuracy = np.mean((all_points(gauss).sum(axis=1) > 0) == all_labels(gauss))
    assert accuracy > 0.99
    blobs = make_dataset("blobs", n_samples=600, n_classes=5)
    centres = [all_points(blobs)[all_labels(blobs) == k].mean(axis=0) for k in range(5)]
    nearest = np.argmin([np.linalg.norm(all_points(blobs) - c, axis=1) for c in centres], axis=0)
    assert np.mean(nearest == all_labels(blobs)) > 0.99


def test_checkerboard_rings_and_sine_follow_their_definitions_at_noise_zero_and_flip_near_borders():
    board = make_dataset("checkerboard", n_samples=2000)
    squares = np.floor((all_points(board) + 6) / 3)
    np.testing.assert_array_equal(all_labels(board), squares.sum(axis=1) % 2)
    assert len({tuple(s) for s in squares}) == 16 and 900 < all_labels(board).sum() < 1100
    rings = make_dataset("rings", n_samples=900)
    radius, labels = np.hypot(*all_points(rings).T), all_labels(rings)
    assert rings.class_names == ("0", "1", "2") and rings.Y_train.shape == (450, 3)
    assert np.bincount(labels).tolist() == [300, 300, 300]
    for k, (low, high) in enumerate([(0, 1.5), (2.5, 3.5), (4.5, 5.5)]):
        assert low <= radius[labels == k].min() and radius[labels == k].max() <= high
    sine = make_dataset("sine", n_samples=1000)
    points = all_points(sine)
    np.testing.assert_array_equal(all_labels(sine), points[:, 1] > np.sin(points[:, 0]))
    assert np.abs(points[:, 1]).max() <= 3
    noisy = make_dataset("sine", n_samples=1000, noise=0.5)
    points = all_points(noisy)
    assert 0.7 < np.mean(all_labels(noisy) == (points[:, 1] > np.sin(points[:, 0]))) < 0.99


def test_moons_at_noise_zero_lie_on_two_disjoint_arcs():
    ds = make_dataset("moons", n_samples=300)
    points, labels = all_points(ds), all_labels(ds)
    for label, centre, side in ((0, [-0.5, -0.25], 1), (1, [0.5, 0.25], -1)):
        arc = points[labels == label]
        np.testing.assert_allclose(np.linalg.norm(arc - np.multiply(centre, 3.5), axis=1), 3.5,
                                   atol=1e-5)
        assert (side * (arc[:, 1] - centre[1] * 3.5) >= -1e-5).all()


def test_noise_flips_labels_near_the_border():
    radius = np.hypot(*all_points(make_dataset("circle", n_samples=1000, noise=0.5)).T)
    labels = all_labels(make_dataset("circle", n_samples=1000, noise=0.5))
    assert (labels[radius < 2.5] == 0).any() and (labels[radius > 3.5] == 1).any()


def test_spiral_at_noise_zero_follows_its_arms():
    ds = make_dataset("spiral", n_samples=200)
    points, labels = all_points(ds), all_labels(ds)
    for label, turn in ((1, 0.0), (0, np.pi)):
        x1, x2 = points[labels == label].T
        r = np.hypot(x1, x2)
        angle = np.arctan2(x1, x2)  # t, measured as in dataset.ts: x = r sin t, y = r cos t
        expected = 1.75 * (r / 5) * 2 * np.pi + turn
        np.testing.assert_allclose(np.cos(angle - expected)[r > 1e-3], 1, atol=1e-4)


def test_regression_values_follow_the_definitions():
    plane = make_dataset("plane", n_samples=300)
    np.testing.assert_allclose(all_labels(plane), all_points(plane).sum(axis=1) / 10, atol=1e-6)
    gauss = make_dataset("multi-gauss", n_samples=2000)
    values, points = all_labels(gauss), all_points(gauss)
    assert -1 <= values.min() < -0.9 and 0.9 < values.max() <= 1
    near = np.linalg.norm(points - [0, 2.5], axis=1) < 0.5  # the downward bump
    np.testing.assert_allclose(values[near], -(1 - np.linalg.norm(points[near] - [0, 2.5], axis=1) / 2),
                               atol=1e-6)


def test_train_fraction_sets_the_split():
    for fraction in (0.1, 0.5, 0.9):
        ds = make_dataset("circle", n_samples=500, train_fraction=fraction)
        assert len(ds.y_train) == round(500 * fraction) and len(ds.y_train) + len(ds.y_test) == 500


def test_every_feature_transform():
    ds = make_dataset("xor", n_samples=50, features=tuple(FEATURES), scale=None)
    x1, x2 = ds.points_train.astype(np.float64).T
    expected = {"x1": x1, "x2": x2, "x1^2": x1 ** 2, "x2^2": x2 ** 2, "x1*x2": x1 * x2,
                "sin(x1)": np.sin(x1), "sin(x2)": np.sin(x2)}
    assert ds.feature_names == tuple(FEATURES) == tuple(expected)
    for k, name in enumerate(ds.feature_names):
        np.testing.assert_allclose(ds.X_train[:, k], expected[name], rtol=1e-6, atol=1e-6)


def test_features_keep_the_order_chosen_and_set_n_inputs():
    ds = make_dataset("circle", features=("x2^2", "x1"), scale=None)
    assert ds.feature_names == ("x2^2", "x1") and ds.n_inputs == 2
    np.testing.assert_allclose(ds.X_train[:, 1], ds.points_train[:, 0])
    assert make_dataset("circle", features="sin(x2)").X_train.shape[1] == 1


@pytest.mark.parametrize("features", [(), ("x3",), ("x1", "x1"), ("X1",)])
def test_bad_features_are_refused(features):
    with pytest.raises(ValueError, match="feature"):
        make_dataset("circle", features=features)


def test_standard_scaling_is_fit_on_the_training_rows():
    ds = make_dataset("spiral", n_samples=400, scale="standard", features=tuple(FEATURES))
    np.testing.assert_allclose(ds.X_train.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(ds.X_train.std(axis=0), 1, atol=1e-4)
    assert not np.allclose(ds.X_test.mean(axis=0), 0, atol=1e-5)


def test_minmax_scaling_maps_the_training_rows_onto_0_1():
    ds = make_dataset("moons", scale="minmax", features=("x1", "x1*x2"))
    np.testing.assert_allclose(ds.X_train.min(axis=0), 0, atol=1e-6)
    np.testing.assert_allclose(ds.X_train.max(axis=0), 1, atol=1e-6)


@pytest.mark.parametrize("name", [name for name, info in DATASETS.items() if info.kind == "plane"])
def test_two_d_sets_are_standardized_by_default_over_their_training_rows(name):
    ds = make_dataset(name, features=tuple(FEATURES))
    assert ds.scale == "standard"
    np.testing.assert_allclose(ds.X_train.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(ds.X_train.std(axis=0), 1, atol=1e-4)
    assert np.abs(ds.X_train).max() < 6  # x1*x2 reaches ±36 unscaled
    np.testing.assert_array_equal(make_dataset(name, scale=None, features=("x1", "x2")).X_train,
                                  make_dataset(name, scale=None).points_train)


@pytest.mark.parametrize("scale", [None, "standard", "minmax"])
def test_transform_maps_raw_points_like_the_data(scale):
    ds = make_dataset("circle", scale=scale, features=("x1", "x2^2", "sin(x1)"))
    np.testing.assert_array_equal(ds.transform(ds.points_train), ds.X_train)
    grid = np.stack(np.meshgrid(np.linspace(-6, 6, 5), np.linspace(-6, 6, 4)), -1).reshape(-1, 2)
    out = ds.transform(grid)
    assert out.shape == (20, 3) and out.dtype == np.float32
    with pytest.raises(ValueError, match=r"\(n, 2\)"):
        ds.transform(np.zeros((3, 3)))


def test_datasets_pickle_for_streamlit_caching():
    ds = make_dataset("circle", features=("x1", "x1^2"), scale="standard")
    copy = pickle.loads(pickle.dumps(ds))
    np.testing.assert_array_equal(copy.transform(ds.points_test), ds.X_test)


@pytest.mark.parametrize("kwargs, words", [
    ({"name": "squares"}, "Unknown data set"),
    ({"name": "circle", "noise": 0.6}, "noise"),
    ({"name": "circle", "noise": -0.1}, "noise"),
    ({"name": "circle", "train_fraction": 0.05}, "training fraction"),
    ({"name": "circle", "train_fraction": 0.95}, "training fraction"),
    ({"name": "circle", "n_samples": 5}, "number of samples"),
    ({"name": "circle", "n_samples": 200_000}, "number of samples"),
    ({"name": "circle", "n_samples": 50.5}, "number of samples"),
    ({"name": "circle", "seed": -1}, "seed"),
    ({"name": "circle", "scale": "robust"}, "scaling"),
    ({"name": "blobs", "n_classes": 2}, "3 to 5"),
    ({"name": "blobs", "n_classes": 6}, "3 to 5"),
])
def test_bad_arguments_are_refused_with_a_sentence(kwargs, words):
    with pytest.raises(ValueError, match=words):
        make_dataset(**kwargs)


def test_the_catalog_describes_every_set():
    assert set(DATASETS) == {"circle", "xor", "gauss", "spiral", "moons", "blobs", "checkerboard", "rings", "sine",
                             "plane", "multi-gauss", "digits", "mnist"}
    for info in DATASETS.values():
        assert info.task in ("classification", "regression") and info.description
        assert info.scale == ("minmax" if info.kind == "image" else "standard")


def test_targets_for_each_task_and_output():
    assert targets([0, 1], "classification", 1).tolist() == [[0], [1]]
    assert targets([0, 2], "classification", 3).tolist() == [[1, 0, 0], [0, 0, 1]]
    assert targets([1, 0], "classification", 2).tolist() == [[0, 1], [1, 0]]  # a softmax of 2 outputs
    assert targets([0.5, -2.0], "regression", 1).tolist() == [[0.5], [-2.0]]
    assert targets([1, 0], "classification", 1).dtype == np.float32
    assert targets([1, 0], "classification", 2, dtype="float64").dtype == np.float64


def test_a_data_set_says_what_makes_it_so_a_new_one_is_one_catalog_entry(monkeypatch):
    from playground import challenges, settings
    from playground.data import DATASETS, make_dataset, synthetic
    from playground.data.catalog import DatasetInfo
    monkeypatch.setitem(DATASETS, "petals", DatasetInfo("classification", "plane", "standard", "Petals.",
                                                       synthetic.blobs, 3, (3, 5)))
    values = {**settings.defaults(), "dataset": "petals", "classes": 5, "noise": 0.1, "train_percent": 70}
    arguments = settings.data_arguments(values)
    assert arguments == {"noise": 0.1, "n_samples": 500, "features": ("x1", "x2"), "n_classes": 5,
                         "train_fraction": 0.7, "seed": 0}
    assert make_dataset("petals", **arguments).n_classes == 5
    assert challenges.data_keys("petals") == ("dataset", "noise", "samples", "classes", "train_percent", "data_seed",
                                              "seed")
    assert challenges.task_kind_of("petals") == "multiclass"
    # MNIST comes split: neither the training share nor the data seed makes it, and the page offers neither.
    assert DATASETS["mnist"].settings == () and settings.data_arguments({**values, "dataset": "mnist"}) == {}
    assert challenges.data_keys("mnist") == ("dataset", "seed")
    assert DATASETS["digits"].settings == ("train_percent", "data_seed")
