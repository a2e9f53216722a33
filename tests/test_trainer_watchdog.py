"""The pool's watchdog, with real worker processes: one stopped with SIGSTOP (as a worker stuck in a long
native call looks from outside) is marked lost within its limit and replaced; a press it does not answer
fails after its time-out rather than freezing the page; a new run goes to a worker that answers and is not
busy; one held by one command for too long is lost too."""
import importlib
import os
import signal
import threading
import time

import pytest

from playground import settings
from playground.data import make_dataset
from playground.trainer import NoAnswer, RunHandle, RunLost

module = importlib.import_module("playground.trainer.pool")


@pytest.fixture(scope="module")
def circle():
    return make_dataset("circle")


@pytest.fixture
def two_workers(monkeypatch):
    """make(size=2, **limits): a pool of two workers with those watchdog limits, as the server's pool. Every worker
    stopped with `stop` is continued and the pool stopped at the end."""
    made, stopped = [], []

    def make(size=2, **limits):
        pool = module.Pool(size, **limits)
        made.append(pool)
        monkeypatch.setattr(module, "_pool", pool)
        return pool

    def stop(worker):
        stopped.append(worker.pid)
        os.kill(worker.pid, signal.SIGSTOP)
        return time.monotonic()

    make.stop = stop
    yield make
    for pid in stopped:
        try:
            os.kill(pid, signal.SIGCONT)
        except ProcessLookupError:
            pass
    for pool in made:
        pool.stop()


def handle(ds, **changes):
    spec = settings.network_spec({**settings.defaults(), **changes}, ds)
    return RunHandle("numpy", spec, ds, (ds.name, tuple(sorted(changes.items()))))


def until(condition, timeout):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_a_stopped_worker_is_marked_lost_within_its_limit_and_replaced(circle, two_workers):
    pool = two_workers(silent_after=2.0)
    other, run = handle(circle), handle(circle)
    assert other.worker is not run.worker
    other.play()
    run.step(2, wait=10)
    frames = []
    run.watch(frames.append)
    until(lambda: frames, 10)
    victim, index = run.worker, run.worker.index
    stopped_at = two_workers.stop(victim)
    until(lambda: not victim.alive, 10)
    found = time.monotonic() - stopped_at
    assert 2.0 <= found <= 2.0 + 1.5, f"marked lost after {found:.2f} s"
    assert victim.lost_why == "silent" and frames[-1] is None, "the page's live view hears it at once"
    until(lambda: victim.process.poll() is not None, 10)  # killed, not left stopped
    with pytest.raises(RunLost):
        run.refresh()
    assert run.lost and run.lost_why == "silent" and run.snapshot.epoch == 2
    until(lambda: pool.workers[index] is not victim and pool.workers[index].alive, 10)
    before = other.refresh().epoch
    until(lambda: other.refresh().epoch > before, 10)  # the other worker went on
    run.revive()
    assert not run.lost and run.worker.alive and run.snapshot.epoch == 2
    assert run.step().epoch == 3
    other.close()
    run.close()


def test_a_press_a_stopped_worker_does_not_answer_fails_after_its_time_out_and_takes_effect_later(circle, two_workers):
    two_workers(silent_after=60.0)  # the watchdog stays out of this one
    run = handle(circle)
    run.play()
    two_workers.stop(run.worker)
    began = time.monotonic()
    with pytest.raises(NoAnswer) as raised:
        run.pause(timeout=0.5)
    waited = time.monotonic() - began
    assert 0.5 <= waited < 1.5 and raised.value.seconds == 0.5 and isinstance(raised.value, TimeoutError)
    assert not run.lost
    until(lambda: run.worker.silent_for() > module.QUIET_AFTER, 10)
    last, began = run.snapshot, time.monotonic()
    assert run.refresh() is last and time.monotonic() - began < 0.1, "a silent worker's run keeps its snapshot at once"
    os.kill(run.worker.pid, signal.SIGCONT)
    until(lambda: run.refresh().mode == "paused", 10)  # the pause was waiting in its socket
    held = run.snapshot.epoch
    time.sleep(0.3)
    assert run.refresh().epoch == held
    run.close()


def test_a_new_run_skips_a_silent_worker(circle, two_workers):
    pool = two_workers(silent_after=60.0)
    playing = handle(circle)
    playing.play()
    idle = next(w for w in pool.workers if w is not playing.worker)  # holds no run: it would get the next one
    two_workers.stop(idle)
    until(lambda: idle.silent_for() > module.QUIET_AFTER, 10)
    began = time.monotonic()
    run = handle(circle)
    assert run.worker is playing.worker and time.monotonic() - began < 5
    run.close()
    os.kill(idle.pid, signal.SIGCONT)
    until(lambda: idle.silent_for() < module.QUIET_AFTER, 10)  # it speaks again
    again = handle(circle)
    assert again.worker is idle, "a worker that answers again gets new runs again"
    again.close()
    playing.close()


def long_command(run, result):
    """The gradient check on a large network, in a thread: a command that holds its worker for seconds (over a
    minute on two loaded cores, several on idle ones; the tests kill it sooner). `result` gets its value (or
    error), then its seconds."""
    def check():
        began = time.monotonic()
        try:
            result.append(run.gradient_check(1000))
        except Exception as error:
            result.append(error)
        result.append(time.monotonic() - began)
    thread = threading.Thread(target=check, daemon=True)
    thread.start()
    return thread


BIG = {"layers": 8, **{f"width_{i}": 128 for i in range(1, 9)}}


@pytest.fixture(scope="module")
def big_circle():
    return make_dataset("circle", n_samples=2000)


def test_a_new_run_skips_a_busy_worker(circle, big_circle, two_workers):
    two_workers(silent_after=60.0)
    playing = handle(circle)
    playing.play()
    busy = handle(big_circle, **BIG)
    assert busy.worker is not playing.worker
    result = []
    thread = long_command(busy, result)
    until(lambda: busy.worker.busy_for() > module.BUSY_AFTER, 30)  # its heartbeat says so
    assert thread.is_alive() and busy.worker.silent_for() < module.QUIET_AFTER, "busy, not silent"
    playing.refresh()  # its page asks: it counts as playing
    began = time.monotonic()
    run = handle(circle)  # the busy worker holds one run, as the other does, and plays none
    assert run.worker is playing.worker and time.monotonic() - began < 5
    assert thread.is_alive() and busy.worker.alive, "busy is not lost"
    busy.worker.process.kill()  # no need to wait for the check to end
    for each in (run, busy, playing):
        each.close()


def test_a_worker_held_by_one_command_too_long_is_lost_as_hung(big_circle, two_workers):
    pool = two_workers(silent_after=60.0)
    run = handle(big_circle, **BIG)
    victim = run.worker
    pool.hung_after = 1.0  # from the next look on (in a second at most)
    time.sleep(1.0)
    result = []
    long_command(run, result)
    until(lambda: len(result) == 2, 30)
    assert isinstance(result[0], RunLost) and 1.0 <= result[1] < 3.0, result
    assert victim.lost_why == "hung" and run.lost_why == "hung"
    until(lambda: victim.process.poll() is not None and pool.workers[victim.index].alive, 10)


def test_a_new_run_on_a_worker_that_falls_silent_as_it_is_placed_is_created_on_another(circle, two_workers):
    pool = two_workers(silent_after=2.0)
    playing = handle(circle)
    playing.play()
    idle = next(w for w in pool.workers if w is not playing.worker)
    stopped_at = two_workers.stop(idle)  # it has not missed a heartbeat yet: the next run goes to it
    run = handle(circle)
    took = time.monotonic() - stopped_at
    assert not idle.alive and idle.lost_why == "silent"
    assert run.worker is not idle and run.worker.alive and run.snapshot.epoch == 0
    assert took < 2.0 + 3.0, f"created after {took:.2f} s"
    run.close()
    playing.close()


def test_with_its_only_worker_stopped_a_server_creates_a_new_run_on_its_successor(circle, two_workers):
    pool = two_workers(1, silent_after=1.5)
    victim = pool.workers[0]
    stopped_at = two_workers.stop(victim)
    run = handle(circle)  # placed on the stopped worker, the only one; created on the one that takes its place
    took = time.monotonic() - stopped_at
    assert victim.lost_why == "silent" and run.worker is pool.workers[0] is not victim
    assert 1.5 <= took < 1.5 + 5.0, f"created after {took:.2f} s"
    assert run.step().epoch == 1
    run.close()


@pytest.mark.slow
def test_a_worker_that_computes_without_a_word_is_not_silent(circle, two_workers):
    """The first Keras run of a worker loads TensorFlow, which holds the interpreter so long that its heartbeat
    stops (0.9 s on two idle cores, 6 s and more on loaded ones); it uses CPU all along, so it is not lost."""
    pool = two_workers(1, silent_after=0.4, beat=0.05)
    worker = pool.workers[0]
    most, creating = [0.0], threading.Event()

    def watch():
        while not creating.is_set():
            most[0] = max(most[0], worker.silent_for())
            time.sleep(0.02)
    threading.Thread(target=watch, daemon=True).start()
    run = RunHandle("keras", settings.network_spec(settings.defaults(), circle), circle, ("circle", "keras"))
    creating.set()
    assert run.worker is worker and worker.alive and worker.lost_why is None
    assert most[0] > 0.4, f"the heartbeat was never late ({most[0]:.1f} s): this test shows nothing here"
    assert run.step(wait=60).epoch == 1
    run.close()


@pytest.mark.parametrize("text, limit", [("3", 3.0), ("0.5", 0.5), ("", module.SILENT_AFTER),
                                         ("0", module.SILENT_AFTER), ("-4", module.SILENT_AFTER),
                                         ("nan", module.SILENT_AFTER), ("inf", module.SILENT_AFTER),
                                         ("ten", module.SILENT_AFTER), ("9" * 100_000, module.SILENT_AFTER)])
def test_the_silence_limit_comes_from_the_environment(monkeypatch, text, limit):
    monkeypatch.setenv("PLAYGROUND_SILENT_AFTER", text)
    assert module.silence_limit() == limit
