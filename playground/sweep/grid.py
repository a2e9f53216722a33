"""A sweep's plan: which settings vary, with which values, and every run's settings (the grid).

Values are the page's: text is parsed by the same parser as the page's link
(`settings.BY_KEY[key].parse`), and a value given as a value must survive that parser too, so
a sweep can hold no setting the page could not show. Nothing is trained before every run's
settings have made a valid network.
"""
import itertools
from dataclasses import dataclass

from ..data import DATASETS, make_dataset
from ..settings import BY_KEY, MAX_LAYERS, UPLOAD, data_arguments, listed, network_spec
from ..snapshot import TrainingData
from .runs import PlannedRun

MAX_RUNS = 25
MAX_VARIED = 2


class SweepError(ValueError):
    """A sweep that cannot start: `argument` names what was wrong (as the command line spells it)."""

    def __init__(self, argument, message):
        super().__init__(f"{argument}: {message}")
        self.argument, self.message = argument, message


@dataclass(frozen=True)
class Variable:
    """A setting a sweep can vary: its name in the page's link, the settings it sets, what it accepts."""
    name: str
    keys: tuple         # the page's settings it sets, all alike ("width" sets every layer's width)
    what: str = None    # what its values are, for the refusal: "<text> is not one of <what> (…)"
    acts_when: str = ""  # when its values make no difference, why

    @property
    def setting(self):
        return BY_KEY[self.keys[0]]

    @property
    def accepts(self):
        """For the refusal: "<text> is not <accepts>", from the setting's domain."""
        return self.setting.domain.describe(self.what)


def _layers(key):
    return tuple(f"{key}_{i}" for i in range(1, MAX_LAYERS + 1))


VARIABLES = {v.name: v for v in (
    Variable("learning_rate", ("learning_rate",), "the page's learning rates"),
    Variable("batch_size", ("batch_size",), "examples"),
    Variable("optimizer", ("optimizer",), "the optimizers"),
    Variable("activation", ("activation", *_layers("activation")), "the hidden activations",
             "the activation acts only on hidden layers: give layers 1 or more"),
    Variable("layers", ("layers",), "hidden layers"),
    Variable("width", _layers("width"), "neurons per layer",
             "the width acts only on hidden layers: give layers 1 or more"),
    Variable("regularization", ("regularization",)),
    Variable("penalty_rate", ("penalty_rate",), "the page's penalty rates",
             "the penalty rate acts only with regularization l1 or l2"),
    Variable("schedule", ("schedule",), "the learning-rate schedules"),
    Variable("dropout", ("dropout", *_layers("dropout")), "the page's dropout rates",
             "dropout acts only on hidden layers: give layers 1 or more"),
    Variable("clip_norm", ("clip_norm",), "the page's clipping norms"),
    Variable("init", ("init",), "the initializers"),
    Variable("seed", ("seed",)),
)}


def parse_values(name, texts):
    """The values of `name` (a variable of VARIABLES) from their text, as the page's link parses them."""
    variable = _variable(name)
    if not any(text.strip() for text in texts):
        raise SweepError(f"--set {name}", "no values given")
    values = []
    for text in texts:
        try:
            value = variable.setting.parse(text.strip())
        except (ValueError, TypeError, OverflowError):
            shown = repr(text) if not text.strip() else text.strip()
            raise SweepError(f"--set {name}", f"{shown} is not {variable.accepts}") from None
        values.append(value)
    return _distinct(name, values)


def _checked_values(name, values):
    """The values of `name`, each checked by a round trip through the page's link."""
    setting = _variable(name).setting
    return parse_values(name, [setting.dump(v) for v in values])


def set_value(values, name, value):
    """A copy of the settings `values` with `name` (a variable, or any page setting) set to `value`."""
    keys = VARIABLES[name].keys if name in VARIABLES else (name,)
    return {**values, **{key: value for key in keys}}


def _variable(name):
    if name not in VARIABLES:
        raise SweepError(f"--set {name}", f"a sweep varies only {', '.join(VARIABLES)}")
    return VARIABLES[name]


def _distinct(name, values):
    for i, value in enumerate(values):
        if value in values[:i]:
            raise SweepError(f"--set {name}", f"{VARIABLES[name].setting.dump(value)} is given twice")
    return tuple(values)


@dataclass(frozen=True, eq=False)
class SweepPlan:
    """What a sweep trains: each of `runs` for `epochs` epochs on `dataset`."""
    base: dict
    variations: tuple   # ((name, values), ...)
    epochs: int
    runs: tuple         # PlannedRun, in the grid's order
    dataset: object     # the Dataset the base settings give (or the upload)
    data: TrainingData  # its arrays, as workers are sent them

    @property
    def varied(self):
        return tuple(name for name, _ in self.variations)

    @property
    def score_name(self):
        return "R²" if self.dataset.task == "regression" else "accuracy"


def plan_sweep(base, variations, epochs, dataset=None):
    """Every run of the sweep: the grid (cross product) of `variations` ({name: values}) over the
    settings `base` (every page setting's value). `dataset` is the data set the base settings
    give; it is built here when not given, and needed for an upload. Raises SweepError, with
    nothing started, for anything that would not make a valid run."""
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise SweepError("--epochs", f"train at least 1 epoch, not {epochs}")
    variations = tuple((name, _checked_values(name, values)) for name, values in dict(variations).items())
    if len(variations) > MAX_VARIED:
        raise SweepError(f"--set {variations[MAX_VARIED][0]}",
                         f"a sweep varies at most {MAX_VARIED} settings at once: give the others one value")
    if all(len(values) < 2 for _, values in variations):
        raise SweepError("--set", "nothing varies: give a setting two or more values, as in learning_rate=0.01,0.1")
    count = 1
    for _, values in variations:
        count *= len(values)
    if count > MAX_RUNS:
        sizes = " × ".join(f"{len(values)} values of {name}" for name, values in variations)
        raise SweepError("--set", f"{sizes} make {count} runs; a sweep has at most {MAX_RUNS}: give fewer values")
    dataset = _dataset(base, dataset)
    _check_network("--set", base, dataset)
    runs = []
    for index, combination in enumerate(itertools.product(*(values for _, values in variations))):
        varied = {name: value for (name, _), value in zip(variations, combination)}
        settings = dict(base)
        for name, value in varied.items():
            settings = set_value(settings, name, value)
        shown = ", ".join(f"{name}={VARIABLES[name].setting.dump(v)}" for name, v in varied.items())
        runs.append(PlannedRun(index, varied, settings, _check_network(f"--set {shown}", settings, dataset)))
    _check_effects(runs, variations)
    return SweepPlan(dict(base), variations, epochs, tuple(runs), dataset, TrainingData.of(dataset))


def _dataset(base, dataset):
    name = base["dataset"]
    if name == UPLOAD:
        if dataset is None:
            raise SweepError("--dataset", "an uploaded data set must be given to the sweep: plan_sweep(..., dataset=)")
        return dataset
    if name not in DATASETS:
        raise SweepError("--dataset", f"{name} is not one of the data sets ({listed(DATASETS)})")
    try:
        return dataset if dataset is not None else make_dataset(name, **data_arguments(base))
    except ValueError as error:
        raise SweepError("--dataset", str(error)) from None


def _check_network(argument, settings, dataset):
    """The NetworkSpec that `settings` give, or SweepError naming `argument`."""
    try:
        return network_spec(settings, dataset)
    except ValueError as error:
        raise SweepError(argument, f"these settings make no network: {error}") from None


def _check_effects(runs, variations):
    """Each varied setting must change some run: else its values only repeat one run."""
    for name, values in variations:
        if len(values) < 2:
            continue
        groups = {}
        for run in runs:
            others = tuple(value for other, value in run.varied.items() if other != name)
            groups.setdefault(others, set()).add(run.spec)
        if all(len(group) == 1 for group in groups.values()):
            reason = VARIABLES[name].acts_when or "it changes nothing with these settings"
            raise SweepError(f"--set {name}", f"every value gives the same run: {reason}")
