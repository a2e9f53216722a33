"""The NumPy engine: playground.nn behind the Engine contract.

It is fastest with BLAS on one thread: a process that trains calls
`playground.startup.configure_process()` first (importing this module changes nothing).
"""
import copy

from ..nn import NeuralNetwork, get_optimizer, schedule_of
from .base import Engine, check_weights, dropout_masks, initial_weights, uses_dropout


class NumpyEngine(Engine):
    name = "numpy"

    def __init__(self, spec):
        super().__init__(spec)
        self.network = NeuralNetwork(spec.sizes, (*spec.activations, spec.output_activation), spec.loss,
                                     spec.l1, spec.l2, spec.dtype, spec.clip_norm)
        self.network.set_weights(initial_weights(spec))
        self.network.switch_off(spec.off)
        self.optimizer = get_optimizer(spec.optimizer, schedule_of(spec))

    def _apply_training_settings(self, old):
        """A new schedule (or rate) carries on from the optimizer's step count; a new optimizer starts at 0."""
        self.network.l1, self.network.l2, self.network.clip_norm = self.spec.l1, self.spec.l2, self.spec.clip_norm
        self.network.switch_off(self.spec.off)
        if self.spec.optimizer != old.optimizer:
            self.optimizer = get_optimizer(self.spec.optimizer, schedule_of(self.spec))
        self.optimizer.learning_rate = schedule_of(self.spec)

    def get_weights(self):
        return self.network.get_weights()

    def set_weights(self, weights):
        check_weights(weights, self.spec)
        self.network.set_weights(weights)

    def predict(self, X):
        out = self.network.predict(self._prepare(X))
        return out if out.base is None else out.copy()  # a new array, never a view of one the network holds

    def loss(self, X, Y):
        return self.network.loss(self._prepare(X), self._prepare(Y))

    def gradients(self, X, Y):
        return self.network.gradients(self._prepare(X), self._prepare(Y))

    def train_batch(self, X, Y):
        return self.network.train_batch(self._prepare(X), self._prepare(Y), self.optimizer, self._masks(len(X)))

    def _masks(self, n):
        """The dropout masks of the coming step (`dropout_masks`), or None without dropout."""
        return dropout_masks(self.spec, self.optimizer.iterations, n) if uses_dropout(self.spec) else None

    def trace(self, X, Y):
        """The network's own forward and backward pass on the batch, read off each layer:
        z, a, and δ = ∂L/∂z with δ⁽ˡ⁾ = (δ⁽ˡ⁺¹⁾·W⁽ˡ⁺¹⁾ᵀ) ⊙ f′(z⁽ˡ⁾); a switched-off neuron's a is 0."""
        net = self.network
        net.forward(self._prepare(X))
        net.backward(self._prepare(Y))
        return [{"a_in": layer.a_in, "z": layer.z, "a": layer.a if keep is None else layer.a * keep,
                 "delta": layer.delta, "dW": layer.dW.copy(), "db": layer.db.copy()}
                for layer, keep in zip(net.layers, [*net.keep, None])]

    def preview_update(self, X, Y):
        """One step of a copy of the optimizer on the batch's (clipped) gradients, with the coming step's dropout;
        the weights are put back."""
        net, before = self.network, self.get_weights()
        net.forward(self._prepare(X), self._masks(len(X)))
        net.backward(self._prepare(Y))
        net.clip_gradients()
        saved = net.params.copy()
        net.step(copy.deepcopy(self.optimizer))
        after = self.get_weights()
        net.params[...] = saved
        return [(W1 - W0, b1 - b0) for (W0, b0), (W1, b1) in zip(before, after)]
