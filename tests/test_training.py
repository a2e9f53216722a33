import math
import warnings
from types import SimpleNamespace

import numpy as np
import pytest

from playground import settings
from playground.data import make_dataset
from playground.spec import NetworkSpec
from playground.nn import targets
from playground.evaluation import score
from playground.timetravel import Log
from playground.training import TrainingRun
from playground.inspect import history_of
from playground.timetravel import resume, roll_back
from playground.weights import restore


def xor_data(n=200, seed=0):
    rng = np.random.default_rng(seed)
    pts = rng.uniform(-6, 6, (n, 2)).astype(np.float32)
    y = (pts[:, 0] * pts[:, 1] > 0).astype(int)
    half = n // 2
    return SimpleNamespace(task="classification", n_classes=2, X_train=pts[:half], X_test=pts[half:],
                           y_train=y[:half], y_test=y[half:])


SPEC = NetworkSpec(hidden=(8, 8), learning_rate=0.03)


def test_targets_and_scores():
    assert targets([0, 1], "classification", 1).tolist() == [[0], [1]]
    assert targets([0, 2], "classification", 3).tolist() == [[1, 0, 0], [0, 0, 1]]
    assert targets([1, 0], "classification", 2).tolist() == [[0, 1], [1, 0]]
    assert score(np.array([[0.9], [0.2], [0.7]]), np.array([1, 0, 0]), "classification") == pytest.approx(2 / 3)
    y = np.array([1.0, 2.0, 3.0])
    assert score(y[:, None], y, "regression") == 1.0
    assert score(np.full((3, 1), 2.0), y, "regression") == pytest.approx(0.0)


def test_a_run_records_one_row_per_epoch_and_learns():
    run = TrainingRun("numpy", SPEC, xor_data())
    assert run.epoch == 0 and run.timeline.history["epoch"] == [0]
    run.train_for(10.0, max_epochs=150)
    assert run.epoch == 150
    assert run.timeline.history["epoch"] == list(range(151))
    assert run.timeline.history["train_loss"][-1] < run.timeline.history["train_loss"][0]
    assert run.timeline.history["train_score"][-1] >= 0.9


def test_a_slice_stops_within_its_budget_in_the_middle_of_a_long_epoch():
    run = TrainingRun("numpy", SPEC.replace(batch_size=1), xor_data(n=200_000))
    assert run.train_slice(0.02) == 0
    snapshot = run.snapshot(views=False)
    assert snapshot.epoch == 0 and 0 < snapshot.batch < snapshot.batches / 10 and snapshot.batches == 100_000


def test_an_epoch_trained_in_slices_is_the_epoch_trained_at_once():
    sliced, whole = TrainingRun("numpy", SPEC, xor_data()), TrainingRun("numpy", SPEC, xor_data())
    while sliced.epoch < 3:
        sliced.train_slice(0.0005, stop_epoch=3)  # a slice may end anywhere in an epoch, never past the third
    for _ in range(3):
        whole.engine.train_epoch(whole.X_train, whole.Y_train)
    assert all(np.array_equal(a, b) for (a, _), (b, _) in zip(sliced.weights(), whole.weights()))


def test_a_sliced_run_measures_a_large_sets_weights_in_slices_as_at_once():
    data = xor_data(n=20_000)
    sliced, whole = TrainingRun("numpy", SPEC, data, sliced=True), TrainingRun("numpy", SPEC, data)
    assert not sliced.measured and sliced.timeline.history["epoch"] == []
    slices = 0
    while not sliced.measure(0.0005):
        slices += 1
    assert slices >= 1 and sliced.timeline.history["epoch"] == [0] and sliced.timeline.start_loss == pytest.approx(whole.timeline.start_loss)
    assert sliced.timeline.history["test_score"] == pytest.approx(whole.timeline.history["test_score"])
    sliced.train_for(10.0, max_epochs=2)
    restore(sliced, sliced.initial_weights)  # the restored weights are measured in slices too
    assert not sliced.measured and sliced.timeline.history["epoch"] == [0, 1]
    sliced.train_slice(10.0)  # training measures them first, then goes on
    assert sliced.measured and sliced.timeline.history["epoch"][:3] == [0, 1, 2]
    assert sliced.timeline.history["train_loss"][2] == pytest.approx(whole.timeline.history["train_loss"][0])


def test_the_log_keeps_recent_epochs_and_thins_older_ones_within_its_limit():
    log = Log({"epoch": 0, "loss": 0, "norms": 3}, recent=100, limit=400)
    for epoch in range(100_000):
        log.append(epoch=epoch, loss=float(epoch), norms=[1.0, 2.0, 3.0])
    epochs = log["epoch"]
    assert len(log) < 400 and epochs[-1] == 99_999 and epochs[0] == 0
    assert list(epochs[-100:]) == list(range(99_900, 100_000))
    assert np.all(np.diff(epochs) > 0) and log.thinned_before > 0
    assert np.diff(epochs[:len(epochs) // 2]).mean() > np.diff(epochs[-200:]).mean()
    assert (log["loss"] == epochs).all() and log["norms"].shape == (len(log), 3)


def test_reconfigure_keeps_the_weights():
    run = TrainingRun("numpy", SPEC, xor_data())
    run.train_for(10.0, max_epochs=3)
    before = run.weights()
    run.reconfigure(SPEC.replace(learning_rate=0.1, batch_size=5))
    assert all(np.array_equal(a, b) for (a, _), (b, _) in zip(before, run.engine.get_weights()))
    assert run.engine.optimizer.learning_rate == 0.1


def test_divergence_is_caught_and_rolled_back():
    data = xor_data()
    data.y_train = data.X_train[:, 0] * 1e3
    data.y_test = data.X_test[:, 0] * 1e3
    data.task = "regression"
    spec = NetworkSpec(hidden=(8,), activation="relu", output_activation="linear", loss="mse", learning_rate=10.0)
    run = TrainingRun("numpy", spec, data)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run.train_for(10.0, max_epochs=50)
    assert run.diverged
    assert not math.isfinite(run.timeline.history["train_loss"][-1])
    good_epoch, good_weights = run.timeline.last_finite
    assert good_epoch < run.epoch
    roll_back(run)
    assert not run.diverged and run.epoch == good_epoch
    assert run.timeline.history["epoch"][-1] == good_epoch
    assert all(math.isfinite(v) for v in run.timeline.history["train_loss"])
    assert all(np.array_equal(a, b) for (a, _), (b, _) in zip(good_weights, run.engine.get_weights()))


def test_restore_puts_weights_in_clears_divergence_and_measures_again():
    run = TrainingRun("numpy", SPEC, xor_data())
    run.train_for(10.0, max_epochs=5)
    good = run.engine.get_weights()
    run.diverged = True
    rows = len(run.timeline.history["epoch"])
    restore(run, run.initial_weights)
    assert not run.diverged and run.timeline.last_finite[0] == run.epoch == 5
    assert len(run.timeline.history["epoch"]) == rows and run.timeline.history["epoch"][-1] == 5
    assert run.timeline.history["train_loss"][-1] == pytest.approx(run.timeline.history["train_loss"][0], rel=1e-5)
    assert len(run.timeline.log) == rows
    with pytest.raises(ValueError, match="Layer 1"):
        restore(run, [(np.zeros((3, 8)), np.zeros(8))] + good[1:])
    assert all(np.array_equal(a, b) for (a, _), (b, _) in zip(run.initial_weights, run.engine.get_weights()))


def test_a_stop_epoch_pauses_the_run_there_once_and_says_so():
    run = TrainingRun("numpy", SPEC.replace(stop_epoch=5), xor_data())
    assert run.train_for(10.0, max_epochs=20) == 5
    assert run.epoch == 5 and run.stopped and run.snapshot(views=False).stopped == (5, "epoch", 5)
    assert run.train_for(10.0, max_epochs=3) == 3   # Play again carries on past it
    assert run.epoch == 8 and not run.stopped and run.snapshot(views=False).stopped is None


@pytest.mark.parametrize("metric, value", [("test_score", 0.9), ("test_loss", 0.3)])
def test_a_stop_metric_pauses_the_run_at_the_epoch_it_gets_to_the_value(metric, value):
    run = TrainingRun("numpy", SPEC.replace(stop_metric=metric, stop_value=value), xor_data())
    run.train_for(30.0, max_epochs=500)
    epoch, what, reached = run.snapshot(views=False).stopped
    history = run.timeline.history[metric]
    assert run.stopped and epoch == run.epoch < 500 and what == metric and reached == pytest.approx(history[-1])
    if metric == "test_score":
        assert history[-1] >= value > max(history[:-1])
    else:
        assert history[-1] <= value < min(history[:-1])
    run.train_for(10.0, max_epochs=5)   # past it, it does not stop at every epoch
    assert run.epoch == epoch + 5


# The data sets in the plane that need more than a line: a known small network learns each

def trained_on(name, epochs, **changes):
    values = {**settings.defaults(), "dataset": name, **changes}
    dataset = make_dataset(name, **settings.data_arguments(values))
    run = TrainingRun("numpy", settings.network_spec(values, dataset), dataset)
    run.train_for(60.0, max_epochs=epochs)
    return run.timeline.history["test_score"][-1]


SOFTMAX = {"output": "softmax", "loss": "categorical_crossentropy"}


@pytest.mark.parametrize("name, epochs, changes, accuracy", [
    ("checkerboard", 300, dict(samples=2000, layers=2, width_1=16, width_2=16, activation="relu", optimizer="adam",
                               learning_rate=0.01), 0.93),
    ("checkerboard", 200, dict(layers=1, width_1=4, features=("sin(x1)", "sin(x2)")), 0.88),
    ("rings", 200, dict(layers=1, width_1=8, optimizer="adam", **SOFTMAX), 0.97),
    ("rings", 100, dict(layers=0, features=("x1^2", "x2^2"), learning_rate=0.3, **SOFTMAX), 0.99),
    ("sine", 200, dict(layers=2, width_1=8, width_2=8, optimizer="adam"), 0.94),
    ("sine", 100, dict(layers=0, features=("x2", "sin(x1)"), learning_rate=0.3), 0.99),
], ids=["checkerboard-2x16-relu", "checkerboard-sin", "rings-8-tanh", "rings-squares", "sine-2x8-tanh",
        "sine-no-hidden-sin"])
def test_a_small_network_learns_each_new_set_in_the_plane(name, epochs, changes, accuracy):
    assert trained_on(name, epochs, **changes) >= accuracy


def test_dropout_makes_the_training_loss_noisier_and_still_learns():
    def losses(rate):
        values = {**settings.defaults(), "layers": 2, "width_1": 8, "width_2": 8, "dropout": rate}
        dataset = make_dataset("circle", **settings.data_arguments(values))
        run = TrainingRun("numpy", settings.network_spec(values, dataset), dataset)
        run.train_for(60.0, max_epochs=200)
        return np.array(run.timeline.history["train_loss"]), run.timeline.history["test_score"][-1]
    (plain, plain_score), (dropped, dropped_score) = losses(0.0), losses(0.3)
    # Noise around the trend: second differences (the first ones of a loss still falling vary with its slope).
    assert np.std(np.diff(dropped[100:], 2)) > 5 * np.std(np.diff(plain[100:], 2))
    assert plain_score > 0.97 and dropped_score > 0.95


def test_a_run_started_again_from_a_thinned_snapshot_says_its_history_is_thinned():
    """A worker that died costs the run its full history: the snapshot it starts again from keeps MAX_POINTS
    rows, so the history is marked thinned before that epoch, and the replay begins there."""
    ds = make_dataset("circle")
    spec = settings.network_spec(settings.defaults(), ds)
    run = TrainingRun("numpy", spec, ds)
    for _ in range(450):
        run.train_epoch()
    snapshot = run.snapshot()
    assert len(snapshot.history["epoch"]) < 451 and snapshot.thinned_before == 0
    again = TrainingRun("numpy", spec, ds)
    resume(again, snapshot)
    history, thinned_before = history_of(again)
    assert thinned_before == 450 and history["epoch"][-1] == 450
    assert again.timeline.replay.epochs == [450]
    whole = TrainingRun("numpy", spec, ds)
    whole.train_epoch()
    fresh = TrainingRun("numpy", spec, ds)
    resume(fresh, whole.snapshot())
    assert history_of(fresh)[1] == 0  # a history kept whole is not marked
