"""Challenges: a goal to reach on a fixed data set within a number of epochs, under limits.

A challenge fixes what makes two attempts comparable: the data (data set, noise, samples, split,
data seed, classes: `data_keys`), the network's seed, and for a loss goal the loss (losses differ
in scale). The page imposes those when the challenge is chosen (`impose`); the student changes the
rest. An attempt counts when the test figure reaches the goal within the challenge's epochs and
the settings break no limit (`progress`, `broken_limits`).

A link names a challenge with `challenge=<key>` for a built-in (`challenge=spiral12`), or with its
code for any other (`encode`, `decode`): JSON whose leaves are all text, each read back by the
setting's own parser, in URL-safe base64 without padding, at most MAX_CODE characters.
Nothing here imports streamlit.
"""
import base64
import binascii
import json
import math
import re
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from . import settings
from .data import DATASETS, FEATURES
from .i18n import N_, _
from .nn import hidden_activations
from .settings import DECIMAL, MAX_CODE, MAX_LAYERS, MAX_WIDTH, UPLOAD, Names, Range, fit_head, heads

LINK_KEY = "challenge"      # the address parameter that names a challenge
MAX_EPOCHS = 10_000
CODE = re.compile(r"[A-Za-z0-9_-]+")   # URL-safe base64, ASCII only
VERSION = "1"


@dataclass(frozen=True)
class Metric:
    """A test figure a goal can name: the run's history column, and whether higher is better."""
    column: str
    higher: bool
    tasks: tuple
    low: float                # a target lies in (low, high]
    high: float
    name: str


METRICS = {
    "accuracy": Metric("test_score", True, ("classification",), 0.0, 1.0, N_("test accuracy")),
    "loss": Metric("test_loss", False, ("classification", "regression"), 0.0, 10.0, N_("test loss")),
    "r2": Metric("test_score", True, ("regression",), 0.0, 1.0, N_("test R²")),
}


@dataclass(frozen=True)
class Goal:
    metric: str               # a key of METRICS
    target: float

    @property
    def comparison(self):
        """">=" (at least the target) or "<=" (at most)."""
        return ">=" if METRICS[self.metric].higher else "<="

    def reached(self, figure):
        return figure >= self.target if METRICS[self.metric].higher else figure <= self.target


def _neurons(values):
    return sum(values[f"width_{i}"] for i in range(1, values["layers"] + 1))


def _activations(values):
    """The hidden activations the settings use, each once, in layer order; none without hidden layers."""
    if not values["layers"]:
        return ()
    if values["per_layer"]:
        return tuple(dict.fromkeys(values[f"activation_{i}"] for i in range(1, values["layers"] + 1)))
    return (values["activation"],)


class Limit(NamedTuple):
    current: object           # settings values -> what the limit bounds
    parse: object             # text -> the allowed value; ValueError
    at_most: bool             # a number at most the allowed one; otherwise names among the allowed ones


LIMITS = {
    "max_neurons": Limit(_neurons, Range(0, MAX_LAYERS * MAX_WIDTH).parse, True),
    "max_layers": Limit(lambda values: values["layers"], settings.BY_KEY["layers"].parse, True),
    "max_features": Limit(lambda values: len(values["features"]), Range(1, len(FEATURES)).parse, True),
    "activations": Limit(_activations, Names(hidden_activations).parse, False),
}


class Broken(NamedTuple):
    """One limit the settings break: its name (a key of LIMITS, or an imposed setting's key), the value
    allowed (the setting's imposed value), and the settings' own (for activations, those not allowed)."""
    limit: str
    allowed: object
    current: object


@dataclass(frozen=True)
class Challenge:
    key: str
    title: str                # N_-marked: translate where shown
    what: str                 # N_-marked: what to do, one or two sentences
    data: dict                # the imposed settings by key: data_keys(dataset), plus "loss" for a loss goal
    goal: Goal
    epochs: int               # the goal counts when reached within this many epochs
    max_neurons: int = None   # each limit is optional: None sets none
    max_layers: int = None
    max_features: int = None
    activations: tuple = None
    solution: dict = field(default=None, compare=False)  # known settings that solve a built-in (tests)

    @property
    def limits(self):
        """The limits set, in LIMITS's order: {name: allowed value}."""
        return {name: getattr(self, name) for name in LIMITS if getattr(self, name) is not None}


def data_keys(dataset):
    """The settings a challenge on `dataset` imposes: those that make its data (as settings.data_arguments
    reads them) and the network's seed."""
    return ("dataset", *(key for key in DATASETS[dataset].settings if key != "features"), "seed")


def task_kind_of(dataset):
    """settings.task_kind of the data set named `dataset`, without making it."""
    info = DATASETS[dataset]
    if info.task == "regression":
        return "regression"
    return "multiclass" if info.kind == "image" or info.n_classes > 2 else "binary"


def _plane(dataset, noise=0.0, samples=500, train_percent=50, data_seed=0, seed=0, **more):
    return {"dataset": dataset, "train_percent": train_percent, "data_seed": data_seed, "noise": noise,
            "samples": samples, **more, "seed": seed}


CHALLENGES = (
    Challenge("xor", N_("XOR without a hidden layer"),
              N_("With no hidden layer the boundary is a straight line in the inputs. Choose input features "
                 "that a straight line can separate: reach 95% test accuracy within 10 epochs."),
              _plane("xor"), Goal("accuracy", 0.95), 10, max_layers=0,
              solution={"layers": 0, "features": ("x1*x2",)}),
    Challenge("circle3", N_("Three ReLUs around the circle"),
              N_("One hidden layer of at most 3 ReLU neurons: each draws one straight line. Put a triangle "
                 "around the disc and reach 95% test accuracy within 30 epochs."),
              _plane("circle"), Goal("accuracy", 0.95), 30, max_neurons=3, max_layers=1, activations=("relu",),
              solution={"layers": 1, "width_1": 3, "activation": "relu", "learning_rate": 0.3}),
    Challenge("blobs5", N_("Five blobs, six neurons"),
              N_("The default network squeezes five classes through a layer of 2 neurons. With at most 6 "
                 "hidden neurons, bring the test loss down to 0.2 within 20 epochs."),
              _plane("blobs", noise=0.1, classes=5, loss="categorical_crossentropy"), Goal("loss", 0.2), 20,
              max_neurons=6,
              solution={"layers": 0, "learning_rate": 0.3}),
    Challenge("bumps", N_("Six bumps"),
              N_("Fit multi-gauss's three bumps up and three down: reach a test R² of 0.9 within 100 epochs, "
                 "with at most 24 hidden neurons."),
              _plane("multi-gauss", samples=2000), Goal("r2", 0.9), 100, max_neurons=24,
              solution={"layers": 2, "width_1": 16, "width_2": 8, "optimizer": "adam", "learning_rate": 0.01,
                        "batch_size": 20}),
    Challenge("spiral12", N_("The spiral with 12 neurons"),
              N_("Reach 90% test accuracy on the noisy spiral within 50 epochs, with at most 12 hidden neurons "
                 "and 4 input features."),
              _plane("spiral", noise=0.1), Goal("accuracy", 0.9), 50, max_neurons=12, max_features=4,
              solution={"features": ("x1", "x2", "sin(x1)", "sin(x2)"), "layers": 2, "width_1": 8, "width_2": 4,
                        "optimizer": "adam", "learning_rate": 0.03}),
)
BY_KEY = {c.key: c for c in CHALLENGES}
CUSTOM = "custom"             # the key of every challenge that is not a built-in
CUSTOM_TITLE = N_("A shared challenge")
CUSTOM_WHAT = N_("Reach the goal within the epochs allowed, without breaking a limit.")


def impose(challenge, values):
    """The settings `values` with the challenge's imposed ones, as the page sets them when it is chosen.
    As on the page, another kind of task brings that task's usual output and loss; a loss the challenge
    imposes brings an output it fits."""
    new, before = {**values, **challenge.data}, values.get("dataset")
    kind, imposed = task_kind_of(new["dataset"]), "loss" in challenge.data
    renew = ("output", "loss") if before not in DATASETS or task_kind_of(before) != kind else ()
    new["output"], new["loss"] = fit_head(kind, new["output"], new["loss"], renew, keep_loss=imposed)
    return new


def broken_limits(challenge, values):
    """The limits the settings `values` break, as Broken(limit, allowed, current): first the imposed
    settings they changed, then the limits in LIMITS's order. An attempt that breaks one does not count."""
    broken = [Broken(key, want, values.get(key)) for key, want in challenge.data.items()
              if _comparable(values.get(key)) != want]
    for name, allowed in challenge.limits.items():
        limit = LIMITS[name]
        current = limit.current(values)
        if limit.at_most and current > allowed:
            broken.append(Broken(name, allowed, current))
        elif not limit.at_most and set(current) - set(allowed):
            broken.append(Broken(name, allowed, tuple(a for a in current if a not in allowed)))
    return broken


def _comparable(value):
    return tuple(value) if isinstance(value, list) else value


@dataclass(frozen=True)
class Progress:
    """How an attempt stands. Only epochs 1 to the challenge's count are weighed: epoch 0 is the
    untrained network."""
    best: float               # the best test figure so far (None before a finite one)
    best_epoch: int
    solved_at: int            # the first epoch whose test figure reached the goal, or None
    epoch: int                # the latest epoch of the history
    epochs: int               # the challenge's epochs
    broken: tuple = ()        # broken_limits of the settings, when they were given

    @property
    def solved(self):
        return self.solved_at is not None and not self.broken

    @property
    def over(self):
        """Whether the attempt's epochs are spent."""
        return self.epoch >= self.epochs


def progress(challenge, history, values=None):
    """The attempt recorded in `history` (columns "epoch" and the goal's column, such as a run's log or a
    snapshot's history; a thinned history gives the first retained epoch that reached the goal), and with
    the settings `values` the limits they break."""
    goal, metric = challenge.goal, METRICS[challenge.goal.metric]
    epochs = np.asarray(history["epoch"], dtype=np.int64)
    figures = np.asarray(history[metric.column], dtype=np.float64)
    inside = (epochs >= 1) & (epochs <= challenge.epochs) & np.isfinite(figures)
    best = best_epoch = solved_at = None
    if inside.any():
        chosen = np.flatnonzero(inside)
        i = chosen[np.argmax(figures[chosen]) if metric.higher else np.argmin(figures[chosen])]
        best, best_epoch = float(figures[i]), int(epochs[i])
        reached = [j for j in chosen if goal.reached(figures[j])]
        solved_at = int(epochs[reached[0]]) if reached else None
    broken = tuple(broken_limits(challenge, values)) if values is not None else ()
    return Progress(best, best_epoch, solved_at, int(epochs[-1]) if len(epochs) else 0, challenge.epochs, broken)


def current_limits(values):
    """The limits the settings `values` just meet: the page's defaults for a new challenge's limits."""
    limits = {"max_neurons": _neurons(values), "max_layers": values["layers"]}
    if DATASETS.get(values["dataset"]) and DATASETS[values["dataset"]].kind == "plane":
        limits["max_features"] = len(values["features"])
    if _activations(values):
        limits["activations"] = _activations(values)
    return limits


def from_current(values, goal, epochs, limits=None):
    """A challenge made from the current settings `values`: their data settings and seed (and loss, for a
    loss goal) become the imposed ones. `goal` is a Goal or (metric, target); `limits` maps names of
    LIMITS to allowed values, current_limits(values) when None. ValueError if it makes no challenge."""
    if values["dataset"] == UPLOAD:
        raise ValueError(_("A challenge needs one of the playground's data sets: an uploaded file cannot "
                           "travel in a link."))
    goal = goal if isinstance(goal, Goal) else Goal(*goal)
    limits = current_limits(values) if limits is None else limits
    unknown = set(limits) - set(LIMITS)
    if unknown:
        raise ValueError(_("Unknown limit: choose from {names}.").format(names=", ".join(LIMITS)))
    keys = data_keys(values["dataset"]) + (("loss",) if goal.metric == "loss" else ())
    challenge = Challenge(CUSTOM, CUSTOM_TITLE, CUSTOM_WHAT, {key: _comparable(values[key]) for key in keys},
                          goal, epochs, **{name: _comparable(value) for name, value in limits.items()})
    return decode(encode(challenge))


def link(challenge):
    """The value of the link's `challenge` parameter: a built-in's key, any other's code."""
    return challenge.key if BY_KEY.get(challenge.key) == challenge else encode(challenge)


def from_link(text):
    """The challenge a link's `challenge` parameter names: a built-in's key, or a code (decode)."""
    if text in BY_KEY:
        return BY_KEY[text]
    return decode(text)


def from_query(params):
    """settings.from_query, with the challenge the link names read: a built-in's key, or a code made a built-in's
    key when its rules are a built-in's; one that names none is refused as any other value is."""
    values, refused = settings.from_query(params)
    if values["challenge"]:
        try:
            values["challenge"] = link(from_link(values["challenge"]))
        except ValueError:
            values["challenge"] = settings.BY_KEY["challenge"].default
            refused.append("challenge")
    return values, refused


def encode(challenge):
    """The challenge's code: its data, goal, epochs and limits as JSON text, in URL-safe base64 without
    padding. Titles, sentences and solutions do not travel."""
    fields = {"v": VERSION,
              "d": {key: settings.BY_KEY[key].dump(value) for key, value in challenge.data.items()},
              "g": [challenge.goal.metric, repr(float(challenge.goal.target))],
              "e": str(challenge.epochs)}
    limits = {name: ",".join(value) if isinstance(value, tuple) else str(value)
              for name, value in challenge.limits.items()}
    if limits:
        fields["l"] = limits
    text = json.dumps(fields, separators=(",", ":"), ensure_ascii=True)
    return base64.urlsafe_b64encode(text.encode("ascii")).decode("ascii").rstrip("=")


def decode(text):
    """The challenge of a code made by `encode`: a built-in when its rules are a built-in's, a custom
    challenge otherwise. ValueError with a sentence for anything too long, damaged, unknown or out of
    range; every setting is read by the setting's own parser."""
    try:
        return _build(_fields(text))
    except (TypeError, KeyError, IndexError, AttributeError, OverflowError, RecursionError):
        raise ValueError(_("This challenge code is damaged: ask for the link again.")) from None


def _fields(text):
    """The JSON object of a code, every leaf text; ValueError otherwise."""
    if not isinstance(text, str):
        raise ValueError(_("A challenge code is text."))
    if len(text) > MAX_CODE:
        raise ValueError(_("A challenge code has at most {n} characters.").format(n=MAX_CODE))
    if not CODE.fullmatch(text):
        raise ValueError(_("A challenge code has only the letters A to Z and a to z, the digits 0 to 9, "
                           "- and _."))
    try:
        raw = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
        fields = json.loads(raw.decode("ascii"), object_pairs_hook=_unique, parse_int=_no_number,
                            parse_float=_no_number, parse_constant=_no_number)
    except (binascii.Error, UnicodeDecodeError, json.JSONDecodeError):
        raise ValueError(_("This challenge code is damaged: ask for the link again.")) from None
    if (not isinstance(fields, dict) or not {"v", "d", "g", "e"} <= set(fields) <= {"v", "d", "g", "e", "l"}
            or fields["v"] != VERSION or not _texts(fields["d"]) or not _texts(fields.get("l", {}))
            or not isinstance(fields["g"], list) or len(fields["g"]) != 2
            or not all(isinstance(t, str) for t in fields["g"]) or not isinstance(fields["e"], str)):
        raise ValueError(_("This challenge code is not one the playground makes: ask for the link again."))
    return fields


def _unique(pairs):
    keys = [key for key, _value in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError(_("This challenge code repeats a name: ask for the link again."))
    return dict(pairs)


def _no_number(text):
    raise ValueError(_("This challenge code is not one the playground makes: ask for the link again."))


def _texts(mapping):
    return isinstance(mapping, dict) and all(isinstance(value, str) for value in mapping.values())


def _build(fields):
    """The challenge of a code's fields, each read and checked; a built-in when its rules are one's."""
    data_text, (metric, target_text), limits_text = fields["d"], fields["g"], fields.get("l", {})
    dataset = _read("dataset", data_text.get("dataset", ""))
    if dataset == UPLOAD:
        raise ValueError(_("A challenge needs one of the playground's data sets, not an uploaded file."))
    if metric not in METRICS:
        raise ValueError(_("Unknown goal: choose from {names}.").format(names=", ".join(METRICS)))
    keys = data_keys(dataset) + (("loss",) if metric == "loss" else ())
    if set(data_text) != set(keys):
        raise ValueError(_("A challenge on {dataset} imposes exactly these settings: {keys}.").format(
            dataset=dataset, keys=", ".join(settings.label(key) for key in keys)))
    data = {key: _read(key, data_text[key]) for key in keys}
    goal = Goal(metric, _target(METRICS[metric], target_text))
    _check_task(dataset, goal, data.get("loss"))
    epochs = _number(fields["e"], Range(1, MAX_EPOCHS).parse, _("The challenge's number of epochs must be a whole "
                     "number from 1 to {most}.").format(most=MAX_EPOCHS))
    unknown = set(limits_text) - set(LIMITS)
    if unknown:
        raise ValueError(_("Unknown limit: choose from {names}.").format(names=", ".join(LIMITS)))
    if "max_features" in limits_text and DATASETS[dataset].kind != "plane":
        raise ValueError(_("A limit on input features applies only to the data sets in the plane."))
    limits = {name: _number(text, LIMITS[name].parse,
                            _("The challenge's limit {name} is out of range.").format(name=name))
              for name, text in limits_text.items()}
    challenge = Challenge(CUSTOM, CUSTOM_TITLE, CUSTOM_WHAT, data, goal, epochs, **limits)
    return next((c for c in CHALLENGES if _rules(c) == _rules(challenge)), challenge)


def _rules(challenge):
    return dict(challenge.data), challenge.goal, challenge.epochs, challenge.limits


def _read(key, text):
    """A setting's value from its text, by the setting's own parser."""
    try:
        return settings.BY_KEY[key].parse(text)
    except (ValueError, TypeError, OverflowError):
        raise ValueError(_("The challenge's setting {key} has a value the page does not offer.").format(
            key=settings.label(key))) from None


def _number(text, parse, refusal):
    try:
        return parse(text)
    except (ValueError, TypeError, OverflowError):
        raise ValueError(refusal) from None


def _target(metric, text):
    value = float(text) if len(text) <= 24 and DECIMAL.fullmatch(text) else math.nan
    if not metric.low < value <= metric.high:
        raise ValueError(_("A goal's target lies above {low} and at most {high}.").format(
            low=metric.low, high=metric.high))
    return value


def _check_task(dataset, goal, loss):
    task = DATASETS[dataset].task
    if task not in METRICS[goal.metric].tasks:
        raise ValueError(_("The data set {dataset} is for {task}: a goal of {metric} does not apply to it.")
                         .format(dataset=dataset, task=task, metric=goal.metric))
    if loss is not None and not any(loss in losses for losses in heads()[task_kind_of(dataset)].values()):
        raise ValueError(_("The loss {loss} does not fit {dataset}.").format(loss=loss, dataset=dataset))

