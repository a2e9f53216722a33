"""Sweeps: the grid and its validation, reproducibility, cancel, the command line, and Dask."""
import contextlib
import csv
import io
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import types

import distributed
import numpy as np
import psutil
import pytest

from conftest import run_async
from playground import settings
from playground.data import load_csv, make_dataset
from playground.sweep import (MAX_RUNS, PAGE_CPU_SECONDS, PAGE_NICE, Sweep, SweepError, parse_values, plan_sweep,
                              run_sweep, start_page_sweep, start_sweep, train_run)
from playground.sweep.pool import Turns
from playground.sweep.cli import main
from playground.training import TrainingRun

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SMALL = {**settings.defaults(), "samples": 100}            # 50 training points: quick runs
VARIATIONS = {"learning_rate": [0.03, 0.3], "optimizer": ["sgd", "adam"]}
EPOCHS = 15


def trained_one_by_one(plan):
    """Each run of the plan trained as the page trains one: a TrainingRun in this process."""
    runs = []
    for run in plan.runs:
        dataset = make_dataset(run.settings["dataset"], **settings.data_arguments(run.settings))
        training = TrainingRun(run.settings["engine"], settings.network_spec(run.settings, dataset), dataset)
        for _ in range(plan.epochs):
            training.train_epoch()
        runs.append(training)
    return runs


def assert_same_runs(results, runs):
    assert [r.index for r in results] == list(range(len(runs)))
    for result, run in zip(results, runs):
        assert result.history == run.timeline.history
        assert result.epochs == run.epoch and result.diverged == run.diverged
        assert result.test_loss == run.timeline.history["test_loss"][-1]
        assert result.train_score == run.timeline.history["train_score"][-1]
        for (W, b), (W1, b1) in zip(result.weights, run.engine.get_weights(), strict=True):
            assert np.array_equal(W, W1) and np.array_equal(b, b1)


@pytest.fixture(scope="module")
def plan():
    return plan_sweep(SMALL, VARIATIONS, EPOCHS)


@pytest.fixture(scope="module")
def local_results(plan):
    return run_sweep(plan)


# The grid and its validation

def test_the_grid_is_the_cross_product_over_the_base_settings(plan):
    assert plan.varied == ("learning_rate", "optimizer")
    assert [run.varied for run in plan.runs] == [
        {"learning_rate": 0.03, "optimizer": "sgd"}, {"learning_rate": 0.03, "optimizer": "adam"},
        {"learning_rate": 0.3, "optimizer": "sgd"}, {"learning_rate": 0.3, "optimizer": "adam"}]
    for run in plan.runs:
        assert run.settings == {**SMALL, **run.varied}
        assert run.spec == settings.network_spec(run.settings, plan.dataset)


def test_width_and_activation_set_every_layer_alike():
    plan = plan_sweep(settings.defaults(), {"width": [3, 8], "activation": ["relu", "tanh"]}, 1)
    first = plan.runs[0]
    assert all(first.settings[f"width_{i}"] == 3 for i in range(1, 9))
    assert all(first.settings[f"activation_{i}"] == "relu" for i in range(1, 9))
    assert first.spec.hidden == (3, 3) and first.spec.activations == ("relu", "relu")


def test_values_are_parsed_as_the_page_link_parses_them():
    assert parse_values("learning_rate", ["0.030", "3e-1"]) == (0.03, 0.3)
    assert parse_values("layers", ["0", "2"]) == (0, 2)
    with pytest.raises(SweepError, match=r"^--set learning_rate: 0\.5 is not one of the page's learning rates "
                                         r"\(0\.00001, .*, 10\)$"):
        parse_values("learning_rate", ["0.5"])
    with pytest.raises(SweepError, match="--set learning_rate: 0.5 is not"):  # values given as values, too
        plan_sweep(settings.defaults(), {"learning_rate": [0.03, 0.5]}, 1)


@pytest.mark.parametrize("variations, epochs, base, argument, message", [
    ({"learning_rate": [0.001, 0.003, 0.01, 0.03, 0.1, 0.3], "layers": [0, 1, 2, 3, 4]}, 1, {}, "--set",
     f"make 30 runs; a sweep has at most {MAX_RUNS}"),
    ({"learning_rate": [0.03, 0.3], "layers": [1, 2], "optimizer": ["sgd", "adam"]}, 1, {}, "--set optimizer",
     "at most 2 settings"),
    ({"learning_rate": [0.03]}, 1, {}, "--set", "nothing varies"),
    ({"learning_rate": []}, 1, {}, "--set learning_rate", "no values given"),
    ({"learning_rate": [0.03, 0.03]}, 1, {}, "--set learning_rate", "0.03 is given twice"),
    ({"noise": [0.1, 0.2]}, 1, {}, "--set noise", "a sweep varies only"),
    ({"learning_rate": [0.03, 0.3]}, 0, {}, "--epochs", "at least 1 epoch"),
    ({"penalty_rate": [0.01, 0.1]}, 1, {}, "--set penalty_rate", "only with regularization l1 or l2"),
    ({"width": [2, 3]}, 1, {"layers": 0}, "--set width", "only on hidden layers"),
    ({"learning_rate": [0.03, 0.3]}, 1, {"output": "softmax"}, "--set", "does not fit output_activation"),
])
def test_a_sweep_that_cannot_run_is_refused_before_anything_starts(variations, epochs, base, argument, message):
    with pytest.raises(SweepError) as refusal:
        plan_sweep({**settings.defaults(), **base}, variations, epochs)
    assert refusal.value.argument == argument and message in refusal.value.message


def test_a_result_keeps_at_most_400_rows_of_history_and_the_last(plan):
    result = train_run(plan.runs[0], 1000, plan.data)
    epochs = result.history["epoch"]
    assert len(epochs) <= 400 and epochs[0] == 0 and epochs[-1] == 1000
    assert result.history["test_loss"][-1] == result.test_loss


# Reproducible: the numbers of the same settings trained one by one

def test_a_sweep_on_every_core_gives_the_numbers_of_runs_trained_one_by_one(plan, local_results):
    assert_same_runs(local_results, trained_one_by_one(plan))


def test_a_sweep_in_this_process_gives_the_same_numbers(plan, local_results):
    sweep = start_sweep(plan, jobs=1)
    assert sweep.wait(60) and sweep.error is None and sweep.done == sweep.total == 4
    assert_same_runs(sweep.results(), trained_one_by_one(plan))


def test_an_upload_is_swept_on_its_own_arrays():
    rng = np.random.default_rng(1)
    points = rng.uniform(-1, 1, (60, 2))
    text = "a,b,label\n" + "".join(f"{x:.4f},{y:.4f},{'in' if x * y > 0 else 'out'}\n" for x, y in points)
    upload = load_csv(io.StringIO(text))
    base = {**settings.defaults(), "dataset": settings.UPLOAD}
    with pytest.raises(SweepError, match="an uploaded data set must be given"):
        plan_sweep(base, {"layers": [1, 2]}, 5)
    plan = plan_sweep(base, {"layers": [1, 2]}, 5, dataset=upload)
    results = run_sweep(plan)
    for result, run in zip(results, plan.runs, strict=True):
        training = TrainingRun("numpy", run.spec, upload)
        for _ in range(5):
            training.train_epoch()
        assert result.history == training.timeline.history


# Cancel

def assert_cancel_stops_within_a_second(scheduler=None):
    # Run 0 takes one batch per epoch; the others 250 batches per epoch, for many seconds.
    plan = plan_sweep(settings.defaults(), {"batch_size": [250, 1, 2, 3]}, 600)
    sweep = start_sweep(plan, scheduler=scheduler)
    deadline = time.monotonic() + 60
    while sweep.done < 1 and sweep.running and time.monotonic() < deadline:
        time.sleep(0.02)
    assert sweep.done == 1 and sweep.running
    start = time.monotonic()
    sweep.cancel()
    assert sweep.wait(5)
    stopped = time.monotonic() - start
    assert stopped < 1.0, f"the sweep took {stopped:.2f} s to stop"
    assert sweep.cancelled and sweep.error is None
    assert [r.index for r in sweep.results()] == [0] and sweep.results()[0].epochs == 600


def test_cancel_stops_running_runs_within_a_second_and_keeps_the_finished_ones():
    assert_cancel_stops_within_a_second()


def test_a_run_that_fails_ends_the_sweep_with_its_reason(plan, monkeypatch):
    def fail(run, epochs, data, cancel, *limits):
        raise FloatingPointError(f"run {run.index} broke")
    monkeypatch.setattr("playground.sweep.pool.train_run", fail)
    sweep = start_sweep(plan, jobs=1)
    assert sweep.wait(10) and sweep.error == "FloatingPointError: run 0 broke" and sweep.results() == []
    with pytest.raises(RuntimeError, match="run 0 broke"):
        run_sweep(plan, jobs=1)


# The command line

@pytest.mark.serial  # leaves or removes sweeps' folders that other tests look for
def test_the_command_line_prints_a_table_and_writes_one_csv_row_per_run(tmp_path, capsys):
    out = tmp_path / "sweep.csv"
    status = main(["--dataset", "circle", "--set", "learning_rate=0.03,0.3", "--set", "layers=1,2",
                   "--set", "samples=100", "--epochs", "3", "--out", str(out)])
    printed = capsys.readouterr().out.splitlines()
    assert status == 0
    header = ["learning_rate", "layers", "epochs", "train_loss", "test_loss", "train_accuracy", "test_accuracy",
              "seconds"]
    assert printed[0].split() == header
    assert [line.split()[:3] for line in printed[1:5]] == [["0.03", "1", "3"], ["0.03", "2", "3"],
                                                           ["0.3", "1", "3"], ["0.3", "2", "3"]]
    assert printed[5].startswith("4 of 4 runs, 3 epochs each")
    with open(out, newline="") as f:
        table = list(csv.reader(f))
    assert table[0] == header and len(table) == 5
    assert [row[:2] for row in table[1:]] == [["0.03", "1"], ["0.03", "2"], ["0.3", "1"], ["0.3", "2"]]
    for row in table[1:]:
        assert 0 <= float(row[6]) <= 1 and float(row[3]) > 0 and float(row[7]) >= 0


def test_a_regression_set_reports_r2():
    plan = plan_sweep({**settings.defaults(), "dataset": "plane", "output": "linear", "loss": "mse"},
                      {"seed": [0, 1]}, 1)
    from playground.sweep.cli import columns
    assert columns(plan)[-3:] == ["train_r2", "test_r2", "seconds"]


@pytest.mark.serial  # the command line removes sweeps' folders that other tests look for
@pytest.mark.parametrize("argv, named", [
    (["--set", "learning_rate=0.5,0.03"], "--set learning_rate: 0.5 is not one of the page's learning rates ("),
    (["--set", "learning_rate="], "--set learning_rate: no values given"),
    (["--set", "colour=red,blue"], "--set colour: no such setting"),
    (["--set", "noise=0.1,0.2"], "--set noise: a sweep varies only"),
    (["--set", "lr"], "--set lr: write NAME=V1,V2"),
    (["--set", "learning_rate=0.03,0.3", "--set", "layers=0,1,2,3,4,5,6,7,8", "--set", "seed=1,2"],
     "--set seed: a sweep varies at most 2"),
    (["--set", "learning_rate=0.001,0.003,0.01,0.03,0.1,0.3", "--set", "layers=0,1,2,3,4"], "--set: 6 values"),
    (["--dataset", "nowhere", "--set", "layers=1,2"], "--dataset: nowhere is not one of the data sets"),
    (["--set", "layers=1,2", "--epochs", "0"], "--epochs: train at least 1 epoch"),
    (["--set", "layers=1,2", "--epochs", "many"], "argument --epochs: invalid int value"),
    (["--set", "layers=1,2", "--jobs", "0"], "--jobs: give 1 or more"),
    (["--set", "layers=1,2", "--out", "/nonexistent/folder/sweep.csv"], "--out /nonexistent/folder/sweep.csv"),
    (["--set", "layers=1,2", "--scheduler", "tcp://127.0.0.1:1"],
     "--scheduler: cannot reach a Dask scheduler at tcp://127.0.0.1:1"),
])
def test_a_bad_argument_gets_one_line_naming_it_and_status_2(argv, named, capsys):
    argv = [*argv, "--epochs", "2"] if "--epochs" not in argv else argv
    assert main(argv) == 2
    printed = capsys.readouterr()
    assert printed.out == ""
    assert printed.err.count("\n") == 1 and printed.err.startswith(f"error: {named}"), printed.err


@pytest.mark.serial  # leaves or removes sweeps' folders that other tests look for
def test_the_module_runs_headless_and_refuses_without_a_traceback():
    command = [sys.executable, "-m", "playground.sweep", "--set", "learning_rate=0.5", "--epochs", "3"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith("error: --set learning_rate: 0.5 is not") and done.stderr.count("\n") == 1


# Beyond one machine: the same sweep on a Dask cluster

def test_a_dask_cluster_gives_the_same_numbers_and_cancels_as_fast(plan, local_results, monkeypatch):
    # Dask's nanny starts each worker with multiprocessing's spawn, which runs the parent's __main__
    # again; after an AppTest that is app.py, as it is in a Streamlit server. A cluster is started on
    # its own machines, from a bare __main__.
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                  dashboard_address=None) as cluster:
        sweep = start_sweep(plan, scheduler=cluster.scheduler_address)
        assert sweep.wait(120) and sweep.error is None
        assert_same_runs(sweep.results(), trained_one_by_one(plan))
        for result, local in zip(sweep.results(), local_results):
            assert result.history == local.history and result.settings == local.settings
        assert_cancel_stops_within_a_second(cluster.scheduler_address)


def test_new_settings_vary_and_a_stop_condition_ends_a_run_early():
    plan = plan_sweep({**SMALL, "stop_epoch": 4}, {"clip_norm": [None, 0.1], "init": ["glorot_uniform", "zeros"]}, 10)
    assert [(r.spec.clip_norm, r.spec.initializer) for r in plan.runs] == [
        (None, "glorot_uniform"), (None, "zeros"), (0.1, "glorot_uniform"), (0.1, "zeros")]
    results = [train_run(run, plan.epochs, plan.data) for run in plan.runs]
    assert [r.epochs for r in results] == [4] * 4 and len({r.test_loss for r in results}) == 4
    assert parse_values("clip_norm", ["", "1"]) == (None, 1.0)
    assert [r.spec.dropout for r in plan_sweep({**SMALL, "layers": 1}, {"dropout": [0.0, 0.5]}, 1).runs] == [0.0, 0.5]



def test_a_stop_metric_ends_each_run_of_a_sweep_at_the_epoch_its_test_figure_gets_there():
    plan = plan_sweep({**SMALL, "learning_rate": 0.3, "stop_metric": "test_score", "stop_value": 0.9},
                      {"init": ["glorot_uniform", "he_normal"]}, 300)
    for result in (train_run(run, plan.epochs, plan.data) for run in plan.runs):
        scores = result.history["test_score"]
        assert result.epochs < 300 and result.test_score == scores[-1] >= 0.9 > max(scores[:-1])
    loss_plan = plan_sweep({**SMALL, "learning_rate": 0.3, "stop_metric": "test_loss", "stop_value": 0.5},
                           {"seed": [0, 1]}, 300)
    for result in (train_run(run, loss_plan.epochs, loss_plan.data) for run in loss_plan.runs):
        assert result.epochs < 300 and result.test_loss <= 0.5 < min(result.history["test_loss"][:-1])

# The page's sweeps: a work cap, worker processes that yield the cores, one sweep at a time per server

LONG = 100_000   # epochs: hours of work, as a page allowed


def _loky_workers():
    return [p for p in psutil.Process().children(recursive=True)
            if "loky" in " ".join(p.cmdline()) and "resource_tracker" not in " ".join(p.cmdline())]


def test_a_page_sweeps_workers_yield_the_cores_in_sessions_of_their_own():
    nice, session = os.nice(0), os.getsid(0)
    sweep = start_page_sweep(plan_sweep(SMALL, {"learning_rate": [0.03, 0.3]}, LONG))
    try:
        deadline = time.monotonic() + 30
        while not any(p.nice() >= PAGE_NICE for p in _loky_workers()) and time.monotonic() < deadline:
            time.sleep(0.1)
        yielding = [p for p in _loky_workers() if p.nice() >= PAGE_NICE]
        assert yielding and PAGE_NICE >= 10   # the training workers' nice
        assert all(os.getsid(p.pid) == p.pid != os.getsid(0) for p in yielding)
        assert os.nice(0) == nice and os.getsid(0) == session   # the sweep's own process is left as it was
        with open(f"/proc/{yielding[0].pid}/autogroup") as autogroup:
            assert autogroup.read().split()[-1] == str(PAGE_NICE)
    finally:
        sweep.cancel()
        assert sweep.wait(10)


def test_the_work_cap_stops_each_run_at_its_share_and_says_so():
    sweep = Sweep(plan_sweep(SMALL, {"learning_rate": [0.03, 0.3]}, LONG), cpu_seconds=2.0)
    assert sweep.wait(60) and not sweep.error
    results = sweep.results()
    assert len(results) == 2 and all(r.capped and 1 <= r.epochs < LONG for r in results)
    assert not any(r.capped for r in run_sweep(plan_sweep(SMALL, {"learning_rate": [0.03, 0.3]}, 3)))


def test_the_page_caps_a_sweep_at_ten_minutes_of_one_core():
    assert PAGE_CPU_SECONDS == 600


def test_sweeps_that_take_turns_train_one_at_a_time_in_order():
    turns = Turns()
    first = Sweep(plan_sweep(SMALL, {"learning_rate": [0.03, 0.3]}, LONG), jobs=1, turns=turns)
    second = Sweep(plan_sweep(SMALL, {"learning_rate": [0.03, 0.3]}, 5), jobs=1, turns=turns)
    third = Sweep(plan_sweep(SMALL, {"learning_rate": [0.03, 0.3]}, 5), jobs=1, turns=turns)
    time.sleep(1.0)
    assert (first.waiting, second.waiting, third.waiting) == (0, 1, 2)
    assert second.running and second.done == 0 and third.done == 0
    third.cancel()   # a queued sweep leaves the queue at once
    assert third.wait(2) and third.cancelled and third.done == 0
    first.cancel()
    assert first.wait(5) and second.wait(30)
    assert second.done == 2 and not second.cancelled and second.waiting == 0


def test_a_released_sweep_is_cancelled_after_its_grace_unless_kept():
    kept = Sweep(plan_sweep(SMALL, {"learning_rate": [0.03, 0.3]}, LONG), jobs=1)
    gone = Sweep(plan_sweep(SMALL, {"learning_rate": [0.03, 0.3]}, LONG), jobs=1)
    kept.release(0.3)
    kept.keep()
    gone.release(0.3)
    assert gone.wait(3) and gone.cancelled
    assert kept.running and not kept.cancelled
    kept.cancel()
    assert kept.wait(3)


def test_a_session_that_ends_cancels_its_sweep(monkeypatch):
    """What Streamlit calls when a session's browser goes away (state._gone), then the session's lifetime."""
    from playground.ui import state
    monkeypatch.setattr(state.st, "get_option", lambda name: {"server.disconnectedSessionTTL": 0.5}[name])
    sweep = Sweep(plan_sweep(SMALL, {"learning_rate": [0.03, 0.3]}, LONG), jobs=1)
    presence = state.Presence()
    presence.sweeps.add(sweep)
    state._gone(presence)
    assert sweep.running
    assert sweep.wait(3) and sweep.cancelled


# Leftovers: a sweep killed with its process

KILLED_SWEEP = """
import io, sys, time
import numpy as np
sys.path.insert(0, {root!r})
from playground import settings
from playground.data import load_csv
from playground.sweep import plan_sweep, start_sweep
rows = np.random.default_rng(0).normal(size=(20_000, 20)).round(3)   # 1.6 MB of float32: shared through a file
text = ",".join(f"x{{i}}" for i in range(20)) + ",label\\n" + "".join(
    ",".join(map(str, row)) + f",{{i % 2}}\\n" for i, row in enumerate(rows.tolist()))
upload = load_csv(io.StringIO(text))
plan = plan_sweep({{**settings.defaults(), "dataset": settings.UPLOAD}}, {{"learning_rate": [0.03, 0.3]}}, 100_000,
                  dataset=upload)
sweep = start_sweep(plan)
print("started", flush=True)
time.sleep(300)
"""


def _sweep_folders(pid):
    from playground.sweep.leftovers import _places
    return [os.path.join(place, name) for place in _places() for name in os.listdir(place)
            if name.startswith((f"playground-sweep-{pid}-", f"joblib_memmapping_folder_{pid}_"))]


@pytest.mark.serial  # leaves or removes sweeps' folders that other tests look for
def test_the_folders_of_a_sweep_killed_with_its_process_are_removed_at_start_up(tmp_path):
    from playground.sweep.leftovers import clean_stale
    killed = subprocess.Popen([sys.executable, "-c", KILLED_SWEEP.format(root=ROOT)], stdout=subprocess.PIPE, text=True,
                              start_new_session=True)
    try:
        assert killed.stdout.readline() == "started\n"
        deadline = time.monotonic() + 60
        while len({os.path.basename(f).split("_")[0] for f in _sweep_folders(killed.pid)}) < 2 \
                and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        os.killpg(killed.pid, 9)   # the sweep's process and its workers, as a server stopped with SIGKILL
        killed.wait()
    left = _sweep_folders(killed.pid)   # as the kill left them (joblib makes its folders anew as the sweep goes)
    assert any("joblib_memmapping_folder" in f for f in left) and any("playground-sweep" in f for f in left)
    time.sleep(0.5)
    assert _sweep_folders(killed.pid) == left   # nothing removes them
    live = tempfile.mkdtemp(prefix=f"playground-sweep-{os.getpid()}-")   # a running process's: kept
    try:
        removed = clean_stale()
        assert set(left) <= set(removed) and live not in removed
        assert _sweep_folders(killed.pid) == [] and os.path.isdir(live)
    finally:
        shutil.rmtree(live)


def _stale_folders():
    """Folders as a sweep of a process that has ended leaves them."""
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(ended.stdout)
    return [tempfile.mkdtemp(prefix=f"playground-sweep-{pid}-"),
            tempfile.mkdtemp(prefix=f"joblib_memmapping_folder_{pid}_1_")]


@pytest.mark.serial  # leaves or removes sweeps' folders that other tests look for
def test_the_command_line_cleans_at_start(capsys):
    stale = _stale_folders()
    assert main(["--set", "lr"]) == 2
    assert not any(map(os.path.exists, stale))


@pytest.mark.slow
@pytest.mark.serial  # leaves or removes sweeps' folders that other tests look for
def test_the_server_cleans_as_it_sets_up_for_its_first_page():
    import asyncio

    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg

    from playground.bench.browser import start_streamlit
    stale = _stale_folders()

    async def open_page(url):
        message = BackMsg()
        message.rerun_script.query_string = ""
        async with websockets.connect(url.replace("http", "ws") + "/_stcore/stream", subprotocols=["streamlit"]) as ws:
            await ws.send(message.SerializeToString())
            deadline = time.monotonic() + 60
            while any(map(os.path.exists, stale)) and time.monotonic() < deadline:
                await asyncio.sleep(0.2)

    with start_streamlit(os.path.join(ROOT, "app.py")) as (_, url):
        assert all(map(os.path.exists, stale))   # no page yet
        run_async(open_page(url))
    assert not any(map(os.path.exists, stale))


class _Touch:
    """Unpickled, it creates the file at `path`: the proof that a reply was unpickled."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return open, (self.path, "w")


def _wire(message):
    """A message in dask.distributed's TCP framing, as its own protocol writes it (pickled parts too)."""
    from distributed.protocol import dumps
    frames = [bytes(frame) for frame in dumps(message)]
    prelude = struct.pack(f"<Q{len(frames)}Q", len(frames), *map(len, frames))
    return struct.pack("<Q", len(prelude) + sum(map(len, frames))) + prelude + b"".join(frames)


@contextlib.contextmanager
def fake_scheduler(reply, handshake=None):
    """A server on 127.0.0.1 that answers each connection with a handshake and then `reply`."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except OSError:
                continue
            with connection:
                connection.recv(65536)
                connection.sendall(_wire(handshake or {"compression": None, "python": (3, 11, 0),
                                                       "pickle-protocol": 5}) + _wire(reply))
                time.sleep(0.2)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"tcp://127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        server.close()


@pytest.mark.serial  # the command line removes sweeps' folders that other tests look for
@pytest.mark.parametrize("where", ["in the reply", "in the handshake", "as the whole reply"])
def test_a_fake_scheduler_that_answers_with_a_pickle_runs_nothing_and_is_named(where, tmp_path, capsys):
    from distributed.protocol import ToPickle
    proof = str(tmp_path / "unpickled")
    evil = ToPickle(_Touch(proof))
    reply = {"type": "Scheduler", "id": evil} if where == "in the reply" else evil if where == "as the whole reply" \
        else {"type": "Scheduler", "id": "Scheduler-1"}
    handshake = {"compression": None, "python": (3, 11, 0), "pickle-protocol": evil} \
        if where == "in the handshake" else None
    with fake_scheduler(reply, handshake) as address:
        with pytest.raises(SweepError, match="pickled data"):
            start_sweep(plan_sweep(SMALL, {"layers": [1, 2]}, 1), scheduler=address)
        assert main(["--set", "layers=1,2", "--epochs", "1", "--scheduler", address]) == 2
    assert not os.path.exists(proof)
    error = capsys.readouterr().err
    assert error.startswith(f"error: --scheduler: cannot reach a Dask scheduler at {address} (the answer carries "
                            "pickled data)") and error.count("\n") == 1


def test_a_server_that_is_no_scheduler_is_named_for_what_it_says_it_is():
    with fake_scheduler({"type": "Worker", "id": "Worker-1"}) as address:
        with pytest.raises(SweepError, match="a Worker answers there, not a scheduler"):
            start_sweep(plan_sweep(SMALL, {"layers": [1, 2]}, 1), scheduler=address)


@pytest.mark.serial  # the command line removes sweeps' folders that other tests look for
def test_the_help_and_the_readme_say_a_scheduler_is_trusted_code(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "trusted" in " ".join(capsys.readouterr().out.split())
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as file:
        assert "a scheduler is trusted" in " ".join(file.read().split()).lower()
