"""The NumPy engine: learning, determinism, initial weights, batching, exact steps, reconfigure, float64.
(What every engine promises is in tests/test_engine_contract.py.)"""
import subprocess
import sys
import warnings

import numpy as np
import pytest

from playground.engines import ENGINES, create_engine, epoch_batches, initial_weights
from playground.nn import INITIALIZERS, OPTIMIZERS
from playground.spec import NetworkSpec


def xor_data(n=300, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-6, 6, (n, 2))
    return X, (X[:, :1] * X[:, 1:] > 0).astype(float)


def regression_data(n=25, seed=1):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    return X, np.sin(X[:, :1]) + X[:, 1:] ** 2


def assert_weights_equal(a, b):
    assert len(a) == len(b)
    for (Wa, ba), (Wb, bb) in zip(a, b):
        np.testing.assert_array_equal(Wa, Wb)
        np.testing.assert_array_equal(ba, bb)


def test_registry_offers_numpy_and_refuses_unknown_names():
    assert "numpy" in ENGINES
    with pytest.raises(ValueError, match="torch"):
        create_engine("torch", NetworkSpec())


def test_learns_xor():
    X, Y = xor_data()
    spec = NetworkSpec(hidden=(8, 8), activation="tanh", optimizer="sgd", learning_rate=0.03, batch_size=10)
    engine = create_engine("numpy", spec)
    for _ in range(150):
        engine.train_epoch(X, Y)
    accuracy = np.mean((engine.predict(X) > 0.5) == Y)
    assert accuracy >= 0.97


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_same_spec_and_data_give_identical_weights(optimizer):
    X, Y = xor_data(100)
    spec = NetworkSpec(hidden=(5, 3), optimizer=optimizer, learning_rate=0.01, batch_size=7, l1=0.001, l2=0.001)
    a, b = create_engine("numpy", spec), create_engine("numpy", spec)
    for _ in range(3):
        assert a.train_epoch(X, Y) == b.train_epoch(X, Y)
    assert_weights_equal(a.get_weights(), b.get_weights())
    other = create_engine("numpy", spec.replace(seed=1))
    other.train_epoch(X, Y)
    assert not np.allclose(a.get_weights()[0][0], other.get_weights()[0][0])


@pytest.mark.parametrize("initializer", INITIALIZERS)
def test_initial_weights_are_seeded_with_zero_biases(initializer):
    spec = NetworkSpec(hidden=(6, 5), initializer=initializer)
    weights = initial_weights(spec)
    assert [W.shape for W, _ in weights] == [(2, 6), (6, 5), (5, 1)]
    assert all(W.dtype == np.float32 and not (b != 0).any() for W, b in weights)
    assert_weights_equal(weights, initial_weights(spec))
    assert_weights_equal(weights, create_engine("numpy", spec).get_weights())
    assert (initializer == "zeros") == np.allclose(weights[0][0], initial_weights(spec.replace(seed=3))[0][0])


def test_epoch_batches_cover_every_index_once_and_keep_the_last_batch():
    order, batches = epoch_batches(23, 5, seed=4, epoch=0)
    assert [s.stop - s.start for s in batches] == [5, 5, 5, 5, 3]
    assert sorted(np.concatenate([order[s] for s in batches])) == list(range(23))
    again, _ = epoch_batches(23, 5, seed=4, epoch=0)
    np.testing.assert_array_equal(order, again)
    next_epoch, _ = epoch_batches(23, 5, seed=4, epoch=1)
    other_seed, _ = epoch_batches(23, 5, seed=5, epoch=0)
    assert list(order) != list(next_epoch) and list(order) != list(other_seed)


def test_epoch_batches_with_a_batch_larger_than_the_data():
    order, batches = epoch_batches(4, 10, seed=0, epoch=0)
    assert sorted(order[batches[0]]) == [0, 1, 2, 3] and len(batches) == 1


def test_train_batch_returns_data_loss_plus_penalty_and_steps_against_the_gradient():
    X, Y = regression_data(8)
    spec = NetworkSpec(hidden=(4,), output_activation="linear", loss="mse", l1=0.01, l2=0.02,
                       learning_rate=0.1, dtype="float64")
    engine = create_engine("numpy", spec)
    before = engine.get_weights()
    penalty = sum(0.01 * np.abs(W).sum() + 0.02 * np.square(W).sum() for W, _ in before)
    data_loss, grads = engine.loss(X, Y), engine.gradients(X, Y)
    assert engine.train_batch(X, Y) == pytest.approx(data_loss + penalty, rel=1e-12)
    for (W, b), (dW, db), (W1, b1) in zip(before, grads, engine.get_weights()):
        np.testing.assert_allclose(W1, W - 0.1 * dW, rtol=1e-12)
        np.testing.assert_allclose(b1, b - 0.1 * db, rtol=1e-12)


def test_float64_engine_gradients_match_finite_differences():
    X, Y = regression_data(6)
    spec = NetworkSpec(hidden=(3, 4), activation=("elu", "tanh"), output_activation="tanh", loss="mse",
                       l1=0.01, l2=0.03, dtype="float64")
    engine = create_engine("numpy", spec)
    weights = engine.get_weights()
    assert all(W.dtype == np.float64 for W, _ in weights)
    assert engine.predict(X).dtype == np.float64

    def total_loss():
        engine.set_weights(weights)
        return engine.loss(X, Y) + sum(0.01 * np.abs(W).sum() + 0.03 * np.square(W).sum() for W, _ in weights)

    for (dW, db), (W, b) in zip(engine.gradients(X, Y), weights):
        for array, analytic in ((W, dW), (b, db)):
            for i in np.ndindex(array.shape):
                saved = array[i]
                array[i] = saved + 1e-6
                up = total_loss()
                array[i] = saved - 1e-6
                down = total_loss()
                array[i] = saved
                assert analytic[i] == pytest.approx((up - down) / 2e-6, rel=1e-5, abs=1e-8)


def test_float64_engine_trains():
    X, Y = xor_data(100)
    engine = create_engine("numpy", NetworkSpec(hidden=(6,), optimizer="adam", learning_rate=0.05, dtype="float64"))
    first = engine.train_epoch(X / 6, Y)
    for _ in range(20):
        last = engine.train_epoch(X / 6, Y)
    assert last < first
    assert engine.get_weights()[0][0].dtype == np.float64


def test_a_loss_that_turns_non_finite_is_returned():
    X, Y = regression_data(20)
    spec = NetworkSpec(hidden=(4,), output_activation="linear", loss="mse", learning_rate=1e12, batch_size=5)
    engine = create_engine("numpy", spec)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        losses = [engine.train_epoch(X, Y * 1e6) for _ in range(5)]
        assert not np.isfinite(losses[-1])
        assert not np.isfinite(engine.loss(X, Y))


def reconfigure_case(optimizer="adam"):
    X, Y = regression_data(30)
    spec = NetworkSpec(hidden=(4,), output_activation="linear", loss="mse", optimizer=optimizer,
                       learning_rate=0.01, batch_size=30, dtype="float64")
    engine = create_engine("numpy", spec)
    engine.train_epoch(X, Y)
    engine.train_epoch(X, Y)
    return engine, spec, X, Y


def step_taken(engine, X, Y):
    before = engine.get_weights()
    engine.train_batch(X, Y)
    return [W1 - W for (W, _), (W1, _) in zip(before, engine.get_weights())]


def test_reconfigure_learning_rate_keeps_weights_and_optimizer_state():
    engine, spec, X, Y = reconfigure_case()
    reference, _, _, _ = reconfigure_case()
    weights = engine.get_weights()
    engine.reconfigure(spec.replace(learning_rate=0.02))
    assert_weights_equal(engine.get_weights(), weights)
    # Adam's step is proportional to the learning rate given its state: twice the rate, twice the step.
    for doubled, single in zip(step_taken(engine, X, Y), step_taken(reference, X, Y)):
        np.testing.assert_allclose(doubled, 2 * single, rtol=1e-9)


def test_reconfigure_optimizer_starts_it_afresh():
    engine, spec, X, Y = reconfigure_case("adam")
    weights = engine.get_weights()
    engine.reconfigure(spec.replace(optimizer="momentum", learning_rate=0.05))
    assert_weights_equal(engine.get_weights(), weights)
    fresh = create_engine("numpy", spec.replace(optimizer="momentum", learning_rate=0.05))
    fresh.set_weights(weights)
    for a, b in zip(step_taken(engine, X, Y), step_taken(fresh, X, Y)):
        np.testing.assert_array_equal(a, b)


def test_reconfigure_penalty_and_batch_size_take_effect():
    engine, spec, X, Y = reconfigure_case("sgd")
    engine.reconfigure(spec.replace(l2=0.5, batch_size=7))
    penalty = sum(0.5 * np.square(W).sum() for W, _ in engine.get_weights())
    expected = engine.loss(X, Y) + penalty
    assert engine.train_batch(X, Y) == pytest.approx(expected, rel=1e-12)
    order, batches = epoch_batches(len(X), 7, spec.seed, engine.epoch)
    replay = create_engine("numpy", engine.spec)
    replay.set_weights(engine.get_weights())
    expected = sum(replay.train_batch(X[order[s]], Y[order[s]]) * len(order[s]) for s in batches) / len(X)
    assert engine.train_epoch(X, Y) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("changes", [dict(hidden=(5,)), dict(activation="relu"), dict(n_outputs=2),
                                     dict(output_activation="tanh"), dict(dtype="float32")])
def test_reconfigure_refuses_another_network(changes):
    engine, spec, _, _ = reconfigure_case()
    weights = engine.get_weights()
    with pytest.raises(ValueError):
        engine.reconfigure(spec.replace(**changes))
    assert engine.spec == spec
    assert_weights_equal(engine.get_weights(), weights)


def test_numpy_engine_never_imports_tensorflow_or_keras():
    code = (
        "import sys, numpy as np\n"
        "import playground.engines\n"
        "from playground.engines import create_engine\n"
        "from playground.spec import NetworkSpec\n"
        "engine = create_engine('numpy', NetworkSpec(optimizer='adam'))\n"
        "engine.train_epoch(np.random.rand(40, 2), np.random.rand(40, 1) > 0.5)\n"
        "engine.predict(np.zeros((3, 2)))\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras', 'tf_keras'))\n"
        "print(loaded)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
