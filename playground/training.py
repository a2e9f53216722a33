"""A training run: one engine on one data set, with its history, counters and snapshots.

The page drives training only through a TrainingRun: it trains for a time budget on each
tick, reports what happened, and holds what the plots need. A run is one person's: it
lives in that browser session's state, and its lock keeps two overlapping reruns of the
same session from training it at once.
"""
import itertools
import math
import threading
import time

import numpy as np

from . import inspect
from .engines import create_engine
from .nn import get_activation


HEALTH_BATCH = 64


def targets(y, task, n_outputs):
    """Engine targets for labels y: reals (n, 1); 0/1 (n, 1) for one output; one-hot otherwise."""
    if task == "regression" or n_outputs == 1:
        return np.asarray(y, np.float64).reshape(-1, 1)
    return np.eye(n_outputs)[np.asarray(y, int)]


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


_RUN_IDS = itertools.count(1)


class TrainingRun:
    """Trains `engine_name` on `dataset` as `spec` says; `history` has one row per epoch."""

    def __init__(self, engine_name, spec, dataset):
        self.engine_name, self.spec, self.dataset = engine_name, spec, dataset
        self.engine = create_engine(engine_name, spec)
        task = dataset.task
        self.X_train, self.X_test = dataset.X_train, dataset.X_test
        self.Y_train = targets(dataset.y_train, task, spec.n_outputs).astype(spec.dtype)
        self.Y_test = targets(dataset.y_test, task, spec.n_outputs).astype(spec.dtype)
        self.id = next(_RUN_IDS)
        self.lock = threading.RLock()
        self.initial_weights = self.engine.get_weights()
        self.last_finite = (0, self.initial_weights)
        self.history = {"epoch": [], "train_loss": [], "test_loss": [], "train_score": [], "test_score": []}
        self.diverged = False
        self._evaluate()
        self._start_health()

    @property
    def epoch(self):
        return self.engine.epoch

    def _evaluate(self):
        """Appends this epoch's losses and scores to the history."""
        ds, h = self.dataset, self.history
        h["epoch"].append(self.epoch)
        for part, X, Y, y in (("train", self.X_train, self.Y_train, ds.y_train),
                              ("test", self.X_test, self.Y_test, ds.y_test)):
            out = self.engine.predict(X)
            loss = self.engine.loss(X, Y) if len(X) else math.nan
            h[f"{part}_loss"].append(loss)
            h[f"{part}_score"].append(score(out, y, ds.task) if len(X) and np.isfinite(out).all() else math.nan)

    def train_epoch(self):
        """One epoch; returns False, and marks the run diverged, if the loss is no longer finite."""
        with np.errstate(over="ignore", invalid="ignore"):  # divergence is reported, not warned about
            loss = self.engine.train_epoch(self.X_train, self.Y_train)
            self._evaluate()
            weights = self.engine.get_weights()
            self._record_health(weights)
        if not (math.isfinite(loss) and math.isfinite(self.history["train_loss"][-1])):
            self.diverged = True
            return False
        self.last_finite = (self.epoch, weights)
        return True

    def _start_health(self):
        """Gradient health is measured each epoch on one fixed batch of HEALTH_BATCH training examples."""
        n = len(self.X_train)
        rows = np.sort(np.random.default_rng(self.spec.seed).choice(n, min(HEALTH_BATCH, n), replace=False))
        self.health_batch = self.X_train[rows], self.Y_train[rows]
        self.health = inspect.HealthLog(len(self.initial_weights))
        self._record_health(self.initial_weights)

    def _record_health(self, weights):
        """Appends this epoch's gradient norm per layer, on the fixed batch, and ‖ΔW‖/‖W‖ over the epoch."""
        self.health.append(self.epoch, inspect.gradient_norms(self.engine.gradients(*self.health_batch)),
                           inspect.update_ratios(self.last_finite[1], weights))

    def train_for(self, seconds, max_epochs=None):
        """Trains whole epochs until `seconds` have passed (at least one); returns how many ran."""
        start, count = time.perf_counter(), 0
        while not self.diverged and (max_epochs is None or count < max_epochs):
            self.train_epoch()
            count += 1
            if time.perf_counter() - start >= seconds:
                break
        return count

    def reconfigure(self, spec):
        """New training settings for the same network: the weights (and optimizer state) stay."""
        self.engine.reconfigure(spec)
        self.spec = spec

    def roll_back(self):
        """Back to the last epoch whose loss was finite, with a fresh optimizer."""
        epoch, weights = self.last_finite
        self.engine = create_engine(self.engine_name, self.spec)
        self.engine.set_weights(weights)
        self.engine.epoch = epoch
        keep = self.history["epoch"].index(epoch) + 1
        for values in self.history.values():
            del values[keep:]
        self.health.truncate(keep)
        self.diverged = False

    def restore(self, weights):
        """Puts `weights` in the network (ValueError, and nothing changed, if they do not fit) and
        measures this epoch again; the optimizer carries on, and the restored weights count as finite."""
        self.engine.set_weights(weights)
        weights = self.engine.get_weights()
        for values in self.history.values():
            values.pop()
        self.health.truncate(len(self.history["epoch"]))
        self.last_finite, self.diverged = (self.epoch, weights), False
        self._evaluate()
        self._record_health(weights)

    def layer_outputs(self, X, weights=None):
        """Each Dense layer's output for inputs X: a⁽⁰⁾ = X, a⁽ˡ⁾ = f(a⁽ˡ⁻¹⁾·W⁽ˡ⁾ + b⁽ˡ⁾).

        Computed with playground.nn's activations on the current weights of whichever engine
        trains (or on `weights`, as get_weights gives them): both engines use the same formulas,
        so this is exact for either, up to float32 rounding.
        """
        a, outputs = np.asarray(X, np.float32), []
        names = (*self.spec.activations, self.spec.output_activation)
        for (W, b), name in zip(weights or self.engine.get_weights(), names):
            a = get_activation(name).forward(a @ W + b)
            outputs.append(a)
        return outputs
