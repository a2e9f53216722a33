import numpy as np
import plotly.graph_objects as go
import pytest

from playground import plots
from playground.plots import charts


def history(n):
    e = np.arange(n)
    return {"epoch": list(e), "train_loss": list(1 / (e + 1)), "test_loss": list(1.1 / (e + 1)),
            "train_score": list(e / n), "test_score": list(e / n)}


def test_history_is_thinned_and_keeps_the_last_epoch():
    fig = plots.history_figure(history(5000), "loss", "Loss", pinned=[("run 1", history(10))])
    go.Figure(fig)  # a valid plotly figure
    train = fig["data"][0]
    assert len(train["x"]) <= plots.MAX_POINTS + 1 and train["x"][-1] == 4999
    assert train["y"].dtype == np.float32
    assert fig["data"][2]["name"] == "run 1 (test)"


def test_weight_histograms_count_every_weight_at_start_and_now():
    rng = np.random.default_rng(0)
    initial = [(rng.normal(size=(2, 4)), np.zeros(4)), (rng.normal(size=(4, 1)), np.zeros(1))]
    current = [(W * 3, b) for W, b in initial]
    fig = plots.weight_histograms(initial, current)
    go.Figure(fig)
    bars = fig["data"]
    assert len(bars) == 4
    assert [int(b["y"].sum()) for b in bars] == [8, 8, 4, 4]
    limit = fig["layout"]["xaxis"]["range"][1]
    assert limit >= np.abs(current[0][0]).max()


def test_weight_histograms_ignore_non_finite_weights():
    W = np.array([[1.0, np.nan], [np.inf, -0.5]])
    fig = plots.weight_histograms([(np.ones((2, 2)), np.zeros(2))], [(W, np.zeros(2))])
    assert int(fig["data"][1]["y"].sum()) == 2


@pytest.mark.parametrize("task, n_classes, outputs", [
    ("classification", 2, np.linspace(0, 1, 100)[:, None]),
    ("classification", 3, np.eye(3)[np.arange(100) % 3]),
    ("regression", 0, np.linspace(-1, 1, 100)[:, None]),
])
def test_boundary_figure_for_each_task(task, n_classes, outputs):
    x, y, points = plots.grid_points((-6, 6), (-6, 6), resolution=10)
    assert points.shape == (100, 2) and x[0] == -6 and y[-1] == 6
    labels = np.arange(5) % max(n_classes, 1) if task == "classification" else np.linspace(-1, 1, 5)
    train = (np.zeros((5, 2)), labels)
    fig = plots.boundary_figure(x, y, outputs, task, n_classes, train, test=train, discretize=True)
    go.Figure(fig)
    background = fig["data"][0]
    assert background["type"] == ("image" if n_classes > 2 else "heatmap")
    assert [t["name"] for t in fig["data"][1:]] == ["train", "test"]
    if task == "classification" and n_classes == 2:
        assert set(np.unique(background["z"])) <= {0.0, 1.0}
    assert fig["layout"]["xaxis"]["range"] == [-6.0, 6.0]


def test_class_image_colours_each_cell_by_its_predicted_class():
    outputs = np.array([[1.0, 0, 0], [0, 1.0, 0], [1 / 3, 1 / 3, 1 / 3]])
    image = charts._class_image(outputs, discretize=False)
    assert image.dtype == np.uint8
    assert image[0, 0] > image[0, 2]          # orange: more red than blue
    assert image[1, 2] > image[1, 0]          # blue: more blue than red
    assert image[2].min() > image[0].min()    # unsure: paler
