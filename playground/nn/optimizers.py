"""Optimizers: each moves the parameters against their gradient, W ← W − α·(a step built from ∂L/∂W).

The update rules and defaults are Keras's (`update_step` in keras/optimizers/*.py). They work
on one flat array that holds every parameter, and one that holds every gradient, so each update
is a few passes over memory however many layers there are.

SGD, momentum and RMSprop read as their formulas. Adam works in a buffer allocated once, with
`out=`, and the part of the formula each statement computes is written beside it: written as
formulas, its step makes nine temporary arrays, and in some processes (when the memory
allocator hands each of them back to the system and takes it again, every step) that made an
MNIST epoch 35-50% slower. Momentum and RMSprop cost under 5% of an epoch as formulas.

The registry, OPTIMIZERS, is the one list of optimizers. Beside its math, each class carries
`formula` (its update in LaTeX, for the step-through) and the Keras optimizer that does the
same: `keras_name` (its class in keras.optimizers) and `keras_arguments` (beyond the
learning rate; Keras's defaults are this class's).

As in Keras, the learning rate is a number or a schedule (nn/schedules.py): `learning_rate` reads
α for the coming step, the schedule's α at the count of steps taken so far (`iterations`), so
changing the schedule keeps the count and the optimizer's state.
"""
import numpy as np

from .schedules import LearningRateSchedule


class GradientDescent:
    """Plain gradient descent (Keras's SGD): w ← w − α·g."""
    name = "sgd"
    formula = r"\Delta W = -\alpha\,\frac{\partial L}{\partial W}"
    keras_name, keras_arguments = "SGD", {}

    def __init__(self, learning_rate=0.01):
        self.learning_rate = learning_rate
        self.iterations = 0

    def __repr__(self):
        """Adam(learning_rate=0.03, steps taken 120)."""
        return f"{type(self).__name__}(learning_rate={self._learning_rate!r}, steps taken {self.iterations})"

    @property
    def learning_rate(self):
        """α for the coming step: the number given, or the schedule's rate at the steps taken so far."""
        alpha = self._learning_rate
        return alpha.rate(self.iterations) if isinstance(alpha, LearningRateSchedule) else alpha

    @learning_rate.setter
    def learning_rate(self, alpha):
        self._learning_rate = alpha

    def step(self, params, grads):
        params -= self.learning_rate * grads
        self.iterations += 1


class Momentum(GradientDescent):
    """Keras's SGD(momentum=0.9): v ← 0.9·v − α·g;  w ← w + v."""
    name = "momentum"
    formula = r"v \leftarrow 0.9\,v - \alpha\,\frac{\partial L}{\partial W},\quad \Delta W = v"
    momentum = 0.9
    keras_name, keras_arguments = "SGD", {"momentum": momentum}

    def step(self, params, grads):
        if self.iterations == 0:
            self.v = np.zeros_like(params)
        self.v = self.momentum * self.v - self.learning_rate * grads
        params += self.v
        self.iterations += 1


class RMSprop(GradientDescent):
    """Keras's RMSprop: v ← ρ·v + (1 − ρ)·g²;  w ← w − α·g / √(v + ε), with ρ = 0.9, ε = 1e-7."""
    name = "rmsprop"
    formula = r"s \leftarrow 0.9\,s + 0.1\,g^2,\quad \Delta W = -\alpha\,\frac{g}{\sqrt{s + \epsilon}}"
    rho, epsilon = 0.9, 1e-7
    keras_name, keras_arguments = "RMSprop", {}

    def step(self, params, grads):
        if self.iterations == 0:
            self.v = np.zeros_like(params)
        g = grads
        self.v = self.rho * self.v + (1 - self.rho) * g**2
        params -= self.learning_rate * g / np.sqrt(self.v + self.epsilon)
        self.iterations += 1


class Adam(GradientDescent):
    """Keras's Adam, with β₁ = 0.9, β₂ = 0.999, ε = 1e-7, at step t:
    m ← m + (g − m)·(1 − β₁);  v ← v + (g² − v)·(1 − β₂);
    w ← w − α·√(1 − β₂ᵗ)/(1 − β₁ᵗ) · m / (√v + ε).
    """
    name = "adam"
    formula = (r"m \leftarrow m + (g - m)(1 - \beta_1),\ v \leftarrow v + (g^2 - v)(1 - \beta_2),\ "
               r"\Delta W = -\alpha\,\frac{\sqrt{1 - \beta_2^t}}{1 - \beta_1^t}\,\frac{m}{\sqrt{v} + \epsilon}")
    beta_1, beta_2, epsilon = 0.9, 0.999, 1e-7
    keras_name, keras_arguments = "Adam", {}

    def step(self, params, grads):
        if self.iterations == 0:
            self.m, self.v = np.zeros_like(params), np.zeros_like(params)
            self.buffer = np.empty_like(params)
        m, v, g, tmp = self.m, self.v, grads, self.buffer
        t = self.iterations + 1
        alpha = self.learning_rate * np.sqrt(1 - self.beta_2**t) / (1 - self.beta_1**t)  # α_t = α·√(1 − β₂ᵗ)/(1 − β₁ᵗ)
        np.subtract(g, m, out=tmp)        # g − m
        tmp *= 1 - self.beta_1            # (g − m)·(1 − β₁)
        m += tmp                          # m ← m + (g − m)·(1 − β₁)
        np.multiply(g, g, out=tmp)        # g²
        tmp -= v                          # g² − v
        tmp *= 1 - self.beta_2            # (g² − v)·(1 − β₂)
        v += tmp                          # v ← v + (g² − v)·(1 − β₂)
        np.sqrt(v, out=tmp)               # √v
        tmp += self.epsilon               # √v + ε
        np.divide(m, tmp, out=tmp)        # m / (√v + ε)
        tmp *= alpha                      # α_t·m / (√v + ε)
        params -= tmp                     # w ← w − α_t·m / (√v + ε)
        self.iterations += 1


OPTIMIZERS = {o.name: o for o in (GradientDescent, Momentum, RMSprop, Adam)}


def get_optimizer(name, learning_rate):
    """The optimizer `name` at `learning_rate`: a number, or a LearningRateSchedule."""
    if name not in OPTIMIZERS:
        raise ValueError(f"Unknown optimizer {name!r}: choose one of {', '.join(OPTIMIZERS)}.")
    return OPTIMIZERS[name](learning_rate)
