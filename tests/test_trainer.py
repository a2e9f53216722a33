"""The worker processes that train the page's runs, driven through RunHandle as the page drives them."""
import importlib
import os
import signal
import time

import numpy as np
import pytest

from playground import settings
from playground.data import make_dataset
from playground.trainer import RunHandle, RunLost, live_runs, pool
from playground.trainer.worker import Data, Slot, Worker
from playground.training import TrainingRun
from waits import until, value_when


@pytest.fixture(scope="module")
def circle():
    return make_dataset("circle")


def spec_for(ds, **changes):
    return settings.network_spec({**settings.defaults(), **changes}, ds)


def handle(ds, engine="numpy", **changes):
    return RunHandle(engine, spec_for(ds, **changes), ds, (ds.name, tuple(sorted(changes.items()))))


def same(a, b):
    return all(np.array_equal(x, y) and np.array_equal(u, v) for (x, u), (y, v) in zip(a, b))


def test_a_run_steps_plays_and_pauses_in_its_worker(circle):
    run = handle(circle)
    assert run.snapshot.epoch == 0 and run.snapshot.mode == "paused" and run.snapshot.boundary.shape == (10_000, 1)
    assert run.step().epoch == 1 and run.snapshot.mode == "paused"
    assert run.play().mode == "playing"
    until(lambda: run.refresh().epoch > 5)
    paused = run.pause()
    assert paused.mode == "paused"
    time.sleep(0.2)
    assert run.refresh().epoch == paused.epoch
    run.close()


def test_the_latest_health_follows_the_playing_run_and_leaves_the_drawn_snapshot_alone(circle):
    run = handle(circle, layers=6, activation="sigmoid", **{f"width_{i}": 4 for i in range(1, 7)})
    drawn = run.play()
    health = value_when(run.latest_health, lambda h: len(h["epochs"]) > len(drawn.health["epochs"]) + 2,
                        what="the epochs of the latest health")
    assert run.snapshot is drawn and health["norms"].shape[1] == 7
    assert health["norms"][-1][0] < 1e-3 * health["norms"][-1][-1]
    run.pause()
    run.close()


def under_way(snapshot):
    """Training has gone past where it started: an epoch done, or batches of one."""
    return snapshot.epoch > 0 or snapshot.batch > 0


def test_play_is_answered_once_its_first_slice_has_trained(circle):
    """The page draws the snapshot Play answers with: it shows the run under way, not the epoch it paused at."""
    worker = Worker.__new__(Worker)
    worker.slots, worker.data, replies = {}, Data(), []
    worker.reply = lambda request, ok, value: replies.append((request, ok, value))
    worker.slots = {1: Slot(TrainingRun("numpy", spec_for(circle), circle, 1), "circle")}
    worker.handle(5, 1, "play", ())
    assert replies == [] and worker.slots[1].mode == "playing"
    worker.train(worker.slots[1])
    assert [(request, ok) for request, ok, _ in replies] == [(5, True)] and under_way(replies[0][2])
    worker.handle(6, 1, "play", ())
    worker.handle(7, 1, "pause", ())  # a Pause before the next slice answers the Play waiting as well
    assert [request for request, _, _ in replies] == [5, 6, 7] and worker.slots[1].mode == "paused"
    worker.slots[1].detached_at = time.monotonic()  # a closed tab's run does not train: Play is answered at once
    worker.handle(8, 1, "play", ())
    assert replies[-1][:2] == (8, True)


def test_play_through_the_handle_shows_the_run_under_way(circle):
    run = handle(circle)
    assert under_way(run.play(wait=30)) and run.snapshot.mode == "playing"
    run.close()


def test_the_worker_trains_exactly_what_one_process_trains(circle):
    run = handle(circle, optimizer="adam")
    run.step(3, wait=10)
    local = TrainingRun("numpy", run.spec, circle)
    for _ in range(3):
        local.train_epoch()
    assert same(run.weights(), local.weights())
    np.testing.assert_array_equal(run.snapshot.history["train_loss"], local.timeline.log["train_loss"])
    run.close()


def test_steps_pressed_quickly_add_up_and_pause_cancels_the_rest(circle):
    big = make_dataset("circle", n_samples=100_000)
    run = RunHandle("numpy", spec_for(big, batch_size=1), big, ("big circle",))
    for _ in range(5):
        run.step(wait=0.01)
    assert run.snapshot.mode == "stepping"
    until(lambda: run.refresh(views=False).batch > 0)
    stopped = run.pause()
    assert stopped.mode == "paused" and stopped.epoch == 0 < stopped.batch
    time.sleep(0.3)
    assert run.refresh(views=False).batch == stopped.batch, "a paused run does not train on"
    run.close()


def test_runs_share_the_workers_and_a_new_run_goes_to_the_least_busy(circle):
    runs = []
    for _ in range(2 * len(pool().workers)):
        fewest = min(len(worker.runs) for worker in pool().workers)
        runs.append(handle(circle))
        assert len(runs[-1].worker.runs) == fewest + 1
    assert len({run.worker for run in runs}) == len(pool().workers)
    for run in runs:
        run.close()


def test_a_new_run_goes_to_the_worker_with_fewest_open_runs_then_fewest_playing(circle, monkeypatch):
    module = importlib.import_module("playground.trainer.pool")
    two = module.Pool(2)  # two workers, whatever the machine's cores
    monkeypatch.setattr(module, "_pool", two)
    try:
        playing = handle(circle)
        playing.play()
        first = handle(circle)
        assert first.worker is not playing.worker
        second = handle(circle)  # one run each: the worker whose run does not play
        assert second.worker is first.worker
        third = handle(circle)
        assert third.worker is playing.worker
        first.detach()  # their tabs closed: kept for a while, but no load
        second.detach()
        last = handle(circle)
        assert last.worker is first.worker
        for run in [playing, first, second, third, last]:
            run.close()
    finally:
        two.stop()


def test_reconfigure_keeps_the_weights_and_a_wrong_restore_changes_nothing(circle):
    run = handle(circle)
    run.step(2, wait=10)
    before = run.weights()
    run.reconfigure(run.spec.replace(learning_rate=0.3))
    assert same(before, run.weights()) and run.spec.learning_rate == 0.3
    with pytest.raises(ValueError, match="Layer 1"):
        run.restore([(np.zeros((3, 4)), np.zeros(4))] + before[1:])
    assert same(before, run.weights()) and run.refresh().epoch == 2
    run.close()


def test_live_runs_counts_the_runs_playing_whose_page_asked_lately(circle, monkeypatch):
    before = live_runs()
    a, b = handle(circle), handle(circle)
    a.play()
    b.step()  # done at once: paused again
    assert live_runs() == before + 1
    b.play()
    assert live_runs() == before + 2
    b.pause()
    assert live_runs() == before + 1
    monkeypatch.setattr(importlib.import_module("playground.trainer.pool"), "LIVE_WINDOW", 0.2)  # a's page stops asking: a closed tab
    time.sleep(0.3)
    assert live_runs() == before
    a.refresh()
    assert live_runs() == before + 1
    a.close()
    assert live_runs() == before
    b.close()


def test_a_closed_run_is_gone_from_its_worker(circle):
    run = handle(circle)
    worker, run_id = run.worker, run.id
    run.close()
    with pytest.raises(RunLost):
        worker.request(run_id, "snapshot")


def test_a_dropped_handle_closes_its_run(circle):
    run = handle(circle)
    worker, run_id = run.worker, run.id
    del run
    until(lambda: _closed(worker, run_id))


def _closed(worker, run_id):
    try:
        worker.request(run_id, "snapshot")
    except RunLost:
        return True
    return False


def test_a_killed_worker_costs_only_its_runs_which_start_again_from_their_last_snapshot(circle):
    runs = [handle(circle) for _ in range(len(pool().workers) + 1)]
    victim = runs[0].worker
    others = [run for run in runs if run.worker is not victim]
    for run in runs:
        run.step(3, wait=10)
        run.play()
    time.sleep(0.3)
    last = runs[0].refresh()
    os.kill(victim.pid, signal.SIGKILL)
    until(lambda: not victim.alive)
    with pytest.raises(RunLost):
        runs[0].refresh()
    assert runs[0].lost and runs[0].snapshot is last
    before = [run.refresh().epoch for run in others]
    time.sleep(0.3)
    assert all(run.refresh().epoch > epoch for run, epoch in zip(others, before)), "the other workers go on"
    until(lambda: all(w.alive for w in pool().workers))
    runs[0].revive()
    assert not runs[0].lost and runs[0].worker.alive and runs[0].worker is not victim
    assert runs[0].snapshot.epoch == last.epoch and same(runs[0].weights(), last.weights)
    assert runs[0].snapshot.history["epoch"][-1] == last.epoch
    assert runs[0].step().epoch == last.epoch + 1
    for run in runs:
        run.close()


class Exploding:
    """A run whose training raises, as a bug would."""
    id, diverged, stopped, epoch, batch, batches = 9, False, False, 0, 0, 1

    def train_slice(self, seconds, stop_epoch=None, max_batches=None):
        raise ZeroDivisionError("division by zero")

    def snapshot(self, views=True):
        return TrainingRun.__new__(TrainingRun)  # any object: the slot only sets its mode and error


def test_an_error_in_a_run_pauses_that_run_with_its_message_and_the_worker_goes_on(circle):
    worker = Worker.__new__(Worker)
    worker.slots, worker.data, replies = {}, Data(), []
    worker.reply = lambda request, ok, value: replies.append((request, ok, value))
    good = TrainingRun("numpy", spec_for(circle), circle, 1)
    worker.slots = {9: Slot(Exploding(), "x", mode="playing"), 1: Slot(good, "circle", mode="playing")}
    worker.train(worker.slots[9])
    worker.train(worker.slots[1])
    assert worker.slots[9].mode == "paused" and worker.slots[9].error == "ZeroDivisionError: division by zero"
    assert worker.slots[1].mode == "playing" and worker.slots[1].error is None
    worker.handle(5, 9, "launch", ())
    assert replies[-1][:2] == (5, False) and "unknown command" in replies[-1][2][1]


def test_a_detached_run_stops_training_and_resumes_when_its_session_is_back(circle):
    run = handle(circle)
    run.play()
    run.detach()
    time.sleep(0.1)
    held = run.refresh().epoch
    time.sleep(0.3)
    assert run.refresh().epoch == held and run.snapshot.mode == "playing"
    run.attach()
    until(lambda: run.refresh().epoch > held)
    run.close()


def test_a_stop_condition_pauses_the_playing_run_in_its_worker_and_play_carries_on(circle):
    run = handle(circle, stop_epoch=7)
    run.play()   # the answer may come after the stop: the first slice can train 7 epochs of this set
    until(lambda: run.refresh().mode == "paused")
    assert run.snapshot.epoch == 7 and run.snapshot.stopped == (7, "epoch", 7)
    run.play()
    until(lambda: run.refresh().epoch > 9)
    assert run.snapshot.mode == "playing" and run.snapshot.stopped is None
    run.close()


def test_a_run_handle_prints_which_run_where_and_where_it_is(circle):
    run = handle(circle)
    assert repr(run) == f"RunHandle(numpy run {run.id} in worker {run.worker.index}: epoch 0, paused)"
    run.step(2, wait=30)
    assert f": epoch 2, " in repr(run)
    run.close()
    assert repr(run).endswith("closed)")
