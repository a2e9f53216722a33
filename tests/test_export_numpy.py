"""Export to NumPy: the exported file runs alone, in a fresh Python with NumPy only, and predicts as the run."""
import io
import subprocess
import sys

import numpy as np
import pytest

from playground import settings
from playground.data import load_csv, make_dataset
from playground.data.features import FEATURE_CODE, FEATURES
from playground.export_numpy import numpy_code
from playground.nn import ACTIVATIONS
from playground.training import TrainingRun
from playground.inspect import predict_of

# Runs the exported file by its path, in a Python started afresh (-I: no PYTHONPATH, no user site), and saves
# predict(X) for the X it is given; it fails if the file brought in anything beyond NumPy.
RUNNER = """
import importlib.util, sys
import numpy as np
spec = importlib.util.spec_from_file_location("exported", "network.py")
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
loaded = {name.split(".")[0] for name in sys.modules}
assert not loaded & {"playground", "sklearn", "scipy", "tensorflow", "keras"}, loaded
np.save("outputs.npy", module.predict(np.load("inputs.npy")))
"""


def csv_regression():
    rng = np.random.default_rng(3)
    X = rng.normal([10.0, -4.0, 100.0], [2.0, 0.5, 30.0], (300, 3))
    y = np.sin(X[:, 0]) + X[:, 1] * 0.5 + X[:, 2] / 50
    text = "height,weight,age,label\n" + "\n".join(",".join(f"{v:.5f}" for v in row) for row in np.c_[X, y])
    return load_csv(io.StringIO(text), task="regression", name="measures")


def trained(values, dataset, epochs):
    run = TrainingRun("numpy", settings.network_spec({**settings.defaults(), **values}, dataset), dataset)
    run.train_for(60.0, max_epochs=epochs)
    return run


CASES = {
    "circle-with-features": lambda: (
        {"features": ("x1", "x2", "x1^2", "x1*x2", "sin(x2)"), "activation": "relu"},
        make_dataset("circle", noise=0.1, features=("x1", "x2", "x1^2", "x1*x2", "sin(x2)"))),
    "csv-regression-standardized": lambda: (
        {"output": "linear", "loss": "huber", "activation": "elu", "layers": 2}, csv_regression()),
    "digits-minmax": lambda: (
        {"dataset": "digits", "output": "softmax", "loss": "categorical_crossentropy", "layers": 1, "width_1": 16,
         "activation": "leaky_relu", "optimizer": "adam", "learning_rate": 0.003}, make_dataset("digits")),
}


def raw_inputs(dataset):
    """What the data set is made of, for its test rows: points in the plane, else the rows before scaling."""
    if dataset.points_test is not None:
        return dataset.points_test
    return dataset.scaler.inverse_transform(dataset.X_test.astype(np.float64))


@pytest.mark.parametrize("case", CASES)
def test_the_exported_file_needs_only_numpy_and_predicts_as_the_run(case, tmp_path):
    values, dataset = CASES[case]()
    run = trained(values, dataset, 5)
    source = numpy_code(run.spec, run.weights(), dataset)
    assert [line for line in source.splitlines() if line.startswith(("import", "from"))] == ["import numpy as np"]
    (tmp_path / "network.py").write_text(source, encoding="utf-8")
    np.save(tmp_path / "inputs.npy", raw_inputs(dataset))
    subprocess.run([sys.executable, "-I", "-c", RUNNER], cwd=tmp_path, check=True, timeout=60)
    outputs = np.load(tmp_path / "outputs.npy")
    expected = predict_of(run, dataset.X_test)
    assert outputs.shape == expected.shape and outputs.dtype == np.float32
    np.testing.assert_allclose(outputs, expected, rtol=1e-5, atol=1e-6)


def test_predict_reads_as_the_forward_pass_and_says_what_x_is():
    values, dataset = CASES["circle-with-features"]()
    run = trained(values, dataset, 1)
    source = numpy_code(run.spec, run.weights(), dataset)
    assert "z = a @ W + b   # z = a·W + b" in source and "a = f(z)" in source
    assert "LAYERS = [(W1, b1, relu), (W2, b2, relu), (W3, b3, sigmoid)]" in source
    assert "takes X of shape (n, 2): points (x1, x2)" in source
    assert "return np.column_stack([x1, x2, x1 ** 2, x1 * x2, np.sin(x2)])" in source
    assert "    a = features(a)\n    a = scale(a)" in source and "(rows − MEAN) / STD" in source  # standardized
    assert "def tanh" not in source   # only the activations the network uses


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_each_activation_s_numpy_code_is_its_forward_pass(name):
    z = np.linspace(-30, 30, 24, dtype=np.float32).reshape(4, 6)
    namespace = {"np": np}
    exec("def f(z):\n" + "\n".join("    " + line for line in ACTIVATIONS[name].numpy_code.splitlines()), namespace)
    np.testing.assert_array_equal(namespace["f"](z), ACTIVATIONS[name].forward(z))


def test_each_feature_s_code_is_its_function():
    assert set(FEATURE_CODE) == set(FEATURES)
    x1, x2 = np.random.default_rng(0).uniform(-6, 6, (2, 50))
    for name, code in FEATURE_CODE.items():
        np.testing.assert_array_equal(eval(code, {"np": np, "x1": x1, "x2": x2}), FEATURES[name](x1, x2))
