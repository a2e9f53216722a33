"""Challenges: each built-in is solvable and not solved by the defaults; limits, progress, and codes in
links that are read strictly, whatever they hold."""
import base64
import dataclasses
import json
import math
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from playground import challenges as C
from playground import settings
from playground.data import DATASETS, make_dataset
from playground.training import TrainingRun


def attempt(challenge, values):
    """Trains the settings `values` (the challenge imposed) on the NumPy engine for the challenge's epochs."""
    values = C.impose(challenge, values)
    dataset = make_dataset(values["dataset"], **settings.data_arguments(values))
    run = TrainingRun("numpy", settings.network_spec(values, dataset), dataset)
    for _ in range(challenge.epochs):
        if not run.train_epoch():
            break
    return C.progress(challenge, run.timeline.log, values)


def encoded(fields):
    text = json.dumps(fields, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def fields_of(challenge):
    return json.loads(base64.urlsafe_b64decode(C.encode(challenge) + "=="))


def with_values(**changes):
    return {**settings.defaults(), **changes}


SPIRAL = C.BY_KEY["spiral12"]
ROOT = Path(__file__).resolve().parent.parent


# The built-ins

@pytest.mark.parametrize("challenge", C.CHALLENGES, ids=lambda c: c.key)
def test_the_solution_reaches_the_goal_within_the_epochs(challenge):
    result = attempt(challenge, with_values(**challenge.solution))
    assert result.broken == ()
    assert result.solved, result


@pytest.mark.parametrize("challenge", C.CHALLENGES, ids=lambda c: c.key)
def test_the_defaults_do_not_solve_it(challenge):
    result = attempt(challenge, settings.defaults())
    assert not result.solved, result
    if not result.broken:  # within the limits, the defaults fall short of the goal itself, by a margin
        assert not challenge.goal.reached(result.best)
        assert abs(result.best - challenge.goal.target) > 0.2


def test_the_module_needs_neither_streamlit_nor_tensorflow():
    loaded = subprocess.run([sys.executable, "-c", "import sys, playground.challenges; print(sorted(m for m in "
                             "sys.modules if m.split('.')[0] in ('streamlit', 'tensorflow', 'keras')))"],
                            capture_output=True, text=True, check=True, cwd=str(ROOT)).stdout
    assert loaded.strip() == "[]"


def test_the_built_ins_are_valid_and_their_links_are_their_keys():
    assert len(C.CHALLENGES) == 5 and len(C.BY_KEY) == 5
    for challenge in C.CHALLENGES:
        assert C.decode(C.encode(challenge)) is challenge
        assert C.link(challenge) == challenge.key
        assert C.from_link(challenge.key) is challenge
        assert set(challenge.data) == set(C.data_keys(challenge.data["dataset"])) | (
            {"loss"} if challenge.goal.metric == "loss" else set())
        assert challenge.title and challenge.what and challenge.solution
    assert {c.goal.metric for c in C.CHALLENGES} == set(C.METRICS)
    assert set().union(*(c.limits for c in C.CHALLENGES)) == set(C.LIMITS)


@pytest.mark.parametrize("name", [n for n in DATASETS if n != "mnist"])
def test_data_keys_are_what_makes_the_data_and_task_kinds_agree(name):
    base = with_values(dataset=name)
    keys = C.data_keys(name)
    changed = {"noise": 0.3, "samples": 200, "train_percent": 70, "classes": 4, "data_seed": 5}
    for key, value in changed.items():
        differs = settings.data_arguments({**base, key: value}) != settings.data_arguments(base)
        assert differs == (key in keys), key
    assert keys[0] == "dataset" and keys[-1] == "seed"
    dataset = make_dataset(name, **settings.data_arguments(base))
    assert C.task_kind_of(name) == settings.task_kind(dataset)


# Imposed settings and limits

def test_impose_sets_the_data_and_the_task_s_usual_head_and_keeps_the_rest():
    student = with_values(layers=3, learning_rate=0.3, optimizer="adam", dataset="xor", noise=0.5, seed=9)
    values = C.impose(C.BY_KEY["bumps"], student)
    assert values["dataset"] == "multi-gauss" and values["samples"] == 2000 and values["noise"] == 0.0
    assert values["seed"] == 0 and (values["output"], values["loss"]) == ("linear", "mse")
    assert (values["layers"], values["learning_rate"], values["optimizer"]) == (3, 0.3, "adam")
    blobs = C.impose(C.BY_KEY["blobs5"], student)
    assert (blobs["output"], blobs["loss"], blobs["classes"]) == ("softmax", "categorical_crossentropy", 5)
    kept = C.impose(SPIRAL, with_values(output="softmax", loss="mse"))
    assert (kept["output"], kept["loss"]) == ("softmax", "mse")  # same kind of task: the student's head stays
    mse = C.from_current(with_values(output="tanh", loss="mse"), ("loss", 0.1), 10)
    values = C.impose(mse, with_values(output="sigmoid", loss="binary_crossentropy"))
    assert (values["output"], values["loss"]) == ("sigmoid", "mse")  # an imposed loss, an output it fits
    bce = C.from_current(with_values(), ("loss", 0.1), 10)
    values = C.impose(bce, with_values(output="tanh", loss="mse"))
    assert (values["output"], values["loss"]) == ("sigmoid", "binary_crossentropy")


def test_broken_limits_names_each_limit_with_its_allowed_and_current_value():
    values = C.impose(SPIRAL, settings.defaults())
    assert C.broken_limits(SPIRAL, values) == []
    wide = {**values, "layers": 2, "width_1": 10, "width_2": 6}
    assert C.broken_limits(SPIRAL, wide) == [("max_neurons", 12, 16)]
    assert C.broken_limits(SPIRAL, {**wide, "layers": 1}) == []  # layers past the first do not count
    features = {**values, "features": ["x1", "x2", "x1^2", "sin(x1)", "sin(x2)"]}
    assert C.broken_limits(SPIRAL, features) == [("max_features", 4, 5)]
    circle = C.BY_KEY["circle3"]
    deep = C.impose(circle, with_values(layers=2, width_1=1, width_2=1, activation="relu"))
    assert C.broken_limits(circle, deep) == [("max_layers", 1, 2)]
    mixed = {**deep, "layers": 1, "per_layer": True, "activation_1": "elu", "activation_2": "tanh"}
    assert C.broken_limits(circle, mixed) == [("activations", ("relu",), ("elu",))]
    assert C.broken_limits(circle, {**mixed, "activation_1": "relu"}) == []  # only the layers there are
    assert C.broken_limits(circle, {**mixed, "per_layer": False, "activation": "tanh"}) == [
        ("activations", ("relu",), ("tanh",))]
    xor = C.BY_KEY["xor"]
    assert C.broken_limits(xor, C.impose(xor, with_values(layers=0, activation="elu"))) == []
    moved = {**values, "noise": 0.3, "dataset": "circle"}
    assert C.broken_limits(SPIRAL, moved) == [("dataset", "spiral", "circle"), ("noise", 0.1, 0.3)]
    assert C.broken_limits(C.BY_KEY["blobs5"], {**C.impose(C.BY_KEY["blobs5"], values), "loss": "mse"}) == [
        ("loss", "categorical_crossentropy", "mse")]


# Progress

def test_progress_weighs_epochs_one_to_the_challenge_s_and_finite_figures_only():
    history = {"epoch": np.arange(0, 61), "test_score": np.linspace(0.5, 0.99, 61), "test_loss": np.ones(61)}
    history["test_score"][0] = 0.95   # the untrained network does not count
    history["test_score"][30] = math.nan
    history["test_score"][45] = 0.95  # the first to reach 0.9, and the best within the 50 epochs
    history["test_score"][55] = 1.0   # past them: it does not count
    result = C.progress(SPIRAL, history)
    assert (result.solved_at, result.best, result.best_epoch) == (45, 0.95, 45) and result.solved
    assert result.epoch == 60 and result.epochs == 50 and result.over
    early = C.progress(SPIRAL, {name: column[:20] for name, column in history.items()})
    assert early.solved_at is None and not early.solved and not early.over
    assert early.best == pytest.approx(history["test_score"][19]) and early.best_epoch == 19
    thinned = C.progress(SPIRAL, {name: column[::7] for name, column in history.items()})  # 45 is not kept
    assert (thinned.solved_at, thinned.best_epoch) == (49, 49)  # the first epoch kept that reached the goal
    broken = C.progress(SPIRAL, history, with_values(layers=2, width_1=16))
    assert broken.solved_at == 45 and not broken.solved and broken.broken[0].limit == "dataset"


def test_progress_of_a_loss_goal_looks_for_the_lowest_loss():
    blobs = C.BY_KEY["blobs5"]
    history = {"epoch": [0, 1, 2, 3, 4, 5], "test_loss": [0.1, 0.5, 0.3, 0.19, float("inf"), 0.15],
               "test_score": [0.0] * 6}
    result = C.progress(blobs, history)
    assert (result.best, result.best_epoch, result.solved_at) == (0.15, 5, 3)
    empty = C.progress(blobs, {"epoch": [0], "test_loss": [0.1], "test_score": [0.0]})
    assert (empty.best, empty.best_epoch, empty.solved_at, empty.epoch) == (None, None, None, 0)
    assert C.Goal("loss", 0.2).comparison == "<=" and C.Goal("r2", 0.9).comparison == ">="


# Making a challenge from the current settings

def test_from_current_imposes_the_data_and_takes_the_network_s_limits():
    values = with_values(dataset="moons", noise=0.2, samples=300, train_percent=70, data_seed=4, seed=7, layers=2,
                         width_1=5, width_2=3, per_layer=True, activation_1="relu", activation_2="elu",
                         features=["x1", "x2", "x1*x2"])
    challenge = C.from_current(values, ("accuracy", 0.97), 40)
    assert challenge.key == C.CUSTOM and challenge.title == C.CUSTOM_TITLE
    assert challenge.data == {"dataset": "moons", "train_percent": 70, "data_seed": 4, "noise": 0.2,
                              "samples": 300, "seed": 7}
    assert (challenge.goal, challenge.epochs) == (C.Goal("accuracy", 0.97), 40)
    assert challenge.limits == {"max_neurons": 8, "max_layers": 2, "max_features": 3,
                                "activations": ("relu", "elu")}
    assert C.broken_limits(challenge, values) == []
    chosen = C.from_current(values, C.Goal("loss", 0.25), 40, {"max_neurons": 6, "max_layers": None})
    assert chosen.limits == {"max_neurons": 6} and chosen.data["loss"] == "binary_crossentropy"
    assert C.broken_limits(chosen, values) == [("max_neurons", 6, 8)]
    digits = C.from_current(with_values(dataset="digits", layers=0), ("accuracy", 0.9), 5)
    assert set(digits.data) == {"dataset", "train_percent", "data_seed", "seed"}
    assert digits.limits == {"max_neurons": 0, "max_layers": 0}
    mnist = C.from_current(with_values(dataset="mnist"), ("accuracy", 0.9), 5, {})
    assert set(mnist.data) == {"dataset", "seed"} and mnist.limits == {}


def test_from_current_refuses_what_makes_no_challenge():
    with pytest.raises(ValueError, match="uploaded"):
        C.from_current(with_values(dataset=settings.UPLOAD), ("accuracy", 0.9), 10)
    with pytest.raises(ValueError, match="regression"):
        C.from_current(with_values(dataset="plane"), ("accuracy", 0.9), 10)
    with pytest.raises(ValueError, match="classification"):
        C.from_current(with_values(), ("r2", 0.9), 10)
    with pytest.raises(ValueError, match="target"):
        C.from_current(with_values(), ("accuracy", 1.5), 10)
    with pytest.raises(ValueError, match="epochs"):
        C.from_current(with_values(), ("accuracy", 0.9), 0)
    with pytest.raises(ValueError, match="limit"):
        C.from_current(with_values(), ("accuracy", 0.9), 10, {"max_weights": 3})
    with pytest.raises(ValueError, match="max_layers"):
        C.from_current(with_values(), ("accuracy", 0.9), 10, {"max_layers": 9})


def test_the_same_rules_as_a_built_in_make_the_built_in():
    values = C.impose(SPIRAL, with_values(**SPIRAL.solution))
    assert C.from_current(values, SPIRAL.goal, SPIRAL.epochs, SPIRAL.limits) is SPIRAL
    other = C.from_current(values, SPIRAL.goal, 60, SPIRAL.limits)
    assert other.key == C.CUSTOM and C.link(other) == C.encode(other) and C.from_link(C.link(other)) == other


# Codes in links

def test_custom_codes_round_trip_and_stay_short_and_url_safe():
    longest = with_values(dataset="blobs", data_seed=2**31 - 1, seed=2**31 - 1, noise=0.35, samples=2000, classes=5,
                          train_percent=90, output="softmax", loss="categorical_crossentropy", layers=8,
                          **{f"width_{i}": 128 for i in range(1, 9)}, per_layer=True,
                          **{f"activation_{i}": a for i, a in enumerate(settings.HIDDEN_ACTIVATIONS * 2, 1)},
                          features=tuple(settings.FEATURES))
    cases = [C.from_current(longest, ("loss", 2.2250738585072014e-308), C.MAX_EPOCHS),
             C.from_current(with_values(dataset="plane", noise=0.05), ("r2", 0.75), 1),
             C.from_current(with_values(dataset="digits", output="softmax", loss="categorical_crossentropy"),
                            ("loss", 10.0), 3, {"activations": ("relu", "tanh")})]
    for challenge in cases:
        code = C.encode(challenge)
        assert len(code) <= C.MAX_CODE and C.CODE.fullmatch(code)
        assert C.decode(code) == challenge and C.from_link(code) == challenge


def damaged(fields, **changes):
    return encoded({**fields, **changes})


SPIRAL_FIELDS = fields_of(SPIRAL)
REFUSED = {
    "too long": "A" * (C.MAX_CODE + 1),
    "empty": "",
    "not ascii": C.encode(SPIRAL)[:-2] + "٣٣",
    "padding": C.encode(SPIRAL) + "==",
    "spaces": " " + C.encode(SPIRAL),
    "standard base64": "eyJ2IjoiMSJ9+/",
    "bad base64 length": C.encode(SPIRAL) + "A" * ((1 - len(C.encode(SPIRAL))) % 4),
    "not json": base64.urlsafe_b64encode(b"v=1&dataset=spiral").decode(),
    "not ascii inside": base64.urlsafe_b64encode(b"\xff\xfe{}").decode().rstrip("="),
    "a list": encoded([1, 2]),
    "numbers": damaged(SPIRAL_FIELDS, e=50),
    "nan": damaged(SPIRAL_FIELDS, e=math.nan),
    "null": damaged(SPIRAL_FIELDS, l=None),
    "nested": damaged(SPIRAL_FIELDS, d={**SPIRAL_FIELDS["d"], "noise": ["0.1"]}),
    "deep": encoded({"v": "1", "d": json.loads("[" * 120 + "]" * 120)}),
    "duplicate key": base64.urlsafe_b64encode(b'{"v":"1","v":"1"}').decode().rstrip("="),
    "version": damaged(SPIRAL_FIELDS, v="2"),
    "unknown field": damaged(SPIRAL_FIELDS, x="1"),
    "missing field": encoded({k: v for k, v in SPIRAL_FIELDS.items() if k != "e"}),
    "unknown setting": damaged(SPIRAL_FIELDS, d={**SPIRAL_FIELDS["d"], "learning_rate": "0.3"}),
    "missing setting": damaged(SPIRAL_FIELDS, d={k: v for k, v in SPIRAL_FIELDS["d"].items() if k != "noise"}),
    "classes off blobs": damaged(SPIRAL_FIELDS, d={**SPIRAL_FIELDS["d"], "classes": "3"}),
    "unknown data set": damaged(SPIRAL_FIELDS, d={**SPIRAL_FIELDS["d"], "dataset": "spirals"}),
    "upload": damaged(SPIRAL_FIELDS, d={**SPIRAL_FIELDS["d"], "dataset": "upload"}),
    "noise out of range": damaged(SPIRAL_FIELDS, d={**SPIRAL_FIELDS["d"], "noise": "0.7"}),
    "seed out of range": damaged(SPIRAL_FIELDS, d={**SPIRAL_FIELDS["d"], "seed": str(2**31)}),
    "arabic digits": damaged(SPIRAL_FIELDS, d={**SPIRAL_FIELDS["d"], "seed": "٣"}),
    "fullwidth digits": damaged(SPIRAL_FIELDS, e="５０"),
    "underscored number": damaged(SPIRAL_FIELDS, e="1_0"),
    "epochs zero": damaged(SPIRAL_FIELDS, e="0"),
    "epochs too many": damaged(SPIRAL_FIELDS, e=str(C.MAX_EPOCHS + 1)),
    "unknown goal": damaged(SPIRAL_FIELDS, g=["precision", "0.9"]),
    "goal off task": damaged(SPIRAL_FIELDS, g=["r2", "0.9"]),
    "target too high": damaged(SPIRAL_FIELDS, g=["accuracy", "1.5"]),
    "target zero": damaged(SPIRAL_FIELDS, g=["accuracy", "0"]),
    "target text nan": damaged(SPIRAL_FIELDS, g=["accuracy", "nan"]),
    "target text inf": damaged(SPIRAL_FIELDS, g=["accuracy", "inf"]),
    "target huge text": damaged(SPIRAL_FIELDS, g=["accuracy", "0." + "9" * 60]),
    "goal of three": damaged(SPIRAL_FIELDS, g=["accuracy", ">=", "0.9"]),
    "loss goal without its loss": damaged(SPIRAL_FIELDS, g=["loss", "0.2"]),
    "loss off task": damaged(fields_of(C.BY_KEY["blobs5"]), d={**fields_of(C.BY_KEY["blobs5"])["d"],
                                                              "loss": "binary_crossentropy"}),
    "unknown limit": damaged(SPIRAL_FIELDS, l={"max_weights": "3"}),
    "limit out of range": damaged(SPIRAL_FIELDS, l={"max_layers": "9"}),
    "negative limit": damaged(SPIRAL_FIELDS, l={"max_neurons": "-1"}),
    "unknown activation": damaged(SPIRAL_FIELDS, l={"activations": "relu,swish"}),
    "no activation": damaged(SPIRAL_FIELDS, l={"activations": ""}),
    "features off the plane": damaged(fields_of(C.from_current(with_values(dataset="digits"), ("accuracy", 0.9), 5)),
                                      l={"max_features": "2"}),
}


@pytest.mark.parametrize("text", REFUSED.values(), ids=REFUSED.keys())
def test_decode_refuses_tampered_codes_with_a_sentence(text):
    with pytest.raises(ValueError) as refused:
        C.decode(text)
    assert type(refused.value) is ValueError
    message = str(refused.value)
    assert message[:1].isupper() and message.endswith(".")
    with pytest.raises(ValueError):
        C.from_link(text)


def test_decode_refuses_what_is_not_text():
    for value in (None, 5, b"abc", ["x"]):
        with pytest.raises(ValueError):
            C.decode(value)


def mutations(rng, code):
    """Random edits of a valid code: of its characters, and of its JSON."""
    alphabet = "ABCXYZabcxyz0189-_=+/ é٣\n"
    for _ in range(1500):
        chars = list(code)
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(chars))
            edit = rng.choice(("replace", "insert", "delete", "cut"))
            if edit == "replace":
                chars[at] = rng.choice(alphabet)
            elif edit == "insert":
                chars.insert(at, rng.choice(alphabet))
            elif edit == "delete" and len(chars) > 1:
                del chars[at]
            elif edit == "cut":
                chars = chars[:at + 1]
        yield "".join(chars)
    values = ["", "0", "-1", "1e9", "0.5", "nan", "relu", "spiral", "x" * 300, None, True, 3, 2.5, [], {}, ["a"]]
    for _ in range(1500):
        fields = json.loads(json.dumps(SPIRAL_FIELDS))
        for _ in range(rng.randint(1, 3)):
            part = rng.choice(("v", "d", "g", "e", "l"))
            if part in ("d", "l") and isinstance(fields.get(part), dict) and rng.random() < 0.8:
                key = rng.choice([*fields[part], "classes", "loss", "max_layers", "activations", "learning_rate"])
                fields[part][key] = rng.choice(values)
            elif part == "g" and isinstance(fields["g"], list) and len(fields["g"]) == 2 and rng.random() < 0.7:
                fields["g"][rng.randrange(2)] = rng.choice([*values, "loss", "r2", "accuracy"])
            else:
                fields[part] = rng.choice(values)
        yield encoded(fields)


def test_decode_of_random_mutations_gives_a_challenge_or_a_value_error():
    rng, outcomes = random.Random(20240611), {"challenge": 0, "refused": 0}
    for text in mutations(rng, C.encode(SPIRAL)):
        try:
            challenge = C.decode(text)
        except ValueError as error:
            assert type(error) is ValueError and str(error).endswith(".")
            outcomes["refused"] += 1
        else:
            assert isinstance(challenge, C.Challenge) and C.decode(C.encode(challenge)) == challenge
            outcomes["challenge"] += 1
    assert outcomes["refused"] > 2000 and outcomes["challenge"] > 5


def test_a_link_names_its_challenge_by_key_or_code_and_a_code_that_names_none_is_refused():
    built_in = C.BY_KEY["xor"]
    values, refused = C.from_query({"challenge": C.encode(built_in), "layers": "1"})
    assert values["challenge"] == "xor" and values["layers"] == 1 and refused == []   # a built-in's rules: its key
    custom = dataclasses.replace(built_in, key="", epochs=built_in.epochs + 1)
    read = C.from_query({"challenge": C.encode(custom)})[0]["challenge"]
    assert read not in C.BY_KEY and C.from_link(read) == C.from_link(C.encode(custom))
    for text in ("nosuchchallenge", "eyJ2IjoiMSJ9", "a" * 40):   # shaped like one, naming none
        values, refused = C.from_query({"challenge": text, "layers": "1"})
        assert values["challenge"] == "" and refused == ["challenge"] and values["layers"] == 1
    for text in ("x" * (settings.MAX_CODE + 1), "no spaces", "<b>"):   # refused by the setting's own parser
        assert settings.from_query({"challenge": text})[1] == ["challenge"]
