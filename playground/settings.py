"""Every setting of the page: its key (in the URL and in session state), default and parser.

A setting's value travels as text in the address (`?learning_rate=0.03&layers=2&...`) so
that a link opens the same setup. `parse` turns that text back into a value and raises
ValueError for anything a control could not have produced (numbers in ASCII digits only).

The learning-rate schedule's lengths are set in epochs here, the unit a student watches, and
`network_spec` turns them into the optimizer steps a NetworkSpec holds (epochs × batches per epoch).
"""
import math
import re
from dataclasses import dataclass

from .data import DATASETS, FEATURES
from .engines import ENGINES
from .i18n import DEFAULT as DEFAULT_LANGUAGE, LANGUAGES, N_, _
from .nn import INITIALIZERS, LOSSES, OPTIMIZERS, SCHEDULES, hidden_activations, losses_for, output_activations
from .spec import NetworkSpec

MAX_LAYERS, MAX_WIDTH = 8, 128
TASKS = ("binary", "multiclass", "regression")
LEARNING_RATES = (0.00001, 0.00003, 0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
DECAY_EPOCHS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)
DECAY_RATES = (0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99)
WARMUP_EPOCHS = (1, 2, 5, 10, 20, 50, 100)
# The schedule's settings and the NetworkSpec field each one gives; a schedule uses those it names.
SCHEDULE_SETTINGS = {"decay_epochs": "decay_steps", "decay_rate": "decay_rate", "warmup_epochs": "warmup_steps"}
DROPOUT_RATES = tuple(round(0.1 * i, 1) for i in range(10))
CLIP_NORMS = (0.01, 0.1, 0.5, 1.0, 2.0, 5.0, 10.0)
STOP_METRICS = ("none", "test_loss", "test_score")  # "none", or a NetworkSpec's stop_metric
MAX_STOP_VALUE = 1e6
PENALTY_RATES = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
SAMPLE_SIZES = (100, 200, 300, 500, 1000, 2000)
NOISE_LEVELS = tuple(round(0.05 * i, 2) for i in range(11))
# Epochs each frame of the live view advances (a fraction: that share of an epoch's batches); 0: as fast
# as the engine goes. Half an epoch a frame lets a class watch the circle's boundary form (about 4 s).
SPEEDS = (0.1, 0.25, 0.5, 1, 2, 5, 10, 25, 100, 0)
DEFAULT_WIDTHS = (4, 2, 2, 2, 2, 2, 2, 2)
UPLOAD = "upload"          # the data set option for the user's own CSV file
# The classes a set that lets them be chosen (blobs) can have: every such set's range, at once.
CLASSES_RANGE = (min(info.classes[0] for info in DATASETS.values() if info.classes),
                 max(info.classes[1] for info in DATASETS.values() if info.classes))
# What classroom mode can hide (`?classroom=optimizer,learning_rate`, or `?classroom=all`): the
# sidebar's controls by their keys ("widths" for the neurons of every layer, "activation" for
# every activation control) and the lessons.
CLASSROOM_CONTROLS = ("engine", "dataset", "noise", "samples", "classes", "train_percent", "regenerate", "features",
                      "layers", "widths", "activation", "output", "loss", "optimizer", "learning_rate", "batch_size",
                      "regularization", "penalty_rate", "dropout", "clip_norm", "init", "seed", "schedule", "stop", "lessons",
                      "challenge")


def heads():
    """The output activations each kind of task offers, and the losses that fit each, the usual one
    first: {task: {output activation: (losses…)}}, from the registries (each activation's and
    loss's `tasks`)."""
    return {task: {output: losses_for(output, task) for output in output_activations(task)} for task in TASKS}


def __getattr__(name):
    """HIDDEN_ACTIVATIONS and HEADS, the names these tables had when they were kept by hand,
    computed from the registries at each use, so that they can never disagree with them."""
    if name == "HIDDEN_ACTIVATIONS":
        return hidden_activations()
    if name == "HEADS":
        return heads()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class Setting:
    key: str
    default: object
    parse: object            # text -> value; raises ValueError

    def dump(self, value):
        if value is None:
            return ""
        if isinstance(value, bool):
            return "1" if value else "0"
        if isinstance(value, (list, tuple)):
            return ",".join(map(str, value))
        return str(value)


def choice(options):
    """A parser of one name among `options`: a collection, or a function that gives it when called
    (so that a registry is read when the text is parsed)."""
    def parse(text):
        if len(text) > LIST_LENGTH or text not in (options() if callable(options) else options):
            raise ValueError
        return text
    return parse


# Numbers as a control writes them: ASCII digits only. Python's int() and float() also take other
# digits ("١" is 1), surrounding spaces, underscores ("1_0") and words ("nan", "inf"); a link may not.
# Every text is measured before it is read: a link's value may be of any length, and no value the page
# writes is longer than these. The patterns split a text into their parts in one way only, and their
# possessive quantifiers (++, *+) never give back what they took, so no text makes them backtrack.
NUMBER_LENGTH = 24     # characters of a number ("0.0001", "1e-05", "2147483647")
LIST_LENGTH = 400      # characters of a list of names, or of one name
INTEGER = re.compile(r"-?[0-9]++")
CODE = re.compile(r"[A-Za-z0-9_-]*+")   # a challenge's key or code: URL-safe base64, ASCII only
MAX_CODE = 500              # characters of a challenge's code in a link
DECIMAL = re.compile(r"-?+(?:[0-9]++(?:\.[0-9]*+)?+|\.[0-9]++)(?:[eE][-+]?+[0-9]++)?+")


def number_in(options):
    def parse(text):
        if len(text) > NUMBER_LENGTH or not DECIMAL.fullmatch(text):
            raise ValueError
        value = float(text)
        match = [o for o in options if abs(o - value) <= 1e-9 * max(1.0, abs(o))]
        if not match:
            raise ValueError
        return match[0]
    return parse


def _within(pattern, convert, low, high):
    """A parser of a number written as `pattern` allows, `convert`ed, from low to high."""
    def parse(text):
        if len(text) > NUMBER_LENGTH or not pattern.fullmatch(text):
            raise ValueError
        value = convert(text)
        if not low <= value <= high:
            raise ValueError
        return value
    return parse


def integer(low, high):
    return _within(INTEGER, int, low, high)


def decimal(low, high):
    return _within(DECIMAL, float, low, high)


def optional(parse):
    """A parser that also takes "" for None (a setting left empty: no clipping, no stop epoch)."""
    return lambda text: None if text == "" else parse(text)


def flag(text):
    if len(text) != 1 or text not in ("0", "1"):
        raise ValueError
    return text == "1"


def features(text):
    if len(text) > LIST_LENGTH:
        raise ValueError
    names = tuple(t for t in text.split(",") if t)
    if not names or len(set(names)) != len(names) or not set(names) <= set(FEATURES):
        raise ValueError
    return tuple(n for n in FEATURES if n in names)


def challenge(text):
    """A challenge's key or code (playground.challenges) as the link carries it, URL-safe text; "" for none.
    Which challenge it names is read by `challenges.from_query`, which the page reads a link with."""
    if len(text) > MAX_CODE or not CODE.fullmatch(text):
        raise ValueError
    return text


def drawing(text):
    """Points drawn on the plane, as a link carries them (playground.data.drawn); "" for none."""
    from .data import drawn
    if len(text) > drawn.MAX_LINK_TEXT:
        raise ValueError
    if text:
        drawn.decode(text, "classification", 256)
    return text


def controls(text):
    if len(text) > LIST_LENGTH:
        raise ValueError
    names = tuple(t for t in text.split(",") if t)
    if names == ("all",):
        return names
    if len(set(names)) != len(names) or not set(names) <= set(CLASSROOM_CONTROLS):
        raise ValueError
    return names


SETTINGS = [
    Setting("engine", "numpy", choice(ENGINES)),
    Setting("dataset", "circle", choice((*DATASETS, UPLOAD))),
    Setting("noise", 0.0, number_in(NOISE_LEVELS)),
    Setting("samples", 500, lambda t: int(number_in(SAMPLE_SIZES)(t))),
    Setting("train_percent", 50, integer(10, 90)),
    Setting("classes", min(CLASSES_RANGE), integer(*CLASSES_RANGE)),
    Setting("data_seed", 0, integer(0, 2**31 - 1)),
    Setting("features", ("x1", "x2"), features),
    Setting("layers", 2, integer(0, MAX_LAYERS)),
    *[Setting(f"width_{i}", DEFAULT_WIDTHS[i - 1], integer(1, MAX_WIDTH)) for i in range(1, MAX_LAYERS + 1)],
    Setting("activation", "tanh", choice(hidden_activations)),
    Setting("per_layer", False, flag),
    *[Setting(f"activation_{i}", "tanh", choice(hidden_activations)) for i in range(1, MAX_LAYERS + 1)],
    Setting("output", "sigmoid", choice(output_activations)),
    Setting("loss", "binary_crossentropy", choice(LOSSES)),
    Setting("optimizer", "sgd", choice(OPTIMIZERS)),
    Setting("learning_rate", 0.03, number_in(LEARNING_RATES)),
    Setting("schedule", "constant", choice(SCHEDULES)),
    Setting("decay_epochs", 100, lambda t: int(number_in(DECAY_EPOCHS)(t))),
    Setting("decay_rate", 0.5, number_in(DECAY_RATES)),
    Setting("warmup_epochs", 10, lambda t: int(number_in(WARMUP_EPOCHS)(t))),
    Setting("batch_size", 10, integer(1, 1_000_000)),
    Setting("stop_epoch", None, optional(integer(1, 1_000_000))),
    Setting("stop_metric", "none", choice(STOP_METRICS)),
    Setting("stop_value", 0.95, decimal(0.0, MAX_STOP_VALUE)),
    Setting("regularization", "none", choice(("none", "l1", "l2"))),
    Setting("penalty_rate", 0.001, number_in(PENALTY_RATES)),
    Setting("dropout", 0.0, number_in(DROPOUT_RATES)),
    Setting("per_layer_dropout", False, flag),
    *[Setting(f"dropout_{i}", 0.0, number_in(DROPOUT_RATES)) for i in range(1, MAX_LAYERS + 1)],
    Setting("clip_norm", None, optional(number_in(CLIP_NORMS))),
    Setting("init", "glorot_uniform", choice(INITIALIZERS)),
    Setting("seed", 0, integer(0, 2**31 - 1)),
    Setting("speed", 0.5, number_in(SPEEDS)),
    Setting("show_test", False, flag),
    Setting("discretize", False, flag),
    Setting("presentation", False, flag),
    Setting("lang", DEFAULT_LANGUAGE, choice(tuple(LANGUAGES))),
    Setting("challenge", "", challenge),
    Setting("drawn", "", drawing),
    Setting("classroom", (), controls),
]
BY_KEY = {s.key: s for s in SETTINGS}

# Each setting's name as the sidebar writes it: what compare, the sweep and challenges call a setting, never its key.
LABELS = {"engine": N_("Engine"), "dataset": N_("Data set"), "noise": N_("Noise"), "samples": N_("Samples"),
          "train_percent": N_("Training data (%)"), "classes": N_("Classes"), "data_seed": N_("Data seed"),
          "features": N_("Input features"), "layers": N_("Hidden layers"), "activation": N_("Activation"),
          "per_layer": N_("A different activation per layer"), "output": N_("Output activation"), "loss": N_("Loss"),
          "optimizer": N_("Optimizer"), "learning_rate": N_("Learning rate"),
          "schedule": N_("Learning-rate schedule"), "decay_epochs": N_("Decay over (epochs)"),
          "decay_rate": N_("Decay rate"), "warmup_epochs": N_("Warm-up (epochs)"), "batch_size": N_("Batch size"),
          "stop_epoch": N_("Stop at epoch"), "stop_metric": N_("Stop when"), "stop_value": N_("Stop value"),
          "regularization": N_("Regularization"), "penalty_rate": N_("Regularization rate"), "dropout": N_("Dropout"),
          "per_layer_dropout": N_("A different dropout rate per layer"), "clip_norm": N_("Gradient clipping"),
          "init": N_("Initial weights"), "seed": N_("Seed"), "speed": N_("Speed"), "show_test": N_("Show test data"),
          "discretize": N_("Discretize output"), "presentation": N_("Presentation"), "lang": N_("Language"),
          "challenge": N_("Challenge"), "drawn": N_("Points drawn"), "classroom": N_("Classroom mode")}
# A layer's own settings (width_3, activation_3, dropout_3) name their layer.
LAYER_LABELS = {"width": N_("Layer {layer}"), "activation": N_("Activation of layer {layer}"),
                "dropout": N_("Dropout of layer {layer}")}


def label(key):
    """The setting `key`'s name on the page, translated; a key that is no setting is returned as it is."""
    if key in LABELS:
        return _(LABELS[key])
    head, _sep, layer = key.rpartition("_")
    if head in LAYER_LABELS and layer.isdigit():
        return _(LAYER_LABELS[head]).format(layer=layer)
    return key


def from_query(params):
    """Values for every setting from the URL's parameters: (values, keys whose text was refused).

    A missing key takes its default silently; an unknown key is ignored; a value that does not
    parse takes the default and its key is reported, so the page can say which one. The challenge is
    taken as text here: `challenges.from_query` reads which one it names.
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
    """The settings in effect: widths, per-layer activations and dropout rates only for the layers there are; a
    schedule's settings only for a schedule that uses them; classroom mode only when it hides something,
    a challenge, a drawing, clipping and a stop epoch only when there is one, the stop value only with
    a metric to stop on."""
    keys, schedule = [], SCHEDULES[values["schedule"]]
    for s in SETTINGS:
        if s.key in ("classroom", "challenge", "drawn", "clip_norm", "stop_epoch") and values[s.key] in ("", (), None):
            continue
        if s.key == "stop_value" and values["stop_metric"] == "none":
            continue
        if s.key in SCHEDULE_SETTINGS and SCHEDULE_SETTINGS[s.key] not in schedule.parameters:
            continue
        if s.key.startswith("width_") and int(s.key[6:]) > values["layers"]:
            continue
        if s.key.startswith("activation_") and (not values["per_layer"] or int(s.key[11:]) > values["layers"]):
            continue
        if s.key.startswith("dropout_") and (not values["per_layer_dropout"] or int(s.key[8:]) > values["layers"]):
            continue
        keys.append(s.key)
    return keys


def to_query(values):
    """The URL's parameters for the settings in effect, defaults included."""
    return {key: BY_KEY[key].dump(values[key]) for key in active_keys(values)}


LINKS = ("page", "classroom", "presentation", "challenge")  # the links a teacher gives out
ALWAYS_IN_LINKS = ("dataset", "output", "loss")  # a link without its output and loss takes the task's usual ones


def share_links(values):
    """The query of each link a teacher gives out, by kind of LINKS: the settings in effect that differ from their
    defaults (a link opens with the defaults for the rest), so that the link, and its QR code, stay short.
    "page": the settings as they are; "classroom": the same, every control hidden (or those hidden already);
    "presentation": the same for the projector; "challenge": the chosen challenge alone, when there is one."""
    query = to_query({**values, "presentation": False})
    page = {key: value for key, value in query.items()
            if key in ALWAYS_IN_LINKS or value != BY_KEY[key].dump(BY_KEY[key].default)}
    links = {"page": page,
             "classroom": {**page, "classroom": page.get("classroom", "all")},
             "presentation": {**page, "presentation": "1"}}
    if values["challenge"]:
        links["challenge"] = {"challenge": query["challenge"],
                              **({"lang": query["lang"]} if "lang" in page else {})}
    return links


def defaults():
    """Every setting's default value."""
    return {s.key: s.default for s in SETTINGS}


def task_kind(dataset):
    """"binary", "multiclass" or "regression": which outputs and losses a data set can be given."""
    if dataset.task == "regression":
        return "regression"
    return "multiclass" if dataset.n_classes > 2 else "binary"


def data_arguments(values):
    """make_dataset's arguments for the chosen set; those it ignores are left at their defaults,
    so that changing them does not make a new data set (or a new run)."""
    return {argument: read(values[key]) for key in DATASETS[values["dataset"]].settings
            for argument, read in [DATA_ARGUMENTS[key]]}


# make_dataset's argument for each setting a data set can be made with (DatasetInfo.settings).
DATA_ARGUMENTS = {"noise": ("noise", float), "samples": ("n_samples", int), "features": ("features", tuple),
                  "classes": ("n_classes", int), "train_percent": ("train_fraction", lambda percent: percent / 100),
                  "data_seed": ("seed", int)}


def steps_per_epoch(values, dataset):
    """Optimizer steps in one epoch of `dataset` at the chosen batch size: its batches, the last, smaller one too."""
    return math.ceil(len(dataset.y_train) / values["batch_size"])


def network_spec(values, dataset):
    """The NetworkSpec that the settings `values` give for `dataset`; ValueError if they make no network.
    The schedule's lengths in epochs become optimizer steps, with the data set's batches per epoch."""
    layers = values["layers"]
    steps = steps_per_epoch(values, dataset)
    n_outputs = dataset.n_classes if dataset.n_classes > 2 else (2 if values["output"] == "softmax" else 1)
    penalty = values["penalty_rate"] if values["regularization"] != "none" else 0.0
    activation = (tuple(values[f"activation_{i}"] for i in range(1, layers + 1)) if values["per_layer"]
                  else values["activation"])
    dropout = (tuple(values[f"dropout_{i}"] for i in range(1, layers + 1)) if values["per_layer_dropout"]
               else values["dropout"])
    return NetworkSpec(
        n_inputs=dataset.n_inputs, hidden=tuple(values[f"width_{i}"] for i in range(1, layers + 1)),
        n_outputs=n_outputs, activation=activation, output_activation=values["output"], loss=values["loss"],
        optimizer=values["optimizer"], learning_rate=values["learning_rate"], schedule=values["schedule"],
        decay_steps=values["decay_epochs"] * steps, decay_rate=values["decay_rate"],
        warmup_steps=values["warmup_epochs"] * steps, batch_size=values["batch_size"],
        l1=penalty if values["regularization"] == "l1" else 0.0,
        l2=penalty if values["regularization"] == "l2" else 0.0, dropout=dropout, clip_norm=values["clip_norm"],
        initializer=values["init"], seed=int(values["seed"]), **stop_condition(values))


def stop_condition(values):
    """The NetworkSpec's stop fields from the settings: the metric and its value only when there is a metric."""
    metric = values["stop_metric"]
    return {"stop_epoch": values["stop_epoch"], "stop_metric": None if metric == "none" else metric,
            "stop_value": None if metric == "none" else float(values["stop_value"])}
