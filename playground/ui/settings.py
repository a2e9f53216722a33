"""Every setting of the page: its key (in the URL and in session state), default and parser.

A setting's value travels as text in the address (`?learning_rate=0.03&layers=2&...`) so
that a link opens the same setup. `parse` turns that text back into a value and raises
ValueError for anything a control could not have produced.
"""
from dataclasses import dataclass

from ..data import DATASETS, FEATURES
from ..engines import ENGINES
from ..nn import OPTIMIZERS
from ..spec import OUTPUT_ACTIVATIONS, LOSS_OUTPUTS

MAX_LAYERS, MAX_WIDTH = 8, 128
HIDDEN_ACTIVATIONS = ("tanh", "relu", "leaky_relu", "elu", "sigmoid", "linear")
LEARNING_RATES = (0.00001, 0.00003, 0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
PENALTY_RATES = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
SAMPLE_SIZES = (100, 200, 300, 500, 1000, 2000)
NOISE_LEVELS = tuple(round(0.05 * i, 2) for i in range(11))
DEFAULT_WIDTHS = (4, 2, 2, 2, 2, 2, 2, 2)
UPLOAD = "upload"          # the data set option for the user's own CSV file
# What classroom mode can hide (`?classroom=optimizer,learning_rate`, or `?classroom=all`): the
# sidebar's controls by their keys ("widths" for the neurons of every layer, "activation" for
# every activation control) and the lessons.
CLASSROOM_CONTROLS = ("engine", "dataset", "noise", "samples", "classes", "train_percent", "regenerate", "features",
                      "layers", "widths", "activation", "output", "loss", "optimizer", "learning_rate", "batch_size",
                      "regularization", "penalty_rate", "seed", "lessons")


@dataclass(frozen=True)
class Setting:
    key: str
    default: object
    parse: object            # text -> value; raises ValueError

    def dump(self, value):
        if isinstance(value, bool):
            return "1" if value else "0"
        if isinstance(value, (list, tuple)):
            return ",".join(map(str, value))
        return str(value)


def choice(options):
    def parse(text):
        if text not in options:
            raise ValueError
        return text
    return parse


def number_in(options):
    def parse(text):
        value = float(text)
        match = [o for o in options if abs(o - value) <= 1e-9 * max(1.0, abs(o))]
        if not match:
            raise ValueError
        return match[0]
    return parse


def integer(low, high):
    def parse(text):
        value = int(text)
        if not low <= value <= high:
            raise ValueError
        return value
    return parse


def flag(text):
    if text not in ("0", "1"):
        raise ValueError
    return text == "1"


def features(text):
    names = tuple(t for t in text.split(",") if t)
    if not names or len(set(names)) != len(names) or not set(names) <= set(FEATURES):
        raise ValueError
    return tuple(n for n in FEATURES if n in names)


def controls(text):
    names = tuple(t for t in text.split(",") if t)
    if names == ("all",):
        return names
    if len(set(names)) != len(names) or not set(names) <= set(CLASSROOM_CONTROLS):
        raise ValueError
    return names


SETTINGS = [
    Setting("engine", "numpy", choice(tuple(ENGINES))),
    Setting("dataset", "circle", choice((*DATASETS, UPLOAD))),
    Setting("noise", 0.0, number_in(NOISE_LEVELS)),
    Setting("samples", 500, lambda t: int(number_in(SAMPLE_SIZES)(t))),
    Setting("train_percent", 50, integer(10, 90)),
    Setting("classes", 3, integer(3, 5)),
    Setting("data_seed", 0, integer(0, 2**31 - 1)),
    Setting("features", ("x1", "x2"), features),
    Setting("layers", 2, integer(0, MAX_LAYERS)),
    *[Setting(f"width_{i}", DEFAULT_WIDTHS[i - 1], integer(1, MAX_WIDTH)) for i in range(1, MAX_LAYERS + 1)],
    Setting("activation", "tanh", choice(HIDDEN_ACTIVATIONS)),
    Setting("per_layer", False, flag),
    *[Setting(f"activation_{i}", "tanh", choice(HIDDEN_ACTIVATIONS)) for i in range(1, MAX_LAYERS + 1)],
    Setting("output", "sigmoid", choice(OUTPUT_ACTIVATIONS)),
    Setting("loss", "binary_crossentropy", choice(tuple(LOSS_OUTPUTS))),
    Setting("optimizer", "sgd", choice(tuple(OPTIMIZERS))),
    Setting("learning_rate", 0.03, number_in(LEARNING_RATES)),
    Setting("batch_size", 10, integer(1, 1_000_000)),
    Setting("regularization", "none", choice(("none", "l1", "l2"))),
    Setting("penalty_rate", 0.001, number_in(PENALTY_RATES)),
    Setting("seed", 0, integer(0, 2**31 - 1)),
    Setting("show_test", False, flag),
    Setting("discretize", False, flag),
    Setting("classroom", (), controls),
]
BY_KEY = {s.key: s for s in SETTINGS}


def from_query(params):
    """Values for every setting from the URL's parameters: (values, keys whose text was refused).

    A missing key takes its default silently; an unknown key is ignored; a value that does not
    parse takes the default and its key is reported, so the page can say which one.
    """
    values, refused = {}, []
    for s in SETTINGS:
        values[s.key] = s.default
        if s.key in params:
            try:
                values[s.key] = s.parse(str(params[s.key]))
            except (ValueError, TypeError, OverflowError):
                refused.append(s.key)
    return values, refused


def active_keys(values):
    """The settings in effect: widths and per-layer activations only for the layers there are;
    classroom mode only when it hides something."""
    keys = []
    for s in SETTINGS:
        if s.key == "classroom" and not values["classroom"]:
            continue
        if s.key.startswith("width_") and int(s.key[6:]) > values["layers"]:
            continue
        if s.key.startswith("activation_") and (not values["per_layer"] or int(s.key[11:]) > values["layers"]):
            continue
        keys.append(s.key)
    return keys


def to_query(values):
    """The URL's parameters for the settings in effect, defaults included."""
    return {key: BY_KEY[key].dump(values[key]) for key in active_keys(values)}
