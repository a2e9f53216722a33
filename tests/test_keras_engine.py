"""The Keras engine on its own: lazy loading, Keras's defaults, memory. (The contract, parity with the NumPy
engine, reconfigure and threads: tests/test_engine_contract.py.)"""
import gc
import subprocess
import sys
import weakref

import numpy as np
import pytest

from playground.engines import create_engine
from playground.nn import OPTIMIZERS
from playground.spec import NetworkSpec

pytestmark = pytest.mark.slow  # TensorFlow loads

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


def test_keras_optimizer_defaults_are_the_numpy_ones():
    import keras  # here, not at the top: collecting the tests loads no TensorFlow
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
    # To a fixed point: TensorFlow's objects free theirs in finalizers, which may leave garbage to the next pass.
    while gc.collect():
        pass
    assert ref() is None, [type(r) for r in gc.get_referrers(ref())]
