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
# In the sidebar's order.
SCHEDULE_SETTINGS = {"warmup_epochs": "warmup_steps", "decay_epochs": "decay_steps", "decay_rate": "decay_rate"}
DROPOUT_RATES = tuple(round(0.1 * i, 1) for i in range(10))
CLIP_NORMS = (0.01, 0.1, 0.5, 1.0, 2.0, 5.0, 10.0)
STOP_METRICS = ("none", "test_loss", "test_score")  # "none", or a NetworkSpec's stop_metric
MAX_STOP_VALUE = 1e6
MAX_BATCH = 1_000_000      # examples in a batch, and the epoch to stop at
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
def heads():
    """The output activations each kind of task offers, and the losses that fit each, the usual one
    first: {task: {output activation: (losses…)}}, from the registries (each activation's and
    loss's `tasks`)."""
    return {task: {output: losses_for(output, task) for output in output_activations(task)} for task in TASKS}


def fit_head(kind, output, loss, renew=(), keep_loss=False):
    """The output activation and loss that fit a task of `kind`, from the chosen `output` and `loss`: those
    named in `renew` (a new task brings its usual output and loss) and any that does not fit are replaced by
    the usual one; with `keep_loss` (a loss imposed) the output is made one that the loss fits."""
    outputs = heads()[kind]
    if "output" in renew or output not in outputs:
        output = next(iter(outputs))
    if keep_loss and loss not in outputs[output]:
        output = next(o for o, losses in outputs.items() if loss in losses)
    elif not keep_loss and ("loss" in renew or loss not in outputs[output]):
        loss = outputs[output][0]
    return output, loss


def __getattr__(name):
    """HIDDEN_ACTIVATIONS and HEADS, the names these tables had when they were kept by hand,
    computed from the registries at each use, so that they can never disagree with them."""
    if name == "HIDDEN_ACTIVATIONS":
        return hidden_activations()
    if name == "HEADS":
        return heads()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def dump(value):
    """A value as a link carries it: "" for None, 1/0 for a flag, a list joined by commas."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (list, tuple)):
        return ",".join(map(str, value))
    return str(value)


# Numbers as a control writes them: ASCII digits only. Python's int() and float() also take other
# digits ("١" is 1), surrounding spaces, underscores ("1_0") and words ("nan", "inf"); a link may not.
# Every text is measured before it is read: a link's value may be of any length, and no value the page
# writes is longer than these. The patterns split a text into their parts in one way only, and their
# possessive quantifiers (++, *+) never give back what they took, so no text makes them backtrack.
NUMBER_LENGTH = 24     # characters of a number ("0.0001", "1e-05", "2147483647")
LIST_LENGTH = 400      # characters of a list of names, or of one name
INTEGER = re.compile(r"-?[0-9]++")
NEURON = re.compile(r"[0-9]++\.[0-9]++")   # a hidden neuron as "layer.neuron", both counted from 1
CODE = re.compile(r"[A-Za-z0-9_-]*+")   # a challenge's key or code: URL-safe base64, ASCII only
MAX_CODE = 500              # characters of a challenge's code in a link
DECIMAL = re.compile(r"-?+(?:[0-9]++(?:\.[0-9]*+)?+|\.[0-9]++)(?:[eE][-+]?+[0-9]++)?+")


def listed(values):
    """Values as a person reads them: 0.00001 rather than 1e-05."""
    return ", ".join(f"{v:.10f}".rstrip("0").rstrip(".") if isinstance(v, float) else str(v) for v in values)


# A setting's domain: the values it may take. Each domain parses a link's text (ValueError for anything a
# control could not have produced), describes itself in words (the sweep's refusals) and clamps a value
# to the nearest it holds (a value a control no longer offers).

class Options:
    """One of `options`: a collection, or a function that gives it when called (so that a registry is read
    when the text is parsed). Numbers are read as DECIMAL text and clamped to the nearest option."""

    def __init__(self, options):
        self._options = options

    @property
    def options(self):
        return tuple(self._options() if callable(self._options) else self._options)

    @property
    def numeric(self):
        return all(isinstance(o, (int, float)) and not isinstance(o, bool) for o in self.options)

    def parse(self, text):
        if not self.numeric:
            if len(text) > LIST_LENGTH or text not in self.options:
                raise ValueError
            return text
        if len(text) > NUMBER_LENGTH or not DECIMAL.fullmatch(text):
            raise ValueError
        value = float(text)
        match = [o for o in self.options if abs(o - value) <= 1e-9 * max(1.0, abs(o))]
        if not match:
            raise ValueError
        return match[0]

    def describe(self, what=None):
        """In words: "one of 1, 2, 3", or with `what` "one of <what> (1, 2, 3)"."""
        return f"one of {what} ({listed(self.options)})" if what else f"one of {listed(self.options)}"

    def clamp(self, value):
        if value in self.options:
            return value
        if self.numeric and isinstance(value, (int, float)):
            return min(self.options, key=lambda o: abs(o - value))
        return self.options[0]


class Range:
    """A whole number (or, with convert=float, any number) from low to high."""

    def __init__(self, low, high, convert=int):
        self.low, self.high, self.convert = low, high, convert

    def parse(self, text):
        if len(text) > NUMBER_LENGTH or not (INTEGER if self.convert is int else DECIMAL).fullmatch(text):
            raise ValueError
        value = self.convert(text)
        if not self.low <= value <= self.high:
            raise ValueError
        return value

    @property
    def options(self):
        return tuple(range(self.low, self.high + 1))

    def describe(self, what=None):
        """In words: "a whole number from 1 to 8", or with `what` "a whole number of <what> from 1 to 8"."""
        number = ("a whole number" if self.convert is int else "a number") + (f" of {what}" if what else "")
        return f"{number} from {self.low:,} to {self.high:,}"

    def clamp(self, value):
        value = min(max(value, self.low), self.high)
        return round(value) if self.convert is int else float(value)


class Maybe:
    """A value of `domain`, or None, written "" (a setting left empty: no clipping, no stop epoch)."""

    def __init__(self, domain):
        self.domain = domain

    @property
    def options(self):
        return (None, *self.domain.options)

    def parse(self, text):
        return None if text == "" else self.domain.parse(text)

    def describe(self, what=None):
        return f"empty or {self.domain.describe(what)}"

    def clamp(self, value):
        return None if value is None else self.domain.clamp(value)


class Flag:
    """On or off, written 1 or 0."""

    def parse(self, text):
        if len(text) != 1 or text not in ("0", "1"):
            raise ValueError
        return text == "1"

    def describe(self, what=None):
        return "0 or 1"

    def clamp(self, value):
        return bool(value)


class Names(Options):
    """Some of `options`, at least one, none twice, written with commas; kept in the options' order."""

    def parse(self, text):
        if len(text) > LIST_LENGTH:
            raise ValueError
        names = tuple(t for t in text.split(",") if t)
        if not names or len(set(names)) != len(names) or not set(names) <= set(self.options):
            raise ValueError
        return tuple(n for n in self.options if n in names)

    def describe(self, what=None):
        return f"some of {listed(self.options)}, with commas"

    def clamp(self, value):
        names = value if isinstance(value, (list, tuple)) else ()
        return tuple(n for n in self.options if n in names) or self.options[:1]


class Text:
    """A text read by `parse` (a challenge's code, a drawing, neurons, what classroom mode hides); a value that
    does not survive it is clamped to `empty`."""

    def __init__(self, parse, description, empty):
        self.parse, self.description, self.empty = parse, description, empty

    def describe(self, what=None):
        return self.description

    def clamp(self, value):
        try:
            return self.parse(dump(value))
        except (ValueError, TypeError, OverflowError):
            return self.empty


def drawing(text):
    """Points drawn on the plane, as a link carries them (playground.data.drawn); "" for none."""
    from .data import drawn
    if len(text) > drawn.MAX_LINK_TEXT:
        raise ValueError
    if text:
        drawn.decode(text, "classification", 256)
    return text


def challenge(text):
    """A challenge's key or code (playground.challenges) as the link carries it, URL-safe text; "" for none.
    Which challenge it names is read by `challenges.from_query`, which the page reads a link with."""
    if len(text) > MAX_CODE or not CODE.fullmatch(text):
        raise ValueError
    return text


def neurons(text):
    """Hidden neurons as a link carries them, "1.3,2.1" (layer 1's neuron 3, layer 2's neuron 1): each layer
    and neuron a whole number from 1 within the page's largest network, none twice; sorted."""
    if len(text) > LIST_LENGTH:
        raise ValueError
    names = [t for t in text.split(",") if t]
    if len(set(names)) != len(names) or not all(len(t) <= 8 and NEURON.fullmatch(t) for t in names):
        raise ValueError
    pairs = sorted(tuple(int(i) for i in t.split(".")) for t in names)
    if not all(1 <= layer <= MAX_LAYERS and 1 <= neuron <= MAX_WIDTH for layer, neuron in pairs):
        raise ValueError
    return tuple(f"{layer}.{neuron}" for layer, neuron in pairs)


def off_neurons(values):
    """The neurons switched off that the network of `values` has, as NetworkSpec's (layer, neuron) pairs."""
    pairs = (tuple(int(i) for i in name.split(".")) for name in values["off"])
    return tuple((layer, neuron) for layer, neuron in pairs
                 if layer <= values["layers"] and neuron <= values[f"width_{layer}"])


def controls(text):
    if len(text) > LIST_LENGTH:
        raise ValueError
    names = tuple(t for t in text.split(",") if t)
    if names == ("all",):
        return names
    if len(set(names)) != len(names) or not set(names) <= set(CLASSROOM_CONTROLS):
        raise ValueError
    return names


@dataclass(frozen=True)
class Control:
    """How the sidebar draws a setting. `kind`: the Streamlit widget ("selectbox", "select_slider", "slider",
    "number_input", "checkbox", "radio", "multiselect", "button"). `group`: where it is drawn (GROUPS); a few
    are drawn by a renderer of their own (ui/controls.py's SPECIAL, by their classroom name). `classroom`: the name classroom mode hides it by (the key when None);
    `fixed`: a hidden control leaves its value in its place. `offer(values, facts)`: the domain the control
    offers now when narrower than the link's (facts: the task's kind, the training examples, the data set's
    classes); `disabled(values)`: when it is greyed out."""
    kind: str
    group: str
    help: str = None          # N_-marked
    classroom: str = None
    fixed: bool = False
    step: object = None
    offer: object = None
    disabled: object = None
    placeholder: str = None   # N_-marked
    options: dict = None      # more of the widget's own arguments


# The sidebar's parts, top-down: "Data" and what its set is made with ("More data options"), "Network",
# "Training" (the learning rate, then the engine), "More network and training options", "Stop training".
GROUPS = ("data", "data_more", "network", "training", "engine", "more", "stop")


@dataclass(frozen=True)
class Setting:
    key: str
    default: object
    domain: object
    label: str = None          # its name on the page (N_-marked): what compare, the sweep and challenges call it
    control: Control = None    # its sidebar control; None: another part of the page sets it

    def parse(self, text):
        """text -> value; raises ValueError."""
        return self.domain.parse(text)

    def dump(self, value):
        return dump(value)

    @property
    def classroom(self):
        """The name classroom mode hides this setting's control by."""
        return self.control.classroom or self.key if self.control else None

    def offered(self, values, facts):
        """The domain this setting's control offers, given the settings `values` and the data's `facts`."""
        return self.control.offer(values, facts) if self.control and self.control.offer else self.domain


def _per_layer(key, default, domain, label, control):
    """One setting per hidden layer: `key`_1 … `key`_MAX_LAYERS."""
    return [Setting(f"{key}_{i}", default, domain, label, control) for i in range(1, MAX_LAYERS + 1)]


def _no_layers(values):
    return not values["layers"]


HIDDEN = Options(hidden_activations)
SEED = Range(0, 2**31 - 1)
DROPOUT = Options(DROPOUT_RATES)
SETTINGS = [
    Setting("engine", "numpy", Options(ENGINES), N_("Engine"),
            Control("radio", "engine", options={"horizontal": True})),
    Setting("dataset", "circle", Options((*DATASETS, UPLOAD)), N_("Data set"),
            Control("selectbox", "data", N_("The 2-D sets draw a decision boundary; digits and mnist are images."),
                    fixed=True)),
    Setting("noise", 0.0, Options(NOISE_LEVELS), N_("Noise"), Control("select_slider", "data_more")),
    Setting("samples", 500, Options(SAMPLE_SIZES), N_("Samples"), Control("select_slider", "data_more")),
    Setting("train_percent", 50, Range(10, 90), N_("Training data (%)"), Control("slider", "data_more", step=10)),
    Setting("classes", min(CLASSES_RANGE), Range(*CLASSES_RANGE), N_("Classes"),
            Control("slider", "data_more", offer=lambda values, facts: Range(*facts["classes"]))),
    Setting("data_seed", 0, SEED, N_("Data seed"), Control("button", "data_more", classroom="regenerate")),
    Setting("features", ("x1", "x2"), Names(FEATURES), N_("Input features"),
            Control("multiselect", "data", N_("What the input layer sees, computed from each point (x1, x2)."),
                    fixed=True)),
    Setting("layers", 2, Range(0, MAX_LAYERS), N_("Hidden layers"), Control("slider", "network", fixed=True)),
    *[Setting(f"width_{i}", DEFAULT_WIDTHS[i - 1], Range(1, MAX_WIDTH), N_("Layer {layer}"),
              Control("number_input", "network", N_("Neurons in hidden layer {layer}."), classroom="widths", step=1))
      for i in range(1, MAX_LAYERS + 1)],
    Setting("activation", "tanh", HIDDEN, N_("Activation"),
            Control("selectbox", "network", fixed=True, disabled=lambda values: values["per_layer"])),
    Setting("per_layer", False, Flag(), N_("A different activation per layer"),
            Control("checkbox", "more", classroom="activation")),
    *_per_layer("activation", "tanh", HIDDEN, N_("Activation of layer {layer}"),
                Control("selectbox", "more", classroom="activation")),
    Setting("output", "sigmoid", Options(output_activations), N_("Output activation"),
            Control("selectbox", "more", offer=lambda values, facts: Options(tuple(heads()[facts["kind"]])))),
    Setting("loss", "binary_crossentropy", Options(LOSSES), N_("Loss"),
            Control("selectbox", "more",
                    offer=lambda values, facts: Options(heads()[facts["kind"]][values["output"]]))),
    Setting("optimizer", "sgd", Options(OPTIMIZERS), N_("Optimizer"), Control("selectbox", "more")),
    Setting("learning_rate", 0.03, Options(LEARNING_RATES), N_("Learning rate"),
            Control("select_slider", "training", N_("α in W ← W − α·∂L/∂W."), fixed=True)),
    Setting("schedule", "constant", Options(SCHEDULES), N_("Learning-rate schedule"),
            Control("selectbox", "more", N_("How the learning rate changes as training goes on; the weights stay "
                                          "when it changes."))),
    Setting("decay_epochs", 100, Options(DECAY_EPOCHS), N_("Decay over (epochs)"),
            Control("select_slider", "schedule", classroom="schedule")),
    Setting("decay_rate", 0.5, Options(DECAY_RATES), N_("Decay rate"),
            Control("select_slider", "schedule", classroom="schedule")),
    Setting("warmup_epochs", 10, Options(WARMUP_EPOCHS), N_("Warm-up (epochs)"),
            Control("select_slider", "schedule", classroom="schedule")),
    Setting("batch_size", 10, Range(1, MAX_BATCH), N_("Batch size"),
            Control("slider", "more", offer=lambda values, facts: Range(1, facts["n_train"]))),
    Setting("stop_epoch", None, Maybe(Range(1, MAX_BATCH)), N_("Stop at epoch"),
            Control("number_input", "stop", N_("Leave it empty to train until paused."), classroom="stop", step=1,
                    placeholder=N_("never"))),
    Setting("stop_metric", "none", Options(STOP_METRICS), N_("Stop when"), Control("selectbox", "stop", classroom="stop")),
    Setting("stop_value", 0.95, Range(0.0, MAX_STOP_VALUE, float), N_("Stop value"),
            Control("number_input", "stop", classroom="stop", step=0.01, options={"format": "%.4g"},
                    disabled=lambda values: values["stop_metric"] == "none")),
    Setting("regularization", "none", Options(("none", "l1", "l2")), N_("Regularization"),
            Control("selectbox", "more", N_("A penalty on the weights added to the loss: l1·Σ|W| or l2·ΣW²."))),
    Setting("penalty_rate", 0.001, Options(PENALTY_RATES), N_("Regularization rate"),
            Control("select_slider", "more", disabled=lambda values: values["regularization"] == "none")),
    Setting("dropout", 0.0, DROPOUT, N_("Dropout"),
            Control("select_slider", "more", N_(
                "In each training step every hidden neuron's output is dropped with this probability, and "
                "the others are scaled by 1/(1 − rate) (inverted dropout). Predictions, the boundary and "
                "the test figures use the whole network. Each step trains another subset of the neurons, so "
                "the weights jitter and the loss curves get noisier."),
                disabled=lambda values: values["per_layer_dropout"] or not values["layers"])),
    Setting("per_layer_dropout", False, Flag(), N_("A different dropout rate per layer"),
            Control("checkbox", "more", classroom="dropout", disabled=_no_layers)),
    *_per_layer("dropout", 0.0, DROPOUT, N_("Dropout of layer {layer}"),
                Control("select_slider", "more", classroom="dropout")),
    Setting("clip_norm", None, Maybe(Options(CLIP_NORMS)), N_("Gradient clipping"),
            Control("select_slider", "more", N_("Each step's gradient is scaled down to this norm when it is "
                                                "longer: g ← g·c / max(‖g‖, c), over every weight and bias at once."))),
    Setting("off", (), Text(neurons, "hidden neurons as layer.neuron, with commas", ()), N_("Neurons switched off")),
    Setting("init", "glorot_uniform", Options(INITIALIZERS), N_("Initial weights"),
            Control("selectbox", "more", N_("How the weights are drawn before training; the biases start at 0."))),
    Setting("seed", 0, SEED, N_("Seed"),
            Control("number_input", "more", N_("Draws the initial weights and the batch order."), step=1)),
    Setting("speed", 0.5, Options(SPEEDS), N_("Speed")),
    Setting("show_test", False, Flag(), N_("Show test data")),
    Setting("discretize", False, Flag(), N_("Discretize output")),
    Setting("presentation", False, Flag(), N_("Presentation")),
    Setting("lang", DEFAULT_LANGUAGE, Options(tuple(LANGUAGES)), N_("Language")),
    Setting("challenge", "", Text(challenge, "a challenge's key or code", ""), N_("Challenge")),
    Setting("drawn", "", Text(drawing, "points drawn, as the page writes them", ""), N_("Points drawn")),
    Setting("classroom", (), Text(controls, "the controls to hide, with commas, or all", ()), N_("Classroom mode")),
]
BY_KEY = {s.key: s for s in SETTINGS}
# Each setting's name as the sidebar writes it: what compare, the sweep and challenges call a setting, never its key.
# What classroom mode can hide (`?classroom=optimizer,learning_rate`, or `?classroom=all`): the sidebar's
# controls by their classroom names ("widths" for the neurons of every layer, "activation" for every
# activation control), the lessons and the challenge.
CLASSROOM_CONTROLS = (*dict.fromkeys(s.classroom for s in SETTINGS if s.control), "lessons", "challenge")
LABELS = {s.key: s.label for s in SETTINGS if not s.key[-1].isdigit()}
# A layer's own settings (width_3, activation_3, dropout_3) name their layer.
LAYER_LABELS = {head: BY_KEY[f"{head}_1"].label for head in ("width", "activation", "dropout")}


def label(key):
    """The setting `key`'s name on the page, translated; a key that is no setting is returned as it is."""
    if key in LABELS:
        return _(LABELS[key])
    if layer_of(key):
        return _(LAYER_LABELS[key.rpartition("_")[0]]).format(layer=layer_of(key))
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


def layer_of(key):
    """The hidden layer a layer's own setting (width_3, activation_3, dropout_3) is of; None for any other."""
    head, _sep, layer = key.rpartition("_")
    return int(layer) if head in LAYER_LABELS and layer.isdigit() else None


def applies(key, values):
    """Whether the setting `key` acts on the network of `values`: widths, per-layer activations and dropout
    rates only for the layers there are (the last two only when chosen per layer); a schedule's settings
    only for a schedule that uses them."""
    if key in SCHEDULE_SETTINGS:
        return SCHEDULE_SETTINGS[key] in SCHEDULES[values["schedule"]].parameters
    layer = layer_of(key)
    if layer is None:
        return True
    switch = {"activation": "per_layer", "dropout": "per_layer_dropout"}.get(key.rpartition("_")[0])
    return layer <= values["layers"] and (switch is None or values[switch])


def active_keys(values):
    """The settings in effect: those that act on the network (`applies`); classroom mode only when it hides
    something, a challenge, a drawing, clipping and a stop epoch only when there is one, the stop value only
    with a metric to stop on."""
    keys = []
    for s in SETTINGS:
        if s.key in ("classroom", "challenge", "drawn", "clip_norm", "stop_epoch", "off") and values[s.key] in ("", (), None):
            continue
        if s.key == "stop_value" and values["stop_metric"] == "none":
            continue
        if applies(s.key, values):
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
        initializer=values["init"], seed=int(values["seed"]), off=off_neurons(values), **stop_condition(values))


def stop_condition(values):
    """The NetworkSpec's stop fields from the settings: the metric and its value only when there is a metric."""
    metric = values["stop_metric"]
    return {"stop_epoch": values["stop_epoch"], "stop_metric": None if metric == "none" else metric,
            "stop_value": None if metric == "none" else float(values["stop_value"])}
