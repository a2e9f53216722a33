"""Export to Keras: keras_code(spec) builds the network. (engine.to_keras() through a .keras file, for every
engine: tests/test_engine_contract.py.)"""
import pytest

from playground.engines import create_engine
from playground.export import keras_code
from playground.spec import NetworkSpec

SPECS = [
    NetworkSpec(hidden=(5, 3), activation=("tanh", "relu"), l2=0.01, dropout=(0.0, 0.3)),
    NetworkSpec(n_inputs=4, hidden=(6,), n_outputs=3, activation="elu", output_activation="softmax",
                loss="categorical_crossentropy", optimizer="adam", initializer="he_normal", dtype="float64"),
    NetworkSpec(n_inputs=3, hidden=(), n_outputs=2, output_activation="linear", loss="huber",
                optimizer="rmsprop", l1=0.001, initializer="zeros"),
    NetworkSpec(hidden=(4, 4, 4), activation="leaky_relu", output_activation="tanh", loss="mse",
                optimizer="momentum", initializer="small_normal", clip_norm=0.5),
]


def layer_summary(model):
    return [(layer.units, layer.activation.__name__) if hasattr(layer, "units") else ("dropout", layer.rate)
            for layer in model.layers]


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
    assert model.optimizer.global_clipnorm == reference.optimizer.global_clipnorm == spec.clip_norm
    assert [type(getattr(layer, "kernel_regularizer", None)) for layer in model.layers] == [
        type(getattr(layer, "kernel_regularizer", None)) for layer in reference.layers]


def test_keras_code_loads_no_data_and_trains_nothing():
    source = keras_code(SPECS[0])
    code_lines = [line.strip() for line in source.splitlines() if not line.strip().startswith("#")]
    assert not any(word in line for line in code_lines for word in (".fit(", "load_data", "open(", "read_csv"))
    assert "# model.fit(X_train, Y_train" in source
    assert "def build_neural_network(n_inputs=2, n_outputs=1):" in source
    assert "keras.optimizers.SGD(learning_rate=0.03)" in source
