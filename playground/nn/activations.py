"""Activation functions: each has a forward pass a = f(z) and a backward pass.

`backward(z, a, grad)` takes ∂L/∂a and returns ∂L/∂z = ∂L/∂a · f'(z) (the chain rule);
it gets both z and a = f(z) because most derivatives are cheapest from one of them.
Every formula is written so that inputs of ±1000 stay finite and raise no warning.
"""
import numpy as np


class ActivationFunction:
    name = ""

    def forward(self, z):
        raise NotImplementedError

    def backward(self, z, a, grad):
        raise NotImplementedError


class Linear(ActivationFunction):
    """f(z) = z;  f'(z) = 1."""
    name = "linear"

    def forward(self, z):
        return z

    def backward(self, z, a, grad):
        return grad


class Sigmoid(ActivationFunction):
    """f(z) = 1 / (1 + e^(−z));  f'(z) = f(z)·(1 − f(z)).

    Computed as (1 + tanh(z/2)) / 2, the same function without overflow in e^(−z).
    """
    name = "sigmoid"

    def forward(self, z):
        a = np.tanh(z * 0.5)
        a += 1
        a *= 0.5
        return a

    def backward(self, z, a, grad):
        return grad * a * (1 - a)


class Tanh(ActivationFunction):
    """f(z) = tanh(z);  f'(z) = 1 − f(z)²."""
    name = "tanh"

    def forward(self, z):
        return np.tanh(z)

    def backward(self, z, a, grad):
        return grad * (1 - a * a)


class ReLU(ActivationFunction):
    """f(z) = max(0, z);  f'(z) = 1 if z > 0 else 0."""
    name = "relu"

    def forward(self, z):
        return np.maximum(z, 0)

    def backward(self, z, a, grad):
        return grad * (z > 0)


class LeakyReLU(ActivationFunction):
    """f(z) = z if z > 0 else 0.2·z;  f'(z) = 1 or 0.2 (Keras's default slope)."""
    name = "leaky_relu"
    negative_slope = 0.2

    def forward(self, z):
        return np.where(z > 0, z, self.negative_slope * z)

    def backward(self, z, a, grad):
        return np.where(z > 0, grad, self.negative_slope * grad)


class ELU(ActivationFunction):
    """f(z) = z if z > 0 else e^z − 1;  f'(z) = 1 or e^z = f(z) + 1."""
    name = "elu"

    def forward(self, z):
        return np.where(z > 0, z, np.expm1(np.minimum(z, 0)))

    def backward(self, z, a, grad):
        return np.where(z > 0, grad, grad * (a + 1))


class Softmax(ActivationFunction):
    """f(z)ᵢ = e^(zᵢ) / Σⱼ e^(zⱼ), over each row;  ∂L/∂zᵢ = aᵢ·(∂L/∂aᵢ − Σⱼ aⱼ·∂L/∂aⱼ).

    The row's maximum is subtracted first: the same result, and e^z never overflows.
    """
    name = "softmax"

    def forward(self, z):
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    def backward(self, z, a, grad):
        return a * (grad - (grad * a).sum(axis=1, keepdims=True))


ACTIVATIONS = {f.name: f for f in (Linear(), Sigmoid(), Tanh(), ReLU(), LeakyReLU(), ELU(), Softmax())}


def get_activation(name):
    if name not in ACTIVATIONS:
        raise ValueError(f"Unknown activation {name!r}: choose one of {', '.join(ACTIVATIONS)}.")
    return ACTIVATIONS[name]
