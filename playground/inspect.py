"""Looking inside a network: gradient health, a finite-difference check, engines side by side.

Pure functions of weights, data and specs (no page, no plots), for the playground's teaching
tools. Gradient health reads what a TrainingRun records each epoch; the two proofs build their
own engines, so the run being watched is never touched.

At the end, the inspections of a run: functions of a TrainingRun that read it without training it (what the
page draws of it, one example traced, its history, the proofs, its .keras file, the learning-rate finder), the
commands of playground/commands.py. Those that may take seconds (jobs) take what they need of the run under its
lock and return (function, arguments): the function then computes apart, touching neither the run nor its engine.
"""
from array import array

import math

import numpy as np

from .engines import create_engine, epoch_batches
from .evaluation import predicted_classes
from .i18n import _, ngettext, sentences
from .lr_finder import find
from .nn import forward_layers
from .snapshot import HISTORY, Snapshot

VANISHING = 1e-3       # a layer's gradient norm below this fraction of the last layer's: vanishing
EXPLODING_NORM = 1e3   # a gradient norm above this: exploding
EXPLODING_RATIO = 1.0  # weights that moved by more than their own size in one epoch: exploding
SATURATED_SLOPE = 0.1  # f′(z) below this fraction of its largest value: saturated
SATURATED_SHARE = 0.9  # a unit saturated on this share of the examples counts as saturated
SATURATED_UNITS = 0.5  # this share of the sigmoid and tanh units saturated: the learning rate is to blame
FD_STEP, FD_TOLERANCE = 1e-5, 1e-4
MAX_POINTS = 400    # rows of the history a snapshot carries for the charts
VERDICT_WINDOW = 20  # the latest epochs the health verdict looks at, so it does not flicker
UNIT_SAMPLE = 2000  # training examples over which dead and saturated units are counted


class HealthLog:
    """Per epoch, each layer's gradient norm and update ratio, in compact float32 arrays.

    A run plays hundreds of epochs a second for minutes: 4 bytes per number, not a Python float.
    """

    def __init__(self, n_layers):
        self.n_layers = n_layers
        self.epochs, self.norms, self.ratios = array("l"), array("f"), array("f")

    def __len__(self):
        return len(self.epochs)

    def append(self, epoch, grad_norms, update_ratios):
        self.epochs.append(epoch)
        self.norms.extend(grad_norms)
        self.ratios.extend(update_ratios)

    def truncate(self, n):
        """Keeps the first n epochs' records."""
        del self.epochs[n:], self.norms[n * self.n_layers:], self.ratios[n * self.n_layers:]

    def arrays(self):
        """(epochs (n,), gradient norms (n, layers), update ratios (n, layers)): numpy copies."""
        shape = (len(self.epochs), self.n_layers)
        return (np.array(self.epochs, np.int64), np.array(self.norms, np.float32).reshape(shape),
                np.array(self.ratios, np.float32).reshape(shape))


def gradient_norms(gradients):
    """‖∂L/∂W⁽ˡ⁾‖ (the Frobenius norm) of each layer, from a list of (dW, db)."""
    return [float(np.linalg.norm(dW)) for dW, _ in gradients]


def update_ratios(before, after):
    """‖W_after − W_before‖ / ‖W_before‖ of each layer: how far its weights moved, relative to their size; or
    relative to the size Glorot's initializer gives a layer of that shape, √(2·n_in·n_out / (n_in + n_out)), when
    the weights are smaller. A layer that starts small (the output layer starts at a tenth of that, and a layer
    of zeros at none) grows fast at first: that is not an explosion."""
    return [float(np.linalg.norm(W1 - W0) / max(np.linalg.norm(W0), usual_size(np.shape(W0))))
            for (W0, _), (W1, _) in zip(before, after)]


def usual_size(shape):
    """The Frobenius norm of a Glorot-initialized (n_in, n_out) weight matrix, as expected: √(2·n_in·n_out / (n_in + n_out))."""
    n_in, n_out = shape
    return math.sqrt(2 * n_in * n_out / (n_in + n_out))


def unit_health(weights, activations, X, off=()):
    """Per hidden layer, a dict: "activation", "units", "dead", "saturated" and "off" (counts of units).

    A ReLU unit is dead when z ≤ 0 for every example of X: its output and its gradient are 0, so
    it never learns again. A sigmoid or tanh unit is saturated when f′(z) is below
    SATURATED_SLOPE of its largest value (sigmoid: a < 0.026 or a > 0.974; tanh: |a| > 0.949) for
    at least SATURATED_SHARE of the examples: its gradient is nearly 0 there. The neurons switched
    off (`off`, (layer, neuron) pairs from 1) are counted apart: "units" counts those on, and only
    they can be dead or saturated.
    """
    layers = []
    fed = tuple((layer, neuron) for layer, neuron in off if layer < len(weights))  # the last layer here feeds none
    for l, ((W, _b), name, a) in enumerate(zip(weights, activations, forward_layers(weights, activations, X, off=fed)),
                                           start=1):
        on = np.ones(W.shape[1], bool)
        on[[neuron - 1 for layer, neuron in off if layer == l]] = False
        a = a[:, on]
        dead = int(np.all(a <= 0, axis=0).sum()) if name == "relu" else None  # relu's a ≤ 0 exactly where z ≤ 0
        slope = {"sigmoid": lambda: 4 * a * (1 - a), "tanh": lambda: 1 - a * a}.get(name)
        saturated = None
        if slope is not None:
            flat = np.mean(slope() < SATURATED_SLOPE, axis=0) >= SATURATED_SHARE
            saturated = int(flat.sum())
        layers.append({"activation": name, "units": int(on.sum()), "dead": dead, "saturated": saturated,
                       "off": int((~on).sum())})
    return layers


def diagnose(grad_norms, update_ratios, units=()):
    """(kind, details) of recent records: what is wrong with the gradients, as data (a worker computes it;
    the page says it in its reader's language with `describe`).

    `grad_norms` and `update_ratios` are (epochs, layers) arrays, the last row the latest epoch;
    `units` is unit_health's list for the hidden layers now. In this order:
    "exploding_gradients" / "exploding_updates", in any of those epochs: a gradient norm that is not
    finite or above EXPLODING_NORM, or weights that moved by more than EXPLODING_RATIO of their size in
    one epoch. "saturated": at least SATURATED_UNITS of the sigmoid and tanh units are on their flat
    part, where steps too large have pushed them (the cure is a smaller learning rate, not another
    activation). "vanishing", in the latest epoch: the layers whose gradient norm is below VANISHING ×
    the last layer's (when the last layer still has a gradient), with few saturated units: the depth
    is to blame. Otherwise "healthy".
    """
    norms, ratios = np.asarray(grad_norms, float), np.asarray(update_ratios, float)
    for i in range(norms.shape[1]):
        g = norms[:, i]
        if not np.isfinite(g).all() or g.max() > EXPLODING_NORM:
            worst = g[~np.isfinite(g)][0] if not np.isfinite(g).all() else g.max()
            return "exploding_gradients", {"layer": i + 1, "norm": float(worst)}
        r = ratios[:, i][np.isfinite(ratios[:, i])]
        if r.size and r.max() > EXPLODING_RATIO:
            return "exploding_updates", {"layer": i + 1, "ratio": float(r.max())}
    saturable = [layer for layer in units if layer["saturated"] is not None]
    total = sum(layer["units"] for layer in saturable)
    saturated = sum(layer["saturated"] for layer in saturable)
    if total and saturated >= SATURATED_UNITS * total:
        return "saturated", {"saturated": saturated, "units": total}
    latest = norms[-1]
    weak = vanishing_layers(latest)
    if weak:
        return "vanishing", {"layers": weak, "ratio": float(latest[weak[0] - 1] / latest[-1])}
    return "healthy", {}


def vanishing_layers(norms):
    """The layers (numbered from 1) whose gradient norm in `norms` (one epoch's, one per layer, the output layer's
    last) is below VANISHING × the output layer's, when the output layer still has a gradient."""
    norms = np.asarray(norms, float)
    if not len(norms) or not norms[-1] > 1e-8:
        return []
    return [i for i, g in enumerate(norms[:-1], start=1) if g < VANISHING * norms[-1]]


BADGE = {"exploding_gradients": "exploding", "exploding_updates": "exploding", "saturated": "saturated",
         "vanishing": "vanishing", "healthy": "healthy"}


def describe(kind, details):
    """(badge: "exploding" | "saturated" | "vanishing" | "healthy", a sentence naming the cause and the cure)."""
    if kind == "exploding_gradients":
        sentence = _("Exploding gradients: layer {layer}'s gradient norm reached {norm:.3g}. The steps are so large "
                     "that the loss jumps around or overflows: lower the learning rate.").format(**details)
    elif kind == "exploding_updates":
        sentence = _("Exploding updates: layer {layer}'s weights moved by {ratio:.1f}× their own size in one epoch. "
                     "Training is unstable: lower the learning rate.").format(**details)
    elif kind == "saturated":
        sentence = _("Saturated units: {saturated} of {units} sigmoid and tanh units sit on the flat part of their "
                     "activation, where f′(z) ≈ 0, so little gradient passes through them. Steps too large pushed "
                     "their inputs z that far: lower the learning rate.").format(**details)
    elif kind == "vanishing":
        layers = ", ".join(map(str, details["layers"]))
        sentence = ngettext("Vanishing gradients: layer {layers} gets a gradient {ratio:.1e} times the last layer's, "
                            "so it barely learns.",
                            "Vanishing gradients: layers {layers} get a gradient {ratio:.1e} times the last layer's, "
                            "so they barely learn.", len(details["layers"])).format(layers=layers, ratio=details["ratio"])
        sentence = sentences(sentence, _("Each sigmoid or tanh on the way back multiplies it by f′(z) ≤ 0.25 or 1: try "
                                         "ReLU, fewer layers, or He initialization."))
    else:
        sentence = _("Gradients look healthy: every layer gets a gradient within a factor 1000 of the last layer's.")
    return BADGE[kind], sentence


def verdict(grad_norms, update_ratios, units=()):
    """(badge, sentence): `describe` of `diagnose`."""
    return describe(*diagnose(grad_norms, update_ratios, units))


def relative_error(a, b):
    """|a − b| / max(|a|, |b|, 1e-8): how far two estimates of one number are apart, relative to its size."""
    return abs(a - b) / max(abs(a), abs(b), 1e-8)


def gradient_check(spec, weights, X, Y, per_layer=20, seed=0):
    """Backpropagation against central differences, (L(θ + h) − L(θ − h)) / 2h with h = FD_STEP, in float64.

    A float64 NumPy engine gets a copy of `weights`; for up to `per_layer` weights and biases of
    each layer (picked at random), the difference quotient of L = data loss + penalty is compared
    with that engine's gradient. Returns the largest relative error of each layer.
    """
    engine = create_engine("numpy", spec.replace(dtype="float64"))
    engine.set_weights([(np.float64(W), np.float64(b)) for W, b in weights])
    net, X, Y = engine.network, np.asarray(X, np.float64), np.asarray(Y, np.float64)
    analytic = engine.gradients(X, Y)
    rng = np.random.default_rng(seed)
    errors = []
    for layer, grads in zip(net.layers, analytic):
        worst = 0.0
        for param, grad in zip((layer.W, layer.b), grads):
            flat, flat_grad = param.reshape(-1), grad.reshape(-1)
            for k in rng.choice(flat.size, min(per_layer, flat.size), replace=False):
                worst = max(worst, relative_error(flat_grad[k], _difference_quotient(net, flat, k, X, Y)))
        errors.append(worst)
    return errors


def _difference_quotient(net, flat, k, X, Y):
    """(L(θₖ + h) − L(θₖ − h)) / 2h for the parameter flat[k], which is put back after."""
    value, losses = flat[k], []
    for shift in (FD_STEP, -FD_STEP):
        flat[k] = value + shift
        losses.append(net.loss(X, Y) + net.penalty())
    flat[k] = value
    return (losses[0] - losses[1]) / (2 * FD_STEP)


def compare_engines(spec, weights, X, Y, steps=5, names=("numpy", "keras")):
    """Two engines from the same weights, `steps` optimizer steps on the same batches, then apart by how much.

    The batches are the first `steps` of the shared epoch order (`epoch_batches`). Returns a dict:
    "weights", per layer max|W₁ − W₂| / max|W₁| over W and b; "loss", the two engines' losses on X
    after the steps, and "loss_difference", their relative difference.
    """
    engines = [create_engine(name, spec) for name in names]
    order, batches = epoch_batches(len(X), spec.batch_size, spec.seed, 0)
    for engine in engines:
        engine.set_weights(weights)
        for s in batches[:steps]:
            engine.train_batch(X[order[s]], Y[order[s]])
    first, second = (engine.get_weights() for engine in engines)
    differences = [max(float(np.abs(p1 - p2).max() / max(np.abs(p1).max(), 1e-12)) for p1, p2 in zip(l1, l2))
                   for l1, l2 in zip(first, second)]
    losses = [engine.loss(X, Y) for engine in engines]
    return {"names": names, "weights": differences, "loss": losses, "loss_difference": relative_error(*losses)}


def snapshot_of(run, views=True):
    """What the page draws of `run` now: counters, the history thinned to MAX_POINTS rows, gradient health, the
    weights, and with `views` the outputs over the plane (or the test predictions)."""
    with run.lock:
        log, dataset = run.timeline.log, run.dataset
        rows = log.rows(MAX_POINTS)
        history = {name: log[name][rows] for name in HISTORY}
        recent = slice(max(0, len(log) - VERDICT_WINDOW), len(log))
        weights = run.engine.get_weights()
        units = unit_health(weights[:-1], run.spec.activations, run.X_train[:UNIT_SAMPLE], run.spec.off)
        health = {"epochs": log["epoch"][rows], "norms": log["grad_norm"][rows], "ratios": log["update_ratio"][rows],
                  "units": units, "unit_sample": min(UNIT_SAMPLE, len(run.X_train)),
                  "diagnosis": diagnose(log["grad_norm"][recent], log["update_ratio"][recent], units)}
        boundary = predicted = None
        if views and dataset.grid is not None:
            boundary = run.engine.predict(dataset.grid)
        elif views and dataset.task == "classification":
            out = run.test_outputs
            predicted = predicted_classes(out) if np.isfinite(out).all() else np.zeros(len(out), int)
        stop = run.stop_note if run.stop_note and run.stop_note[0] == run.epoch else None
        return Snapshot(run.id, run.epoch, run.batch, run.batches, run.diverged, run.timeline.last_finite[0], history,
                        log.thinned_before, health, weights, boundary, predicted, stop, edits=tuple(run.timeline.edits))


def predict_of(run, X):
    """The run's network's outputs for the inputs `X` (n, n_inputs), as it is now."""
    with run.lock:
        return run.engine.predict(X)


def trace_of(run, index):
    """The engine's forward and backward pass on training example `index` alone, its loss, and the update the
    optimizer would make: (weights, trace, update, loss, epoch). Nothing changes."""
    X, Y = run.X_train[index:index + 1], run.Y_train[index:index + 1]
    with run.lock:
        engine = run.engine
        return engine.get_weights(), engine.trace(X, Y), engine.preview_update(X, Y), engine.loss(X, Y), run.epoch


def history_of(run):
    """The run's retained history as columns (lists), and the epoch before which rows are thinned."""
    with run.lock:
        return run.timeline.history, run.timeline.log.thinned_before


def gradient_check_of(run, examples):
    """`gradient_check` of the run's current weights on its first `examples` training examples (the page asks for
    16: milliseconds, computed where the run is)."""
    return gradient_check(run.spec, run.weights(), run.X_train[:examples], run.Y_train[:examples])


def compare_engines_of(run, steps):
    """A job: `compare_engines` from the run's current weights, `steps` steps each."""
    with run.lock:
        return compare_engines, (run.spec, run.engine.get_weights(), run.X_train, run.Y_train, steps)


def lr_find_of(run):
    """A job: the learning-rate finder (lr_finder.find) from the run's current weights, on its training data in its
    batch order from the start of the epoch under way. It trains a copy on the NumPy engine's network: the run, its
    engine and its optimizer are untouched."""
    with run.lock:
        return find, (run.spec, run.engine.get_weights(), run.X_train, run.Y_train, run.epoch)


def keras_file_of(run):
    """A job: the run's network with its current weights as the bytes of a .keras file (loads TensorFlow); it takes
    the data set's unscaled inputs, scaling them first as in training."""
    from .export import input_scaling
    with run.lock:
        scaling = input_scaling(getattr(run.dataset, "scaler", None))
        return keras_file, (run.spec, run.engine.get_weights(), None if scaling is None else scaling[1:])


def keras_file(spec, weights, scaling=None):
    """The bytes of a .keras file of `spec` holding `weights`, its inputs scaled by `scaling` (shift, divide) first
    (loads TensorFlow)."""
    from .engines.keras_support import keras_model
    from .export import keras_file as file_of
    return file_of(keras_model(spec, weights, scaling))
