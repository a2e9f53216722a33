"""One run of a sweep, as a worker trains it: a TrainingRun, epoch after epoch, until done,
diverged or cancelled; and what it sends back (RunResult), kept small.

This is the side of a sweep that worker processes import, so it imports no more than training
needs: not the page's settings nor the data sets' module, which load scikit-learn and would
add seconds to every worker's start-up. A worker is sent each run's NetworkSpec and the data
set's arrays (TrainingData), both made once by the plan.
"""
import multiprocessing
import time
from dataclasses import dataclass

from threadpoolctl import threadpool_limits

from ..startup import lower_priority
from ..snapshot import HISTORY
from ..training import TrainingRun

MAX_HISTORY_ROWS = 400


@dataclass(frozen=True, eq=False)
class PlannedRun:
    index: int          # its place in the grid
    varied: dict        # the values of the varied settings, by variable name
    settings: dict      # every setting's value
    spec: object        # the NetworkSpec those settings give on the sweep's data set


@dataclass(frozen=True, eq=False)
class RunResult:
    """A finished run: its settings, final figures, seconds, final weights and thinned history."""
    index: int          # its place in the sweep's grid
    varied: dict        # the values of the varied settings, by variable name
    settings: dict      # every setting's value
    epochs: int         # epochs trained: fewer than asked if it diverged or stopped
    diverged: bool
    train_loss: float
    test_loss: float
    train_score: float  # accuracy, or R² for regression
    test_score: float
    seconds: float      # building the network and training it
    weights: list       # [(W, b), ...] per Dense layer, after the last epoch
    history: dict       # the run's history (epoch, train_loss, ...), thinned to MAX_HISTORY_ROWS rows
    capped: bool = False  # stopped before its epochs by its share of the sweep's work cap


def train_run(run, epochs, data, cancel=None, cpu_seconds=None, nice=None):
    """Trains the PlannedRun `run` on `data` (a Dataset or TrainingData) for `epochs` epochs, fewer
    if it diverges or meets its stop condition, with one BLAS thread. Between epochs it reads `cancel` (anything with
    is_set()); once that is set it stops and returns None.

    cpu_seconds: the processor time the run may take; past it the run stops at the end of the epoch,
    `capped`. nice: a worker process that trains it yields the cores first (startup.lower_priority);
    the sweep's own process is left as it is."""
    if cancel is not None and cancel.is_set():
        return None
    worker = multiprocessing.parent_process() is not None   # else this is the sweep's own process
    if nice is not None and worker:
        lower_priority(nice)
    # A worker trains one run at a time, and TensorFlow computes in threads of its own: the process's
    # time. In the sweep's own process (jobs=1), the time of this thread.
    clock, capped = time.process_time if worker else time.thread_time, False
    with threadpool_limits(1, user_api="blas"):
        start, start_cpu = time.perf_counter(), clock()
        training = TrainingRun(run.settings["engine"], run.spec, data)
        while training.epoch < epochs and not training.diverged:
            if cancel is not None and cancel.is_set():
                return None
            if cpu_seconds is not None and training.epoch and clock() - start_cpu >= cpu_seconds:
                capped = True
                break
            training.train_epoch()
            if training.stopped:
                break
        seconds = time.perf_counter() - start
    log = training.timeline.log
    rows = log.rows(MAX_HISTORY_ROWS)
    return RunResult(run.index, run.varied, run.settings, training.epoch, training.diverged,
                     *(float(log.last(name)) for name in ("train_loss", "test_loss", "train_score", "test_score")),
                     seconds, training.weights(), {name: log[name][rows].tolist() for name in HISTORY}, capped)
