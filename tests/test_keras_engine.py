"""The Keras engine on its own: the contract, lazy loading, reconfigure, threads, Keras's defaults."""
import gc
import subprocess
import sys
import threading
import weakref

import keras
import numpy as np
import pytest

from playground.engines import create_engine
from playground.nn import OPTIMIZERS
from playground.spec import NetworkSpec

SPEC = NetworkSpec(hidden=(5, 3), batch_size=8)


def data(n=40, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2)).astype(np.float32)
    return X, (X[:, :1] * X[:, 1:] > 0).astype(np.float32)


def test_import_and_numpy_engine_load_no_tensorflow():
    code = ("import sys, numpy as np, playground, playground.export, playground.engines\n"
            "from playground.engines import create_engine\n"
            "from playground.spec import NetworkSpec\n"
            "create_engine('numpy', NetworkSpec()).train_epoch(np.zeros((20, 2)), np.zeros((20, 1)))\n"
            "print(sorted(m for m in ('tensorflow', 'keras') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_contract_shapes_and_copies():
    engine = create_engine("keras", SPEC)
    X, Y = data()
    assert engine.predict(X).shape == (40, 1)
    weights = engine.get_weights()
    assert [(W.shape, b.shape) for W, b in weights] == [((2, 5), (5,)), ((5, 3), (3,)), ((3, 1), (1,))]
    weights[0][0][...] = 7
    assert not np.any(engine.get_weights()[0][0] == 7)
    assert [(dW.shape, db.shape) for dW, db in engine.gradients(X, Y)] == [(W.shape, b.shape) for W, b in weights]
    assert isinstance(engine.loss(X, Y), float) and isinstance(engine.train_batch(X, Y), float)


def test_set_weights_wrong_shape_names_the_layer():
    engine = create_engine("keras", SPEC)
    weights = engine.get_weights()
    weights[1] = (np.zeros((4, 3)), np.zeros(3))
    with pytest.raises(ValueError, match="Layer 2"):
        engine.set_weights(weights)


def test_set_weights_then_predict():
    engine = create_engine("keras", SPEC)
    weights = [(np.full_like(W, 0.1), np.full_like(b, 0.2)) for W, b in engine.get_weights()]
    engine.set_weights(weights)
    numpy_engine = create_engine("numpy", SPEC)
    numpy_engine.set_weights(weights)
    X, _ = data()
    np.testing.assert_allclose(engine.predict(X), numpy_engine.predict(X), rtol=1e-6)


def test_train_epoch_learns_and_returns_mean_sample_loss():
    engine = create_engine("keras", SPEC.replace(learning_rate=0.3, hidden=(8,)))
    X, Y = data(200)
    losses = [engine.train_epoch(X, Y) for _ in range(30)]
    assert losses[-1] < 0.6 * losses[0]
    assert engine.epoch == 30


def test_reconfigure_keeps_weights_and_optimizer_state():
    engine = create_engine("keras", SPEC.replace(optimizer="adam"))
    X, Y = data()
    engine.train_epoch(X, Y)
    weights, optimizer = engine.get_weights(), engine.optimizer
    engine.reconfigure(engine.spec.replace(learning_rate=0.001, batch_size=5, l1=0.01, l2=0.01))
    assert all(np.array_equal(a, b) for pair, other in zip(weights, engine.get_weights()) for a, b in zip(pair, other))
    assert engine.optimizer is optimizer and int(optimizer.iterations) == 5
    assert float(optimizer.learning_rate) == pytest.approx(0.001)
    engine.reconfigure(engine.spec.replace(optimizer="sgd"))
    assert int(engine.optimizer.iterations) == 0
    with pytest.raises(ValueError, match="another network"):
        engine.reconfigure(engine.spec.replace(hidden=(4,)))


def train_alone(spec, X, Y, epochs=5):
    engine = create_engine("keras", spec)
    for _ in range(epochs):
        engine.train_epoch(X, Y)
    return engine.get_weights()


def test_two_threads_train_exactly_as_alone():
    specs = [SPEC.replace(optimizer="adam", seed=1), SPEC.replace(optimizer="rmsprop", hidden=(6,), seed=2)]
    X, Y = data(300)
    alone = [train_alone(spec, X, Y) for spec in specs]
    together = [None, None]

    def run(i):
        together[i] = train_alone(specs[i], X, Y)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for expected, actual in zip(alone, together):
        assert all(np.array_equal(a, b) for pair, other in zip(expected, actual) for a, b in zip(pair, other))


def test_keras_optimizer_defaults_are_the_numpy_ones():
    assert (keras.optimizers.RMSprop().rho, keras.optimizers.RMSprop().epsilon) == (
        OPTIMIZERS["rmsprop"].rho, OPTIMIZERS["rmsprop"].epsilon)
    adam = keras.optimizers.Adam()
    assert (adam.beta_1, adam.beta_2, adam.epsilon) == (
        OPTIMIZERS["adam"].beta_1, OPTIMIZERS["adam"].beta_2, OPTIMIZERS["adam"].epsilon)
    assert not keras.optimizers.SGD().nesterov


def test_engines_are_freed():
    X, Y = data()
    engine = create_engine("keras", SPEC)
    engine.train_epoch(X, Y)
    ref = weakref.ref(engine)
    del engine
    gc.collect()
    assert ref() is None
