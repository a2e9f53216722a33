"""A weight set by hand and neurons switched off, in a training run and in the link.

An edit sets one weight or bias and keeps every other weight and the optimizer's state; the epoch is measured
again, so the metrics show it at once; the run keeps the edit in its `edits`, and the replay of a later epoch
holds it. Neurons switched off change the run's settings, never its weights or its optimizer's state.
"""
import numpy as np
import pytest

from playground import settings
from playground.data import make_dataset
from playground.spec import MAX_EDIT, NetworkSpec
from playground.training import TrainingRun
from playground.inspect import predict_of
from playground.timetravel import continue_from, replay_at, resume
from playground.weights import edit

SPEC = NetworkSpec(hidden=(4, 2), optimizer="adam", learning_rate=0.03)


def adam_state(run):
    optimizer = run.engine.optimizer
    return optimizer.iterations, optimizer.m.copy(), optimizer.v.copy()


@pytest.fixture
def run():
    run = TrainingRun("numpy", SPEC, make_dataset("xor", n_samples=200, seed=0))
    run.train_for(10.0, max_epochs=5)
    return run


def test_an_edit_sets_one_weight_keeps_the_rest_and_the_optimizer_and_is_measured_at_once(run):
    before, state = run.weights(), adam_state(run)
    loss_before = run.timeline.log.last("train_loss")
    made = edit(run, 1, 0, 1, 3.0)
    after = run.weights()
    assert (made.epoch, made.layer, made.row, made.column, made.new) == (5, 1, 0, 1, 3.0)
    assert made.old == pytest.approx(float(before[0][0][0, 1]))
    assert after[0][0][0, 1] == 3.0
    after[0][0][0, 1] = before[0][0][0, 1]
    assert all(np.array_equal(a, b) for pair_a, pair_b in zip(after, before) for a, b in zip(pair_a, pair_b))
    iterations, m, v = adam_state(run)
    assert iterations == state[0] and np.array_equal(m, state[1]) and np.array_equal(v, state[2])
    assert len(run.timeline.log) == 6 and run.timeline.log.last("epoch") == 5
    assert run.timeline.log.last("train_loss") != loss_before
    assert run.snapshot().edits == (made,)


def test_a_bias_edit_and_the_next_epochs_start_from_it(run):
    edit(run, 2, None, 0, -2.5)
    assert run.weights()[1][1][0] == -2.5
    run.train_for(10.0, max_epochs=1)
    assert run.weights()[1][1][0] == pytest.approx(-2.5, abs=0.2)   # trained on from the edit


def test_the_replay_of_a_later_epoch_holds_the_edit_and_an_earlier_one_does_not(run):
    original = float(run.weights()[0][0][1, 2])
    edit(run, 1, 1, 2, 5.0)
    run.train_for(10.0, max_epochs=2)
    later = replay_at(run, 7)
    assert later.epoch == 7 and later.weights[0][0][1, 2] == pytest.approx(5.0, abs=0.3)
    assert replay_at(run, 5).weights[0][0][1, 2] == 5.0     # the edited epoch, measured again
    assert replay_at(run, 4).weights[0][0][1, 2] == pytest.approx(original, abs=0.3)
    continue_from(run, 4)
    assert run.snapshot().edits == ()                      # back before it: the edit is gone from the story


def test_a_run_taken_up_again_from_its_snapshot_keeps_its_edits(run):
    edit(run, 1, 0, 1, 3.0)
    snapshot = run.snapshot()
    again = TrainingRun("numpy", SPEC, run.dataset)   # as on another worker, after its own died
    resume(again, snapshot)
    assert again.timeline.edits == run.timeline.edits and again.snapshot().edits == snapshot.edits
    edit(again, 1, 0, 0, -1.0)   # and a new edit on the restored weights keeps the restore finite and measured
    assert not again.diverged and again.timeline.history["epoch"][-1] == snapshot.epoch


@pytest.mark.parametrize("value", [MAX_EDIT * 1.01, -1e9, float("nan"), float("inf"), "3", None, True])
def test_a_value_out_of_range_or_not_a_number_changes_nothing(run, value):
    before, rows = run.weights(), len(run.timeline.log)
    with pytest.raises(ValueError, match="number from"):
        edit(run, 1, 0, 0, value)
    assert all(np.array_equal(a, b) for pair_a, pair_b in zip(run.weights(), before) for a, b in zip(pair_a, pair_b))
    assert len(run.timeline.log) == rows and run.timeline.edits == []


@pytest.mark.parametrize("place", [(0, 0, 0), (4, 0, 0), (1, 2, 0), (1, 0, 4), (2, None, 2), (3, 0, 1)])
def test_a_place_the_network_does_not_have_changes_nothing(run, place):
    before = run.weights()
    with pytest.raises(ValueError, match="no weight"):
        edit(run, *place, 1.0)
    assert all(np.array_equal(a, b) for pair_a, pair_b in zip(run.weights(), before) for a, b in zip(pair_a, pair_b))


def test_switching_a_neuron_off_keeps_the_run_its_weights_and_its_optimizer(run):
    before, state, epoch = run.weights(), adam_state(run), run.epoch
    run.reconfigure(SPEC.replace(off=((1, 3),)))
    assert run.epoch == epoch and adam_state(run)[0] == state[0]
    assert all(np.array_equal(a, b) for pair_a, pair_b in zip(run.weights(), before) for a, b in zip(pair_a, pair_b))
    run.train_for(10.0, max_epochs=3)
    np.testing.assert_array_equal(run.weights()[0][0][:, 2], before[0][0][:, 2])
    assert run.weights()[0][1][2] == before[0][1][2]
    assert not np.array_equal(run.weights()[0][0][:, 0], before[0][0][:, 0])


def test_forward_layers_shows_a_neuron_switched_off_as_0(run):
    from playground.evaluation import layer_outputs
    run.reconfigure(SPEC.replace(off=((1, 3), (2, 1))))
    outputs = layer_outputs(run.spec, run.weights(), run.dataset.grid)
    assert not outputs[0][:, 2].any() and not outputs[1][:, 0].any() and outputs[0][:, 1].any()
    np.testing.assert_allclose(outputs[-1], predict_of(run, run.dataset.grid), rtol=1e-6)


# The link: `off` carries the neurons switched off as layer.neuron

def test_the_link_carries_the_neurons_switched_off_and_gives_them_back():
    values = {**settings.defaults(), "off": settings.neurons("2.1,1.3")}
    query = settings.to_query(values)
    assert query["off"] == "1.3,2.1"
    back, refused = settings.from_query(query)
    assert not refused and back["off"] == ("1.3", "2.1")
    ds = make_dataset("circle")
    assert settings.network_spec(back, ds).off == ((1, 3), (2, 1))
    assert "off" in settings.share_links(back)["page"]
    assert "off" not in settings.to_query(settings.defaults())


def test_a_neuron_the_network_no_longer_has_is_left_out_of_the_spec():
    values = {**settings.defaults(), "off": ("1.4", "2.2", "3.1"), "width_1": 3}
    assert settings.network_spec(values, make_dataset("circle")).off == ((2, 2),)


@pytest.mark.parametrize("text", ["1.3,1.3", "0.1", "1.0", "9.1", "1.129", "1", "1.3.4", "a.b", "1.3;2.1", "-1.2",
                                  "１.３", "1.3 ", "1." + "0" * 10 + "1", "1.2," * 200])
def test_a_tampered_off_value_is_refused_and_changes_nothing(text):
    values, refused = settings.from_query({"off": text, "learning_rate": "0.1"})
    assert refused == ["off"] and values["off"] == () and values["learning_rate"] == 0.1


# The pictures: a neuron switched off is 0 in the live view's frame, and grey in the static network figure

def test_a_frame_names_the_neurons_off_and_pictures_them_at_0(run):
    from playground import frames
    run.reconfigure(SPEC.replace(off=((1, 2),)))
    header, arrays = frames.plane_views(run.spec, run.weights(), run.dataset.grid, run.dataset)
    assert header["off"] == [[1, 2]]
    side = header["side"]
    pictures = np.asarray(arrays[1][1]).reshape(-1, side * side)   # every shown neuron's picture, layer by layer
    assert (pictures[1] == pictures[1][0]).all() and not (pictures[0] == pictures[0][0]).all()


@pytest.mark.parametrize("dataset", ["xor", "digits"])
def test_the_static_network_figure_draws_a_neuron_switched_off_grey(dataset):
    import base64
    import io

    from PIL import Image

    from playground.plots import network, network_view
    ds = make_dataset(dataset)
    spec = NetworkSpec(n_inputs=ds.n_inputs, hidden=(4, 3), n_outputs=1 if ds.n_classes == 2 else ds.n_classes,
                       output_activation="sigmoid" if ds.n_classes == 2 else "softmax",
                       loss="binary_crossentropy" if ds.n_classes == 2 else "categorical_crossentropy", off=((1, 3),))
    weights = TrainingRun("numpy", spec, ds).weights()
    figure = network_view.network_view_figure(spec, ds, weights, ds.grid)
    image = np.asarray(Image.open(io.BytesIO(base64.b64decode(figure["layout"]["images"][0]["source"].split(",")[1]))))
    assert (image == network.OFF).sum() > 0
    texts = [t for trace in figure["data"] for t in trace.get("text", [])]
    assert sum("· off" in t for t in texts) == 1


@pytest.mark.slow
@pytest.mark.parametrize("optimizer", ["momentum", "adam"])
def test_both_engines_give_the_same_numbers_after_an_edit_and_with_a_neuron_off(optimizer):
    """Each engine trains 3 epochs, takes one edit and a neuron switched off, and trains 3 more: the runs agree to
    the contract's tolerance (weights and losses to a relative 1e-3), the edited weight itself included."""
    spec = SPEC.replace(optimizer=optimizer)
    runs = [TrainingRun(engine, spec, make_dataset("xor", n_samples=200, seed=0)) for engine in ("numpy", "keras")]
    for run in runs:
        run.train_for(60.0, max_epochs=3)
        edit(run, 1, 1, 0, 2.5)
        run.reconfigure(spec.replace(off=((1, 2),)))
        run.train_for(60.0, max_epochs=3)
    reference, other = runs
    for (W0, b0), (W1, b1) in zip(reference.weights(), other.weights()):
        np.testing.assert_allclose(W1, W0, rtol=1e-3, atol=1e-5)
        np.testing.assert_allclose(b1, b0, rtol=1e-3, atol=1e-5)
    np.testing.assert_allclose(other.timeline.log["train_loss"], reference.timeline.log["train_loss"], rtol=1e-3)
    assert [e.new for e in other.timeline.edits] == [e.new for e in reference.timeline.edits] == [2.5]
