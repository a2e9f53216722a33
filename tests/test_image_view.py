"""The image sets' views: confusion matrix, labelled test images, weights as pictures."""

import numpy as np

from playground import plots
from playground.data import MNIST_VARIABLE


def test_confusion_counts_true_rows_against_predicted_columns():
    figure = plots.confusion_figure(np.array([0, 0, 1, 2]), np.array([0, 1, 1, 1]), ("a", "b", "c"))
    z = np.frombuffer(__import__("base64").b64decode(figure["data"][0]["z"]["bdata"]), np.int32) \
        if isinstance(figure["data"][0]["z"], dict) else np.asarray(figure["data"][0]["z"]).ravel()
    assert z.tolist() == [1, 1, 0, 0, 1, 0, 0, 1, 0]
    assert "50.0%" in figure["layout"]["title"]["text"]


def test_mistakes_are_framed_and_labelled_in_red():
    images = np.random.default_rng(0).random((6, 8, 8))
    sheet = plots.image_sheet(images, 3)
    figure = plots.image_grid_figure(sheet, (8, 8), 3, np.array([1, 2, 3, 4, 5, 6]), np.array([1, 2, 0, 4, 0, 6]),
                                     tuple("0123456"))
    assert len(figure["layout"]["shapes"]) == 2
    red = [a["text"] for a in figure["layout"]["annotations"] if a["font"]["color"] == "#d62728"]
    assert red == ["0 / 3", "0 / 5"]
    assert "2 wrong" in figure["layout"]["title"]["text"]


def test_digits_show_confusion_images_and_first_layer_weights_as_pictures(app, charts, live):
    at = app(dataset="digits", layers="1", width_1="16")
    found = charts(at)
    assert not at.exception
    assert "live_boundary" not in live(at) and {"chart_confusion", "chart_images", "network_figure"} <= set(found)
    network = found["network_figure"]
    boxes = network["layout"]["meta"]["hover_zoom"]["boxes"]
    assert boxes[1][2:] == [16, 16]                                # an 8×8 first-layer picture, drawn at 2×
    links = [t for t in network["data"] if t.get("hovertemplate", "").startswith("a link")]
    assert len(links) == 1                                         # only layer 1 → output: pixels are pictures
    texts = [a["text"] for a in network["layout"]["annotations"]]
    assert "+ 8 more" in texts
    before = found["chart_confusion"]
    at.button(key="step").click().run()
    assert charts(at)["chart_confusion"] != before


def test_mnist_from_a_small_file(tmp_path, monkeypatch, app, charts, mnist_writer):
    mnist_writer(tmp_path / "mnist.npz", n_train=40, n_test=20)
    monkeypatch.setenv(MNIST_VARIABLE, str(tmp_path / "mnist.npz"))
    at = app(dataset="mnist")
    at.button(key="step").click().run()
    found = charts(at)
    assert not at.exception
    assert "20 test images" in found["chart_images"]["layout"]["title"]["text"]
    assert found["network_figure"]["layout"]["meta"]["hover_zoom"]["boxes"][1][2:] == [28, 28]
