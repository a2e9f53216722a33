"""The learning-rate finder (playground/lr_finder.py) and TrainingRun.lr_find: the run is untouched, the
curve climbs as promised and stops when the loss blows up, and its suggestion trains the default network."""
import math
import pickle

import numpy as np
import pytest

from playground import lr_finder, settings
from playground.data import make_dataset
from playground.engines import create_engine, epoch_batches
from playground.lr_finder import BETA, DIVERGENCE, END_RATE, MAX_STEPS, START_RATE, find
from playground.training import TrainingRun
from playground.commands import call


@pytest.fixture(scope="module")
def circle():
    return make_dataset("circle")


def default_run(dataset, engine="numpy", **changes):
    """The page's default run (circle, 4 and 2 tanh, sigmoid and cross-entropy, sgd 0.03, batch 10)."""
    return TrainingRun(engine, settings.network_spec({**settings.defaults(), **changes}, dataset), dataset)


def test_the_result_is_the_climb_its_losses_and_a_suggestion(circle):
    run = default_run(circle)
    result = call(run, "lr_find")
    assert len(result.rates) == len(result.losses) == len(result.smoothed) <= MAX_STEPS
    assert result.rates[0] == START_RATE and result.rates[-1] <= END_RATE * (1 + 1e-12)
    ratios = result.rates[1:] / result.rates[:-1]
    np.testing.assert_allclose(ratios, (END_RATE / START_RATE) ** (1 / (MAX_STEPS - 1)), rtol=1e-9)
    assert not result.stopped_early  # on this network the loss never passes 4× its best, even at 10
    assert len(result.rates) == MAX_STEPS and result.rates[-1] == pytest.approx(END_RATE)
    assert START_RATE <= result.suggestion <= result.rates[-1]
    assert result.rule == lr_finder.RULE and result.rule.endswith(".") and len(result.rule) < 120
    again = pickle.loads(pickle.dumps(result))
    np.testing.assert_array_equal(again.smoothed, result.smoothed)
    assert again.suggestion == result.suggestion


def test_the_losses_are_smoothed_with_bias_correction(circle):
    result = call(default_run(circle), "lr_find")
    average, expected = 0.0, []
    for t, loss in enumerate(result.losses, start=1):
        average = BETA * average + (1 - BETA) * loss
        expected.append(average / (1 - BETA**t))
    np.testing.assert_allclose(result.smoothed, expected, rtol=1e-12)
    assert result.smoothed[0] == pytest.approx(result.losses[0])


def test_it_steps_through_the_runs_batches_in_order_epoch_after_epoch(circle):
    """Replayed on an engine, one batch at a time at each step's rate: the same losses, bit for bit."""
    run = default_run(circle)
    run.train_for(10.0, max_epochs=3)
    result = call(run, "lr_find")
    replay = create_engine("numpy", run.spec)
    replay.set_weights(run.weights())
    n, epoch, losses = len(run.X_train), run.epoch, []
    while len(losses) < len(result.rates):
        order, batches = epoch_batches(n, run.spec.batch_size, run.spec.seed, epoch)
        for s in batches[:len(result.rates) - len(losses)]:
            replay.reconfigure(run.spec.replace(learning_rate=float(result.rates[len(losses)])))
            losses.append(replay.train_batch(run.X_train[order[s]], run.Y_train[order[s]]))
        epoch += 1
    assert epoch > run.epoch + 1  # more than one epoch's batches
    np.testing.assert_array_equal(result.losses, losses)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_the_run_is_untouched(circle, optimizer):
    """Weights, optimizer state, counters and history: an epoch after lr_find lands where it lands without."""
    run, twin = default_run(circle, optimizer=optimizer), default_run(circle, optimizer=optimizer)
    for r in (run, twin):
        r.train_for(10.0, max_epochs=2)
    history = run.timeline.history
    call(run, "lr_find")
    assert run.timeline.history == history and run.epoch == twin.epoch == 2
    for r in (run, twin):
        r.train_epoch()
    for (W, b), (W1, b1) in zip(run.weights(), twin.weights()):
        np.testing.assert_array_equal(W, W1)
        np.testing.assert_array_equal(b, b1)


@pytest.mark.slow  # TensorFlow loads
def test_a_keras_run_is_untouched(circle):
    run, twin = default_run(circle, "keras"), default_run(circle, "keras")
    for r in (run, twin):
        r.train_epoch()
    result = call(run, "lr_find")
    assert START_RATE <= result.suggestion <= END_RATE
    for r in (run, twin):
        r.train_epoch()
    for (W, b), (W1, b1) in zip(run.weights(), twin.weights()):
        np.testing.assert_array_equal(W, W1)
        np.testing.assert_array_equal(b, b1)


def test_it_stops_once_the_smoothed_loss_passes_four_times_its_best():
    """A regression on the plane with a linear output: past a rate of about 1, its loss blows up."""
    plane = make_dataset("plane")
    run = default_run(plane, output="linear", loss="mse", batch_size=25)
    result = call(run, "lr_find")
    smoothed = result.smoothed
    assert result.stopped_early and len(smoothed) < MAX_STEPS
    best = np.minimum.accumulate(smoothed[:-1])
    assert np.all(smoothed[:-1] <= DIVERGENCE * best)  # none before the last passed the line
    assert not smoothed[-1] <= DIVERGENCE * best[-1]   # the last one did (or is no longer finite)
    assert START_RATE <= result.suggestion < result.rates[-1]


def test_a_diverged_network_gets_the_smallest_rate(circle):
    run = default_run(circle)
    weights = [(np.full_like(W, np.nan), b) for W, b in run.weights()]
    result = find(run.spec, weights, run.X_train, run.Y_train)
    assert result.stopped_early and len(result.rates) == 1 and result.suggestion == START_RATE


def test_the_suggestion_trains_the_default_network(circle):
    """20 epochs at the suggested rate learn far more than at 1e-5, and nothing blows up."""
    result = call(default_run(circle), "lr_find")
    losses = {}
    for rate in (result.suggestion, START_RATE):
        run = default_run(circle)
        run.reconfigure(run.spec.replace(learning_rate=rate))
        run.train_for(60.0, max_epochs=20)
        losses[rate] = run.timeline.history["train_loss"]
    suggested, smallest = losses[result.suggestion], losses[START_RATE]
    assert all(math.isfinite(loss) for loss in suggested)
    assert max(suggested[1:]) < suggested[0]
    assert suggested[-1] < 0.5 * smallest[-1]
