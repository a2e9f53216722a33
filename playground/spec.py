"""NetworkSpec: every hyperparameter of a network and its training, validated, with defaults.

The names it accepts are read from playground.nn's registries each time a spec is checked, so
an activation, loss, optimizer or schedule registered there is accepted here with no other change.

The learning-rate schedule (`schedule`, nn/schedules.py) counts in optimizer steps, that is in
batches, as Keras's schedules and the engines do: `decay_steps` (T) and `warmup_steps` (W). The
page's settings count in epochs, and `settings.network_spec` converts them with the data set's
batches per epoch. `decay_rate` (r) is the factor of the step and exponential decays. A schedule
reads only the parameters it names; the others keep their defaults and change nothing.
"""
import math
import numbers
from dataclasses import dataclass, field, replace

from .nn import INITIALIZERS, LOSSES, OPTIMIZERS, SCHEDULES, hidden_activations, output_activations

DTYPES = ("float32", "float64")
# What a run may stop on, besides an epoch: the test loss falling to a value, the test score (accuracy, or R²
# for regression) reaching one. The names are the run's history columns.
STOP_METRICS = ("test_loss", "test_score")
MAX_DROPOUT = 0.9
MAX_EDIT = 100.0    # a weight or bias set by hand lies within ±MAX_EDIT: beyond it any unit it feeds saturates
# What makes the network what it is; the other fields only change how it is trained.
# `activations` (one name per layer) rather than `activation`, so that "relu" and
# ("relu", "relu") are the same network.
ARCHITECTURE = ("n_inputs", "hidden", "n_outputs", "activations", "output_activation", "loss",
                "initializer", "seed", "dtype")


def loss_outputs():
    """The output activations each loss accepts, from the registries: {loss: (output activations…)}."""
    outputs = output_activations()
    return {name: tuple(a for a in outputs if loss.fits(a)) for name, loss in LOSSES.items()}


def __getattr__(name):
    """OUTPUT_ACTIVATIONS and LOSS_OUTPUTS, the names these tables had when they were kept by hand,
    computed from the registries at each use, so that they can never disagree with them."""
    if name == "OUTPUT_ACTIVATIONS":
        return output_activations()
    if name == "LOSS_OUTPUTS":
        return loss_outputs()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
    schedule: str = "constant"      # how α changes with the optimizer's step count (SCHEDULES)
    decay_steps: int = 1000         # T: the decay's horizon, in optimizer steps
    decay_rate: float = 0.5         # r: "step" and "exponential" multiply α by r every T steps
    warmup_steps: int = 100         # W: "warmup_cosine" climbs from 0 to α in W steps
    batch_size: int = 10
    stop_epoch: int = None          # the run pauses on reaching this epoch; None: never
    stop_metric: str = None         # and when this one of STOP_METRICS gets to stop_value; None: never
    stop_value: float = None
    l1: float = 0.0
    l2: float = 0.0
    dropout: object = 0.0           # the rate of every hidden layer, or a tuple of one per hidden layer
    clip_norm: float = None         # c: each step's gradient clipped to a global norm of at most c; None: never
    off: tuple = ()                 # hidden neurons switched off: (layer, neuron) pairs from 1, output 0, weights frozen
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
        if not _is_number(self.dropout) and not isinstance(self.dropout, str):
            object.__setattr__(self, "dropout", _as_tuple("dropout", self.dropout,
                                                          "one rate, such as 0.2, or a tuple of one rate per hidden layer"))
        what = "(layer, neuron) pairs counted from 1, such as ((1, 2),), or () for none"
        object.__setattr__(self, "off", tuple(_as_tuple("off", pair, what) for pair in _as_tuple("off", self.off, what)))
        for problem in self._problems():
            raise ValueError(problem)
        object.__setattr__(self, "off", tuple(sorted(set(self.off))))

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
        hidden_choices, output_choices = hidden_activations(), output_activations()
        for name in self.activations:
            if name not in hidden_choices:
                yield f"activation = {name!r} is unknown for a hidden layer: choose one of {_choices(hidden_choices)}."
        if self.output_activation not in output_choices:
            yield (f"output_activation = {self.output_activation!r} is unknown: "
                   f"choose one of {_choices(output_choices)}.")
        elif self.output_activation == "softmax" and self.n_outputs < 2:
            yield "output_activation = 'softmax' needs at least 2 outputs: use 'sigmoid' for one output."
        if self.loss not in LOSSES:
            yield f"loss = {self.loss!r} is unknown: choose one of {_choices(LOSSES)}."
        elif not LOSSES[self.loss].fits(self.output_activation):
            fitting = loss_outputs()[self.loss]
            yield (f"loss = {self.loss!r} does not fit output_activation = {self.output_activation!r}: "
                   f"it needs {_choices(fitting)} (or use 'mse', which fits any output).")
        if self.optimizer not in OPTIMIZERS:
            yield f"optimizer = {self.optimizer!r} is unknown: choose one of {_choices(OPTIMIZERS)}."
        if not _is_number(self.learning_rate) or not self.learning_rate > 0:
            yield f"learning_rate = {self.learning_rate!r}: it must be a finite number greater than 0, such as 0.03."
        yield from self._schedule_problems()
        if not _is_int(self.batch_size) or self.batch_size < 1:
            yield f"batch_size = {self.batch_size!r}: it must be a whole number of at least 1."
        yield from self._dropout_problems()
        yield from self._off_problems()
        yield from self._stop_problems()
        for name in ("l1", "l2"):
            value = getattr(self, name)
            if not _is_number(value) or not value >= 0:
                yield f"{name} = {value!r}: a penalty rate must be a finite number, 0 or more."
        if self.clip_norm is not None and (not _is_number(self.clip_norm) or not self.clip_norm > 0):
            yield (f"clip_norm = {self.clip_norm!r}: the gradient's largest norm must be a finite number greater "
                   "than 0, such as 1.0, or None for no clipping.")
        if self.initializer not in INITIALIZERS:
            yield f"initializer = {self.initializer!r} is unknown: choose one of {_choices(INITIALIZERS)}."
        if not _is_int(self.seed) or self.seed < 0:
            yield f"seed = {self.seed!r}: it must be a whole number, 0 or more."
        if self.dtype not in DTYPES:
            yield f"dtype = {self.dtype!r} is unknown: choose one of {_choices(DTYPES)}."

    def _dropout_problems(self):
        if isinstance(self.dropout, tuple) and len(self.dropout) != len(self.hidden):
            yield (f"dropout gives {len(self.dropout)} rates for {len(self.hidden)} hidden layers: give one rate for "
                   "all of them, or one per hidden layer.")
            return
        for rate in self.dropout_rates:
            if not _is_number(rate) or not 0 <= rate <= MAX_DROPOUT:
                yield (f"dropout = {rate!r}: a dropout rate is the share of a layer's outputs dropped in each training "
                       f"step, a number from 0 to {MAX_DROPOUT}.")

    def _off_problems(self):
        for pair in self.off:
            if (len(pair) != 2 or not all(_is_int(i) for i in pair) or not 1 <= pair[0] <= len(self.hidden)
                    or not 1 <= pair[1] <= self.hidden[pair[0] - 1]):
                yield (f"off = {pair!r}: a neuron switched off is a (layer, neuron) pair counted from 1, of a hidden "
                       f"layer of this network (widths {self.hidden}).")

    def _stop_problems(self):
        if self.stop_epoch is not None and (not _is_int(self.stop_epoch) or self.stop_epoch < 1):
            yield f"stop_epoch = {self.stop_epoch!r}: stop at a whole number of epochs, at least 1, or None for never."
        if self.stop_metric is not None and self.stop_metric not in STOP_METRICS:
            yield f"stop_metric = {self.stop_metric!r} is unknown: choose one of {_choices(STOP_METRICS)}, or None."
        elif self.stop_metric is not None and not _is_number(self.stop_value):
            yield (f"stop_value = {self.stop_value!r}: stopping on {self.stop_metric} needs the value to stop at, "
                   "a finite number such as 0.95.")

    def _schedule_problems(self):
        if self.schedule not in SCHEDULES:
            yield f"schedule = {self.schedule!r} is unknown: choose one of {_choices(SCHEDULES)}."
        if not _is_int(self.decay_steps) or self.decay_steps < 1:
            yield (f"decay_steps = {self.decay_steps!r}: the decay lasts a whole number of optimizer steps, "
                   "at least 1, such as 1000.")
        if not _is_number(self.decay_rate) or not 0 < self.decay_rate < 1:
            yield (f"decay_rate = {self.decay_rate!r}: the learning rate is multiplied by this factor, which must "
                   "lie between 0 and 1 (0.5 halves it).")
        if not _is_int(self.warmup_steps) or self.warmup_steps < 0:
            yield (f"warmup_steps = {self.warmup_steps!r}: the warm-up lasts a whole number of optimizer steps, "
                   "0 or more, such as 100.")

    @property
    def activations(self):
        """One activation name per hidden layer."""
        if isinstance(self.activation, str):
            return (self.activation,) * len(self.hidden)
        return self.activation

    @property
    def dropout_rates(self):
        """One dropout rate per hidden layer."""
        if isinstance(self.dropout, tuple):
            return self.dropout
        return (self.dropout,) * len(self.hidden)

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
