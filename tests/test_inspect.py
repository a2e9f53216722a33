"""The engine contract's trace and preview_update, and playground.inspect's proofs: checked against the NumPy network."""
import numpy as np
import pytest

from playground import inspect
from playground.engines import create_engine
from playground.nn import ACTIVATIONS, get_activation
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
def test_trace_is_the_numpy_networks_forward_and_backward_pass(key):
    spec = SPECS[key]
    X, Y = data(spec)
    engine = trained("numpy", spec, X, Y)
    trace = engine.trace(X, Y)
    a = X.astype(np.float32)
    names = (*spec.activations, spec.output_activation)
    for layer, (W, b), (dW, db), f in zip(trace, engine.get_weights(), engine.gradients(X, Y), names):
        np.testing.assert_allclose(layer["a_in"], a, rtol=1e-6)
        np.testing.assert_allclose(layer["z"], a @ W + b, rtol=1e-5, atol=1e-6)
        a = get_activation(f).forward(layer["z"])
        np.testing.assert_allclose(layer["a"], a, rtol=1e-6)
        np.testing.assert_array_equal(layer["dW"], dW)
        np.testing.assert_array_equal(layer["db"], db)
        penalty = spec.l1 * np.sign(W) + 2 * spec.l2 * W
        np.testing.assert_allclose(layer["a_in"].T @ layer["delta"] + penalty, dW, rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(layer["delta"].sum(axis=0), db, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(trace[-1]["a"], engine.predict(X), rtol=1e-6)


@pytest.mark.parametrize("key", SPECS)
def test_trace_and_preview_update_agree_across_engines(key):
    spec = SPECS[key]
    X, Y = data(spec)
    numpy_engine, keras_engine = (trained(name, spec, X, Y) for name in ("numpy", "keras"))
    for ours, theirs in zip(numpy_engine.trace(X, Y), keras_engine.trace(X, Y)):
        for name in ("a_in", "z", "a", "delta", "dW", "db"):
            scale = max(np.abs(ours[name]).max(), 1e-6)
            np.testing.assert_allclose(ours[name], theirs[name], atol=1e-4 * scale, err_msg=name)
    for (dW1, db1), (dW2, db2) in zip(numpy_engine.preview_update(X, Y), keras_engine.preview_update(X, Y)):
        np.testing.assert_allclose(dW1, dW2, atol=1e-3 * np.abs(dW1).max())
        np.testing.assert_allclose(db1, db2, atol=1e-3 * max(np.abs(db1).max(), 1e-8))


@pytest.mark.parametrize("name", ["numpy", "keras"])
@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_preview_update_is_the_next_step_and_changes_nothing(name, optimizer):
    spec = SPECS["tanh-bce-l2"].replace(optimizer=optimizer)
    X, Y = data(spec)
    engine, twin = trained(name, spec, X, Y), trained(name, spec, X, Y)
    before = engine.get_weights()
    preview = engine.preview_update(X, Y)
    for (W, b), (W0, b0) in zip(engine.get_weights(), before):
        np.testing.assert_array_equal(W, W0)
        np.testing.assert_array_equal(b, b0)
    engine.train_batch(X, Y)
    twin.train_batch(X, Y)
    for (W, b), (Wt, bt), (W0, b0), (dW, db) in zip(engine.get_weights(), twin.get_weights(), before, preview):
        np.testing.assert_array_equal(W, Wt)  # the optimizer's state was put back exactly
        np.testing.assert_allclose(W - W0, dW, atol=1e-6)
        np.testing.assert_allclose(b - b0, db, atol=1e-6)


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
