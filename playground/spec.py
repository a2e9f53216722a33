"""NetworkSpec: every hyperparameter of a network and its training, validated, with defaults."""
import math
import numbers
from dataclasses import dataclass, field, replace

from .nn import ACTIVATIONS, INITIALIZERS, LOSSES, OPTIMIZERS

OUTPUT_ACTIVATIONS = ("sigmoid", "softmax", "linear", "tanh")
DTYPES = ("float32", "float64")
# The output activations each loss accepts; mse takes any of them.
LOSS_OUTPUTS = {
    "mse": OUTPUT_ACTIVATIONS,
    "binary_crossentropy": ("sigmoid",),
    "categorical_crossentropy": ("softmax",),
}
# What makes the network what it is; the other fields only change how it is trained.
# `activations` (one name per layer) rather than `activation`, so that "relu" and
# ("relu", "relu") are the same network.
ARCHITECTURE = ("n_inputs", "hidden", "n_outputs", "activations", "output_activation", "loss",
                "initializer", "seed", "dtype")


def _choices(names):
    return ", ".join(repr(n) for n in names)


@dataclass(frozen=True)
class NetworkSpec:
    n_inputs: int = 2
    hidden: tuple = (4, 2)
    n_outputs: int = 1
    activation: object = "tanh"
    output_activation: str = "sigmoid"
    loss: str = "binary_crossentropy"
    optimizer: str = "sgd"
    learning_rate: float = 0.03
    batch_size: int = 10
    l1: float = 0.0
    l2: float = 0.0
    initializer: str = "glorot_uniform"
    seed: int = 0
    dtype: str = field(default="float32")

    def __post_init__(self):
        hidden = _as_tuple("hidden", self.hidden, "the widths of the hidden layers, such as (4, 2), or () for none")
        object.__setattr__(self, "hidden", hidden)
        if not isinstance(self.activation, str):
            activation = _as_tuple("activation", self.activation,
                                   "one name, such as 'tanh', or a tuple of one name per hidden layer")
            object.__setattr__(self, "activation", activation)
        for problem in self._problems():
            raise ValueError(problem)

    def _problems(self):
        for name in ("n_inputs", "n_outputs"):
            value = getattr(self, name)
            if not _is_int(value) or value < 1:
                yield f"{name} = {value!r}: it must be a whole number of at least 1."
        for i, width in enumerate(self.hidden, start=1):
            if not _is_int(width) or width < 1:
                yield f"hidden layer {i} has width {width!r}: every layer needs at least 1 neuron."
        if not isinstance(self.activation, str) and len(self.activation) != len(self.hidden):
            yield (f"activation gives {len(self.activation)} names for {len(self.hidden)} hidden layers: "
                   "give one name for all of them, or one per hidden layer.")
        hidden_choices = [a for a in ACTIVATIONS if a != "softmax"]
        for name in self.activations:
            if name not in hidden_choices:
                yield f"activation = {name!r} is unknown for a hidden layer: choose one of {_choices(hidden_choices)}."
        if self.output_activation not in OUTPUT_ACTIVATIONS:
            yield f"output_activation = {self.output_activation!r} is unknown: choose one of {_choices(OUTPUT_ACTIVATIONS)}."
        elif self.output_activation == "softmax" and self.n_outputs < 2:
            yield "output_activation = 'softmax' needs at least 2 outputs: use 'sigmoid' for one output."
        if self.loss not in LOSSES:
            yield f"loss = {self.loss!r} is unknown: choose one of {_choices(LOSSES)}."
        elif self.output_activation not in LOSS_OUTPUTS[self.loss]:
            yield (f"loss = {self.loss!r} does not fit output_activation = {self.output_activation!r}: "
                   f"it needs {_choices(LOSS_OUTPUTS[self.loss])} (or use 'mse', which fits any output).")
        if self.optimizer not in OPTIMIZERS:
            yield f"optimizer = {self.optimizer!r} is unknown: choose one of {_choices(OPTIMIZERS)}."
        if not _is_number(self.learning_rate) or not self.learning_rate > 0:
            yield f"learning_rate = {self.learning_rate!r}: it must be a finite number greater than 0, such as 0.03."
        if not _is_int(self.batch_size) or self.batch_size < 1:
            yield f"batch_size = {self.batch_size!r}: it must be a whole number of at least 1."
        for name in ("l1", "l2"):
            value = getattr(self, name)
            if not _is_number(value) or not value >= 0:
                yield f"{name} = {value!r}: a penalty rate must be a finite number, 0 or more."
        if self.initializer not in INITIALIZERS:
            yield f"initializer = {self.initializer!r} is unknown: choose one of {_choices(INITIALIZERS)}."
        if not _is_int(self.seed) or self.seed < 0:
            yield f"seed = {self.seed!r}: it must be a whole number, 0 or more."
        if self.dtype not in DTYPES:
            yield f"dtype = {self.dtype!r} is unknown: choose one of {_choices(DTYPES)}."

    @property
    def activations(self):
        """One activation name per hidden layer."""
        if isinstance(self.activation, str):
            return (self.activation,) * len(self.hidden)
        return self.activation

    @property
    def sizes(self):
        """[n_inputs, hidden widths..., n_outputs]: the width of every layer, input included."""
        return [self.n_inputs, *self.hidden, self.n_outputs]

    def same_network(self, other):
        """True when `other` differs at most in how the network is trained, not in what it is."""
        return all(getattr(self, f) == getattr(other, f) for f in ARCHITECTURE)

    def replace(self, **changes):
        return replace(self, **changes)


def _as_tuple(name, value, what):
    try:
        return tuple(value)
    except TypeError:
        raise ValueError(f"{name} = {value!r}: give {what}.") from None


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)
