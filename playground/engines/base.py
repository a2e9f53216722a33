"""The Engine contract, and what every engine shares: initial weights, batch order, the shape check.

An engine trains one network, described by a NetworkSpec. `Engine` below declares every method
of the contract, each with what it promises; an engine subclasses it and implements the
abstract ones (Python refuses to create an engine that misses one). tests/test_engine_contract.py
holds every engine in ENGINES to the same promises, against the NumPy engine's numbers.

Engines given one spec start from the same weights (`initial_weights`), visit the data in the
same order (`epoch_batches`) and drop the same outputs in each training step (`dropout_masks`), so
they follow the same trajectory up to rounding.
"""
import math
from abc import ABC, abstractmethod

import numpy as np

from ..nn import INITIALIZERS
from ..nn.initializers import OUTPUT_GAIN


def initial_weights(spec):
    """The weights every engine starts from: drawn once from spec.seed; biases are zero. The output layer's
    weights are the draw times OUTPUT_GAIN, so that the untrained network starts near a guess."""
    rng = np.random.default_rng(spec.seed)
    init = INITIALIZERS[spec.initializer]
    sizes = list(zip(spec.sizes[:-1], spec.sizes[1:]))
    return [((init(rng, n_in, n_out) * (OUTPUT_GAIN if l == len(sizes) - 1 else 1)).astype(spec.dtype),
             np.zeros(n_out, spec.dtype)) for l, (n_in, n_out) in enumerate(sizes)]


def epoch_batches(n, batch_size, seed, epoch):
    """The slices of one shuffled epoch: a permutation of range(n) seeded by (seed, epoch),
    cut into batches of batch_size; the last, smaller batch is kept."""
    order = np.random.default_rng([seed, epoch]).permutation(n)
    return order, [slice(i, min(i + batch_size, n)) for i in range(0, n, batch_size)]


def dropout_masks(spec, step, n):
    """Inverted dropout's masks for optimizer step `step` on a batch of n examples, drawn from (spec.seed,
    step), the same in every engine: per hidden layer with a rate p > 0, an (n, width) array that keeps each
    output with probability 1 − p and scales it by 1/(1 − p) (so its expected value is unchanged, and the
    network is used as it is, without dropout, in evaluation), else 0; None for a layer at rate 0."""
    rng = np.random.default_rng([spec.seed, step, 1])
    return [None if p == 0 else ((rng.random((n, width)) >= p) / (1 - p)).astype(spec.dtype)
            for width, p in zip(spec.hidden, spec.dropout_rates)]


def uses_dropout(spec):
    return any(spec.dropout_rates)


def check_weights(weights, spec):
    """Raises ValueError naming the first layer whose shapes do not fit spec: the one shape check
    of every engine's set_weights."""
    sizes = spec.sizes
    if len(weights) != len(sizes) - 1:
        raise ValueError(f"These weights have {len(weights)} layers; the network has {len(sizes) - 1}.")
    for i, ((W, b), n_in, n_out) in enumerate(zip(weights, sizes[:-1], sizes[1:]), start=1):
        if np.shape(W) != (n_in, n_out) or np.shape(b) != (n_out,):
            raise ValueError(f"Layer {i}: expected W of shape {(n_in, n_out)} and b of shape {(n_out,)}, "
                             f"got {np.shape(W)} and {np.shape(b)}.")


class Engine(ABC):
    """One network, trained as its NetworkSpec says. X is (n, n_inputs); Y is (n, n_outputs) of
    0/1, one-hot rows or real values. `epoch` counts the epochs trained by train_epoch."""

    name = ""

    def __init__(self, spec):
        self.spec = spec
        self.epoch = 0

    def __repr__(self):
        """NumpyEngine(2 → 4 → 2 → 1, tanh, tanh, sigmoid; sgd at 0.03; epoch 12)."""
        spec = self.spec
        sizes = " → ".join(str(n) for n in (spec.n_inputs, *spec.hidden, spec.n_outputs))
        activations = ", ".join((*spec.activations, spec.output_activation))
        return (f"{type(self).__name__}({sizes}, {activations}; {spec.optimizer} at {spec.learning_rate:g}; "
                f"epoch {self.epoch})")

    @abstractmethod
    def get_weights(self):
        """A list of (W, b) per Dense layer, W of shape (n_in, n_out), b of shape (n_out,); copies."""

    @abstractmethod
    def set_weights(self, weights):
        """Puts the weights in, the same structure as get_weights gives; a wrong shape raises
        ValueError naming the layer (`check_weights`), and nothing is changed."""

    @abstractmethod
    def predict(self, X):
        """(n, n_inputs) -> (n, n_outputs): the output activation's values."""

    @abstractmethod
    def loss(self, X, Y):
        """The mean data loss on X, Y, without the penalty."""

    @abstractmethod
    def gradients(self, X, Y):
        """A list of (dW, db) per Dense layer: the gradient of (mean data loss + penalty) on that batch."""

    @abstractmethod
    def train_batch(self, X, Y):
        """One optimizer step on the batch; returns its loss before the step (data + penalty)."""

    def train_batches(self, X, Y, batches):
        """One optimizer step on X[i], Y[i] for each array of indices i in turn; returns the sum over
        those batches of (batch loss × batch size)."""
        X, Y = self._prepare(X), self._prepare(Y)
        total = 0.0
        for i in batches:
            total += self.train_batch(X[i], Y[i]) * len(i)
        return total

    def train_epoch(self, X, Y):
        """One pass over the data in batches of spec.batch_size, in the shared order (`epoch_batches`);
        returns the mean loss per sample, as Keras's fit reports it."""
        order, batches = epoch_batches(len(X), self.spec.batch_size, self.spec.seed, self.epoch)
        self.epoch += 1
        return self.train_batches(X, Y, [order[s] for s in batches]) / len(X)

    def evaluate(self, sets, health):
        """What a run records after each epoch, in one call, so an engine may compute it in one pass:
        for each (X, Y) in `sets`, (predict(X), loss(X, Y)) (no rows and a NaN loss for an empty set);
        then gradients(*health) and get_weights()."""
        results = [(self.predict(X), self.loss(X, Y)) if len(X)
                   else (np.zeros((0, self.spec.n_outputs), self.spec.dtype), math.nan) for X, Y in sets]
        return results, self.gradients(*health), self.get_weights()

    def train_and_evaluate(self, X, Y, batches, sets, health):
        """train_batches(X, Y, batches), then evaluate(sets, health), as a run ends each epoch; an engine
        may do both in one pass. Returns both results."""
        return self.train_batches(X, Y, batches), self.evaluate(sets, health)

    def reconfigure(self, spec):
        """Takes new training settings (learning rate and its schedule, batch size, penalties, optimizer)
        and keeps the weights; the optimizer keeps its state, step count included, unless the optimizer
        itself changed, so a new schedule carries on from the steps taken (as a Keras schedule does, from
        `optimizer.iterations`). A spec of another network raises ValueError."""
        if not self.spec.same_network(spec):
            raise ValueError("That spec describes another network: create a new engine for it.")
        old, self.spec = self.spec, spec
        self._apply_training_settings(old)

    @abstractmethod
    def _apply_training_settings(self, old):
        """Makes self.spec's training settings take effect; `old` is the spec they replace."""

    def to_keras(self):
        """A compiled keras.Model holding the current weights."""
        from .keras_support import keras_model
        return keras_model(self.spec, self.get_weights())

    @abstractmethod
    def trace(self, X, Y):
        """One forward and backward pass on the batch, layer by layer: a list with, per Dense layer, a
        dict of arrays "a_in" (its input), "z" = a_in·W + b, "a" = f(z), "delta" = ∂L/∂z (one row per
        example), "dW" = a_inᵀ·delta (+ the penalty's gradient) and "db" = Σ delta over the batch. L is
        the mean data loss + penalty, so dW, db are those of gradients(X, Y)."""

    @abstractmethod
    def preview_update(self, X, Y):
        """A list of (ΔW, Δb) per Dense layer: what one train_batch(X, Y) would add to the weights under
        the current optimizer and its state. The weights and the optimizer's state are left as they were."""

    def _prepare(self, A):
        return np.ascontiguousarray(A, dtype=self.spec.dtype)
