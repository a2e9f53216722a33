"""A training run: one engine on one data set, with its history, counters and snapshots.

A run trains in slices: a few batches at a time for a time budget, never a whole epoch at
once, so whoever drives it (a worker process for the page, a test, a sweep) can stop it
within one slice however long an epoch is. Each finished epoch adds a row to the run's log
(losses, scores and gradient health); recent rows stay in full and older ones are thinned, so
a run that plays all lesson long keeps its whole story in bounded memory. `snapshot()` gives
what the page draws.
"""
import math
import threading
import time
from dataclasses import dataclass

import numpy as np

from . import inspect
from .engines import create_engine, epoch_batches
from .nn import forward_layers, targets
from .spec import MAX_EDIT

HEALTH_BATCH = 64   # training examples on which gradient health is measured each epoch
MAX_POINTS = 400    # rows of the history a snapshot carries for the charts
VERDICT_WINDOW = 20  # the latest epochs the health verdict looks at, so it does not flicker
UNIT_SAMPLE = 2000  # training examples over which dead and saturated units are counted
# Rows (training and test together) that an epoch's end evaluates in one call into the engine; a larger data set
# (MNIST's 70,000 images) is evaluated in slices, a chunk of rows at a time, so that the runs beside it go on.
EVALUATE_AT_ONCE = 5000


def predicted_classes(outputs):
    """Class indices from outputs: above 0.5 for one output, the largest output otherwise."""
    if outputs.shape[1] == 1:
        return (outputs[:, 0] > 0.5).astype(int)
    return outputs.argmax(axis=1)


def score(outputs, y, task):
    """Accuracy for classification; R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)² for regression."""
    if task == "regression":
        y = np.asarray(y, np.float64)
        residual = float(np.sum((y - outputs[:, 0]) ** 2))
        total = float(np.sum((y - y.mean()) ** 2))
        return 1.0 - residual / total if total > 0 else 0.0
    return float(np.mean(predicted_classes(outputs) == y))


def layer_outputs(spec, weights, X):
    """Each Dense layer's output for inputs X, on `weights` (as get_weights gives them), in the run's dtype:
    nn.forward_layers, the same forward pass for either engine's weights."""
    return forward_layers(weights, (*spec.activations, spec.output_activation), X, spec.dtype, spec.off)


class Log:
    """Rows of numbers, one per epoch, in columns of fixed width.

    The latest `recent` rows are kept in full. When the log reaches `limit` rows, every other row
    before the recent ones is dropped, so the oldest epochs end up furthest apart and a run of any
    length keeps at most `limit` rows: with the page's columns, a few MB per run.
    """

    def __init__(self, widths, recent=10_000, limit=40_000):
        self.widths, self.recent, self.limit = widths, recent, limit
        self.columns = {name: np.empty((256, width) if width else 256, np.int64 if name == "epoch" else
                                       np.float32 if width else np.float64) for name, width in widths.items()}
        self.n = 0
        self.thinned_before = 0  # epochs before this one are thinned out; 0 while nothing is

    def __len__(self):
        return self.n

    def append(self, **values):
        if self.n == len(self.columns["epoch"]):
            for name, column in self.columns.items():
                grown = np.empty((2 * len(column), *column.shape[1:]), column.dtype)
                grown[:self.n] = column
                self.columns[name] = grown
        for name, column in self.columns.items():
            column[self.n] = values[name]
        self.n += 1
        if self.n >= self.limit:
            self._thin()

    def _thin(self):
        old = self.n - self.recent
        keep = np.r_[np.arange(0, old, 2), np.arange(old, self.n)]
        self.thinned_before = int(self.columns["epoch"][old])
        for column in self.columns.values():
            column[:len(keep)] = column[keep]
        self.n = len(keep)

    def __getitem__(self, name):
        """The column `name` so far (a view)."""
        return self.columns[name][:self.n]

    def last(self, name):
        return self.columns[name][self.n - 1]

    def keep(self, n):
        """Keeps the first n rows."""
        self.n = min(self.n, n)

    def rows(self, limit):
        """At most `limit` evenly spread row indices, the last row always among them."""
        step = max(1, math.ceil(self.n / limit))
        return np.unique(np.r_[np.arange(0, self.n, step), self.n - 1]) if self.n else np.zeros(0, int)


HISTORY = ("epoch", "train_loss", "test_loss", "train_score", "test_score")
REPLAY_BYTES = 10 * 2**20   # the weights a run keeps for its replay: a byte budget…
REPLAY_MOST = 20_000        # …and a number of snapshots (a small network reaches this first)


class WeightHistory:
    """The run's weights at past epochs, for its replay: every recent epoch, and older ones further and
    further apart, so that a run of any length keeps its whole story within REPLAY_BYTES (the largest plane
    network, 8 × 128, keeps 22 epochs; the default network 20,000).

    Each snapshot is all the weights of one epoch, flat, in float32. When the store is full, every other
    snapshot of its older half is dropped: recent epochs stay dense, old ones end up about log-spaced.
    """

    def __init__(self, weights):
        self.shapes = [(W.shape, b.shape) for W, b in weights]
        size = sum(W.size + b.size for W, b in weights)
        self.capacity = max(16, min(REPLAY_MOST, REPLAY_BYTES // (4 * size)))
        self.flat = np.empty((min(self.capacity, 64), size), np.float32)
        self.epochs = []

    def add(self, epoch, weights):
        if len(self.epochs) == self.capacity:
            old = self.capacity // 2
            keep = [*range(0, old, 2), *range(old, self.capacity)]
            self.flat[:len(keep)] = self.flat[keep]
            self.epochs = [self.epochs[i] for i in keep]
        n = len(self.epochs)
        if n == len(self.flat):  # grown to twice its rows, or to the capacity: no more is allocated than is kept
            grown = np.empty((min(2 * n, self.capacity), self.flat.shape[1]), np.float32)
            grown[:n] = self.flat
            self.flat = grown
        self.flat[n] = np.concatenate([a.ravel() for W, b in weights for a in (W, b)])
        self.epochs.append(epoch)

    def keep_through(self, epoch):
        """Forgets the snapshots after `epoch`."""
        del self.epochs[int(np.searchsorted(self.epochs, epoch, side="right")):]

    def at(self, epoch):
        """(the latest kept epoch at or before `epoch`, its weights as a list of (W, b))."""
        i = max(0, int(np.searchsorted(self.epochs, epoch, side="right")) - 1)
        flat, weights, offset = self.flat[i], [], 0
        for W_shape, b_shape in self.shapes:
            W_size, b_size = int(np.prod(W_shape)), int(np.prod(b_shape))
            weights.append((flat[offset:offset + W_size].reshape(W_shape).copy(),
                            flat[offset + W_size:offset + W_size + b_size].copy()))
            offset += W_size + b_size
        return self.epochs[i], weights

    @property
    def nbytes(self):
        return len(self.epochs) * self.flat.shape[1] * 4

    @property
    def held(self):
        """Bytes of memory the store holds, the rows not yet used among them."""
        return self.flat.nbytes


def _adapted(size, took, seconds, least, most):
    """A call's size (batches, rows) for the next call: doubled when this one took under an eighth of the slice,
    halved when it took over half of it."""
    if took < seconds / 8:
        return min(2 * size, most)
    if took > seconds / 2:
        return max(size // 2, least)
    return size


class Evaluation:
    """An epoch's evaluation of a large data set, a chunk of rows at a time: per set (X, Y) its outputs, and its
    mean loss as the mean of the chunks' losses weighted by their rows (the engine's `evaluate`, in pieces).
    `ends_epoch`: it measures the epoch just trained, which ends with it; else it measures the current weights
    again (a new run's epoch 0, restored weights)."""

    def __init__(self, sets, n_outputs, dtype, ends_epoch=True):
        self.sets, self.n_outputs, self.dtype, self.ends_epoch = sets, n_outputs, dtype, ends_epoch
        self.index, self.row = 0, 0
        self.outputs, self.losses = [[] for _ in sets], [0.0 for _ in sets]

    @property
    def done(self):
        return self.index == len(self.sets)

    def advance(self, engine, rows):
        """Evaluates the next `rows` rows (or what is left of the set under way)."""
        X, Y = self.sets[self.index]
        chunk = slice(self.row, min(self.row + rows, len(X)))
        if chunk.stop > chunk.start:
            self.outputs[self.index].append(engine.predict(X[chunk]))
            self.losses[self.index] += engine.loss(X[chunk], Y[chunk]) * (chunk.stop - chunk.start)
        self.row = chunk.stop
        if self.row >= len(X):
            self.index, self.row = self.index + 1, 0

    def results(self):
        """Per set (outputs, mean loss), as `evaluate` gives them: no rows and a NaN loss for an empty set."""
        return [(np.concatenate(outputs), loss / len(X)) if len(X) else
                (np.zeros((0, self.n_outputs), self.dtype), math.nan)
                for (X, _), outputs, loss in zip(self.sets, self.outputs, self.losses)]


@dataclass(eq=False)
class TrainingData:
    """What a run needs of a data set, in plain arrays: it travels to a worker process without the
    data set's code (features, scalers). `grid` holds the network's inputs under the decision
    boundary, for a set in the plane."""
    name: str
    task: str
    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    grid: np.ndarray = None

    @classmethod
    def of(cls, dataset):
        return cls(dataset.name, dataset.task, dataset.X_train, dataset.X_test, dataset.y_train, dataset.y_test,
                   dataset.grid)


@dataclass(frozen=True)
class Edit:
    """A weight set by hand at `epoch`: W[row, column] of Dense layer `layer` (from 1), or b[column] when `row`
    is None; its value before and after."""
    epoch: int
    layer: int
    row: object
    column: int
    old: float
    new: float


@dataclass
class Snapshot:
    """What the page draws of a run at one moment; plain data, so it travels between processes."""
    run_id: int
    epoch: int
    batch: int              # batches done in the epoch under way
    batches: int            # batches in an epoch
    diverged: bool
    last_finite_epoch: int  # where "go back" leads: the last epoch whose training loss was at most its epoch-0 value
    history: dict           # HISTORY's columns at ≤ MAX_POINTS epochs, the latest always among them
    thinned_before: int     # the history keeps every epoch from this one on; fewer before it
    health: dict            # "epochs", "norms", "ratios" (rows like history's), "units" and "diagnosis"
    weights: list
    boundary: object = None   # the outputs on the data set's plane grid, for a set in the plane
    predicted: object = None  # the predicted class of each test example, for other classification sets
    stopped: tuple = None     # (epoch, what, value) when a stop condition paused the run at this epoch
    mode: str = "paused"      # "paused" | "playing" | "stepping", set by whoever drives the run
    error: str = None
    seq: int = 0
    edits: tuple = ()         # the weights set by hand (Edit), oldest first

    @property
    def latest(self):
        """The latest epoch's losses and scores."""
        return {name: float(values[-1]) for name, values in self.history.items()}

    @property
    def active(self):
        return self.mode != "paused"


# The commands that may take seconds (`TrainingRun.job`).
JOBS = {"lr_find", "compare_engines", "keras_file", "replay_frames"}


def keras_file_of(spec, weights, scaling=None):
    """The bytes of a .keras file of `spec` holding `weights`, its inputs scaled by `scaling` (shift, divide)
    first (loads TensorFlow)."""
    from .engines.keras_support import keras_model
    from .export import keras_file
    return keras_file(keras_model(spec, weights, scaling))


def boundary_frames(spec, grid, kept):
    """(epoch, training loss, outputs over the plane `grid` in float16) for each (epoch, loss, weights) of `kept`."""
    return [(epoch, loss, layer_outputs(spec, weights, grid)[-1].astype(np.float16)) for epoch, loss, weights in kept]


class TrainingRun:
    """Trains `engine_name` on `dataset` as `spec` says, in slices, and keeps one log row per epoch."""

    def __init__(self, engine_name, spec, dataset, run_id=0, sliced=False):
        """`sliced`: on a large data set, the current weights' row (epoch 0, restored weights) is measured in
        slices, by `measure`, and the run is not `measured` until then (a worker's run: the runs beside it go on);
        else at once."""
        self.engine_name, self.spec, self.dataset, self.id = engine_name, spec, dataset, run_id
        self.sliced = sliced
        self.engine = create_engine(engine_name, spec)
        self.lock = threading.RLock()
        self._use(dataset)
        self.initial_weights = self.engine.get_weights()
        # (epoch, weights) that "go back" returns to: the last epoch whose training loss was at most
        # its epoch-0 value (start_loss), or epoch 0. A loss that climbed is not a place to resume from.
        self.last_finite = (0, self.initial_weights)
        self._before = self.initial_weights  # the last recorded epoch's weights, for ‖ΔW‖/‖W‖
        layers = len(spec.sizes) - 1
        self.log = Log({**{name: 0 for name in HISTORY}, "grad_norm": layers, "update_ratio": layers})
        self.diverged = False
        self.stopped, self.stop_note, self._stop_spent = False, None, None
        self._pending, self._done, self._total, self._chunk = None, 0, 0.0, 1
        self._evaluation, self._rows = None, 256  # an epoch's end evaluated in slices, and its rows per call
        self.replay = WeightHistory(self.initial_weights)
        self.edits = []
        self.start_loss = None  # the training loss at epoch 0
        self._measure_again()

    def _use(self, dataset):
        """Trains on `dataset` from now on: its arrays, its targets, and the fixed batch of gradient health."""
        spec, task = self.spec, dataset.task
        self.dataset, self.X_train, self.X_test = dataset, dataset.X_train, dataset.X_test
        self.Y_train = targets(dataset.y_train, task, spec.n_outputs, spec.dtype)
        self.Y_test = targets(dataset.y_test, task, spec.n_outputs, spec.dtype)
        rows = np.sort(np.random.default_rng(spec.seed).choice(len(self.X_train), min(HEALTH_BATCH, len(self.X_train)),
                                                                replace=False))
        self.health_batch = self.X_train[rows], self.Y_train[rows]
        self._pending = self._evaluation = None

    def set_data(self, dataset):
        """Goes on training on other data of the same inputs and outputs (points drawn on the plane): the
        weights, the optimizer's state and the history stay; the epoch under way starts afresh."""
        with self.lock:
            self._use(dataset)

    @property
    def epoch(self):
        return self.engine.epoch

    @property
    def history(self):
        """The retained history, column by column (lists); the thinned rows are missing."""
        return {name: self.log[name].tolist() for name in HISTORY}

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

    def _measure_again(self):
        """Adds the current weights' row to the log: at once, or on a large data set of a `sliced` run in slices
        (`measure`)."""
        if not self.sliced or len(self.X_train) + len(self.X_test) <= EVALUATE_AT_ONCE:
            self._record()
        else:
            self._evaluation = Evaluation(self._evaluation_sets()[0], self.spec.n_outputs, self.spec.dtype, False)

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

    def _evaluation_sets(self):
        """The arguments of the engine's evaluate: the training and test sets, the fixed batch."""
        return ((self.X_train, self.Y_train), (self.X_test, self.Y_test)), self.health_batch

    def _record(self, evaluation=None):
        """Appends this epoch's row: losses and scores, gradient norms on the fixed batch, ‖ΔW‖/‖W‖, from
        `evaluation` (the engine's evaluate) or, without it, evaluating now. Returns the weights."""
        ds, row = self.dataset, {"epoch": self.epoch}
        results, grads, weights = evaluation or self.engine.evaluate(*self._evaluation_sets())
        for part, y, (out, loss) in zip(("train", "test"), (ds.y_train, ds.y_test), results):
            row[f"{part}_loss"] = loss
            finite = len(out) and np.isfinite(out).all()
            row[f"{part}_score"] = score(out, y, ds.task) if finite else math.nan
        self._test_outputs = out
        row["grad_norm"] = inspect.gradient_norms(grads)
        row["update_ratio"] = inspect.update_ratios(self._before, weights)
        self._before = weights
        self.log.append(**row)
        self.replay.add(self.epoch, weights)
        if self.start_loss is None:
            self.start_loss = float(row["train_loss"])
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
                                                                       *self._evaluation_sets())
                else:
                    total = self.engine.train_batches(self.X_train, self.Y_train, chunk)
                self._total += total
                self._adapt_chunk(time.perf_counter() - began, seconds)
                self._done += len(chunk)
                trained += len(chunk)
                if last and evaluation is None and math.isfinite(self._total):
                    sets = self._evaluation_sets()[0]
                    self._evaluation = Evaluation(sets, self.spec.n_outputs, self.spec.dtype)
                elif self._done == len(self._pending) or not math.isfinite(self._total):
                    self._finish_epoch(evaluation)
                    finished += 1
                if time.perf_counter() - start >= seconds:
                    break
        return finished

    def _adapt_chunk(self, took, seconds):
        """Batches per call into the engine: each call should take a fraction of a slice (a call into
        TensorFlow costs as much as many small batches, so more per call pays, but not past the slice)."""
        self._chunk = _adapted(self._chunk, took, seconds, 1, 4096)

    def _finish_epoch(self, evaluation=None):
        self.engine.epoch += 1
        loss = self._total / len(self.X_train)
        self._pending = None
        weights = self._record(evaluation)
        train_loss = float(self.log.last("train_loss"))
        if not (math.isfinite(loss) and math.isfinite(train_loss)):
            self.diverged = True
        elif train_loss <= self.start_loss:
            self.last_finite = (self.epoch, weights)
        note = self._stop_condition()
        if note is not None:
            self.stopped, self.stop_note = True, note

    def _stop_condition(self):
        """(epoch, what, value) if the epoch just finished meets the spec's stop condition, else None:
        ("epoch", N) on reaching stop_epoch; ("test_loss", loss) when the test loss has fallen to stop_value;
        ("test_score", score) when the test accuracy (R²) has reached it. A metric stops the run once: Play
        then carries on, however the metric moves, until the stop is set anew."""
        spec = self.spec
        if self.epoch == spec.stop_epoch:
            return self.epoch, "epoch", self.epoch
        if spec.stop_metric is None or (spec.stop_metric, spec.stop_value) == self._stop_spent:
            return None
        value = float(self.log.last(spec.stop_metric))
        if value <= spec.stop_value if spec.stop_metric == "test_loss" else value >= spec.stop_value:
            self._stop_spent = spec.stop_metric, spec.stop_value
            return self.epoch, spec.stop_metric, value
        return None

    def train_epoch(self):
        """Trains to the end of the epoch under way; returns False, and marks the run diverged, if the
        loss is no longer finite."""
        self.train_slice(math.inf, stop_epoch=self.epoch + 1)
        return not self.diverged

    def train_for(self, seconds, max_epochs=None):
        """Trains until `seconds` have passed, `max_epochs` epochs are done or a stop condition is met; returns
        how many epochs were done."""
        start, count = time.perf_counter(), 0
        while not self.diverged and (max_epochs is None or count < max_epochs):
            left = seconds - (time.perf_counter() - start)
            if left <= 0:
                break
            count += self.train_slice(left, None if max_epochs is None else self.epoch + max_epochs - count)
            if self.stopped:
                break
        return count

    def reconfigure(self, spec):
        """New training settings for the same network: the weights (and optimizer state) stay. A new
        batch size takes effect from the next epoch. Neurons switched off or on change the network's outputs:
        this epoch is measured again."""
        with self.lock:
            old = self.spec
            self.engine.reconfigure(spec)
            self.spec = spec
            if spec.off != old.off:
                self.restore(self.engine.get_weights())

    def edit(self, layer, row, column, value):
        """Sets W[row, column] of Dense layer `layer` (from 1), or b[column] when `row` is None, to `value`;
        every other weight and the optimizer's state stay, this epoch is measured again (as `restore` does) and
        the edit is kept in `edits`. Returns the Edit. ValueError, and nothing changed, for a value that is not
        a number within ±MAX_EDIT or a place the network does not have."""
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not abs(value) <= MAX_EDIT:
            raise ValueError(f"A weight must be a number from −{MAX_EDIT:g} to {MAX_EDIT:g}, not {value!r}.")
        with self.lock:
            weights = self.engine.get_weights()
            if not 1 <= layer <= len(weights) or not 0 <= column < weights[layer - 1][1].size or (
                    row is not None and not 0 <= row < weights[layer - 1][0].shape[0]):
                raise ValueError(f"The network has no weight at layer {layer}, row {row}, column {column}.")
            W, b = weights[layer - 1]
            target, index = (b, column) if row is None else (W, (row, column))
            old = float(target[index])
            target[index] = value
            diverged, last_finite = self.diverged, self.last_finite
            self.restore(weights)
            if diverged:   # one weight set by hand does not undo a divergence: Roll back still goes back
                self.diverged, self.last_finite = diverged, last_finite
            self.edits.append(Edit(self.epoch, layer, row, column, old, float(value)))
            return self.edits[-1]

    def roll_back(self):
        """Back to the last epoch whose training loss was at most its epoch-0 value (epoch 0 if none was),
        with a fresh optimizer: after a divergence, the epochs before the overflow had already climbed."""
        with self.lock:
            epoch, weights = self.last_finite
            self.engine = create_engine(self.engine_name, self.spec)
            self.engine.set_weights(weights)
            self.engine.epoch = epoch
            self._back_to(epoch)
            self._before = weights

    def _back_to(self, epoch):
        """The log and the replay end at `epoch`; the epoch under way starts afresh."""
        self.log.keep(int(np.searchsorted(self.log["epoch"], epoch, side="right")))
        self.replay.keep_through(epoch)
        self.edits = [edit for edit in self.edits if edit.epoch <= epoch]
        self._pending, self._evaluation, self.diverged, self.stop_note = None, None, False, None

    def continue_from(self, epoch):
        """Back to the kept epoch at or before `epoch` (the replay's "continue from here"): its weights, a
        fresh optimizer, the history and the replay up to it. Returns the epoch it went back to."""
        with self.lock:
            epoch, weights = self.replay.at(epoch)
            self.engine = create_engine(self.engine_name, self.spec)
            self.engine.set_weights(weights)
            self.engine.epoch = epoch
            self._back_to(epoch)
            self.last_finite = (epoch, self.engine.get_weights())
            self._before = self.last_finite[1]
            return epoch

    def replay_at(self, epoch):
        """What the page draws of a past epoch, as a Snapshot: the kept epoch at or before `epoch`, its
        weights, its outputs over the plane (or test predictions), and its row of the history."""
        with self.lock:
            kept, weights = self.replay.at(epoch)
            row = max(0, int(np.searchsorted(self.log["epoch"], kept, side="right")) - 1)
            outputs = layer_outputs(self.spec, weights, self.dataset.grid if self.dataset.grid is not None
                                    else self.X_test)[-1]
            boundary = outputs if self.dataset.grid is not None else None
            predicted = None
            if boundary is None and self.dataset.task == "classification":
                predicted = predicted_classes(outputs) if np.isfinite(outputs).all() else np.zeros(len(outputs), int)
            history = {name: self.log[name][row:row + 1] for name in HISTORY}
            health = {"epochs": self.log["epoch"][:0], "norms": self.log["grad_norm"][:0],
                      "ratios": self.log["update_ratio"][:0], "units": [], "unit_sample": 0, "diagnosis": ("healthy", {})}
            return Snapshot(self.id, kept, 0, 0, False, kept, history, 0, health, weights, boundary, predicted)

    def replay_frames(self, frames):
        """Up to `frames` kept epochs spread over the run, each as (epoch, training loss, outputs over the plane
        in float16): the frames of an animation of the decision boundary."""
        fn, args = self.job("replay_frames", frames)
        return fn(*args)

    def restore(self, weights):
        """Puts `weights` in the network (ValueError, and nothing changed, if they do not fit) and
        measures this epoch again; the optimizer carries on, and the restored weights count as finite."""
        with self.lock:
            self.engine.set_weights(weights)
            weights = self.engine.get_weights()
            measured = self.measured   # else this epoch's row is not in the log yet: none to take out
            if self._evaluation is not None:  # an epoch's end, or these weights, being measured: afresh
                self._pending = self._evaluation = None
            if measured and len(self.log):
                self.log.keep(len(self.log) - 1)
            self.replay.keep_through(self.epoch - 1)
            self._before = weights
            if all(np.isfinite(W).all() and np.isfinite(b).all() for W, b in weights):
                self.last_finite, self.diverged = (self.epoch, weights), False
            self._measure_again()

    def resume(self, snapshot):
        """Takes up where `snapshot` of this run's spec left off: its weights, epoch and history (as
        thinned as the snapshot's: a history with fewer rows than epochs is marked thinned before the
        snapshot's epoch, so the history's file and the charts say so). The replay starts at that epoch; the
        optimizer starts afresh. Returns the new snapshot."""
        with self.lock:
            self.engine.set_weights(snapshot.weights)
            self.engine.epoch = snapshot.epoch
            self._pending = self._evaluation = None
            self.log.keep(0)
            health = snapshot.health
            for i in range(len(snapshot.history["epoch"])):
                self.log.append(**{name: values[i] for name, values in snapshot.history.items()},
                                grad_norm=health["norms"][i], update_ratio=health["ratios"][i])
            whole = len(snapshot.history["epoch"]) == snapshot.epoch + 1
            self.log.thinned_before = snapshot.thinned_before if whole else snapshot.epoch
            self.replay = WeightHistory(snapshot.weights)
            self.replay.add(self.epoch, snapshot.weights)
            self.edits = list(snapshot.edits)
            self.diverged = snapshot.diverged
            self.last_finite = (0, self.initial_weights) if self.diverged else (self.epoch, snapshot.weights)
            self._before = snapshot.weights
            self.start_loss = float(snapshot.history["train_loss"][0])
            return self.snapshot()

    def adopt(self, weights, epoch, history):
        """Takes up a run trained elsewhere (a sweep's): its weights at `epoch` and its `history` (columns of
        HISTORY, as thinned as given). The optimizer starts afresh. Returns the new snapshot."""
        with self.lock:
            self.engine.set_weights(weights)
            self.engine.epoch = epoch
            self.log.keep(0)
            blank = np.full(self.log.widths["grad_norm"], np.nan)
            for i in range(len(history["epoch"])):
                self.log.append(**{name: history[name][i] for name in HISTORY}, grad_norm=blank, update_ratio=blank)
            self.log.thinned_before = epoch if len(history["epoch"]) < epoch + 1 else 0
            self.replay = WeightHistory(weights)
            self.replay.add(epoch, self.engine.get_weights())
            self.last_finite = (epoch, self.engine.get_weights())
            self._before = self.last_finite[1]
            self.start_loss = float(history["train_loss"][0]) if len(history["epoch"]) else self.start_loss
            self._pending, self._evaluation, self.diverged = None, None, False
            return self.snapshot()

    def weights(self):
        with self.lock:
            return self.engine.get_weights()

    def predict(self, X):
        with self.lock:
            return self.engine.predict(X)

    def trace(self, index):
        """The engine's forward and backward pass on training example `index` alone, its loss, and the
        update the optimizer would make: (weights, trace, update, loss, epoch). Nothing changes."""
        X, Y = self.X_train[index:index + 1], self.Y_train[index:index + 1]
        with self.lock:
            return (self.engine.get_weights(), self.engine.trace(X, Y), self.engine.preview_update(X, Y),
                    self.engine.loss(X, Y), self.epoch)

    def keras_file(self):
        """The network with its current weights as the bytes of a .keras file (loads TensorFlow); it takes the
        data set's unscaled inputs, scaling them first as in training."""
        fn, args = self.job("keras_file")
        return fn(*args)

    def history_table(self):
        """The retained history as columns (lists), and the epoch before which rows are thinned."""
        with self.lock:
            return self.history, self.log.thinned_before

    def gradient_check(self, examples):
        """Backpropagation against finite differences on the first `examples` training examples (the page asks
        for 16: a command of milliseconds, done in the worker's loop)."""
        with self.lock:
            weights = self.engine.get_weights()
        return inspect.gradient_check(self.spec, weights, self.X_train[:examples], self.Y_train[:examples])

    def compare_engines(self, steps):
        """The NumPy and the Keras engine from the current weights, `steps` steps each (inspect.compare_engines)."""
        fn, args = self.job("compare_engines", steps)
        return fn(*args)

    def lr_find(self):
        """The learning-rate finder (lr_finder.find) from the current weights, on the training data in the
        run's batch order from the start of the epoch under way. It trains a copy on the NumPy engine's
        network: the run, its engine and its optimizer are untouched. Returns an LRFinderResult."""
        fn, args = self.job("lr_find")
        return fn(*args)

    def job(self, method, *args):
        """A command of JOBS as (function, arguments): what it needs of the run (weights, data) is taken now,
        under the run's lock; the function then computes on its own, away from the run (the worker calls it
        in a process of its own, so that the runs beside this one go on training). The function is pure and
        touches neither the run nor its engine."""
        with self.lock:
            spec, weights = self.spec, self.engine.get_weights()
            if method == "lr_find":
                from .lr_finder import find
                return find, (spec, weights, self.X_train, self.Y_train, self.epoch)
            if method == "compare_engines":
                (steps,) = args
                return inspect.compare_engines, (spec, weights, self.X_train, self.Y_train, steps)
            if method == "keras_file":
                from .export import input_scaling
                scaling = input_scaling(getattr(self.dataset, "scaler", None))
                return keras_file_of, (spec, weights, None if scaling is None else scaling[1:])
            if method == "replay_frames":
                (frames,) = args
                epochs = np.asarray(self.replay.epochs)
                chosen = np.unique(np.round(np.linspace(0, len(epochs) - 1, min(frames, len(epochs)))).astype(int))
                kept = []
                for i in chosen:
                    epoch, past = self.replay.at(int(epochs[i]))
                    row = max(0, int(np.searchsorted(self.log["epoch"], epoch, side="right")) - 1)
                    kept.append((epoch, float(self.log["train_loss"][row]), past))
                return boundary_frames, (spec, self.dataset.grid, kept)
        raise KeyError(f"{method} is not one of a run's jobs")

    def snapshot(self, views=True):
        """What the page draws now: counters, the history thinned to MAX_POINTS rows, gradient health,
        the weights, and with `views` the outputs over the plane (or the test predictions)."""
        with self.lock:
            log, rows = self.log, self.log.rows(MAX_POINTS)
            history = {name: log[name][rows] for name in HISTORY}
            recent = slice(max(0, len(log) - VERDICT_WINDOW), len(log))
            weights = self.engine.get_weights()
            units = inspect.unit_health(weights[:-1], self.spec.activations, self.X_train[:UNIT_SAMPLE])
            health = {"epochs": log["epoch"][rows], "norms": log["grad_norm"][rows],
                      "ratios": log["update_ratio"][rows], "units": units, "unit_sample": min(UNIT_SAMPLE, len(self.X_train)),
                      "diagnosis": inspect.diagnose(log["grad_norm"][recent], log["update_ratio"][recent], units)}
            boundary = predicted = None
            if views and self.dataset.grid is not None:
                boundary = self.engine.predict(self.dataset.grid)
            elif views and self.dataset.task == "classification":
                out = self._test_outputs
                predicted = predicted_classes(out) if np.isfinite(out).all() else np.zeros(len(out), int)
            return Snapshot(self.id, self.epoch, self.batch, self.batches, self.diverged, self.last_finite[0],
                            history, log.thinned_before, health, weights, boundary, predicted,
                            self.stop_note if self.stop_note and self.stop_note[0] == self.epoch else None,
                            edits=tuple(self.edits))
