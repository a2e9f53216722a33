"""Parity: every engine follows the NumPy engine's numbers from the same spec and data.

Parametrized over ENGINES, so a new engine is held to the same promise by default:
gradients equal to a relative 1e-4, weights and predictions after 3 epochs to 1e-3.
"""
import numpy as np
import pytest

from playground.engines import ENGINES, create_engine
from playground.nn import OPTIMIZERS
from playground.spec import NetworkSpec

OTHER_ENGINES = [name for name in ENGINES if name != "numpy"]
# Each loss with its output: (loss, output activation, number of outputs).
OUTPUTS = [("binary_crossentropy", "sigmoid", 1), ("categorical_crossentropy", "softmax", 3), ("mse", "linear", 2)]
PENALTIES = [(0.0, 0.0), (0.001, 0.01)]


def make_data(spec, n=48):
    rng = np.random.default_rng(spec.seed + 1)
    X = rng.normal(size=(n, spec.n_inputs))
    if spec.loss == "categorical_crossentropy":
        Y = np.eye(spec.n_outputs)[rng.integers(0, spec.n_outputs, n)]
    elif spec.loss == "binary_crossentropy":
        Y = (X[:, :1] * X[:, 1:2] > 0).astype(float)
    else:
        Y = np.tanh(X[:, :spec.n_outputs])
    return X, Y


def make_spec(activation, output, **changes):
    loss, output_activation, n_outputs = output
    return NetworkSpec(n_inputs=3, hidden=(6, 4), n_outputs=n_outputs, activation=activation,
                       output_activation=output_activation, loss=loss, learning_rate=0.05, batch_size=10,
                       **changes)


def assert_close(actual, expected, rtol):
    """Each array within rtol of the other, relative to its norm (elementwise is too strict near 0)."""
    for a, e in zip(actual, expected):
        assert np.linalg.norm(np.asarray(a) - e) <= rtol * np.linalg.norm(e), (a, e)


def flat(weights):
    return [array for pair in weights for array in pair]


@pytest.mark.parametrize("engine", OTHER_ENGINES)
@pytest.mark.parametrize("penalty", PENALTIES, ids=["no-penalty", "l1-l2"])
@pytest.mark.parametrize("output", OUTPUTS, ids=[o[0] for o in OUTPUTS])
@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_gradients_and_loss_equal(engine, activation, output, penalty):
    spec = make_spec(activation, output, l1=penalty[0], l2=penalty[1])
    X, Y = make_data(spec)
    reference, other = create_engine("numpy", spec), create_engine(engine, spec)
    assert_close(flat(other.gradients(X, Y)), flat(reference.gradients(X, Y)), 1e-4)
    assert other.loss(X, Y) == pytest.approx(reference.loss(X, Y), rel=1e-5)


@pytest.mark.parametrize("engine", OTHER_ENGINES)
@pytest.mark.parametrize("output", OUTPUTS, ids=[o[0] for o in OUTPUTS])
@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_three_epochs_equal(engine, optimizer, activation, output):
    # Penalties in half the cases keep the run short while every optimizer meets them.
    penalty = 0.001 if (activation == "relu") == (output[0] == "mse") else 0.0
    spec = make_spec(activation, output, optimizer=optimizer, l1=penalty, l2=penalty)
    X, Y = make_data(spec)
    reference, other = create_engine("numpy", spec), create_engine(engine, spec)
    for _ in range(3):
        expected = reference.train_epoch(X, Y)
        assert other.train_epoch(X, Y) == pytest.approx(expected, rel=1e-3)
    assert_close(flat(other.get_weights()), flat(reference.get_weights()), 1e-3)
    assert_close([other.predict(X)], [reference.predict(X)], 1e-3)
    assert other.train_batch(X, Y) == pytest.approx(reference.train_batch(X, Y), rel=1e-3)


@pytest.mark.parametrize("engine", OTHER_ENGINES)
def test_float64_equal_to_float_rounding(engine):
    spec = make_spec("tanh", OUTPUTS[1], optimizer="adam", dtype="float64")
    X, Y = make_data(spec)
    reference, other = create_engine("numpy", spec), create_engine(engine, spec)
    assert_close(flat(other.gradients(X, Y)), flat(reference.gradients(X, Y)), 1e-12)
    for _ in range(3):
        reference.train_epoch(X, Y)
        other.train_epoch(X, Y)
    assert all(w.dtype == np.float64 for w in flat(other.get_weights()))
    # Not to 1e-12: Keras casts the learning rate, Adam's betas and penalty rates through float32.
    assert_close(flat(other.get_weights()), flat(reference.get_weights()), 1e-5)


@pytest.mark.parametrize("engine", OTHER_ENGINES)
def test_reconfigure_keeps_step_with_numpy(engine):
    """New learning rate, batch size and penalty keep weights and optimizer state; a new optimizer starts afresh."""
    spec = make_spec("tanh", OUTPUTS[0], optimizer="adam")
    X, Y = make_data(spec)
    reference, other = create_engine("numpy", spec), create_engine(engine, spec)
    changes = [dict(learning_rate=0.01, batch_size=7, l2=0.01), dict(l1=0.002), dict(optimizer="momentum")]
    for change in changes:
        reference.train_epoch(X, Y)
        other.train_epoch(X, Y)
        spec = spec.replace(**change)
        reference.reconfigure(spec)
        other.reconfigure(spec)
    reference.train_epoch(X, Y)
    other.train_epoch(X, Y)
    assert_close(flat(other.get_weights()), flat(reference.get_weights()), 1e-3)
