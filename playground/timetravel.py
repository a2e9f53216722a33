"""Time travel through a run: its past kept in bounded memory, and the commands that read it or go back to it.

A run's `Timeline` keeps a row of numbers per epoch (the log: losses, scores, gradient health) and the weights of past
epochs (the replay), recent ones in full and older ones thinned, so a run that plays all lesson long keeps its whole
story; with them the weights set by hand and where "go back" leads. The functions below are commands of a run
(playground/commands.py): the replay of a past epoch, its frames, going back to an epoch, taking up a past kept
elsewhere (a snapshot, a sweep's run).
"""
import math

import numpy as np

from .engines import create_engine
from .evaluation import layer_outputs, predicted_classes
from .inspect import gradient_norms, update_ratios
from .snapshot import HISTORY, Snapshot

REPLAY_BYTES = 10 * 2**20   # the weights a run keeps for its replay: a byte budget…
REPLAY_MOST = 20_000        # …and a number of snapshots (a small network reaches this first)


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



class Timeline:
    """A run's past: the log (a row per epoch, columns HISTORY and each layer's gradient norm and update ratio), the
    replay (WeightHistory), the weights set by hand (Edit), and `last_finite`, the (epoch, weights) that "go back"
    returns to: the last epoch whose training loss was at most its epoch-0 value, or epoch 0. A loss that climbed is
    not a place to resume from."""

    def __init__(self, weights):
        layers = len(weights)
        self.log = Log({**{name: 0 for name in HISTORY}, "grad_norm": layers, "update_ratio": layers})
        self.replay = WeightHistory(weights)
        self.edits = []
        self.last_finite = (0, weights)
        self.before = weights   # the last recorded epoch's weights, for ‖ΔW‖/‖W‖
        self.start_loss = None  # the training loss at epoch 0

    def record(self, row, grads, weights):
        """Adds an epoch's row (its losses and scores) to the log, with each layer's gradient norm (of `grads`) and
        update ratio ‖ΔW‖/‖W‖ since the last recorded weights; and its `weights` to the replay."""
        self.log.append(**row, grad_norm=gradient_norms(grads), update_ratio=update_ratios(self.before, weights))
        self.replay.add(row["epoch"], weights)
        self.before = weights
        if self.start_loss is None:
            self.start_loss = float(row["train_loss"])

    def redo(self, epoch, measured, weights):
        """The network's weights were changed from outside at `epoch` to `weights`: the epoch's row (if it was
        `measured`) and its replay go, to be measured again. Finite weights are a place to go back to: returns
        whether they are."""
        if measured and len(self.log):
            self.log.keep(len(self.log) - 1)
        self.replay.keep_through(epoch - 1)
        self.before = weights
        finite = all(np.isfinite(W).all() and np.isfinite(b).all() for W, b in weights)
        if finite:
            self.last_finite = (epoch, weights)
        return finite

    def keep_through(self, epoch):
        """Forgets what came after `epoch`: the log's rows, the replay's weights, the edits."""
        self.log.keep(int(np.searchsorted(self.log["epoch"], epoch, side="right")))
        self.replay.keep_through(epoch)
        self.edits = [edit for edit in self.edits if edit.epoch <= epoch]

    def take_up(self, epoch, weights, history, norms, ratios, thinned_before):
        """Starts again from a past kept elsewhere: the log holds `history` (columns of HISTORY) with the gradient
        `norms` and update `ratios` of each row, thinned before `thinned_before`; the replay starts at `epoch`."""
        self.log.keep(0)
        for i in range(len(history["epoch"])):
            self.log.append(**{name: history[name][i] for name in HISTORY}, grad_norm=norms[i], update_ratio=ratios[i])
        self.log.thinned_before = thinned_before
        self.replay = WeightHistory(weights)
        self.replay.add(epoch, weights)

    def row(self, epoch):
        """The index of the log's row of `epoch`, or of the latest one before it."""
        return max(0, int(np.searchsorted(self.log["epoch"], epoch, side="right")) - 1)

    @property
    def history(self):
        """The retained history, column by column (lists); the thinned rows are missing."""
        return {name: self.log[name].tolist() for name in HISTORY}


def roll_back(run):
    """Back to the last epoch whose training loss was at most its epoch-0 value (epoch 0 if none was), with a fresh
    optimizer: after a divergence, the epochs before the overflow had already climbed."""
    with run.lock:
        _go_back(run, *run.timeline.last_finite)


def continue_from(run, epoch):
    """Back to the kept epoch at or before `epoch` (the replay's "continue from here"): its weights, a fresh
    optimizer, the history and the replay up to it. Returns the epoch it went back to."""
    with run.lock:
        epoch, weights = run.timeline.replay.at(epoch)
        _go_back(run, epoch, weights)
        run.timeline.last_finite = (epoch, run.engine.get_weights())
        return epoch


def _go_back(run, epoch, weights):
    """The run back at `epoch` with `weights` and a fresh optimizer: its timeline ends there."""
    run.engine = create_engine(run.engine_name, run.spec)
    run.take_up(weights, epoch)
    run.timeline.keep_through(epoch)
    run.diverged, run.stop_note = False, None


def replay_at(run, epoch):
    """What the page draws of a past epoch, as a Snapshot: the kept epoch at or before `epoch`, its weights, its
    outputs over the plane (or test predictions), and its row of the history."""
    with run.lock:
        timeline, dataset = run.timeline, run.dataset
        kept, weights = timeline.replay.at(epoch)
        row, log = timeline.row(kept), timeline.log
        outputs = layer_outputs(run.spec, weights, dataset.grid if dataset.grid is not None else run.X_test)[-1]
        boundary = outputs if dataset.grid is not None else None
        predicted = None
        if boundary is None and dataset.task == "classification":
            predicted = predicted_classes(outputs) if np.isfinite(outputs).all() else np.zeros(len(outputs), int)
        history = {name: log[name][row:row + 1] for name in HISTORY}
        health = {"epochs": log["epoch"][:0], "norms": log["grad_norm"][:0], "ratios": log["update_ratio"][:0],
                  "units": [], "unit_sample": 0, "diagnosis": ("healthy", {})}
        return Snapshot(run.id, kept, 0, 0, False, kept, history, 0, health, weights, boundary, predicted)


def replay_frames(run, frames):
    """A job (commands.py): up to `frames` kept epochs spread over the run, taken now, and `boundary_frames` to
    draw each over the plane: the frames of an animation of the decision boundary."""
    with run.lock:
        timeline = run.timeline
        epochs = np.asarray(timeline.replay.epochs)
        chosen = np.unique(np.round(np.linspace(0, len(epochs) - 1, min(frames, len(epochs)))).astype(int))
        kept = []
        for i in chosen:
            epoch, past = timeline.replay.at(int(epochs[i]))
            kept.append((epoch, float(timeline.log["train_loss"][timeline.row(epoch)]), past))
        return boundary_frames, (run.spec, run.dataset.grid, kept)


def boundary_frames(spec, grid, kept):
    """(epoch, training loss, outputs over the plane `grid` in float16) for each (epoch, loss, weights) of `kept`."""
    return [(epoch, loss, layer_outputs(spec, weights, grid)[-1].astype(np.float16)) for epoch, loss, weights in kept]


def resume(run, snapshot):
    """Takes up where `snapshot` of the run's spec left off: its weights, epoch and history (as thinned as the
    snapshot's: a history with fewer rows than epochs is marked thinned before the snapshot's epoch, so the history's
    file and the charts say so). The replay starts at that epoch; the optimizer starts afresh. Returns the new
    snapshot."""
    with run.lock:
        run.take_up(snapshot.weights, snapshot.epoch)
        health, whole = snapshot.health, len(snapshot.history["epoch"]) == snapshot.epoch + 1
        timeline = run.timeline
        timeline.take_up(snapshot.epoch, snapshot.weights, snapshot.history, health["norms"], health["ratios"],
                         snapshot.thinned_before if whole else snapshot.epoch)
        timeline.edits = list(snapshot.edits)
        run.diverged = snapshot.diverged
        timeline.last_finite = (0, run.initial_weights) if run.diverged else (run.epoch, snapshot.weights)
        timeline.start_loss = float(snapshot.history["train_loss"][0])
        return run.snapshot()


def adopt(run, weights, epoch, history):
    """Takes up a run trained elsewhere (a sweep's): its weights at `epoch` and its `history` (columns of HISTORY, as
    thinned as given). The optimizer starts afresh. Returns the new snapshot."""
    with run.lock:
        run.take_up(weights, epoch)
        weights, timeline = run.engine.get_weights(), run.timeline
        blank = [np.full(timeline.log.widths["grad_norm"], np.nan)] * len(history["epoch"])
        timeline.take_up(epoch, weights, history, blank, blank, epoch if len(history["epoch"]) < epoch + 1 else 0)
        timeline.last_finite = (epoch, weights)
        timeline.start_loss = float(history["train_loss"][0]) if len(history["epoch"]) else timeline.start_loss
        run.diverged = False
        return run.snapshot()
