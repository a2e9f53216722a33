"""Dense: a layer of neurons, each with a weight per input and a bias.

A neuron is a column of its layer: neuron j has the weights W[:, j] (one per input), the
bias b[j] and the layer's activation f, and computes z_j = a·W[:, j] + b[j], a'_j = f(z_j).
A layer computes all its neurons at once, as one matrix product; `Dense.neurons` shows them
one by one (`Neuron`).

A batch is a matrix with one example per row and W has shape (n_in, n_out), as in Keras,
so a layer computes z = a·W + b and a' = f(z). (The column-vector form z = W·a + b of a
single example is the same computation, transposed.)
"""
from typing import NamedTuple

import numpy as np


class Neuron(NamedTuple):
    """One neuron of a Dense layer, to look at: its weights (a read-only view of a column of W,
    so it follows training), its bias and its activation."""
    weights: np.ndarray
    bias: float
    activation: object


class Dense:
    """output = activation(dot(input, W) + b)."""

    def __init__(self, n_in, n_out, activation, dtype="float32"):
        self.n_in, self.n_out, self.activation = n_in, n_out, activation
        self.W = np.zeros((n_in, n_out), dtype)
        self.b = np.zeros(n_out, dtype)
        self.dW = np.zeros_like(self.W)
        self.db = np.zeros_like(self.b)

    def __repr__(self):
        """Dense(2 → 4, tanh): inputs, neurons and activation, as a student draws the layer."""
        return f"Dense({self.n_in} → {self.n_out}, {self.activation.name})"

    @property
    def neurons(self):
        """The layer's neurons, one per column of W."""
        neurons = []
        for j in range(self.n_out):
            weights = self.W[:, j]
            weights.flags.writeable = False
            neurons.append(Neuron(weights, float(self.b[j]), self.activation))
        return neurons

    def forward(self, a_in):
        """z = a_in·W + b, a = f(z); both are kept for the backward pass."""
        self.a_in = a_in
        self.z = a_in @ self.W
        self.z += self.b
        self.a = self.activation.forward(self.z)
        return self.a

    def apply(self, a_in):
        """f(a_in·W + b), as `forward` computes it, keeping nothing: the prediction path."""
        z = a_in @ self.W
        z += self.b
        return self.activation.forward(z)

    def forget(self):
        """Drops what the last forward and backward passes kept: on the whole data set, or the plane's grid,
        that is megabytes per layer."""
        self.a_in = self.z = self.a = self.delta = None

    def backward(self, grad_a, input_grad=True):
        """From ∂L/∂a: ∂L/∂z = ∂L/∂a · f'(z), then `backward_z`."""
        return self.backward_z(self.activation.backward(self.z, self.a, grad_a), input_grad)

    def backward_z(self, delta, input_grad=True):
        """From δ = ∂L/∂z (kept, for a look at the backward pass): ∂L/∂W = a_inᵀ·δ, ∂L/∂b = Σ δ over
        the batch; returns ∂L/∂a_in = δ·Wᵀ."""
        self.delta = delta
        np.matmul(self.a_in.T, delta, out=self.dW)
        np.sum(delta, axis=0, out=self.db)
        return delta @ self.W.T if input_grad else None
