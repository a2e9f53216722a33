"""Export to Keras: engine.to_keras() round trips through a .keras file; keras_code(spec) builds the network."""
import keras
import numpy as np
import pytest

from playground.engines import ENGINES, create_engine
from playground.export import keras_code
from playground.spec import NetworkSpec

SPECS = [
    NetworkSpec(hidden=(5, 3), activation=("tanh", "relu"), l2=0.01),
    NetworkSpec(n_inputs=4, hidden=(6,), n_outputs=3, activation="elu", output_activation="softmax",
                loss="categorical_crossentropy", optimizer="adam", initializer="he_normal", dtype="float64"),
    NetworkSpec(n_inputs=3, hidden=(), n_outputs=2, output_activation="linear", loss="mse",
                optimizer="rmsprop", l1=0.001),
    NetworkSpec(hidden=(4, 4, 4), activation="leaky_relu", output_activation="tanh", loss="mse",
                optimizer="momentum"),
]


@pytest.mark.parametrize("engine", list(ENGINES))
@pytest.mark.parametrize("spec", SPECS[:2], ids=["sigmoid", "softmax-float64"])
def test_to_keras_round_trips_through_a_keras_file(engine, spec, tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, spec.n_inputs)).astype(spec.dtype)
    Y = np.eye(spec.n_outputs)[rng.integers(0, spec.n_outputs, 30)] if spec.n_outputs > 1 else (X[:, :1] > 0) * 1.0
    trained = create_engine(engine, spec)
    trained.train_epoch(X, Y)
    path = tmp_path / "network.keras"
    trained.to_keras().save(path)
    model = keras.models.load_model(path, safe_mode=True)
    rtol = 1e-6 if spec.dtype == "float32" else 1e-12
    np.testing.assert_allclose(model(X, training=False).numpy(), trained.predict(X), rtol=rtol, atol=rtol)
    assert model.loss == spec.loss
    assert float(model.optimizer.learning_rate) == pytest.approx(spec.learning_rate)


def layer_summary(model):
    return [(layer.units, layer.activation.__name__) for layer in model.layers]


@pytest.mark.parametrize("spec", SPECS, ids=["tanh-relu", "elu-softmax", "no-hidden", "leaky-relu"])
def test_keras_code_builds_the_same_network(spec):
    source = keras_code(spec)
    namespace = {"__name__": "exported"}
    exec(compile(source, "exported.py", "exec"), namespace)
    model = namespace["build_neural_network"]()
    reference = create_engine("numpy", spec).to_keras()
    assert layer_summary(model) == layer_summary(reference)
    assert model.count_params() == reference.count_params()
    assert model.input_shape == (None, spec.n_inputs)
    assert model.loss == spec.loss and model.optimizer is not None
    assert float(model.optimizer.learning_rate) == pytest.approx(spec.learning_rate)
    assert [type(layer.kernel_regularizer) for layer in model.layers] == [
        type(layer.kernel_regularizer) for layer in reference.layers]


def test_keras_code_loads_no_data_and_trains_nothing():
    source = keras_code(SPECS[0])
    code_lines = [line.strip() for line in source.splitlines() if not line.strip().startswith("#")]
    assert not any(word in line for line in code_lines for word in (".fit(", "load_data", "open(", "read_csv"))
    assert "# model.fit(X_train, Y_train" in source
    assert "def build_neural_network(n_inputs=2, n_outputs=1):" in source
    assert "keras.optimizers.SGD(learning_rate=0.03)" in source
