"""Gradient health: what a run records each epoch, the vanishing/exploding rules, dead and saturated units."""
import numpy as np
import pytest

from playground import inspect, plots
from playground.data import make_dataset
from playground.spec import NetworkSpec
from playground.training import TrainingRun
from playground.timetravel import roll_back


@pytest.fixture(scope="module")
def circle():
    return make_dataset("circle")


def health(run):
    return run.timeline.log["epoch"], run.timeline.log["grad_norm"], run.timeline.log["update_ratio"]


def latest_verdict(run, window=20):
    _, norms, ratios = health(run)
    return inspect.verdict(norms[-window:], ratios[-window:])


def test_a_run_records_one_row_per_epoch_and_a_roll_back_drops_the_rest(circle):
    run = TrainingRun("numpy", NetworkSpec(), circle)
    for _ in range(3):
        run.train_epoch()
    epochs, norms, ratios = health(run)
    assert list(epochs) == [0, 1, 2, 3] and norms.shape == ratios.shape == (4, 3)
    assert (norms > 0).all() and (ratios[0] == 0).all() and (ratios[1:] > 0).all()
    run.timeline.last_finite = (2, run.timeline.last_finite[1])
    roll_back(run)
    assert list(health(run)[0]) == [0, 1, 2]


def test_six_sigmoid_layers_vanish_at_the_first_layer(circle):
    run = TrainingRun("numpy", NetworkSpec(hidden=(4,) * 6, activation="sigmoid"), circle)
    for _ in range(5):
        run.train_epoch()
    kind, sentence = latest_verdict(run)
    assert kind == "vanishing" and ("layer 1 " in sentence or "layers 1," in sentence)


def test_a_huge_learning_rate_explodes(circle):
    spec = NetworkSpec(hidden=(8, 8), activation="relu", output_activation="linear", loss="mse", learning_rate=3.0)
    run = TrainingRun("numpy", spec, circle)
    run.train_epoch()
    kind, sentence = latest_verdict(run)
    assert kind == "exploding" and "layer " in sentence and "learning rate" in sentence


def test_the_default_network_is_healthy(circle):
    run = TrainingRun("numpy", NetworkSpec(), circle)
    for _ in range(5):
        run.train_epoch()
    assert latest_verdict(run)[0] == "healthy"


def test_the_tutorials_example_is_healthy_while_its_output_layer_grows_from_its_small_start():
    from playground import settings
    from playground.ui.preset import EPOCHS, SETTINGS
    digits = make_dataset("digits")
    run = TrainingRun("numpy", settings.network_spec({**settings.defaults(), **SETTINGS}, digits), digits)
    for _ in range(EPOCHS):
        run.train_epoch()
    assert latest_verdict(run)[0] == "healthy"
    # The output layer starts at a tenth of Glorot's size: a step the size of its start is growth, not explosion.
    W = np.full((64, 10), 0.01)
    assert inspect.update_ratios([(W, None)], [(2 * W, None)])[0] < 0.1
    assert inspect.update_ratios([(W, None)], [(W + 10, None)])[0] > inspect.EXPLODING_RATIO
    big = np.full((64, 10), 1.0)
    assert inspect.update_ratios([(big, None)], [(3 * big, None)]) == pytest.approx([2.0])


@pytest.mark.parametrize("norms, ratios, kind, layer", [
    ([[1e-6, 1e-2, 1.0]], [[0.01, 0.01, 0.01]], "vanishing", "layer 1 "),
    ([[1e-5, 1e-5, 1.0]], [[0.01, 0.01, 0.01]], "vanishing", "layers 1, 2"),
    ([[1.0, 1.0], [1.0, 5e3]], [[0.1, 0.1], [0.1, 0.1]], "exploding", "layer 2"),
    ([[1.0, np.inf]], [[0.1, 0.1]], "exploding", "layer 2"),
    ([[1.0, 1.0], [1.0, 1.0]], [[3.0, 0.1], [0.1, 0.1]], "exploding", "layer 1"),
    ([[1e-6, 1e-9]], [[0.0, 0.0]], "healthy", ""),   # the last layer has no gradient left: converged
    ([[0.5, 1.0]], [[0.01, 0.01]], "healthy", ""),
])
def test_verdict_rules(norms, ratios, kind, layer):
    found, sentence = inspect.verdict(norms, ratios)
    assert found == kind and layer in sentence


def test_dead_relus_after_a_bad_init():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    weights = [(0.5 * rng.normal(size=(2, 8)), np.full(8, -10.0)), (rng.normal(size=(8, 4)), np.zeros(4))]
    first, second = inspect.unit_health(weights, ("relu", "relu"), X)
    assert first == {"activation": "relu", "units": 8, "dead": 8, "saturated": None, "off": 0}
    assert second["dead"] == 4  # its inputs are all 0, so its z = b = 0: never active either
    weights[0] = (weights[0][0], np.zeros(8))
    assert inspect.unit_health(weights, ("relu", "relu"), X)[0]["dead"] == 0


def test_a_neuron_switched_off_is_counted_apart_never_as_dead():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    hidden = [(rng.normal(size=(2, 4)), np.array([-50.0, 0, 0, 0]))]   # neuron 1 never active: dead
    first, = inspect.unit_health(hidden, ("relu",), X)
    assert (first["units"], first["dead"], first["off"]) == (4, 1, 0)
    first, = inspect.unit_health(hidden, ("relu",), X, off=((1, 1),))  # switched off, its output 0: not dead
    assert first == {"activation": "relu", "units": 3, "dead": 0, "saturated": None, "off": 1}
    first, = inspect.unit_health(hidden, ("relu",), X, off=((1, 2),))
    assert (first["units"], first["dead"], first["off"]) == (3, 1, 1)
    from playground.ui.health import units_summary
    assert "layer 1 (relu): 1 of 3 dead, 1 switched off" in units_summary([first], 200)


def test_a_run_s_health_counts_its_neurons_switched_off_in_any_hidden_layer(circle):
    run = TrainingRun("numpy", NetworkSpec(hidden=(4, 2), activation="relu", off=((1, 3), (2, 1))), circle)
    run.train_epoch()
    units = inspect.snapshot_of(run).health["units"]
    assert [(layer["units"], layer["off"]) for layer in units] == [(3, 1), (1, 1)]


def test_saturated_sigmoid_and_tanh_units():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    W = rng.normal(size=(2, 6))
    for f in ("sigmoid", "tanh"):
        calm, = inspect.unit_health([(0.1 * W, np.zeros(6))], (f,), X)
        assert calm["saturated"] == 0 and calm["dead"] is None
        flat, = inspect.unit_health([(W, np.array([20.0, -20, 20, 0, 0, 0]))], (f,), X)
        assert flat["saturated"] >= 3


def test_health_figure_has_two_panels_of_one_line_per_layer(circle):
    run = TrainingRun("numpy", NetworkSpec(hidden=(3, 3, 3)), circle)
    for _ in range(2):
        run.train_epoch()
    figure = plots.health_figure(*health(run))
    assert len(figure["data"]) == 2 * 4
    assert figure["layout"]["yaxis"]["type"] == figure["layout"]["yaxis2"]["type"] == "log"
    assert figure["data"][4]["xaxis"] == "x2" and figure["data"][0]["y"].dtype == np.float32


@pytest.mark.parametrize("learning_rate", [3.0, 10.0])
def test_units_saturated_by_a_large_learning_rate_call_for_a_smaller_one_not_another_activation(circle, learning_rate):
    run = TrainingRun("numpy", NetworkSpec(learning_rate=learning_rate), circle)
    for _ in range(100):
        run.train_epoch()
    kind, sentence = inspect.describe(*run.snapshot(views=False).health["diagnosis"])
    assert kind in ("saturated", "exploding") and "lower the learning rate" in sentence
    assert "ReLU" not in sentence and "He initialization" not in sentence


def test_deep_sigmoids_that_are_not_saturated_have_vanishing_gradients_from_depth(circle):
    run = TrainingRun("numpy", NetworkSpec(hidden=(4,) * 6, activation="sigmoid"), circle)
    for _ in range(100):
        run.train_epoch()
    health = run.snapshot(views=False).health
    kind, sentence = inspect.describe(*health["diagnosis"])
    assert kind == "vanishing" and "ReLU" in sentence and "learning rate" not in sentence
    assert sum(layer["saturated"] for layer in health["units"]) == 0


@pytest.mark.parametrize("engine", ["numpy", pytest.param("keras", marks=pytest.mark.slow)])
def test_a_deep_sigmoid_network_records_a_first_layer_gradient_orders_below_the_last_marked_vanishing(circle, engine):
    """What the sigmoid lesson's chart shows: each layer's gradient norm, recorded every epoch by either engine."""
    spec = NetworkSpec(hidden=(4,) * 6, activation="sigmoid")
    run = TrainingRun(engine, spec, circle)
    for _ in range(3):
        run.train_epoch()
    epochs, norms, _ = health(run)
    assert list(epochs) == [0, 1, 2, 3] and norms.shape == (4, 7)
    assert (norms[:, 0] < 1e-3 * norms[:, -1]).all()   # three orders of magnitude and more, every epoch
    weak = inspect.vanishing_layers(norms[-1])
    assert weak[0] == 1 and len(weak) < 6
    reference = TrainingRun("numpy", spec, circle)
    for _ in range(3):
        reference.train_epoch()
    np.testing.assert_allclose(norms, health(reference)[1], rtol=1e-3)
    figure = plots.gradient_sizes_figure(epochs, norms, weak, inspect.VANISHING)
    lines = {trace["name"]: trace for trace in figure["data"] if "name" in trace}
    assert lines["layer 1 · vanishing"]["line"]["width"] > lines["layer 7 (output)"]["line"]["width"]
    assert [name for name in lines if "vanishing" in name] == [f"layer {k} · vanishing" for k in weak]
    assert figure["layout"]["yaxis"]["type"] == "log" and figure["layout"]["title"]["text"] == "Gradient size per layer"
    zone = figure["data"][0]
    assert zone["fill"] == "toself" and max(zone["y"]) == pytest.approx(inspect.VANISHING * norms[-1, -1])


def test_vanishing_layers_are_those_under_a_thousandth_of_the_output_layers_gradient():
    assert inspect.vanishing_layers([1e-7, 2e-4, 5e-3, 0.1]) == [1]
    assert inspect.vanishing_layers([1e-7, 1e-6, 0.0]) == []        # no gradient at the output: nothing to compare
    assert inspect.vanishing_layers([0.5]) == [] and inspect.vanishing_layers([]) == []


def test_the_gradient_chart_labels_each_line_at_its_end_apart_and_says_press_play_when_empty():
    norms = np.array([[1e-6, 1.1e-6, 1e-2, 0.1]])
    figure = plots.gradient_sizes_figure(np.array([0]), norms, [1, 2], inspect.VANISHING, height=260)
    ends = sorted((a["y"], a["text"]) for a in figure["layout"]["annotations"] if a.get("yref") == "y")
    assert [text for _, text in ends] == ["<b>1</b>", "<b>2</b>", "3", "ŷ"]
    low, high = figure["layout"]["yaxis"]["range"]
    assert (low, high) == (-7, 0) and figure["layout"]["yaxis"]["dtick"] == 2   # whole decades, a clear one below
    pixels = (260 - 30 - 36) / (high - low)   # of a decade
    assert all((upper - lower) * pixels >= 13 - 1e-9 for (lower, _), (upper, _) in zip(ends, ends[1:]))
    assert figure["data"][2]["mode"] == "lines+markers"   # one epoch: dots
    empty = plots.gradient_sizes_figure(np.zeros(0, int), np.zeros((0, 3)), [], inspect.VANISHING)
    assert any("Press Play" in a["text"] for a in empty["layout"]["annotations"])
