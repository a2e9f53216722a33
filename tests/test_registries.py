"""The registries are the one source of every name: an activation and a loss registered in
playground.nn, with nothing else changed, are accepted by the spec, offered by the settings,
shown by the step-through, checked by the finite-difference tests, trained by every engine as
the NumPy engine trains them, and written into the exported Keras code."""
import numpy as np
import pytest

import test_nn
from playground import settings
from playground import spec as spec_module
from playground.engines import ENGINES, create_engine
from playground.export import keras_code
from playground.nn import ACTIVATIONS, LOSSES, ActivationFunction, LossFunction, NeuralNetwork
from playground.spec import NetworkSpec
from playground.ui.step_through import formulas

OTHER_ENGINES = [name for name in ENGINES if name != "numpy"]


class Softplus(ActivationFunction):
    """f(z) = log(1 + e^z);  f'(z) = σ(z) = 1 − e^(−f(z))."""
    name, formula = "softplus", r"\log(1 + e^{z})"
    numpy_code = "return np.logaddexp(0, z)"
    tasks = {"regression": 4}

    def forward(self, z):
        return np.logaddexp(0, z)

    def backward(self, z, a, grad):
        return grad * -np.expm1(-a)


class MeanAbsoluteError(LossFunction):
    """L = mean(|p − y|);  ∂L/∂p = sign(p − y) / n, n = batch size × outputs."""
    name = "mae"
    formula = r"L = \frac{1}{k}\sum_i |\hat y_i - y_i|"
    derivative = r"\frac{1}{k}\,\mathrm{sign}(\hat y - y)"
    tasks = ("regression",)

    def forward(self, p, y):
        return np.mean(np.abs(p - y))

    def backward(self, p, y):
        return np.sign(p - y) / p.size


@pytest.fixture
def registered(monkeypatch):
    """softplus and mae in the registries for one test, and gone after it."""
    monkeypatch.setitem(ACTIVATIONS, "softplus", Softplus())
    monkeypatch.setitem(LOSSES, "mae", MeanAbsoluteError())


def regression_spec(**changes):
    return NetworkSpec(n_inputs=3, hidden=(6, 4), n_outputs=2, activation="softplus", output_activation="linear",
                       loss="mae", learning_rate=0.05, batch_size=10).replace(**changes)


def regression_data(spec, n=48):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(n, spec.n_inputs))
    return X, np.tanh(X[:, :spec.n_outputs]) + 0.5


def assert_close(actual, expected, rtol):
    for a, e in zip(actual, expected):
        assert np.linalg.norm(np.asarray(a) - e) <= rtol * np.linalg.norm(e), (a, e)


def flat(weights):
    return [array for pair in weights for array in pair]


def test_the_spec_accepts_them(registered):
    assert regression_spec().activations == ("softplus", "softplus")
    NetworkSpec(hidden=(3,), activation=("softplus",), n_outputs=1, output_activation="softplus", loss="mae")
    assert "softplus" in spec_module.OUTPUT_ACTIVATIONS
    assert spec_module.LOSS_OUTPUTS["mae"] == spec_module.OUTPUT_ACTIVATIONS
    with pytest.raises(ValueError, match="softplus"):
        NetworkSpec(output_activation="softplus", loss="binary_crossentropy")


def test_the_settings_offer_them_in_order(registered):
    assert settings.HIDDEN_ACTIVATIONS == ("tanh", "relu", "leaky_relu", "elu", "sigmoid", "linear", "softplus")
    heads = settings.HEADS
    assert heads["regression"] == {"linear": ("mse", "huber", "mae"), "tanh": ("mse", "huber", "mae"),
                                   "sigmoid": ("mse", "huber", "mae"), "softplus": ("mse", "huber", "mae")}
    assert heads["binary"] == {"sigmoid": ("binary_crossentropy", "mse"), "softmax": ("categorical_crossentropy", "mse"),
                               "tanh": ("mse",), "linear": ("mse",)}
    values, refused = settings.from_query({"activation": "softplus", "per_layer": "1", "activation_1": "softplus",
                                           "output": "softplus", "loss": "mae"})
    assert refused == [] and (values["activation"], values["output"], values["loss"]) == ("softplus", "softplus", "mae")


def test_the_step_through_shows_their_formulas(registered):
    shown = formulas(regression_spec(output_activation="softplus"))
    assert shown["activations"] == [r"\log(1 + e^{z})"] * 3
    assert shown["loss"] == MeanAbsoluteError.formula
    assert shown["output_delta"] == r"\frac{1}{k}\,\mathrm{sign}(\hat y - y) \odot f'(z^{(L)})"


def test_the_finite_difference_checks_take_them(registered):
    test_nn.test_activation_backward_matches_finite_differences("softplus")
    test_nn.test_activation_forward_does_not_change_its_input("softplus")
    for dtype in ("float32", "float64"):
        test_nn.test_activation_is_finite_at_extremes("softplus", dtype)
        for output in spec_module.LOSS_OUTPUTS["mae"]:
            test_nn.test_loss_is_finite_at_extremes("mae", output, dtype)
    for output in spec_module.LOSS_OUTPUTS["mae"]:
        test_nn.test_loss_through_output_activation_matches_finite_differences("mae", output)
    test_nn.test_network_is_finite_at_extreme_inputs("mae", "softplus", "softplus")
    rng = np.random.default_rng(5)
    net = NeuralNetwork([3, 4, 4, 2], ("softplus", "softplus", "softplus"), "mae", l1=0.01, l2=0.02, dtype="float64")
    net.set_weights([(rng.normal(size=W.shape), rng.normal(size=b.shape)) for W, b in net.get_weights()])
    X, Y = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    analytic = np.concatenate([g.ravel() for pair in net.gradients(X, Y) for g in pair])
    numeric = test_nn.numerical_gradient(lambda: net.loss(X, Y) + net.penalty(), net.params)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("engine", OTHER_ENGINES)
@pytest.mark.parametrize("output", ["linear", "softplus"])
def test_every_engine_trains_them_as_the_numpy_engine(registered, engine, output):
    spec = regression_spec(output_activation=output, optimizer="adam", l2=0.001)
    X, Y = regression_data(spec)
    reference, other = create_engine("numpy", spec), create_engine(engine, spec)
    assert_close(flat(other.gradients(X, Y)), flat(reference.gradients(X, Y)), 1e-4)
    assert other.loss(X, Y) == pytest.approx(reference.loss(X, Y), rel=1e-5)
    for _ in range(3):
        assert other.train_epoch(X, Y) == pytest.approx(reference.train_epoch(X, Y), rel=1e-3)
    assert_close(flat(other.get_weights()), flat(reference.get_weights()), 1e-3)


def test_the_exported_code_names_them_and_runs(registered):
    spec = regression_spec(output_activation="softplus", optimizer="rmsprop")
    source = keras_code(spec)
    assert 'activation="softplus"' in source and 'loss="mae"' in source and "accuracy" not in source
    namespace = {"__name__": "exported"}
    exec(compile(source, "exported.py", "exec"), namespace)
    model = namespace["build_neural_network"]()
    reference = create_engine("numpy", spec).to_keras()
    assert [layer.activation.__name__ for layer in model.layers] == ["softplus"] * 3
    assert [layer.activation.__name__ for layer in reference.layers] == ["softplus"] * 3
    assert model.loss == reference.loss == "mae"
    X, _ = regression_data(spec)
    model.set_weights(reference.get_weights())
    np.testing.assert_allclose(model(X, training=False).numpy(), reference(X, training=False).numpy(), rtol=1e-6)


def test_they_are_gone_after_the_fixture():
    assert "softplus" not in settings.HIDDEN_ACTIVATIONS and "mae" not in spec_module.LOSS_OUTPUTS
    with pytest.raises(ValueError, match="softplus"):
        NetworkSpec(activation="softplus")
