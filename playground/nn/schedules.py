"""Learning-rate schedules: the learning rate α as a function of the optimizer's step count t.

t counts the optimizer's steps so far (0 before the first), and step t + 1 uses α = rate(t): the
schedule is read before each update, at the count before it, as Keras reads its schedules
(`optimizer.learning_rate` is `schedule(optimizer.iterations)`). α₀ is the learning rate chosen,
T = decay_steps and W = warmup_steps count optimizer steps, that is batches, and r = decay_rate.

The registry, SCHEDULES, is the one list of schedules. Beside its math, each class carries
`formula` (α_t in LaTeX), `parameters` (what it needs beyond α₀, named as the spec's fields) and
the Keras schedule that gives the same α at every step: `keras_name` (its class in
keras.optimizers.schedules; None for a plain number) and `keras_arguments()`.
"""
import math

import numpy as np

PARAMETERS = ("decay_steps", "decay_rate", "warmup_steps")
CURVE_POINTS = 500  # at most this many points in a rate curve: the chart is small


class LearningRateSchedule:
    """α at each step t, from α₀ (`learning_rate`) and the `parameters` the schedule names."""
    name = ""
    formula = ""
    keras_name = None
    parameters = ()

    def __init__(self, learning_rate, **parameters):
        self.learning_rate = learning_rate
        for name in self.parameters:
            setattr(self, name, parameters[name])

    def rate(self, step):
        """α for the step that follows `step` optimizer steps."""
        raise NotImplementedError

    def keras_arguments(self):
        """The arguments of keras.optimizers.schedules.<keras_name> that give the same α at every step."""
        return {}

    def __eq__(self, other):
        return type(other) is type(self) and vars(other) == vars(self)

    def __repr__(self):
        arguments = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({arguments})"


class Constant(LearningRateSchedule):
    """α_t = α₀ at every step. Keras takes it as a plain number: the optimizer's learning_rate."""
    name = "constant"
    formula = r"\alpha_t = \alpha_0"

    def rate(self, step):
        return self.learning_rate


class StepDecay(LearningRateSchedule):
    """α_t = α₀ · r^⌊t / T⌋: the rate is multiplied by r after every T steps.
    Keras: ExponentialDecay(α₀, decay_steps=T, decay_rate=r, staircase=True)."""
    name = "step"
    formula = r"\alpha_t = \alpha_0\, r^{\lfloor t / T \rfloor}"
    keras_name = "ExponentialDecay"
    parameters = ("decay_steps", "decay_rate")

    def rate(self, step):
        # Keras floors t / T computed in float32, which is ⌊t / T⌋ exactly while t < 2²⁴.
        return self.learning_rate * self.decay_rate ** (step // self.decay_steps)

    def keras_arguments(self):
        return {"initial_learning_rate": self.learning_rate, "decay_steps": self.decay_steps,
                "decay_rate": self.decay_rate, "staircase": True}


class ExponentialDecay(LearningRateSchedule):
    """α_t = α₀ · r^(t / T): the rate shrinks smoothly, by a factor r every T steps.
    Keras: ExponentialDecay(α₀, decay_steps=T, decay_rate=r)."""
    name = "exponential"
    formula = r"\alpha_t = \alpha_0\, r^{t / T}"
    keras_name = "ExponentialDecay"
    parameters = ("decay_steps", "decay_rate")

    def rate(self, step):
        return self.learning_rate * self.decay_rate ** (step / self.decay_steps)

    def keras_arguments(self):
        return {"initial_learning_rate": self.learning_rate, "decay_steps": self.decay_steps,
                "decay_rate": self.decay_rate}


def cosine(step, decay_steps):
    """½·(1 + cos(π · min(t, T) / T)): from 1 at t = 0 down to 0 at t = T, and 0 after."""
    return 0.5 * (1 + math.cos(math.pi * min(step, decay_steps) / decay_steps))


class CosineDecay(LearningRateSchedule):
    """α_t = α₀ · ½·(1 + cos(π · min(t, T) / T)): from α₀ down to 0 in T steps, along half a cosine,
    then 0. Keras: CosineDecay(α₀, decay_steps=T)."""
    name = "cosine"
    formula = r"\alpha_t = \alpha_0\,\tfrac{1}{2}\left(1 + \cos\frac{\pi \min(t, T)}{T}\right)"
    keras_name = "CosineDecay"
    parameters = ("decay_steps",)

    def rate(self, step):
        return self.learning_rate * cosine(step, self.decay_steps)

    def keras_arguments(self):
        return {"initial_learning_rate": self.learning_rate, "decay_steps": self.decay_steps}


class WarmupCosineDecay(LearningRateSchedule):
    """α_t = α₀ · t / W for t < W (a straight climb from 0), then the cosine decay from α₀ to 0 over
    the next T steps: α_t = α₀ · ½·(1 + cos(π · min(t − W, T) / T)).
    Keras: CosineDecay(0.0, decay_steps=T, warmup_target=α₀, warmup_steps=W)."""
    name = "warmup_cosine"
    formula = (r"\alpha_t = \alpha_0\,\frac{t}{W} \text{ for } t < W,\ \text{then } "
               r"\alpha_0\,\tfrac{1}{2}\left(1 + \cos\frac{\pi \min(t - W, T)}{T}\right)")
    keras_name = "CosineDecay"
    parameters = ("decay_steps", "warmup_steps")

    def rate(self, step):
        if step < self.warmup_steps:
            return self.learning_rate * step / self.warmup_steps
        return self.learning_rate * cosine(step - self.warmup_steps, self.decay_steps)

    def keras_arguments(self):
        return {"initial_learning_rate": 0.0, "decay_steps": self.decay_steps,
                "warmup_target": self.learning_rate, "warmup_steps": self.warmup_steps}


SCHEDULES = {s.name: s for s in (Constant, StepDecay, ExponentialDecay, CosineDecay, WarmupCosineDecay)}


def get_schedule(name, learning_rate, **parameters):
    """The schedule `name` from α₀ = learning_rate; `parameters` may hold more than it needs."""
    if name not in SCHEDULES:
        raise ValueError(f"Unknown learning-rate schedule {name!r}: choose one of {', '.join(SCHEDULES)}.")
    return SCHEDULES[name](learning_rate, **parameters)


def schedule_of(spec):
    """The schedule a NetworkSpec describes: its `schedule`, `learning_rate` and PARAMETERS."""
    return get_schedule(spec.schedule, spec.learning_rate, **{name: getattr(spec, name) for name in PARAMETERS})


def rate_curve(spec, steps_per_epoch, epochs):
    """(epochs trained, α): the spec's schedule over `epochs` epochs of `steps_per_epoch` batches, for
    a chart. The point at x epochs is the rate of the step taken after x·steps_per_epoch steps; every
    step is a point, or CURVE_POINTS of them evenly spread when there are more."""
    schedule, total = schedule_of(spec), int(epochs * steps_per_epoch)
    steps = np.unique(np.linspace(0, total, min(total + 1, CURVE_POINTS)).round().astype(np.int64))
    return steps / steps_per_epoch, np.array([schedule.rate(int(t)) for t in steps], np.float64)
