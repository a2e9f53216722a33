import math
import warnings
from types import SimpleNamespace

import numpy as np
import pytest

from playground.spec import NetworkSpec
from playground.training import TrainingRun, score, targets


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
    assert run.epoch == 0 and run.history["epoch"] == [0]
    run.train_for(10.0, max_epochs=150)
    assert run.epoch == 150
    assert run.history["epoch"] == list(range(151))
    assert run.history["train_loss"][-1] < run.history["train_loss"][0]
    assert run.history["train_score"][-1] >= 0.9


def test_train_for_stops_at_the_budget():
    run = TrainingRun("numpy", SPEC, xor_data())
    assert run.train_for(0.0) == 1


def test_reconfigure_keeps_the_weights():
    run = TrainingRun("numpy", SPEC, xor_data())
    run.train_for(10.0, max_epochs=3)
    before = run.engine.get_weights()
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
    assert not math.isfinite(run.history["train_loss"][-1])
    good_epoch, good_weights = run.last_finite
    assert good_epoch < run.epoch
    run.roll_back()
    assert not run.diverged and run.epoch == good_epoch
    assert run.history["epoch"][-1] == good_epoch
    assert all(math.isfinite(v) for v in run.history["train_loss"])
    assert all(np.array_equal(a, b) for (a, _), (b, _) in zip(good_weights, run.engine.get_weights()))


def test_restore_puts_weights_in_clears_divergence_and_measures_again():
    run = TrainingRun("numpy", SPEC, xor_data())
    run.train_for(10.0, max_epochs=5)
    good = run.engine.get_weights()
    run.diverged = True
    rows = len(run.history["epoch"])
    run.restore(run.initial_weights)
    assert not run.diverged and run.last_finite[0] == run.epoch == 5
    assert len(run.history["epoch"]) == rows and run.history["epoch"][-1] == 5
    assert run.history["train_loss"][-1] == pytest.approx(run.history["train_loss"][0], rel=1e-5)
    assert len(run.health.epochs) == rows
    with pytest.raises(ValueError, match="Layer 1"):
        run.restore([(np.zeros((3, 8)), np.zeros(8))] + good[1:])
    assert all(np.array_equal(a, b) for (a, _), (b, _) in zip(run.initial_weights, run.engine.get_weights()))
