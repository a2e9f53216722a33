"""The Engine contract, and what every engine shares: initial weights and batch order.

An engine trains one network, described by a NetworkSpec:

    get_weights()      list of (W, b) per Dense layer, W (n_in, n_out), b (n_out,); copies
    set_weights(w)     the same structure; a wrong shape raises ValueError naming the layer
    predict(X)         (n, n_inputs) -> (n, n_outputs), the output activation's values
    loss(X, Y)         mean data loss, no penalty
    gradients(X, Y)    list of (dW, db) of (mean data loss + penalty) on that batch
    train_batch(X, Y)  one optimizer step; returns that batch's loss (data + penalty)
    train_epoch(X, Y)  one pass in batches of spec.batch_size; returns the mean loss per sample

and, beyond that:

    reconfigure(spec)  take new training settings (learning rate, batch size, penalties,
                       optimizer) and keep the weights; the optimizer keeps its state unless
                       the optimizer itself changed. A spec of another network raises ValueError.
    to_keras()         a keras.Model holding the current weights.
    trace(X, Y)        one forward and backward pass on that batch, layer by layer: a list with,
                       per Dense layer, a dict of arrays "a_in" (its input), "z" = a_in·W + b,
                       "a" = f(z), "delta" = ∂L/∂z (one row per example), "dW" = a_inᵀ·delta
                       (+ the penalty's gradient) and "db" = Σ delta over the batch; L is the mean
                       data loss + penalty, so dW, db are those of gradients(X, Y).
    preview_update(X, Y)  list of (ΔW, Δb) per Dense layer: what one train_batch(X, Y) would add
                       to the weights under the current optimizer and its state. The weights and
                       the optimizer's state are left as they were.

Engines given one spec start from the same weights (`initial_weights`) and visit the data
in the same order (`epoch_batches`), so they follow the same trajectory up to rounding.
"""
import numpy as np

from ..nn import INITIALIZERS


def initial_weights(spec):
    """The weights every engine starts from: drawn once from spec.seed; biases are zero."""
    rng = np.random.default_rng(spec.seed)
    init = INITIALIZERS[spec.initializer]
    return [(init(rng, n_in, n_out).astype(spec.dtype), np.zeros(n_out, spec.dtype))
            for n_in, n_out in zip(spec.sizes[:-1], spec.sizes[1:])]


def epoch_batches(n, batch_size, seed, epoch):
    """The slices of one shuffled epoch: a permutation of range(n) seeded by (seed, epoch),
    cut into batches of batch_size; the last, smaller batch is kept."""
    order = np.random.default_rng([seed, epoch]).permutation(n)
    return order, [slice(i, min(i + batch_size, n)) for i in range(0, n, batch_size)]


def check_weights(weights, spec):
    """Raises ValueError naming the first layer whose shapes do not fit spec."""
    sizes = spec.sizes
    if len(weights) != len(sizes) - 1:
        raise ValueError(f"These weights have {len(weights)} layers; the network has {len(sizes) - 1}.")
    for i, ((W, b), n_in, n_out) in enumerate(zip(weights, sizes[:-1], sizes[1:]), start=1):
        if np.shape(W) != (n_in, n_out) or np.shape(b) != (n_out,):
            raise ValueError(f"Layer {i}: expected W of shape {(n_in, n_out)} and b of shape {(n_out,)}, "
                             f"got {np.shape(W)} and {np.shape(b)}.")


class Engine:
    """What the engines share: the spec, the epoch counter, reconfigure and batching."""

    name = ""

    def __init__(self, spec):
        self.spec = spec
        self.epoch = 0

    def reconfigure(self, spec):
        if not self.spec.same_network(spec):
            raise ValueError("That spec describes another network: create a new engine for it.")
        old, self.spec = self.spec, spec
        self._apply_training_settings(old)

    def _apply_training_settings(self, old):
        raise NotImplementedError

    def train_epoch(self, X, Y):
        X, Y = self._prepare(X), self._prepare(Y)
        order, batches = epoch_batches(len(X), self.spec.batch_size, self.spec.seed, self.epoch)
        self.epoch += 1
        return self._train_batches(X, Y, [order[s] for s in batches])

    def _prepare(self, A):
        return np.ascontiguousarray(A, dtype=self.spec.dtype)

    def _train_batches(self, X, Y, batches):
        """Trains on X[i], Y[i] for each array of indices i in turn; returns the mean loss per sample."""
        total = 0.0
        for i in batches:
            total += self.train_batch(X[i], Y[i]) * len(i)
        return total / len(X)

    def to_keras(self):
        from .keras_support import keras_model
        return keras_model(self.spec, self.get_weights())
