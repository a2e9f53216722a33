"""Activation functions: each has a forward pass a = f(z) and a backward pass.

`backward(z, a, grad)` takes ∂L/∂a and returns ∂L/∂z = ∂L/∂a · f'(z) (the chain rule);
it gets both z and a = f(z) because most derivatives are cheapest from one of them.
Every formula is written so that inputs of ±1000 stay finite and raise no warning.

The registry, ACTIVATIONS, is the one list of activations: the spec's checks, the page's
choices, the step-through's formulas and the translation to Keras all read it. Its order is
the order of the page's choices for a hidden layer.
"""
import numpy as np


class ActivationFunction:
    """What the playground knows of an activation, beside its math:

    name      Keras's identifier of the same function ("relu"), used everywhere, Keras included
    formula   f(z) in LaTeX, for the step-through
    numpy_code  the body of `def f(z):` in NumPy, the same forward pass, for the exported NumPy code
    hidden    whether a hidden layer may use it (softmax is for the output layer only)
    tasks     as an output layer: the tasks it serves ("binary", "multiclass", "regression"),
              each with its place in that task's list of outputs (1 is the usual one)
    """
    name = ""
    formula = ""
    numpy_code = ""
    hidden = True
    tasks = {}

    @property
    def keras_name(self):
        """The identifier Keras knows it by: the playground uses Keras's names."""
        return self.name

    def __repr__(self):
        return f"{type(self).__name__}({self.name!r})"

    def forward(self, z):
        raise NotImplementedError

    def backward(self, z, a, grad):
        raise NotImplementedError


class Tanh(ActivationFunction):
    """f(z) = tanh(z);  f'(z) = 1 − f(z)²."""
    name, formula = "tanh", r"\tanh z"
    numpy_code = "return np.tanh(z)"
    tasks = {"binary": 3, "regression": 2}

    def forward(self, z):
        return np.tanh(z)

    def backward(self, z, a, grad):
        return grad * (1 - a * a)


class ReLU(ActivationFunction):
    """f(z) = max(0, z);  f'(z) = 1 if z > 0 else 0."""
    name, formula = "relu", r"\max(0, z)"
    numpy_code = "return np.maximum(z, 0)"

    def forward(self, z):
        return np.maximum(z, 0)

    def backward(self, z, a, grad):
        return grad * (z > 0)


class LeakyReLU(ActivationFunction):
    """f(z) = z if z > 0 else 0.2·z;  f'(z) = 1 or 0.2 (Keras's default slope)."""
    name, formula = "leaky_relu", r"\max(0.2z,\ z)"
    numpy_code = "return np.where(z > 0, z, 0.2 * z)"
    negative_slope = 0.2

    def forward(self, z):
        return np.where(z > 0, z, self.negative_slope * z)

    def backward(self, z, a, grad):
        return np.where(z > 0, grad, self.negative_slope * grad)


class ELU(ActivationFunction):
    """f(z) = z if z > 0 else e^z − 1;  f'(z) = 1 or e^z = f(z) + 1."""
    name, formula = "elu", r"z \text{ if } z > 0 \text{ else } e^{z} - 1"
    numpy_code = "return np.where(z > 0, z, np.expm1(np.minimum(z, 0)))"

    def forward(self, z):
        return np.where(z > 0, z, np.expm1(np.minimum(z, 0)))

    def backward(self, z, a, grad):
        return np.where(z > 0, grad, grad * (a + 1))


class Sigmoid(ActivationFunction):
    """f(z) = 1 / (1 + e^(−z));  f'(z) = f(z)·(1 − f(z)).

    Computed as (1 + tanh(z/2)) / 2, the same function without overflow in e^(−z).
    """
    name, formula = "sigmoid", r"\frac{1}{1 + e^{-z}}"
    numpy_code = "return 0.5 * (1 + np.tanh(0.5 * z))  # = 1 / (1 + e^(−z)), without overflow"
    tasks = {"binary": 1, "multiclass": 2, "regression": 3}

    def forward(self, z):
        a = np.tanh(z * 0.5)
        a += 1
        a *= 0.5
        return a

    def backward(self, z, a, grad):
        return grad * a * (1 - a)


class Linear(ActivationFunction):
    """f(z) = z;  f'(z) = 1."""
    name, formula = "linear", "z"
    numpy_code = "return z"
    tasks = {"binary": 4, "regression": 1}

    def forward(self, z):
        return z

    def backward(self, z, a, grad):
        return grad


class Softmax(ActivationFunction):
    """f(z)ᵢ = e^(zᵢ) / Σⱼ e^(zⱼ), over each row;  ∂L/∂zᵢ = aᵢ·(∂L/∂aᵢ − Σⱼ aⱼ·∂L/∂aⱼ).

    The row's maximum is subtracted first: the same result, and e^z never overflows.
    """
    name, formula = "softmax", r"\frac{e^{z_i}}{\sum_j e^{z_j}}"
    numpy_code = ("e = np.exp(z - z.max(axis=1, keepdims=True))  # the row's maximum subtracted: no overflow\n"
                  "return e / e.sum(axis=1, keepdims=True)")
    hidden = False
    tasks = {"binary": 2, "multiclass": 1}

    def forward(self, z):
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    def backward(self, z, a, grad):
        return a * (grad - (grad * a).sum(axis=1, keepdims=True))


ACTIVATIONS = {f.name: f for f in (Tanh(), ReLU(), LeakyReLU(), ELU(), Sigmoid(), Linear(), Softmax())}


def get_activation(name):
    if name not in ACTIVATIONS:
        raise ValueError(f"Unknown activation {name!r}: choose one of {', '.join(ACTIVATIONS)}.")
    return ACTIVATIONS[name]


def hidden_activations():
    """The names a hidden layer may use, in the registry's order."""
    return tuple(name for name, f in ACTIVATIONS.items() if f.hidden)


def output_activations(task=None):
    """The names an output layer may use: for `task`, in that task's order (the usual one first);
    for no task, every one that serves some task, in the registry's order."""
    if task is None:
        return tuple(name for name, f in ACTIVATIONS.items() if f.tasks)
    return tuple(sorted((name for name, f in ACTIVATIONS.items() if task in f.tasks),
                        key=lambda name: ACTIVATIONS[name].tasks[task]))
