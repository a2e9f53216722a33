"""Export to Keras: keras_code(spec) builds the network. (engine.to_keras() through a .keras file, for every
engine: tests/test_engine_contract.py.)"""
import numpy as np
import pytest

from playground.engines import create_engine
from playground.export import keras_code
from playground.nn import INITIALIZERS
from playground.nn.initializers import OUTPUT_GAIN
from playground.spec import NetworkSpec
from playground.commands import call
from playground.inspect import predict_of

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
    # The output layer starts as in the playground: the initializer's draw times OUTPUT_GAIN, the others at full size.
    shape, ours = (300, 200), INITIALIZERS[spec.initializer](np.random.default_rng(0), 300, 200)
    for layer, gain in [(model.layers[0], 1), (model.layers[-1], OUTPUT_GAIN)]:
        drawn = np.asarray(layer.kernel_initializer(shape))
        assert np.std(drawn) == pytest.approx(gain * np.std(ours), rel=0.05, abs=1e-12)


def test_keras_code_loads_no_data_and_trains_nothing():
    source = keras_code(SPECS[0])
    code_lines = [line.strip() for line in source.splitlines() if not line.strip().startswith("#")]
    assert not any(word in line for line in code_lines for word in (".fit(", "load_data", "open(", "read_csv"))
    assert "# model.fit(X_train, Y_train" in source
    assert "def build_neural_network(n_inputs=2, n_outputs=1):" in source
    assert "keras.optimizers.SGD(learning_rate=0.03)" in source


def standardized_run(epochs=3):
    from playground import settings
    from playground.data import make_dataset
    from playground.training import TrainingRun
    values = {**settings.defaults(), "features": ["x1", "x2", "x1*x2"]}
    data = make_dataset("xor", features=("x1", "x2", "x1*x2"))
    run = TrainingRun("numpy", settings.network_spec(values, data), data)
    run.train_for(30.0, max_epochs=epochs)
    return run, data


def test_the_weights_file_carries_the_inputs_scaling_and_reads_back():
    import io
    import numpy as np
    from playground.export import weights_from_npz, weights_npz
    run, data = standardized_run()
    content = weights_npz(run.weights(), data.scaler)
    arrays = np.load(io.BytesIO(content))
    np.testing.assert_allclose(arrays["input_mean"], data.scaler.mean_)
    np.testing.assert_allclose(arrays["input_std"], data.scaler.scale_)
    raw = data.featurize(data.points_test)
    np.testing.assert_allclose((raw - arrays["input_mean"]) / arrays["input_std"], data.X_test, rtol=1e-5, atol=1e-5)
    assert all(np.array_equal(a, b) for (a, _), (b, _) in zip(weights_from_npz(content), run.weights()))


@pytest.mark.slow
def test_keras_code_and_the_keras_file_scale_the_inputs_as_in_training(tmp_path):
    import numpy as np
    from playground.engines.keras_support import import_keras
    run, data = standardized_run()
    raw = data.featurize(data.points_test).astype(np.float32)
    expected = predict_of(run, data.X_test)
    source = keras_code(run.spec, data.scaler)
    assert "INPUT_MEAN = [" in source and "keras.layers.Normalization(mean=INPUT_MEAN" in source
    namespace = {"__name__": "exported"}
    exec(compile(source, "exported.py", "exec"), namespace)
    model = namespace["build_neural_network"]()
    model.set_weights([array for W, b in run.weights() for array in (W, b)])
    np.testing.assert_allclose(model(raw, training=False).numpy(), expected, rtol=1e-4, atol=1e-5)
    path = tmp_path / "model.keras"
    path.write_bytes(call(run, "keras_file"))
    loaded = import_keras().saving.load_model(path)
    np.testing.assert_allclose(loaded(raw, training=False).numpy(), expected, rtol=1e-4, atol=1e-5)
