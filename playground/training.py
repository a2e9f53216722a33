"""A training run: one engine on one data set, with its counters, its timeline and its snapshots.

A run trains in slices: a few batches at a time for a time budget, never a whole epoch at
once, so whoever drives it (a worker process for the page, a test, a sweep) can stop it
within one slice however long an epoch is. Each finished epoch adds a row to the run's timeline
(timetravel.py: losses, scores and gradient health, and the epoch's weights). `snapshot()` gives
what the page draws. What else may be asked of a run is in commands.py.
"""
import math
import threading
import time

import numpy as np

from . import inspect
from .engines import create_engine, epoch_batches
from .evaluation import EVALUATE_AT_ONCE, Evaluation, score
from .nn import targets
from .timetravel import Timeline

HEALTH_BATCH = 64   # training examples on which gradient health is measured each epoch
MAX_POINTS = 400    # rows of the history a snapshot carries for the charts
VERDICT_WINDOW = 20  # the latest epochs the health verdict looks at, so it does not flicker
UNIT_SAMPLE = 2000  # training examples over which dead and saturated units are counted


def _adapted(size, took, seconds, least, most):
    """A call's size (batches, rows) for the next call: doubled when this one took under an eighth of the slice,
    halved when it took over half of it."""
    if took < seconds / 8:
        return min(2 * size, most)
    if took > seconds / 2:
        return max(size // 2, least)
    return size



def scores(dataset, results):
    """An epoch's losses and scores (HISTORY's columns "train_loss", …, "test_score") from the engine's `evaluate`
    of the training and test sets: a score is NaN when the outputs are not all finite."""
    row = {}
    for part, y, (outputs, loss) in zip(("train", "test"), (dataset.y_train, dataset.y_test), results):
        row[f"{part}_loss"] = loss
        finite = len(outputs) and np.isfinite(outputs).all()
        row[f"{part}_score"] = score(outputs, y, dataset.task) if finite else math.nan
    return row


def stop_condition(spec, epoch, log, spent):
    """(epoch, what, value) if `epoch`, just finished with the last row of `log`, meets the spec's stop condition,
    else None; and the stop spent from now on. ("epoch", N) on reaching stop_epoch; ("test_loss", loss) when the test
    loss has fallen to stop_value; ("test_score", score) when the test accuracy (R²) has reached it. A metric stops
    the run once (it is then `spent`: (metric, value)): Play then carries on, however the metric moves, until the
    stop is set anew."""
    if epoch == spec.stop_epoch:
        return (epoch, "epoch", epoch), spent
    if spec.stop_metric is None or (spec.stop_metric, spec.stop_value) == spent:
        return None, spent
    value = float(log.last(spec.stop_metric))
    if value <= spec.stop_value if spec.stop_metric == "test_loss" else value >= spec.stop_value:
        return (epoch, spec.stop_metric, value), (spec.stop_metric, spec.stop_value)
    return None, spent


class TrainingRun:
    """Trains `engine_name` on `dataset` as `spec` says, in slices, and keeps one row per epoch in its `timeline`."""

    def __init__(self, engine_name, spec, dataset, run_id=0, sliced=False):
        """`sliced`: on a large data set, the current weights' row (epoch 0, restored weights) is measured in
        slices, by `measure`, and the run is not `measured` until then (a worker's run: the runs beside it go on);
        else at once."""
        self.engine_name, self.spec, self.id, self.sliced = engine_name, spec, run_id, sliced
        self.engine = create_engine(engine_name, spec)
        self.lock = threading.RLock()
        self.set_data(dataset)
        self.initial_weights = self.engine.get_weights()
        self.timeline = Timeline(self.initial_weights)
        self.diverged = False
        self.stopped, self.stop_note, self._stop_spent = False, None, None
        self._pending, self._done, self._total, self._chunk = None, 0, 0.0, 1
        self._evaluation, self._rows = None, 256  # an epoch's end evaluated in slices, and its rows per call
        self._add_row()

    def set_data(self, dataset):
        """Trains on `dataset` from now on (other data of the same inputs and outputs: points drawn on the plane): its
        arrays, its targets, and the fixed batch of gradient health. The weights, the optimizer's state and the history
        stay; the epoch under way starts afresh."""
        with self.lock:
            spec, task = self.spec, dataset.task
            self.dataset, self.X_train, self.X_test = dataset, dataset.X_train, dataset.X_test
            self.Y_train = targets(dataset.y_train, task, spec.n_outputs, spec.dtype)
            self.Y_test = targets(dataset.y_test, task, spec.n_outputs, spec.dtype)
            rows = np.sort(np.random.default_rng(spec.seed).choice(len(self.X_train), min(HEALTH_BATCH, len(self.X_train)),
                                                                    replace=False))
            self.health_batch = self.X_train[rows], self.Y_train[rows]
            self.sets = (self.X_train, self.Y_train), (self.X_test, self.Y_test)  # what an epoch's end evaluates
            self._pending = self._evaluation = None

    @property
    def epoch(self):
        return self.engine.epoch

    @property
    def measured(self):
        """Whether the log has the current weights' row: False while a large data set's evaluation of them (a new
        run's epoch 0, restored weights) is under way in slices."""
        return self._evaluation is None or self._evaluation.ends_epoch

    def measure(self, seconds):
        """Goes on with the evaluation of the current weights for about `seconds` (one call at least); returns
        whether the run is `measured`."""
        start = time.perf_counter()
        with self.lock, np.errstate(over="ignore", invalid="ignore"):
            while not self.measured:
                self._evaluate_chunk(seconds)
                if time.perf_counter() - start >= seconds:
                    break
        return self.measured

    def _add_row(self):
        """Adds the current weights' row to the log: at once, or on a large data set of a `sliced` run in slices
        (`measure`)."""
        if not self.sliced or len(self.X_train) + len(self.X_test) <= EVALUATE_AT_ONCE:
            self._record()
        else:
            self._evaluation = Evaluation(self.sets, self.spec.n_outputs, self.spec.dtype, False)

    def measure_again(self):
        """The network's weights were changed from outside (restored, edited, neurons switched off or on): this
        epoch's row is measured again, and finite weights are a place to go back to."""
        with self.lock:
            measured = self.measured   # else this epoch's row is not in the log yet: none to take out
            if self._evaluation is not None:  # an epoch's end, or these weights, being measured: afresh
                self._pending = self._evaluation = None
            if self.timeline.redo(self.epoch, measured, self.engine.get_weights()):
                self.diverged = False
            self._add_row()

    def _evaluate_chunk(self, seconds):
        """Evaluates the next chunk of rows of the evaluation under way; the last one records its row (and ends
        the epoch it measured, if it measured one). Returns how many epochs it finished."""
        began = time.perf_counter()
        self._evaluation.advance(self.engine, self._rows)
        self._rows = _adapted(self._rows, time.perf_counter() - began, seconds, 16, 1 << 20)
        if not self._evaluation.done:
            return 0
        evaluation = self._evaluation.results(), self.engine.gradients(*self.health_batch), self.engine.get_weights()
        ends_epoch, self._evaluation = self._evaluation.ends_epoch, None
        if ends_epoch:
            self._finish_epoch(evaluation)
            return 1
        self._record(evaluation)
        return 0

    def _record(self, evaluation=None):
        """Appends this epoch's row: losses and scores, gradient norms on the fixed batch, ‖ΔW‖/‖W‖, from
        `evaluation` (the engine's evaluate) or, without it, evaluating now. Returns the weights."""
        results, grads, weights = evaluation or self.engine.evaluate(self.sets, self.health_batch)
        self.timeline.record({"epoch": self.epoch, **scores(self.dataset, results)}, grads, weights)
        self.test_outputs = results[1][0]  # the latest row's, for the snapshot
        return weights

    @property
    def batch(self):
        """Batches done in the epoch under way."""
        return self._done if self._pending else 0

    @property
    def batches(self):
        """Batches in an epoch."""
        return math.ceil(len(self.X_train) / self.spec.batch_size)

    def train_slice(self, seconds, stop_epoch=None, max_batches=None):
        """Trains batches for about `seconds` (one call at least), finishing each epoch as its last batch
        is done, never past `stop_epoch` nor more than `max_batches` batches, and not past an epoch that meets
        the spec's stop condition (then `stopped` is True until the next slice). Returns how many epochs it
        finished."""
        start, finished, trained = time.perf_counter(), 0, 0
        self.stopped = False
        with self.lock, np.errstate(over="ignore", invalid="ignore"):  # divergence is reported, not warned about
            while not self.diverged and not self.stopped and (stop_epoch is None or self.epoch < stop_epoch) and (
                    max_batches is None or trained < max_batches):
                if self._evaluation is not None:  # a large data set's evaluation, a chunk of rows a call
                    finished += self._evaluate_chunk(seconds)
                    if time.perf_counter() - start >= seconds:
                        break
                    continue
                if self._pending is None:
                    order, slices = epoch_batches(len(self.X_train), self.spec.batch_size, self.spec.seed, self.epoch)
                    self._pending, self._done, self._total = [order[s] for s in slices], 0, 0.0
                most = self._chunk if max_batches is None else min(self._chunk, max_batches - trained)
                chunk, evaluation = self._pending[self._done:self._done + most], None
                began = time.perf_counter()
                last = self._done + len(chunk) == len(self._pending)  # the epoch's last batches
                if last and len(self.X_train) + len(self.X_test) <= EVALUATE_AT_ONCE:
                    total, evaluation = self.engine.train_and_evaluate(self.X_train, self.Y_train, chunk,
                                                                       self.sets, self.health_batch)
                else:
                    total = self.engine.train_batches(self.X_train, self.Y_train, chunk)
                self._total += total
                # Each call into the engine should take a fraction of a slice (a call into TensorFlow costs as much as
                # many small batches, so more per call pays, but not past the slice).
                self._chunk = _adapted(self._chunk, time.perf_counter() - began, seconds, 1, 4096)
                self._done += len(chunk)
                trained += len(chunk)
                if last and evaluation is None and math.isfinite(self._total):
                    self._evaluation = Evaluation(self.sets, self.spec.n_outputs, self.spec.dtype)
                elif self._done == len(self._pending) or not math.isfinite(self._total):
                    self._finish_epoch(evaluation)
                    finished += 1
                if time.perf_counter() - start >= seconds:
                    break
        return finished

    def _finish_epoch(self, evaluation=None):
        self.engine.epoch += 1
        loss = self._total / len(self.X_train)
        self._pending = None
        weights = self._record(evaluation)
        train_loss = float(self.timeline.log.last("train_loss"))
        if not (math.isfinite(loss) and math.isfinite(train_loss)):
            self.diverged = True
        elif train_loss <= self.timeline.start_loss:
            self.timeline.last_finite = (self.epoch, weights)
        note, self._stop_spent = stop_condition(self.spec, self.epoch, self.timeline.log, self._stop_spent)
        if note is not None:
            self.stopped, self.stop_note = True, note

    def train_epoch(self):
        """Trains to the end of the epoch under way; returns False, and marks the run diverged, if the
        loss is no longer finite."""
        self.train_slice(math.inf, stop_epoch=self.epoch + 1)
        return not self.diverged

    def train_for(self, seconds, max_epochs=None):
        """Trains until `seconds` have passed, `max_epochs` epochs are done or a stop condition is met (a slice that
        long); returns how many epochs were done."""
        return self.train_slice(seconds, None if max_epochs is None else self.epoch + max_epochs) if seconds > 0 else 0

    def reconfigure(self, spec):
        """New training settings for the same network: the weights (and optimizer state) stay. A new
        batch size takes effect from the next epoch. Neurons switched off or on change the network's outputs:
        this epoch is measured again."""
        with self.lock:
            self.engine.reconfigure(spec)
            old, self.spec = self.spec, spec
            if spec.off != old.off:
                self.measure_again()

    def take_up(self, weights, epoch):
        """Puts `weights` in the network at `epoch`, as its last recorded epoch; the epoch under way starts afresh."""
        with self.lock:
            self.engine.set_weights(weights)
            self.engine.epoch, self._pending, self._evaluation = epoch, None, None
            self.timeline.before = self.engine.get_weights()

    def weights(self):
        with self.lock:
            return self.engine.get_weights()

    def snapshot(self, views=True):
        """What the page draws now (inspect.snapshot_of)."""
        return inspect.snapshot_of(self, views)
