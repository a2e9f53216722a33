"""playground.inspect's proofs: the gradient check and the engines side by side. (trace and preview_update,
for every engine: tests/test_engine_contract.py.)"""
import numpy as np
import pytest

from playground import inspect
from playground.engines import create_engine
from playground.nn import ACTIVATIONS
from playground.spec import NetworkSpec

SPECS = {
    "tanh-bce-l2": NetworkSpec(hidden=(5, 3), optimizer="adam", l2=0.01),
    "relu-softmax": NetworkSpec(hidden=(6,), activation="relu", n_outputs=3, output_activation="softmax",
                                loss="categorical_crossentropy", optimizer="rmsprop"),
    "sigmoid-mse-l1": NetworkSpec(hidden=(4, 4), activation="sigmoid", output_activation="tanh", loss="mse",
                                  optimizer="momentum", l1=0.01),
}


def data(spec, n=7, seed=1):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, spec.n_inputs))
    if spec.n_outputs > 1:
        return X, np.eye(spec.n_outputs)[rng.integers(0, spec.n_outputs, n)]
    return X, rng.integers(0, 2, (n, 1)).astype(float)


def trained(name, spec, X, Y, steps=3):
    """An engine a few steps in, so the optimizer has state."""
    engine = create_engine(name, spec)
    for _ in range(steps):
        engine.train_batch(X, Y)
    return engine


@pytest.mark.parametrize("key", SPECS)
def test_gradient_check_passes_on_the_numpy_engine(key):
    spec = SPECS[key]
    X, Y = data(spec)
    errors = inspect.gradient_check(spec, trained("numpy", spec, X, Y).get_weights(), X, Y)
    assert len(errors) == len(spec.hidden) + 1
    assert max(errors) < inspect.FD_TOLERANCE


def test_gradient_check_catches_a_wrong_derivative(monkeypatch):
    spec = SPECS["sigmoid-mse-l1"]
    X, Y = data(spec)
    weights = create_engine("numpy", spec).get_weights()
    monkeypatch.setattr(type(ACTIVATIONS["sigmoid"]), "backward", lambda self, z, a, grad: grad * a)
    errors = inspect.gradient_check(spec, weights, X, Y)
    assert errors[0] > 0.1 and errors[1] > 0.1 and errors[2] < inspect.FD_TOLERANCE  # the output is tanh


@pytest.mark.slow  # TensorFlow loads
def test_compare_engines_ends_within_float32_rounding():
    spec = SPECS["relu-softmax"]
    X, Y = data(spec, n=40)
    result = inspect.compare_engines(spec, create_engine("numpy", spec).get_weights(), X, Y, steps=4)
    assert len(result["weights"]) == 2
    assert max(result["weights"]) < 1e-4 and result["loss_difference"] < 1e-5
    assert result["names"] == ("numpy", "keras")


def test_health_log_keeps_float32_rows_and_truncates():
    log = inspect.HealthLog(2)
    for epoch in range(4):
        log.append(epoch, [epoch, 10.0 * epoch], [0.5, 0.25])
    log.truncate(3)
    epochs, norms, ratios = log.arrays()
    assert len(log) == 3 and list(epochs) == [0, 1, 2]
    np.testing.assert_array_equal(norms, [[0, 0], [1, 10], [2, 20]])
    assert norms.dtype == np.float32 and ratios.shape == (3, 2)
