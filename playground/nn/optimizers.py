"""Optimizers: each moves the parameters against their gradient, W ← W − α·(a step built from ∂L/∂W).

The update rules and defaults are Keras's (`update_step` in keras/optimizers/*.py).
They work in place on one flat array that holds every parameter, and one that holds every
gradient, so each update is a few passes over memory however many layers there are.
"""
import numpy as np


class GradientDescent:
    """Plain gradient descent (Keras's SGD): w ← w − α·g."""
    name = "sgd"

    def __init__(self, learning_rate=0.01):
        self.learning_rate = learning_rate
        self.iterations = 0

    def step(self, params, grads):
        params -= self.learning_rate * grads
        self.iterations += 1


class Momentum(GradientDescent):
    """Keras's SGD(momentum=0.9): v ← 0.9·v − α·g;  w ← w + v."""
    name = "momentum"
    momentum = 0.9

    def step(self, params, grads):
        if self.iterations == 0:
            self.velocity = np.zeros_like(params)
        self.velocity *= self.momentum
        self.velocity -= self.learning_rate * grads
        params += self.velocity
        self.iterations += 1


class RMSprop(GradientDescent):
    """Keras's RMSprop: v ← ρ·v + (1 − ρ)·g²;  w ← w − α·g / √(v + ε), with ρ = 0.9, ε = 1e-7."""
    name = "rmsprop"
    rho, epsilon = 0.9, 1e-7

    def step(self, params, grads):
        if self.iterations == 0:
            self.velocity = np.zeros_like(params)
            self.buffer = np.empty_like(params)
        v, tmp = self.velocity, self.buffer
        np.multiply(grads, grads, out=tmp)
        tmp *= 1 - self.rho
        v *= self.rho
        v += tmp
        np.add(v, self.epsilon, out=tmp)
        np.sqrt(tmp, out=tmp)
        np.divide(grads, tmp, out=tmp)
        tmp *= self.learning_rate
        params -= tmp
        self.iterations += 1


class Adam(GradientDescent):
    """Keras's Adam, with β₁ = 0.9, β₂ = 0.999, ε = 1e-7, at step t:
    m ← m + (g − m)·(1 − β₁);  v ← v + (g² − v)·(1 − β₂);
    w ← w − α·√(1 − β₂ᵗ)/(1 − β₁ᵗ) · m / (√v + ε).
    """
    name = "adam"
    beta_1, beta_2, epsilon = 0.9, 0.999, 1e-7

    def step(self, params, grads):
        if self.iterations == 0:
            self.m, self.v = np.zeros_like(params), np.zeros_like(params)
            self.buffer = np.empty_like(params)
        m, v, tmp = self.m, self.v, self.buffer
        t = self.iterations + 1
        alpha = self.learning_rate * np.sqrt(1 - self.beta_2**t) / (1 - self.beta_1**t)
        np.subtract(grads, m, out=tmp)
        tmp *= 1 - self.beta_1
        m += tmp
        np.multiply(grads, grads, out=tmp)
        tmp -= v
        tmp *= 1 - self.beta_2
        v += tmp
        np.sqrt(v, out=tmp)
        tmp += self.epsilon
        np.divide(m, tmp, out=tmp)
        tmp *= alpha
        params -= tmp
        self.iterations += 1


OPTIMIZERS = {o.name: o for o in (GradientDescent, Momentum, RMSprop, Adam)}


def get_optimizer(name, learning_rate):
    if name not in OPTIMIZERS:
        raise ValueError(f"Unknown optimizer {name!r}: choose one of {', '.join(OPTIMIZERS)}.")
    return OPTIMIZERS[name](learning_rate)
