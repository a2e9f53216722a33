"""Replay: the weights a run keeps of its past, scrubbing back on the page, continuing from there, and the
animation of the decision boundary."""
import base64
import io

import numpy as np
import pytest
from PIL import Image

from playground import frames, settings
from playground.data import make_dataset
from playground.plots import animation
from playground.spec import NetworkSpec
from playground.timetravel import REPLAY_BYTES, WeightHistory
from playground.training import TrainingRun
from playground.commands import call
from playground.timetravel import continue_from, replay_at


@pytest.fixture(scope="module")
def circle():
    return make_dataset("circle")


def default_run(ds):
    return TrainingRun("numpy", settings.network_spec(settings.defaults(), ds), ds)


def weights_of(spec):
    rng = np.random.default_rng(0)
    return [(rng.normal(size=(n_in, n_out)).astype(np.float32), np.zeros(n_out, np.float32))
            for n_in, n_out in zip(spec.sizes[:-1], spec.sizes[1:])]


def test_the_default_network_keeps_its_whole_story_in_little_memory_over_100000_epochs():
    weights = weights_of(NetworkSpec())
    history = WeightHistory(weights)
    for epoch in range(100_001):
        history.add(epoch, weights)
    assert history.nbytes <= 20 * 2**20 and history.flat.nbytes <= 20 * 2**20
    assert history.epochs[0] == 0 and history.epochs[-1] == 100_000
    assert history.epochs[-1000:] == list(range(99_001, 100_001))  # recent epochs, every one
    gaps = np.diff(history.epochs)
    assert gaps[:100].mean() > 10 * gaps[-100:].mean()  # older ones further apart


def test_the_tutorials_mnist_network_stays_within_50_mb():
    spec = NetworkSpec(n_inputs=784, hidden=(64, 64), n_outputs=10, activation="relu",
                       output_activation="softmax", loss="categorical_crossentropy")
    weights = weights_of(spec)
    history = WeightHistory(weights)
    for epoch in range(2000):
        history.add(epoch, weights)
    assert history.flat.nbytes <= 50 * 2**20 and history.nbytes <= REPLAY_BYTES
    assert history.epochs[0] == 0 and history.epochs[-1] == 1999


def test_the_replay_of_the_largest_plane_network_holds_at_most_10_mb():
    """It held up to 40 MB a run, and more: the store grew by doubling and kept the doubled array behind a view."""
    spec = NetworkSpec(n_inputs=7, hidden=(settings.MAX_WIDTH,) * settings.MAX_LAYERS, n_outputs=1)
    weights = weights_of(spec)
    history = WeightHistory(weights)
    for epoch in range(5000):
        history.add(epoch, weights)
        held = history.flat.nbytes if history.flat.base is None else history.flat.base.nbytes
        assert held <= REPLAY_BYTES <= 10 * 2**20
    assert history.epochs[0] == 0 and history.epochs[-1] == 4999 and len(history.epochs) >= 16


def test_a_replayed_epoch_is_the_network_as_it_was(circle):
    run, twin = default_run(circle), default_run(circle)
    for _ in range(40):
        run.train_epoch()
    for _ in range(25):
        twin.train_epoch()
    past = replay_at(run, 25)
    assert past.epoch == 25 and past.latest["epoch"] == 25
    assert all(np.array_equal(W, W2) for (W, _), (W2, _) in zip(past.weights, twin.weights()))
    np.testing.assert_allclose(past.boundary, twin.engine.predict(circle.grid), rtol=1e-5, atol=1e-6)


def test_continue_from_here_goes_back_to_that_epoch(circle):
    run = default_run(circle)
    for _ in range(30):
        run.train_epoch()
    assert continue_from(run, 12) == 12
    assert run.epoch == 12 and run.timeline.log["epoch"][-1] == 12 and run.timeline.replay.epochs[-1] == 12
    run.train_epoch()
    assert run.epoch == 13 and list(run.timeline.log["epoch"][-2:]) == [12, 13]


def test_scrubbing_on_the_page_shows_that_epoch_and_the_curves_mark_it(app, live):
    at = app()
    for _ in range(4):
        at.button(key="step").click().run()
    assert at.slider(key="replay_epoch").value == 4 and at.slider(key="replay_epoch").max == 4
    # What a browser shows when it draws the slider from a message after the first: its default, the epoch now.
    assert list(at.slider(key="replay_epoch").proto.default) == [4]
    at.slider(key="replay_epoch").set_value(2).run()
    assert at.slider(key="replay_epoch").value == 2  # the scrub stays while the run stays paused
    parts = live(at)
    header = frames.unpack(base64.b64decode(parts["live_metrics"]["past"]))[0]
    assert header["epoch"] == 2 and parts["live_boundary"]["past"] == parts["live_metrics"]["past"]
    assert parts["live_loss"]["mark"] == 2 and parts["live_score"]["mark"] == 2
    at.button(key="replay_continue").click().run()
    assert at.session_state.page.run.snapshot.epoch == 2 and not at.exception
    assert live(at)["live_metrics"]["past"] is None


def test_the_animation_shows_the_boundary_learning_in_at_most_100_frames(circle):
    run = default_run(circle)
    for _ in range(300):
        run.train_epoch()
    x, y, _grid = circle.plane_grid
    gif = animation.boundary_gif(x, y, call(run, "replay_frames", 500), circle.points_train, circle.y_train, circle.task, 2)
    image = Image.open(io.BytesIO(gif))
    assert len(gif) <= animation.MAX_BYTES and image.n_frames <= animation.MAX_FRAMES
    frames = []
    for i in (0, image.n_frames - 1):
        image.seek(i)
        frames.append(np.asarray(image.convert("RGB"), np.int32))
    first, last = frames
    plane = slice(0, animation.SIDE)
    middle = slice(animation.SIDE // 2 - 20, animation.SIDE // 2 + 20)
    # At the end the disc in the middle is class 1's blue; at epoch 0 it was not.
    start, end = first[middle, middle].mean(axis=(0, 1)), last[middle, middle].mean(axis=(0, 1))
    assert end[2] > end[0] + 40 and end[2] - end[0] > start[2] - start[0] + 20
    assert np.abs(first[plane] - last[plane]).mean() > 10
    caption = last[animation.SIDE + 4:, :120]
    assert (caption.sum(axis=2) < 200).any()  # the epoch and loss are written under the plane
