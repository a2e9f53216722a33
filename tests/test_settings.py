"""The settings' table: every setting's domain parses, describes and clamps; the joining rules; the sidebar
draws exactly the table's controls, in its order."""
import pytest

from playground import settings
from playground.settings import BY_KEY, SETTINGS, Maybe, Options, Range, fit_head, heads

# Values no control of the page could make, for every kind of domain.
STRANGERS = (-5, 0.37, 10**9, "nowhere", None, (), ("x9",), True)


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.key)
def test_every_domain_parses_its_default_describes_itself_and_clamps_into_itself(setting):
    domain = setting.domain
    assert setting.parse(setting.dump(setting.default)) == setting.default
    assert isinstance(domain.describe(), str) and domain.describe()
    assert domain.clamp(setting.default) == setting.default
    for value in STRANGERS:
        try:
            clamped = domain.clamp(value)
        except TypeError:  # a number's range is not asked to clamp a name
            assert isinstance(domain, (Range, Maybe)) and isinstance(value, (str, tuple, type(None)))
            continue
        assert setting.parse(setting.dump(clamped)) == clamped, (value, clamped)
    for text in ("x" * 10_000, "1" * 10_000, "١", " 1"):
        with pytest.raises(ValueError):
            setting.parse(text)


def test_a_range_parses_within_its_bounds_says_them_and_clamps_to_them():
    layers = BY_KEY["layers"].domain
    assert [layers.parse(t) for t in ("0", "8")] == [0, 8]
    for text in ("-1", "9", "2.0", "1_0", "+1", "nan", "inf"):
        with pytest.raises(ValueError):
            layers.parse(text)
    assert layers.describe("hidden layers") == "a whole number of hidden layers from 0 to 8"
    assert (layers.clamp(-3), layers.clamp(12), layers.clamp(5)) == (0, 8, 5)
    assert BY_KEY["seed"].domain.describe() == "a whole number from 0 to 2,147,483,647"


def test_options_parse_one_of_them_and_clamp_a_number_to_the_nearest():
    rates = BY_KEY["learning_rate"].domain
    assert rates.parse("3e-2") == 0.03 and rates.clamp(0.04) == 0.03 and rates.clamp(7.0) == 10.0
    with pytest.raises(ValueError):
        rates.parse("0.05")
    assert BY_KEY["optimizer"].domain.clamp("lbfgs") == "sgd"
    assert BY_KEY["clip_norm"].domain.options[0] is None and BY_KEY["clip_norm"].parse("") is None
    assert Options(("a", "b")).describe("letters") == "one of letters (a, b)"
    assert BY_KEY["features"].parse("x2,x1") == ("x1", "x2") and BY_KEY["features"].domain.clamp(["x2", "y"]) == ("x2",)


def test_a_range_is_written_once_the_sweep_the_challenges_and_the_classroom_read_the_table():
    from playground import challenges
    from playground.sweep.grid import VARIABLES
    assert VARIABLES["layers"].accepts == "a whole number of hidden layers from 0 to 8"
    assert VARIABLES["batch_size"].accepts == BY_KEY["batch_size"].domain.describe("examples")
    assert challenges.LIMITS["max_layers"].parse("8") == 8
    with pytest.raises(ValueError):
        challenges.LIMITS["max_layers"].parse("9")
    named = {s.classroom for s in SETTINGS if s.control}
    assert set(settings.CLASSROOM_CONTROLS) == named | {"lessons", "challenge"}


@pytest.mark.parametrize("kind", settings.TASKS)
def test_a_new_task_brings_its_usual_output_and_loss_and_a_choice_that_does_not_fit_is_replaced(kind):
    outputs = heads()[kind]
    usual = next(iter(outputs))
    assert fit_head(kind, "nothing", "nothing") == (usual, outputs[usual][0])
    for output, losses in outputs.items():
        assert fit_head(kind, output, losses[-1]) == (output, losses[-1])  # what fits stays
        assert fit_head(kind, output, losses[-1], renew=("output", "loss")) == (usual, outputs[usual][0])
        assert fit_head(kind, output, "nothing") == (output, losses[0])
        for loss in losses:  # a loss imposed brings an output it fits
            new_output, new_loss = fit_head(kind, usual, loss, keep_loss=True)
            assert new_loss == loss and loss in outputs[new_output]


def _sidebar_keys(at):
    """The keys of the sidebar's widgets, in the page's order."""
    keys = [(getattr(node, "id", None) or "").rpartition("-")[2] for node in at.sidebar]
    return [key for key in keys if key]


# The sidebar's settings, top-down, as the page has always drawn them (the lessons, the presets and the challenge
# come first, the language above them).
ORDER = ("dataset", "features", "noise", "samples", "train_percent", "regenerate", "layers", "width_1",
         "width_2", "activation", "learning_rate", "engine", "per_layer", "activation_1", "activation_2", "output",
         "loss", "optimizer", "schedule", "warmup_epochs", "decay_epochs", "batch_size", "regularization",
         "penalty_rate", "dropout", "per_layer_dropout", "dropout_1", "dropout_2", "clip_norm", "init", "seed",
         "stop_epoch", "stop_metric", "stop_value")


@pytest.mark.parametrize("query, order", [
    ({"per_layer": "1", "per_layer_dropout": "1", "schedule": "warmup_cosine"}, ORDER),
    ({"dataset": "blobs", "layers": "3", "schedule": "step"},
     ("dataset", "features", "noise", "samples", "classes", "train_percent", "regenerate", "layers", "width_1",
      "width_2", "width_3", "activation", "learning_rate", "engine", "per_layer", "output", "loss", "optimizer",
      "schedule", "decay_epochs", "decay_rate", "batch_size", "regularization", "penalty_rate", "dropout",
      "per_layer_dropout", "clip_norm", "init", "seed", "stop_epoch", "stop_metric", "stop_value")),
])
def test_the_sidebar_draws_exactly_the_table_s_controls_that_apply_in_its_order(app, query, order):
    at = app(**query)
    values = {s.key: at.session_state[s.key] if s.key in at.session_state else s.default for s in SETTINGS}
    expected = {"regenerate" if s.key == "data_seed" else s.key for s in SETTINGS
                if s.control and settings.applies(s.key, values)
                and (s.control.group not in ("data", "data_more") or s.key == "dataset"
                     or s.key in settings.DATASETS[values["dataset"]].settings)}
    drawn = [key for key in _sidebar_keys(at) if key in expected]
    assert set(drawn) == expected
    assert tuple(drawn) == order
