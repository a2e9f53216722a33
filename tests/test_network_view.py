"""The network view: its figure, the layer outputs behind it, and the view in the page."""

import numpy as np
import pytest

from playground import plots
from playground.data import make_dataset
from playground.engines import ENGINES
from playground.spec import NetworkSpec
from playground.evaluation import layer_outputs
from playground.training import TrainingRun


def plane_figure(hidden, epochs=1, limit=plots.MAX_NEURONS):
    ds = make_dataset("circle")
    run = TrainingRun("numpy", NetworkSpec(n_inputs=2, hidden=hidden), ds)
    for _ in range(epochs):
        run.train_epoch()
    return plots.network_view_figure(run.spec, ds, run.weights(), ds.plane_grid[2], limit=limit)


@pytest.mark.parametrize("engine", ENGINES)
def test_layer_outputs_end_in_the_engines_prediction(engine):
    ds = make_dataset("blobs", n_classes=3)
    spec = NetworkSpec(n_inputs=2, hidden=(5, 3), n_outputs=3, activation=("relu", "tanh"),
                       output_activation="softmax", loss="categorical_crossentropy")
    run = TrainingRun(engine, spec, ds)
    run.train_epoch()
    outputs = layer_outputs(spec, run.weights(), ds.X_test)
    assert [a.shape[1] for a in outputs] == [5, 3, 3]
    np.testing.assert_allclose(outputs[-1], run.engine.predict(ds.X_test), rtol=1e-4, atol=1e-6)


def test_default_network_has_a_tile_per_node_and_hover_for_every_link():
    figure = plane_figure((4, 2))
    zoom = figure["layout"]["meta"]["hover_zoom"]
    assert len(zoom["boxes"]) == 2 + 4 + 2 + 1
    assert figure["layout"]["images"][zoom["image"]]["source"].startswith("data:image/png;base64,")
    neurons = figure["data"][zoom["trace"]]
    assert len(neurons["text"]) == 9 and "bias" in neurons["text"][2]
    links = [t for t in figure["data"] if t.get("hovertemplate", "").startswith("a link")]
    assert sum(len(t["customdata"]) for t in links) == 2 * 4 + 4 * 2 + 2 * 1
    lines = [t for t in figure["data"] if t.get("mode") == "lines"]
    assert sum(np.isnan(t["y"]).sum() for t in lines) == 18  # one gap after each link


def test_eight_layers_of_128_are_summarized_in_short_titles():
    figure = plane_figure((128,) * 8)
    notes = [a["text"] for a in figure["layout"]["annotations"]]
    assert notes.count(f"+{128 - plots.MAX_NEURONS}") == 8
    assert notes[:3] == ["x", "x1", "x2"] and "ŷ" in notes and "1" in notes and "8" in notes
    assert len(figure["layout"]["meta"]["hover_zoom"]["boxes"]) == 2 + 8 * plots.MAX_NEURONS + 1


def test_a_few_wide_layers_keep_their_titles_and_say_how_many_more():
    notes = [a["text"] for a in plane_figure((32, 4))["layout"]["annotations"]]
    assert "layer 1" in notes and "output" in notes and "+ 24 more" in notes


def test_the_pictures_are_drawn_above_the_links():
    # Plotly paints an image trace under every line trace: the pictures are a layout image on the traces' layer.
    figure = plane_figure((8,) * 6)
    assert not [t for t in figure["data"] if t["type"] == "image"]
    (picture,) = figure["layout"]["images"]
    assert picture["layer"] == "above" and picture["xref"] == "x" and picture["yref"] == "y"


def test_with_no_limit_every_neuron_is_drawn():
    figure = plane_figure((32, 4), limit=None)
    assert len(figure["layout"]["meta"]["hover_zoom"]["boxes"]) == 2 + 32 + 4 + 1
    assert "first" not in figure["layout"]["title"]["text"]
    assert figure["layout"]["height"] >= 32 * 30


def test_the_live_view_draws_the_network_in_the_plane(app, live):
    at = app()
    network = live(at)["live_network"]
    assert network["view"] == "network" and "2 → 4 → 2 → 1" in network["title"]
    assert network["features"] == ["x1", "x2"] and network["activations"] == ["tanh", "tanh", "sigmoid"]


def test_off_the_plane_the_network_is_a_chart_that_moves_with_training(app, charts):
    at = app(dataset="digits")
    before = charts(at)["network_figure"]
    assert "64 → 4 → 2 → 10" in before["layout"]["title"]["text"]
    at.button(key="step").click().run()
    after = charts(at)["network_figure"]
    assert not at.exception
    assert after["data"] != before["data"]
