"""The live view's frames: what a run's worker sends the browser, frame by frame, and how fast it trains
for them (the speed)."""
import threading
import time

import numpy as np
import pytest

from playground import frames, settings
from playground.data import make_dataset
from playground.frames import FrameMaker, pack, unpack
from playground.nn import forward_layers
from playground.trainer import RunHandle
from playground.trainer.worker import FRAME_BYTES, FRAME_RATE
from playground.evaluation import layer_outputs
from playground.training import TrainingRun
from playground.timetravel import continue_from, replay_at
from waits import until


@pytest.fixture(scope="module")
def circle():
    return make_dataset("circle")


def spec_for(ds, **changes):
    return settings.network_spec({**settings.defaults(), **changes}, ds)


def test_a_frame_packs_its_header_and_arrays_and_unpacks_to_the_same():
    rows = np.arange(10, dtype=np.float32)
    data = pack({"epoch": 3}, [("rows", rows), ("boundary", np.array([1, 2, 3], np.uint8)), ("none", None)])
    header, arrays = unpack(data)
    assert header["epoch"] == 3 and [a[0] for a in header["arrays"]] == ["rows", "boundary"]
    np.testing.assert_array_equal(arrays["rows"], rows)
    np.testing.assert_array_equal(arrays["boundary"], [1, 2, 3])


def test_the_boundary_is_a_byte_a_point_in_each_task():
    kind, values = frames.boundary_bytes(np.array([[0.0], [0.5], [1.0], [np.nan]]), "classification", (0, 1))
    assert kind == "probability" and values.tolist() == [0, 128, 255, 0]
    kind, values = frames.boundary_bytes(np.array([[0.7, 0.2, 0.1], [1 / 3, 1 / 3, 1 / 3], [0, 0, 1.0]]),
                                         "classification", (0, 1))
    assert kind == "classes" and [v >> 4 for v in values] == [0, 0, 2] and [v & 15 for v in values] == [8, 0, 15]
    kind, values = frames.boundary_bytes(np.array([[-2.0], [0.0], [2.0], [9.0]]), "regression", (-2.0, 2.0))
    assert kind == "value" and values.tolist() == [0, 128, 255, 255]


def test_a_key_frame_has_the_whole_history_and_the_next_the_new_rows_only(circle):
    run, maker = TrainingRun("numpy", spec_for(circle), circle), FrameMaker()
    for _ in range(3):
        run.train_epoch()
    header, arrays = unpack(maker.frame(run, "playing"))
    assert header["key"] and arrays["rows"].reshape(-1, 5)[:, 0].tolist() == [0, 1, 2, 3]
    assert "inputs" in arrays and header["epoch"] == 3
    run.train_epoch()
    run.train_epoch()
    header, arrays = unpack(maker.frame(run, "playing"))
    assert not header["key"] and header["after"] == 3 and arrays["rows"].reshape(-1, 5)[:, 0].tolist() == [4, 5]
    assert "inputs" not in arrays
    np.testing.assert_allclose(arrays["rows"][-4:], [run.timeline.log.last(c) for c in frames.COLUMNS[1:]], rtol=1e-6)
    header, arrays = unpack(maker.frame(run, "paused"))
    assert not header["key"] and len(arrays["rows"]) == 0 and header["mode"] == "paused"


def test_a_run_gone_back_in_time_gets_a_key_frame(circle):
    run, maker = TrainingRun("numpy", spec_for(circle), circle), FrameMaker()
    for _ in range(4):
        run.train_epoch()
    maker.frame(run, "playing")
    continue_from(run, 2)
    header, arrays = unpack(maker.frame(run, "paused"))
    assert header["key"] and arrays["rows"].reshape(-1, 5)[:, 0].tolist() == [0, 1, 2]


def test_the_pictures_are_the_networks_outputs_over_the_plane(circle):
    run = TrainingRun("numpy", spec_for(circle), circle)
    run.train_epoch()
    header, arrays = unpack(FrameMaker().frame(run, "paused"))
    side, n = header["boundary"]["side"], 100
    at = np.linspace(0, n - 1, side).round().astype(int)
    grid = circle.grid[(at[::-1, None] * n + at[None, :]).ravel()]  # the top row first
    expected = frames.to_bytes(run.engine.predict(grid)[:, 0], 0.0, 1.0)
    assert np.abs(arrays["boundary"].astype(int) - expected).max() <= 1
    assert header["shown"] == [4, 2, 1] and header["sizes"] == [2, 4, 2, 1]
    k = header["side"] ** 2
    first = layer_outputs(run.spec, run.weights(), circle.grid[frames._picks(header["side"], n)])[0][:, 0]
    np.testing.assert_array_equal(arrays["neurons"][:k], frames.to_bytes(first))
    W, b = run.weights()[0]
    np.testing.assert_allclose(arrays["weights"][:8 + 4], np.r_[W.ravel(), b], rtol=1e-6)


@pytest.mark.parametrize("hidden, rate", [((4, 2), 0.9 * FRAME_RATE), ((8,) * 8, 25), ((128,) * 8, 25)])
def test_frames_are_small_enough_to_come_at_display_rate(circle, hidden, rate):
    """The default network's frames come at about FRAME_RATE a second within FRAME_BYTES a second; the
    largest networks' (the worker sends a larger frame less often) still come `rate` times a second."""
    widths = {f"width_{i + 1}": w for i, w in enumerate(hidden)}
    run = TrainingRun("numpy", spec_for(circle, layers=len(hidden), **widths), circle)
    maker = FrameMaker()
    maker.frame(run, "playing")
    run.train_epoch()
    size = len(maker.frame(run, "playing"))
    assert FRAME_BYTES / size >= rate, size


def test_a_replayed_epoch_has_its_own_picture_and_metrics(circle):
    run = TrainingRun("numpy", spec_for(circle), circle)
    for _ in range(3):
        run.train_epoch()
    past = replay_at(run, 1)
    header, arrays = unpack(frames.still(run.spec, past, circle))
    assert header["epoch"] == 1 and header["latest"]["train_loss"] == pytest.approx(float(run.timeline.log["train_loss"][1]))
    now = unpack(FrameMaker().frame(run, "paused"))[1]
    assert not np.array_equal(arrays["boundary"], now["boundary"])


def watched(run):
    """The frames a run sends, as (time, header), while the test looks."""
    got, lock = [], threading.Lock()

    def listener(frame):
        with lock:
            got.append((time.monotonic(), None if frame is None else unpack(frame)[0]))
    run.watch(listener)
    return got, listener


def test_a_watched_run_sends_a_key_frame_then_a_frame_per_share_of_training(circle):
    run = RunHandle("numpy", spec_for(circle), circle, ("circle", "frames"))
    got, _listener = watched(run)
    until(lambda: got)
    assert got[0][1]["key"] and got[0][1]["epoch"] == 0
    run.set_speed(1)
    run.play()
    until(lambda: len(got) > 20)
    run.pause()
    until(lambda: got[-1][1]["mode"] == "paused")
    epochs = [h["epoch"] for _t, h in got if h["mode"] == "playing"]
    steps = np.diff(epochs)
    assert steps.max() <= 2 and np.median(steps) == 1  # one epoch a frame: every epoch is drawn
    assert got[-1][1]["epoch"] == run.refresh().epoch  # the pause's frame is the paused epoch
    run.close()


def test_a_run_shown_twice_sends_its_frames_to_both_until_the_last_leaves(circle):
    """Its page's live view and a class's projector: the second does not take the first one's frames."""
    run = RunHandle("numpy", spec_for(circle), circle, ("circle", "frames"))
    page, page_listener = watched(run)
    projector, projector_listener = watched(run)
    run.set_speed(1)
    run.play()
    until(lambda: len(page) > 5 and len(projector) > 5)
    run.unwatch(projector_listener)
    seen = len(page)
    until(lambda: len(page) > seen + 5)   # the page's frames go on
    run.unwatch(page_listener)
    run.pause()
    time.sleep(0.5)
    last = len(page)
    run.play()
    time.sleep(0.5)
    assert len(page) == last   # no one watches: no frames
    run.close()


def test_an_edit_on_a_large_run_is_drawn_once_its_weights_are_measured():
    """On more rows than are measured at once, an edit's epoch is measured in turns of the worker's loop; the
    page gets a key frame with the new measures when that is done."""
    large = make_dataset("circle", n_samples=12_000)
    run = RunHandle("numpy", spec_for(large), large, ("circle", "frames", 12_000))
    got, _listener = watched(run)
    until(lambda: got)
    before = got[-1][1]["latest"]["train_loss"]
    seen = len(got)
    run.edit(2, 0, 0, 50.0)   # a large weight into the output: the loss changes
    until(lambda: len(got) > seen and got[-1][1]["key"] and got[-1][1]["latest"]["train_loss"] != before, 30)
    assert got[-1][1]["epoch"] == 0 and got[-1][1]["mode"] == "paused"
    run.close()


def test_a_fraction_of_an_epoch_a_frame_draws_the_batches_of_an_epoch(circle):
    run = RunHandle("numpy", spec_for(circle), circle, ("circle", "frames"))
    got, _listener = watched(run)
    run.set_speed(0.25)
    run.play()
    until(lambda: len(got) > 12)
    run.pause()
    batches = [(h["epoch"], h["batch"]) for _t, h in got[1:] if h["mode"] == "playing"]
    assert any(batch for _epoch, batch in batches)  # frames inside an epoch
    assert all(b - a <= 1 for (a, _), (b, _) in zip(batches, batches[1:]))
    run.close()


def test_the_speed_changes_without_pausing_and_full_speed_trains_faster(circle):
    run = RunHandle("numpy", spec_for(circle), circle, ("circle", "frames"))
    run.set_speed(0.25)
    run.play()
    time.sleep(1.0)
    slow = run.refresh().epoch
    run.set_speed(0)
    assert run.refresh().mode == "playing"
    time.sleep(1.0)
    fast = run.refresh().epoch - slow
    run.pause()
    assert fast > 3 * slow, (slow, fast)
    run.close()


def test_unwatched_runs_send_no_frames(circle):
    run = RunHandle("numpy", spec_for(circle), circle, ("circle", "frames"))
    got, listener = watched(run)
    until(lambda: got)
    run.unwatch(listener)
    count = len(got)
    run.play()
    time.sleep(0.5)
    run.pause()
    assert len(got) == count
    run.close()


def test_a_paused_runs_frame_carries_the_networks_class_for_each_test_point(circle):
    run = TrainingRun("numpy", spec_for(circle), circle)
    run.train_epoch()
    _header, arrays = unpack(FrameMaker().frame(run, "paused"))
    expected = (run.engine.predict(circle.X_test)[:, 0] > 0.5).astype(int)
    assert arrays["predicted"].dtype == np.uint8 and arrays["predicted"].tolist() == expected.tolist()
    maker = FrameMaker()
    maker.frame(run, "playing")
    run.train_epoch()
    assert "predicted" not in unpack(maker.frame(run, "playing"))[1]  # a playing run's frames stay small
    assert "predicted" in unpack(maker.frame(run, "paused"))[1]
    assert "predicted" in unpack(frames.still(run.spec, replay_at(run, 1), circle))[1]
    blobs = make_dataset("blobs", n_classes=4)
    run = TrainingRun("numpy", spec_for(blobs, dataset="blobs", classes=4), blobs)
    _header, arrays = unpack(FrameMaker().frame(run, "paused"))
    assert arrays["predicted"].tolist() == run.engine.predict(blobs.X_test).argmax(axis=1).tolist()
    weights = [(np.full_like(W, np.nan), b) for W, b in run.engine.get_weights()]
    assert set(frames.test_predictions(run.spec, weights, blobs).tolist()) == {frames.NOT_FINITE}


def boundary_grid(ds):
    """The boundary's grid points over the plane, its top row first, as frames.py samples them."""
    return ds.grid[frames._picks(frames.BOUNDARY, int(round(np.sqrt(len(ds.grid)))))]


@pytest.mark.parametrize("activation, scale", [("tanh", (-1.0, 1.0)), ("sigmoid", (0.0, 1.0)), ("relu", None)])
def test_a_focused_neurons_picture_is_its_activation_over_the_boundarys_grid(circle, activation, scale):
    run = TrainingRun("numpy", spec_for(circle, activation=activation), circle)
    run.train_epoch()
    header, arrays = unpack(FrameMaker().frame(run, "paused", focus=(1, 1)))
    focus = header["focus"]
    assert (focus["layer"], focus["neuron"], focus["activation"], focus["finite"]) == (1, 1, activation, True)
    values = forward_layers(run.weights(), (*run.spec.activations, run.spec.output_activation),
                            boundary_grid(circle), run.spec.dtype)[1][:, 1]
    low, high = scale or (-np.abs(values).max(), np.abs(values).max())  # relu: ± its largest output
    assert (focus["low"], focus["high"]) == pytest.approx((low, high), rel=1e-6)
    assert len(arrays["focus"]) == frames.BOUNDARY ** 2 and header["boundary"]["side"] == frames.BOUNDARY
    np.testing.assert_array_equal(arrays["focus"], frames.to_bytes(values, low, high))
    assert arrays["focus"].min() < arrays["focus"].max()  # a picture, not one colour


def test_only_a_frame_with_a_focused_neuron_carries_its_picture_in_the_boundarys_place(circle):
    run = TrainingRun("numpy", spec_for(circle), circle)
    maker = FrameMaker()
    maker.frame(run, "playing")
    run.train_epoch()
    plain = maker.frame(run, "playing")
    assert "focus" not in unpack(plain)[1] and "focus" not in unpack(plain)[0]
    run.train_epoch()
    focused = maker.frame(run, "playing", focus=(0, 3))
    assert "boundary" not in unpack(focused)[1]  # the neuron's picture takes the boundary's place
    assert abs(len(focused) - len(plain)) <= 200
    # A neuron the network does not have (a layer made narrower, or removed) is no focus.
    for gone in ((0, 4), (2, 0), (1, 2)):
        assert "focus" not in unpack(maker.frame(run, "paused", focus=gone))[1]


def test_a_replayed_epoch_shows_the_focused_neuron_as_it_was_then(circle):
    run = TrainingRun("numpy", spec_for(circle), circle)
    for _ in range(3):
        run.train_epoch()
    past = replay_at(run, 1)
    header, arrays = unpack(frames.still(run.spec, past, circle, focus=(0, 2)))
    values = layer_outputs(run.spec, past.weights, boundary_grid(circle))[0][:, 2]
    assert header["focus"]["neuron"] == 2
    np.testing.assert_array_equal(arrays["focus"], frames.to_bytes(values, -1.0, 1.0))


def test_a_watched_run_sends_the_focused_neurons_picture_as_it_plays(circle):
    run = RunHandle("numpy", spec_for(circle), circle, ("circle", "frames"))
    got, lock = [], threading.Lock()

    def listener(frame):
        with lock:
            got.append(unpack(frame))
    run.watch(listener)
    until(lambda: got)
    run.focus((0, 1))  # a paused run's frame follows at once
    until(lambda: "focus" in got[-1][1])
    assert got[-1][0]["focus"]["layer"] == 0 and got[-1][0]["focus"]["neuron"] == 1
    run.set_speed(1)
    run.play()
    until(lambda: sum(h["mode"] == "playing" and "focus" in a for h, a in got) > 10)
    run.focus()
    until(lambda: "focus" not in got[-1][1])
    run.pause()
    playing = [a["focus"].tobytes() for h, a in got if h["mode"] == "playing" and "focus" in a]
    assert len(set(playing)) > 5  # the picture changes from frame to frame as the run trains
    run.close()


@pytest.mark.parametrize("engine", ["numpy", "keras"])
def test_either_engines_run_shows_its_focused_neuron_from_its_own_weights(circle, engine):
    run = TrainingRun(engine, spec_for(circle, activation="relu"), circle)
    run.train_epoch()
    header, arrays = unpack(FrameMaker().frame(run, "paused", focus=(0, 0)))
    values = layer_outputs(run.spec, run.weights(), boundary_grid(circle))[0][:, 0]
    np.testing.assert_array_equal(arrays["focus"], frames.to_bytes(values, header["focus"]["low"], header["focus"]["high"]))
    assert header["focus"]["activation"] == "relu" and header["focus"]["finite"]
