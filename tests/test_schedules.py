"""Learning-rate schedules (playground/nn/schedules.py): each one's α against Keras's own schedule, step by
step; the optimizers read them at their step count; a constant schedule is the plain learning rate, bit
for bit; the spec's checks, the page's settings (epochs → steps), the chart's curve and the exported code.
(Both engines trained with each schedule, and reconfigured between them: tests/test_engine_contract.py.)"""
import math

import numpy as np
import pytest

from playground import settings
from playground.data import make_dataset
from playground.engines import create_engine
from playground.export import keras_code
from playground.nn import OPTIMIZERS, SCHEDULES, NeuralNetwork, get_optimizer, get_schedule, rate_curve, schedule_of
from playground.nn.schedules import CURVE_POINTS, PARAMETERS
from playground.spec import NetworkSpec

PARAMS = {"decay_steps": 8, "decay_rate": 0.5, "warmup_steps": 3}


def keras_rate(schedule, step):
    """α at `step` by the Keras schedule the registry names (a plain number for none)."""
    import keras  # here, not at the top: collecting the tests loads no TensorFlow
    if schedule.keras_name is None:
        return schedule.learning_rate
    keras_schedule = getattr(keras.optimizers.schedules, schedule.keras_name)(**schedule.keras_arguments())
    return float(keras_schedule(step))


@pytest.mark.slow  # TensorFlow loads
@pytest.mark.parametrize("name", SCHEDULES)
def test_every_schedule_carries_its_facts(name):
    import keras  # here, not at the top: collecting the tests loads no TensorFlow
    cls = SCHEDULES[name]
    assert cls.name == name and cls.formula.startswith(r"\alpha_t =") and "α_t =" in cls.__doc__
    assert set(cls.parameters) <= set(PARAMETERS)
    assert cls.keras_name is None or issubclass(getattr(keras.optimizers.schedules, cls.keras_name),
                                                keras.optimizers.schedules.LearningRateSchedule)
    assert cls.keras_name is None or cls.keras_name in cls.__doc__


@pytest.mark.parametrize("name", SCHEDULES)
@pytest.mark.parametrize("params", [PARAMS, {"decay_steps": 1000, "decay_rate": 0.9, "warmup_steps": 250}],
                         ids=["short", "long"])
@pytest.mark.slow  # TensorFlow loads
def test_the_rate_is_keras_schedules_at_every_step(name, params):
    schedule = get_schedule(name, 0.03, **params)
    end = params["decay_steps"] + params["warmup_steps"]
    steps = sorted({*range(0, 3 * end, max(1, end // 40)), end - 1, end, end + 1, params["decay_steps"],
                    params["decay_steps"] - 1, params["warmup_steps"] - 1, params["warmup_steps"], 10 * end})
    for step in steps:
        # Keras computes α in float32: its rounding is relative to α₀ where 1 + cos(…) nears 0.
        assert schedule.rate(step) == pytest.approx(keras_rate(schedule, step), rel=1e-6, abs=1e-6 * 0.03), step


def test_the_formulas_golden_values():
    step, exponential, cosine, warmup = (get_schedule(name, 1.0, decay_steps=10, decay_rate=0.5, warmup_steps=4)
                                         for name in ("step", "exponential", "cosine", "warmup_cosine"))
    assert [step.rate(t) for t in (0, 9, 10, 19, 20, 25)] == [1, 1, 0.5, 0.5, 0.25, 0.25]
    assert exponential.rate(10) == 0.5 and exponential.rate(5) == pytest.approx(math.sqrt(0.5))
    assert [cosine.rate(t) for t in (0, 10, 20)] == [1, 0, 0] and cosine.rate(5) == pytest.approx(0.5)
    assert [warmup.rate(t) for t in (0, 1, 2, 4, 14, 30)] == [0, 0.25, 0.5, 1, 0, 0]
    assert warmup.rate(9) == pytest.approx(0.5)


def test_a_schedule_uses_only_its_parameters():
    assert get_schedule("cosine", 0.1, decay_steps=5, decay_rate=0.5, warmup_steps=3) == get_schedule(
        "cosine", 0.1, decay_steps=5, decay_rate=0.9, warmup_steps=7)
    assert get_schedule("cosine", 0.1, **PARAMS) != get_schedule("cosine", 0.2, **PARAMS)
    assert get_schedule("step", 0.1, **PARAMS) != get_schedule("exponential", 0.1, **PARAMS)
    assert schedule_of(NetworkSpec()) == get_schedule("constant", 0.03)
    with pytest.raises(ValueError, match="Unknown learning-rate schedule 'linear'"):
        get_schedule("linear", 0.1)


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_an_optimizer_reads_its_schedule_at_its_step_count(optimizer):
    schedule = get_schedule("exponential", 0.1, **PARAMS)
    scheduled, plain = get_optimizer(optimizer, schedule), get_optimizer(optimizer, 0.1)
    params, twin = np.zeros(3), np.zeros(3)
    for t in range(20):
        assert scheduled.learning_rate == schedule.rate(t)
        before = twin.copy()
        plain.learning_rate = schedule.rate(t)  # the same rate, set by hand before each step
        plain.step(twin, np.array([1.0, -2.0, 0.5]))
        scheduled.step(params, np.array([1.0, -2.0, 0.5]))
        np.testing.assert_array_equal(params, twin)
        assert not np.array_equal(twin, before)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_a_constant_schedule_is_the_plain_learning_rate_bit_for_bit(optimizer, dtype):
    spec = NetworkSpec(hidden=(5, 3), optimizer=optimizer, l2=0.001, batch_size=7, dtype=dtype)
    assert spec.schedule == "constant"
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2)).astype(dtype)
    Y = (X[:, :1] * X[:, 1:] > 0).astype(dtype)
    engine = create_engine("numpy", spec)
    network = NeuralNetwork(spec.sizes, (*spec.activations, spec.output_activation), spec.loss, 0.0, spec.l2, dtype)
    network.set_weights(engine.get_weights())
    plain = get_optimizer(optimizer, 0.03)  # a number, as the engine took it before schedules
    for _ in range(30):
        assert engine.train_batch(X[:7], Y[:7]) == network.train_batch(X[:7], Y[:7], plain)
    for (W, b), (W1, b1) in zip(engine.get_weights(), network.get_weights()):
        np.testing.assert_array_equal(W, W1)
        np.testing.assert_array_equal(b, b1)


def test_a_new_schedule_carries_on_from_the_step_count():
    spec = NetworkSpec(hidden=(3,), optimizer="sgd", batch_size=5)
    X = np.random.default_rng(1).normal(size=(20, 2))
    Y = (X[:, :1] > 0).astype(float)
    engine = create_engine("numpy", spec)
    for _ in range(3):
        engine.train_epoch(X, Y)  # 12 steps
    cosine = spec.replace(schedule="cosine", decay_steps=30)
    engine.reconfigure(cosine)
    assert engine.optimizer.iterations == 12
    assert engine.optimizer.learning_rate == schedule_of(cosine).rate(12)
    engine.reconfigure(cosine.replace(optimizer="adam"))
    assert engine.optimizer.iterations == 0 and engine.optimizer.learning_rate == 0.03


@pytest.mark.parametrize("changes, field", [
    (dict(schedule="linear"), "schedule = 'linear' is unknown: choose one of 'constant', 'step', 'exponential', "
                              "'cosine', 'warmup_cosine'"),
    (dict(decay_steps=0), "decay_steps = 0"), (dict(decay_steps=2.5), "decay_steps = 2.5"),
    (dict(decay_steps=True), "decay_steps = True"),
    (dict(decay_rate=0), "decay_rate = 0"), (dict(decay_rate=1), "decay_rate = 1"),
    (dict(decay_rate=1.5), "decay_rate = 1.5"), (dict(decay_rate=math.nan), "decay_rate = nan"),
    (dict(warmup_steps=-1), "warmup_steps = -1"), (dict(warmup_steps=1.0), "warmup_steps = 1.0"),
])
def test_the_spec_refuses_a_bad_schedule_with_a_sentence(changes, field):
    with pytest.raises(ValueError, match=field.replace("(", r"\(")) as error:
        NetworkSpec(**changes)
    assert str(error.value).endswith(".")


@pytest.mark.parametrize("name", SCHEDULES)
def test_every_schedule_is_a_valid_spec_and_the_same_network(name):
    spec = NetworkSpec(schedule=name, decay_steps=50, decay_rate=0.1, warmup_steps=0)
    assert spec.same_network(NetworkSpec())


def test_the_rate_curve_follows_the_schedule_in_epochs():
    spec = NetworkSpec(schedule="step", learning_rate=0.1, decay_steps=50, decay_rate=0.5)
    epochs, rates = rate_curve(spec, 25, 10)
    assert len(epochs) == len(rates) == 251 and epochs[0] == 0 and epochs[-1] == 10
    np.testing.assert_allclose(np.diff(epochs), 1 / 25)
    assert rates[0] == 0.1 and rates[49] == 0.1 and rates[50] == 0.05 and rates[-1] == 0.1 * 0.5**5
    epochs, rates = rate_curve(spec.replace(schedule="warmup_cosine", warmup_steps=100, decay_steps=2400), 25, 1000)
    assert len(epochs) <= CURVE_POINTS and epochs[0] == 0 and epochs[-1] == 1000
    assert rates[0] == 0 and rates.max() == pytest.approx(0.1, rel=1e-3) and rates[-1] == 0
    assert rates.dtype == np.float64 and np.all(np.diff(epochs) > 0)
    epochs, rates = rate_curve(NetworkSpec(), 25, 3)
    assert np.all(rates == 0.03)


# The page's settings

@pytest.fixture(scope="module")
def circle():
    return make_dataset("circle")  # 250 training rows


def test_the_settings_parse_the_schedules_and_their_options():
    assert {k: settings.defaults()[k] for k in ("schedule", "decay_epochs", "decay_rate", "warmup_epochs")} == {
        "schedule": "constant", "decay_epochs": 100, "decay_rate": 0.5, "warmup_epochs": 10}
    values, refused = settings.from_query({"schedule": "warmup_cosine", "decay_epochs": "200", "decay_rate": "0.9",
                                           "warmup_epochs": "5"})
    assert refused == [] and (values["schedule"], values["decay_epochs"], values["decay_rate"],
                              values["warmup_epochs"]) == ("warmup_cosine", 200, 0.9, 5)
    assert type(values["decay_epochs"]) is int and type(values["warmup_epochs"]) is int
    for key, text in [("schedule", "Cosine"), ("schedule", "cosine "), ("decay_epochs", "150"),
                      ("decay_epochs", "１００"), ("decay_rate", "1"), ("decay_rate", "nan"), ("warmup_epochs", "0"),
                      ("warmup_epochs", "1_0")]:
        assert settings.from_query({key: text})[1] == [key], (key, text)
    for name in SCHEDULES:
        assert settings.from_query({"schedule": name})[0]["schedule"] == name


def test_a_link_names_the_schedule_settings_in_effect_and_round_trips():
    for name, keys in [("constant", set()), ("step", {"decay_epochs", "decay_rate"}),
                       ("exponential", {"decay_epochs", "decay_rate"}), ("cosine", {"decay_epochs"}),
                       ("warmup_cosine", {"decay_epochs", "warmup_epochs"})]:
        values = {**settings.defaults(), "schedule": name, "decay_epochs": 20, "decay_rate": 0.9, "warmup_epochs": 2}
        query = settings.to_query(values)
        assert query["schedule"] == name and set(query) & set(settings.SCHEDULE_SETTINGS) == keys
        parsed = settings.from_query(query)[0]
        assert all(parsed[key] == values[key] for key in keys | {"schedule"})


def test_the_settings_give_the_spec_its_schedule_in_steps(circle):
    values = {**settings.defaults(), "schedule": "warmup_cosine", "decay_epochs": 100, "warmup_epochs": 10,
              "decay_rate": 0.9}
    spec = settings.network_spec(values, circle)
    assert settings.steps_per_epoch(values, circle) == 25
    assert (spec.schedule, spec.decay_steps, spec.warmup_steps, spec.decay_rate) == ("warmup_cosine", 2500, 250, 0.9)
    spec = settings.network_spec({**values, "batch_size": 7}, circle)  # 35 batches of 7 and one of 5
    assert (spec.decay_steps, spec.warmup_steps) == (3600, 360)
    assert settings.network_spec({**values, "batch_size": 1000}, circle).decay_steps == 100
    assert settings.network_spec(settings.defaults(), circle).schedule == "constant"


# The exported code

@pytest.mark.slow  # TensorFlow loads
@pytest.mark.parametrize("name", SCHEDULES)
def test_the_exported_code_builds_the_schedule_and_trains(name):
    spec = NetworkSpec(schedule=name, optimizer="adam", learning_rate=0.01, decay_steps=6, decay_rate=0.5,
                       warmup_steps=2)
    source = keras_code(spec)
    namespace = {"__name__": "exported"}
    exec(compile(source, "exported.py", "exec"), namespace)
    model = namespace["build_neural_network"]()
    schedule = schedule_of(spec)
    if schedule.keras_name is None:
        assert "schedules" not in source and float(model.optimizer.learning_rate) == pytest.approx(0.01)
    else:
        assert f"learning_rate = keras.optimizers.schedules.{schedule.keras_name}(" in source
        config = model.optimizer.get_config()["learning_rate"]
        assert config["class_name"] == schedule.keras_name
        assert schedule.keras_arguments().items() <= config["config"].items()
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 2)).astype(np.float32)
    model.fit(X, (X[:, :1] > 0).astype(np.float32), epochs=1, batch_size=10, verbose=0)
    assert int(model.optimizer.iterations) == 3
    assert float(model.optimizer.learning_rate) == pytest.approx(schedule.rate(3), rel=1e-6, abs=1e-9)
