"""Going back after a divergence: to the last epoch whose training loss was at most its epoch-0 value."""
from types import SimpleNamespace

import numpy as np

from playground import settings
from playground.data import make_dataset
from playground.spec import NetworkSpec
from playground.training import TrainingRun
from playground.timetravel import roll_back
from playground.weights import edit

SPEC = NetworkSpec(hidden=(8, 8), learning_rate=0.03)


def xor_data(n=200):
    rng = np.random.default_rng(0)
    points = rng.uniform(-6, 6, (n, 2)).astype(np.float32)
    y = (points[:, 0] * points[:, 1] > 0).astype(int)
    return SimpleNamespace(task="classification", n_classes=2, X_train=points[:n // 2], X_test=points[n // 2:],
                           y_train=y[:n // 2], y_test=y[n // 2:])


def diverged_run():
    """The learning-rate-3 lesson's run, diverged: the loss climbs tenfold each epoch for 20 epochs, then overflows."""
    values = {**settings.defaults(), "dataset": "plane", "output": "linear", "loss": "mse",
              "learning_rate": 3.0, "batch_size": 250}
    data = make_dataset("plane", **settings.data_arguments(values))
    run = TrainingRun("numpy", settings.network_spec(values, data), data)
    run.train_for(30.0, max_epochs=100)
    assert run.diverged
    return run


def test_going_back_after_divergence_lands_on_the_last_epoch_no_worse_than_the_start():
    run = diverged_run()
    losses = run.timeline.history["train_loss"]
    good = max((e for e, loss in zip(run.timeline.history["epoch"], losses) if loss <= losses[0]), default=0)
    assert run.timeline.last_finite[0] == run.snapshot().last_finite_epoch == good == 0
    roll_back(run)
    assert run.epoch == 0 and run.timeline.history["train_loss"] == [losses[0]]


def test_going_back_keeps_the_epochs_that_learned_before_the_loss_climbed():
    run = TrainingRun("numpy", SPEC, xor_data())
    run.train_for(10.0, max_epochs=5)
    start, learned = run.timeline.history["train_loss"][0], run.timeline.history["train_loss"][-1]
    assert learned <= start
    run.reconfigure(NetworkSpec(hidden=(8, 8), learning_rate=200.0))
    with np.errstate(over="ignore", invalid="ignore"):
        run.train_for(10.0, max_epochs=40)
    losses, epochs = run.timeline.history["train_loss"], run.timeline.history["epoch"]
    good = max(e for e, loss in zip(epochs, losses) if loss <= start)
    assert good >= 5 and run.timeline.last_finite[0] == good
    assert all(not loss <= start for loss in losses[good + 1:])
    roll_back(run)
    assert run.epoch == good and run.timeline.history["train_loss"][-1] <= start


def test_an_edit_on_a_diverged_run_leaves_it_diverged_and_roll_back_still_goes_back():
    run = diverged_run()
    good = run.timeline.last_finite
    edit(run, 1, 0, 0, 1.0)   # one weight set: the others are still not finite
    assert run.diverged and run.timeline.last_finite is good and len(run.timeline.edits) == 1
    roll_back(run)
    assert run.epoch == good[0] and not run.diverged
    assert all(np.isfinite(W).all() and np.isfinite(b).all() for W, b in run.weights())
