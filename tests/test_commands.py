"""A run's commands, declared once (playground/commands.py): the worker serves every one of them from the table, the
handle asks for them from it, and a name that is not there is refused with a sentence."""
import dataclasses
import inspect

import numpy as np
import pytest

from playground import settings
from playground.commands import COMMANDS, KEY, UnknownCommand, call
from playground.data import make_dataset
from playground.trainer import RunHandle
from playground.trainer.worker import Data, Slot, Worker
from playground.training import TrainingRun


@pytest.fixture(scope="module")
def circle():
    return make_dataset("circle")


def local_run(ds, run_id=1):
    return TrainingRun("numpy", settings.network_spec(settings.defaults(), ds), ds, run_id)


def bare_worker(run):
    """A worker without a process or a socket: its replies and the jobs it would start are kept in lists."""
    worker = Worker.__new__(Worker)
    worker.slots, worker.data, worker.replies, worker.started = {run.id: Slot(run, "circle")}, Data(), [], []
    worker.reply = lambda request, ok, value: worker.replies.append((request, ok, value))
    worker.start_job = worker.spawn_job = lambda request, function, args: worker.started.append((request, function, args))
    return worker


def test_every_command_the_worker_drives_is_a_method_of_the_worker_taking_the_run_and_the_request():
    driven = [name for name, command in COMMANDS.items() if command.serve is None]
    assert {"create", "play", "pause", "step", "reset", "close", "snapshot"} <= set(driven)
    for name in driven:
        parameters = list(inspect.signature(getattr(Worker, name)).parameters)
        assert parameters[:3] == ["self", "run_id", "request"], name


def test_the_worker_serves_each_command_of_the_run_with_the_function_the_table_names(circle, monkeypatch):
    run = local_run(circle)
    worker = bare_worker(run)
    served = []
    for request, (name, command) in enumerate(COMMANDS.items()):
        if command.serve is None:
            continue
        def serve(got, *args, name=name):
            served.append((name, got, args))
            return (len, ([1, 2],)) if COMMANDS[name].job else name
        monkeypatch.setitem(COMMANDS, name, dataclasses.replace(command, serve=serve))
        worker.handle(request, run.id, name, ("an argument",))
        assert served[-1] == (name, run, ("an argument",))
        if command.job:  # computed apart: started, and answered when its process answers
            assert worker.started[-1][0] == request and worker.started[-1][1:] == (len, ([1, 2],))
        else:
            assert worker.replies[-1] == (request, True, name)
    assert {name for name, *_ in served} == {name for name, command in COMMANDS.items() if command.serve is not None}


def test_an_unknown_command_is_refused_with_a_sentence_and_changes_nothing(circle):
    run = local_run(circle)
    worker = bare_worker(run)
    before = run.snapshot()
    worker.handle(7, run.id, "launch", ("rockets",))
    (request, ok, (kind, message)), = worker.replies
    assert (request, ok, kind) == (7, False, "UnknownCommand")
    assert message.startswith("unknown command 'launch': a run's commands are create, ping") and "edit" in message
    assert run.epoch == 0 and run.snapshot().history == before.history and not worker.started
    with pytest.raises(UnknownCommand, match="unknown command 'launch'"):
        call(run, "launch")
    with pytest.raises(UnknownCommand, match="unknown command 'launch'"):
        RunHandle.__new__(RunHandle).call("launch")   # refused before anything is sent
    with pytest.raises(AttributeError, match="launch"):
        RunHandle.__new__(RunHandle).launch


def test_a_command_the_worker_drives_is_not_served_in_this_process(circle):
    with pytest.raises(UnknownCommand, match="'play' drives a run in a worker"):
        call(local_run(circle), "play")


def test_call_serves_a_command_here_and_computes_a_job_at_once(circle):
    run = local_run(circle)
    run.train_for(10.0, max_epochs=4)
    history, thinned_before = call(run, "history_table")
    assert history["epoch"] == [0, 1, 2, 3, 4] and thinned_before == 0
    frames = call(run, "replay_frames", 3)
    assert [epoch for epoch, _, _ in frames] == [0, 2, 4] and frames[-1][2].dtype == np.float16
    assert call(run, "continue_from", 2) == 2 and run.epoch == 2
    assert COMMANDS["continue_from"].frame == KEY   # it rewrites the history: the page gets a key frame


def test_the_handle_reaches_each_command_by_call_or_by_its_name(circle):
    spec = settings.network_spec(settings.defaults(), circle)
    run = RunHandle("numpy", spec, circle, ("circle", "commands"))
    try:
        run.step(2, wait=10)
        assert run.call("history_table") == run.history_table()
        assert run.call("replay_at", 1).epoch == 1
        snapshot = run.call("continue_from", 1)   # a command that changes the page: the handle's new snapshot
        assert snapshot is run.snapshot and snapshot.epoch == 1 and list(snapshot.history["epoch"]) == [0, 1]
        frames = run.call("replay_frames", 2, wait=60)   # a job, asked once
        assert [epoch for epoch, _, _ in frames] == [0, 1] and not run.pending("replay_frames")
    finally:
        run.close()
