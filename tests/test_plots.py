import base64
import io

import numpy as np
import plotly.graph_objects as go
from PIL import Image
import pytest

from playground import plots
from playground.plots import charts, colours


def history(n):
    e = np.arange(n)
    return {"epoch": list(e), "train_loss": list(1 / (e + 1)), "test_loss": list(1.1 / (e + 1)),
            "train_score": list(e / n), "test_score": list(e / n)}


def test_history_is_thinned_and_keeps_the_last_epoch():
    fig = plots.history_figure(history(5000), "loss", "Loss", pinned=[("#1 circle 4-2 tanh", history(10))])
    go.Figure(fig)  # a valid plotly figure
    train = fig["data"][0]
    assert len(train["x"]) <= plots.MAX_POINTS + 1 and train["x"][-1] == 4999
    assert train["y"].dtype == np.float32
    assert fig["data"][2]["name"] == "#1" and "#1 circle 4-2 tanh" in fig["data"][2]["hovertemplate"]


def test_an_empty_history_says_what_will_appear_and_a_huge_loss_goes_on_a_log_scale():
    fig = plots.history_figure(history(1), "loss", "Loss")
    assert "Press Play" in fig["layout"]["annotations"][0]["text"]
    exploding = history(10)
    exploding["train_loss"] = list(10.0 ** np.arange(10))
    assert plots.history_figure(exploding, "loss", "Loss")["layout"]["yaxis"]["type"] == "log"
    assert "type" not in plots.history_figure(history(10), "loss", "Loss")["layout"]["yaxis"]


def test_weight_histograms_count_every_weight_at_start_and_now():
    rng = np.random.default_rng(0)
    initial = [(rng.normal(size=(8, 16)), np.zeros(16)), (rng.normal(size=(16, 8)), np.zeros(8))]
    current = [(W * 3, b) for W, b in initial]
    fig = plots.weight_histograms(initial, current)
    go.Figure(fig)
    bars = fig["data"]
    assert [b["type"] for b in bars] == ["bar"] * 4
    assert [int(b["y"].sum()) for b in bars] == [128, 128, 128, 128]
    limit = fig["layout"]["xaxis"]["range"][1]
    assert limit >= np.abs(current[0][0]).max()


def test_a_layer_with_few_weights_shows_each_weight_as_a_point():
    initial = [(np.ones((2, 4)), np.zeros(4)), (np.ones((4, 1)), np.zeros(1))]
    fig = plots.weight_histograms(initial, [(2 * W, b) for W, b in initial])
    go.Figure(fig)
    assert [t["type"] for t in fig["data"]] == ["scatter"] * 4
    assert [len(t["x"]) for t in fig["data"]] == [8, 8, 4, 4]
    assert fig["layout"]["yaxis"]["ticktext"] == ["now", "start"]


def test_weight_histograms_ignore_non_finite_weights():
    W = np.array([[1.0, np.nan], [np.inf, -0.5]])
    fig = plots.weight_histograms([(np.ones((2, 2)), np.zeros(2))], [(W, np.zeros(2))])
    assert len(fig["data"][1]["x"]) == 2


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
    names = [f"class {k}" for k in range(n_classes)]
    fig = plots.boundary_figure(x, y, outputs, task, names, train, test=train, discretize=True)
    go.Figure(fig)
    background = fig["data"][0]
    assert background["type"] == ("image" if task == "classification" else "heatmap")
    points = fig["data"][1:]
    if task == "classification":  # each class by name in its colour, test points apart
        assert [t["name"] for t in points] == names + [f"{name} (test)" for name in names]
        assert [t["marker"]["color"] for t in points[:n_classes]] == plots.CLASS_COLORS[:n_classes]
        assert sum(len(t["x"]) for t in points) == 10
    else:
        assert [t["name"] for t in points] == ["train", "test"]
    assert {t["meta"] for t in points} == {"train", "test"}
    if task == "classification":  # discretized: one colour per class, nothing paler
        png = Image.open(io.BytesIO(base64.b64decode(background["source"].split(",")[1])))
        assert png.size == (10, 10) and len(png.getcolors()) <= n_classes
    assert fig["layout"]["xaxis"]["range"] == [-6.0, 6.0]
    assert fig["layout"]["yaxis"]["scaleanchor"] == "x"  # equal units on both axes


def test_labels_from_a_file_are_shown_as_text_not_followed_as_html():
    x, y, _ = plots.grid_points((-6, 6), (-6, 6), resolution=10)
    fig = plots.boundary_figure(x, y, np.zeros((100, 1)), "classification", ['<a href="http://x">click</a>', "b"],
                                (np.zeros((2, 2)), np.array([0, 1])))
    assert fig["data"][1]["name"] == '&lt;a href="http://x"&gt;click&lt;/a&gt;'
    assert "<a" not in str(plots.confusion_figure([0, 1], [1, 0], ["<b>x</b>", "y"]))


def test_class_image_colours_each_cell_by_its_predicted_class():
    outputs = np.array([[1.0, 0, 0], [0, 1.0, 0], [1 / 3, 1 / 3, 1 / 3]])
    image = charts._class_image(outputs, discretize=False)
    assert image.dtype == np.uint8
    assert image[0, 0] > image[0, 2]          # orange: more red than blue
    assert image[1, 2] > image[1, 0]          # blue: more blue than red
    assert image[2].min() > image[0].min()    # unsure: paler


def _sweep(variations, scores):
    """A sweep's plan over the circle and a result per run with the given test scores (nothing trained)."""
    from playground import settings
    from playground.sweep import plan_sweep
    from playground.sweep.runs import RunResult
    plan = plan_sweep(settings.defaults(), variations, 1)
    results = [RunResult(run.index, run.varied, run.settings, 1, False, 0.1, 0.1, score, score, 0.0, [], {})
               for run, score in zip(plan.runs, scores)]
    return plan, results


def test_the_sweeps_best_cell_is_the_darkest_framed_and_starred():
    plan, results = _sweep({"learning_rate": [0.03, 0.3], "layers": [1, 2]}, [0.6, 0.7, 0.99, 0.8])
    figure = plots.sweep.sweep_figure(plan, results, names={"learning_rate": "learning rate", "layers": "hidden layers"})
    heatmap = figure["data"][0]
    scale = heatmap["colorscale"]
    # The highest score takes the scale's last colour: the darkest, with at least 3:1 against white (not a pale grey).
    linear = [(lambda v: v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4) for _ in range(3)]
    luminance = [sum(w * f(c / 255) for w, f, c in zip((0.2126, 0.7152, 0.0722), linear, colours.rgb(stop)))
                 for _at, stop in scale]  # WCAG's relative luminance
    assert luminance[-1] == min(luminance) and (1.05 / (luminance[-1] + 0.05)) >= 3
    best = [(i, j) for i, row in enumerate(heatmap["text"]) for j, t in enumerate(row) if "★" in t]
    assert len(best) == 1 and "best" in heatmap["text"][best[0][0]][best[0][1]]
    i, j = best[0]
    assert heatmap["z"][i][j] == 0.99
    outer = figure["layout"]["shapes"][0]
    assert outer["line"]["width"] >= 4 and outer["line"]["color"] == colours.OUTLINE
    assert (outer["x0"] + outer["x1"]) / 2 == j and (outer["y0"] + outer["y1"]) / 2 == i
    assert figure["layout"]["xaxis"]["title"]["text"] == "learning rate"
    assert figure["layout"]["yaxis"]["title"]["text"] == "hidden layers"


def test_a_sweep_of_one_setting_stars_its_best_run():
    plan, results = _sweep({"learning_rate": [0.03, 0.3, 1.0]}, [0.6, 0.9, 0.7])
    figure = plots.sweep.sweep_figure(plan, results, names={"learning_rate": "learning rate"})
    best = figure["data"][-1]
    assert best["marker"]["symbol"] == "star" and "★" in best["text"][0] and best["x"] == ["0.3"]
    assert figure["layout"]["xaxis"]["title"]["text"] == "learning rate"


def test_a_drawn_digits_bars_mark_the_digit_read_and_say_probabilities_only_for_a_softmax():
    outputs = np.full(10, 0.02)
    outputs[3] = 0.82
    bars = plots.drawn_digit_figure(outputs, [str(d) for d in range(10)])
    trace = bars["data"][0]
    assert trace["x"] == [str(d) for d in range(10)] and list(trace["y"]) == list(outputs.round(4))
    colours = trace["marker"]["color"]
    assert colours[3] != colours[0] and len(set(colours)) == 2 and bars["layout"]["yaxis"]["tickformat"] == ".0%"
    outputs = plots.drawn_digit_figure(np.linspace(-1, 2, 10), [str(d) for d in range(10)], probabilities=False)
    assert "tickformat" not in outputs["layout"]["yaxis"] and "output" in outputs["layout"]["title"]["text"]
    assert outputs["data"][0]["marker"]["color"][9] == colours[3]
