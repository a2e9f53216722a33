"""The NumPy core: gradients checked by finite differences, stability, optimizers, initializers."""
import warnings

import numpy as np
import pytest

from playground.nn import (ACTIVATIONS, INITIALIZERS, LOSSES, OPTIMIZERS, NeuralNetwork, forward_layers,
                           get_optimizer, hidden_activations)
from playground.spec import LOSS_OUTPUTS, OUTPUT_ACTIVATIONS

HIDDEN_ACTIVATIONS = hidden_activations()
LOSS_OUTPUT_PAIRS = [(loss, act) for loss in LOSSES for act in LOSS_OUTPUTS[loss]]


def numerical_gradient(f, x, eps=1e-6):
    """Central differences of the scalar f() with respect to every entry of x, changed in place."""
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        saved = x[i]
        x[i] = saved + eps
        up = f()
        x[i] = saved - eps
        down = f()
        x[i] = saved
        grad[i] = (up - down) / (2 * eps)
    return grad


def away_from_zero(rng, shape, scale=2.0, margin=0.05):
    """Normal values with |z| >= margin, so that no finite difference straddles a kink at 0."""
    z = rng.normal(0.0, scale, shape)
    return np.where(np.abs(z) < margin, np.copysign(margin, z) + z, z)


def targets(loss, rng, n, k):
    if loss == "binary_crossentropy":
        return rng.integers(0, 2, (n, k)).astype(float)
    if loss == "categorical_crossentropy":
        return np.eye(k)[rng.integers(0, k, n)]
    return rng.normal(0.0, 1.0, (n, k))


# Activations

@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_backward_matches_finite_differences(name):
    rng = np.random.default_rng(1)
    f = ACTIVATIONS[name]
    z = away_from_zero(rng, (5, 4))
    upstream = rng.normal(size=z.shape)     # ∂L/∂a, so that L = Σ upstream·f(z) mixes every output
    analytic = f.backward(z, f.forward(z), upstream)
    numeric = numerical_gradient(lambda: np.sum(upstream * f.forward(z)), z)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_forward_does_not_change_its_input(name):
    z = np.array([[-1.5, 0.5, 2.0]])
    ACTIVATIONS[name].forward(z)
    np.testing.assert_array_equal(z, [[-1.5, 0.5, 2.0]])


def test_activation_values():
    z = np.array([[-2.0, 0.0, 3.0]])
    np.testing.assert_allclose(ACTIVATIONS["sigmoid"].forward(z), 1 / (1 + np.exp(-z)))
    np.testing.assert_allclose(ACTIVATIONS["relu"].forward(z), [[0.0, 0.0, 3.0]])
    np.testing.assert_allclose(ACTIVATIONS["leaky_relu"].forward(z), [[-0.4, 0.0, 3.0]])
    np.testing.assert_allclose(ACTIVATIONS["elu"].forward(z), [[np.exp(-2.0) - 1, 0.0, 3.0]])
    np.testing.assert_allclose(ACTIVATIONS["softmax"].forward(z), np.exp(z) / np.exp(z).sum())


# Losses

@pytest.mark.parametrize("loss, output", LOSS_OUTPUT_PAIRS)
def test_loss_through_output_activation_matches_finite_differences(loss, output):
    rng = np.random.default_rng(2)
    f, L = ACTIVATIONS[output], LOSSES[loss]
    z = away_from_zero(rng, (6, 3), scale=1.0)
    y = targets(loss, rng, 6, 3)
    a = f.forward(z)
    analytic = f.backward(z, a, L.backward(a, y))
    numeric = numerical_gradient(lambda: L.forward(f.forward(z), y), z)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-9)


@pytest.mark.parametrize("loss", [name for name in LOSSES if LOSSES[name].logits_activation])
def test_loss_from_logits_matches_finite_differences_and_probability_form(loss):
    rng = np.random.default_rng(3)
    L = LOSSES[loss]
    f = ACTIVATIONS[L.logits_activation]
    assert L.logits_activation in LOSS_OUTPUTS[loss]
    z = rng.normal(0.0, 2.0, (6, 3))
    y = targets(loss, rng, 6, 3)
    analytic = L.backward_from_logits(f.forward(z), y)
    numeric = numerical_gradient(lambda: L.forward_from_logits(z, y), z)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-9)
    assert L.forward_from_logits(z, y) == pytest.approx(L.forward(f.forward(z), y), rel=1e-6)


def test_loss_values_are_means_over_outputs_then_batch():
    p = np.array([[0.5, 1.0], [0.0, 2.0]])
    y = np.array([[1.0, 1.0], [0.0, 0.0]])
    assert LOSSES["mse"].forward(p, y) == pytest.approx((0.25 + 0 + 0 + 4) / 4)
    p = np.array([[0.8, 0.1], [0.4, 0.5]])
    y = np.array([[1.0, 0.0], [0.0, 1.0]])
    expected = -(np.log(0.8) + np.log(0.9) + np.log(0.6) + np.log(0.5)) / 4
    assert LOSSES["binary_crossentropy"].forward(p, y) == pytest.approx(expected)
    p = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    y = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    assert LOSSES["categorical_crossentropy"].forward(p, y) == pytest.approx(-(np.log(0.7) + np.log(0.8)) / 2)
    p = np.array([[0.5, 3.0], [-2.0, 0.2]])   # errors 0.5 and 0.2 inside δ = 1, 3 and −2 outside it
    y = np.zeros((2, 2))
    assert LOSSES["huber"].forward(p, y) == pytest.approx((0.125 + 2.5 + 1.5 + 0.02) / 4)
    np.testing.assert_allclose(LOSSES["huber"].backward(p, y), [[0.125, 0.25], [-0.25, 0.05]])


# Whole networks

def network_case(n_hidden, loss, output, l1, l2, seed):
    rng = np.random.default_rng(seed)
    n_out = 3 if output == "softmax" else 2
    sizes = [3, *[4 - i % 2 for i in range(n_hidden)], n_out]
    activations = tuple(HIDDEN_ACTIVATIONS[(seed + i) % len(HIDDEN_ACTIVATIONS)] for i in range(n_hidden))
    net = NeuralNetwork(sizes, (*activations, output), loss, l1=l1, l2=l2, dtype="float64")
    net.set_weights([(away_from_zero(rng, W.shape, scale=0.8, margin=0.01), rng.normal(0.0, 0.3, b.shape))
                     for W, b in net.get_weights()])
    X = rng.normal(size=(5, 3))
    return net, X, targets(loss, rng, 5, n_out)


@pytest.mark.parametrize("n_hidden", range(5))
@pytest.mark.parametrize("loss, output", LOSS_OUTPUT_PAIRS)
@pytest.mark.parametrize("l1, l2", [(0.0, 0.0), (0.01, 0.0), (0.0, 0.02), (0.01, 0.02)])
def test_network_gradients_match_finite_differences(n_hidden, loss, output, l1, l2):
    net, X, Y = network_case(n_hidden, loss, output, l1, l2, seed=n_hidden + 7 * len(loss))
    analytic = net.gradients(X, Y)
    net.forward(X)
    assert all(np.abs(layer.z).min() > 1e-4 for layer in net.layers[:-1])   # no kink of relu & co. in reach
    numeric = numerical_gradient(lambda: net.loss(X, Y) + net.penalty(), net.params)
    flat = np.concatenate([g.ravel() for pair in analytic for g in pair])
    np.testing.assert_allclose(flat, numeric, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("loss, output", LOSS_OUTPUT_PAIRS)
def test_gradients_with_dropout_masks_match_finite_differences(loss, output):
    net, X, Y = network_case(3, loss, output, 0.0, 0.0, seed=11)
    rng = np.random.default_rng(2)
    masks = [(rng.random((len(X), layer.n_out)) >= 0.4) / 0.6 for layer in net.layers[:-1]]
    masks[1] = None   # a layer without dropout
    net.forward(X, masks)
    net.backward(Y)
    analytic = net.grads.copy()

    def masked_loss():
        net.forward(X, masks)
        return net.data_loss(Y)
    np.testing.assert_allclose(analytic, numerical_gradient(masked_loss, net.params), rtol=1e-5, atol=1e-8)
    assert not np.allclose(analytic, np.concatenate([g.ravel() for pair in net.gradients(X, Y) for g in pair]))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_forward_layers_is_the_networks_forward_pass(dtype):
    rng = np.random.default_rng(4)
    activations = ("relu", "tanh", "softmax")
    net = NeuralNetwork([3, 5, 4, 3], activations, "categorical_crossentropy", dtype="float64")
    weights = [(rng.normal(size=W.shape), rng.normal(size=b.shape)) for W, b in net.get_weights()]
    net.set_weights(weights)
    X = rng.normal(size=(6, 3))
    net.forward(X)
    outputs = forward_layers(weights, activations, X, dtype)
    assert [a.dtype for a in outputs] == [np.dtype(dtype)] * 3
    for a, layer in zip(outputs, net.layers):
        np.testing.assert_allclose(a, layer.a, rtol=1e-5 if dtype == "float32" else 1e-12, atol=1e-6)


def test_a_neuron_is_a_column_of_its_layer():
    net = NeuralNetwork([2, 3, 1], ("tanh", "sigmoid"), "binary_crossentropy", dtype="float64")
    net.set_weights([(np.arange(6.0).reshape(2, 3), np.array([0.5, -1.0, 2.0])), (np.ones((3, 1)), np.zeros(1))])
    neuron = net.layers[0].neurons[1]
    np.testing.assert_array_equal(neuron.weights, [1.0, 4.0])
    assert neuron.bias == -1.0 and neuron.activation is ACTIVATIONS["tanh"]
    with pytest.raises(ValueError):
        neuron.weights[0] = 9.0
    net.forward(np.array([[1.0, 1.0]]))
    assert net.layers[0].z[0, 1] == pytest.approx(neuron.weights.sum() + neuron.bias)


def test_penalty_is_keras_l1l2_on_weights_only():
    net = NeuralNetwork([2, 2, 1], ("tanh", "sigmoid"), "binary_crossentropy", l1=0.1, l2=0.01, dtype="float64")
    net.set_weights([(np.array([[1.0, -2.0], [0.5, 0.0]]), np.array([5.0, 5.0])),
                     (np.array([[-1.0], [3.0]]), np.array([7.0]))])
    assert net.penalty() == pytest.approx(0.1 * 7.5 + 0.01 * (1 + 4 + 0.25 + 1 + 9))


def test_network_refuses_a_wrong_number_of_activations():
    with pytest.raises(ValueError, match="activations"):
        NeuralNetwork([2, 3, 1], ("sigmoid",), "mse")


# Numerical stability

EXTREMES = np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, -1000.0], [1000.0, 1000.0, 999.0]])


def no_floating_point_trouble():
    """Overflow, division by zero and invalid values raise; underflow to 0 is harmless."""
    return np.errstate(over="raise", divide="raise", invalid="raise", under="ignore")


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_is_finite_at_extremes(name, dtype):
    z = EXTREMES.astype(dtype)
    with warnings.catch_warnings(), no_floating_point_trouble():
        warnings.simplefilter("error")
        f = ACTIVATIONS[name]
        a = f.forward(z)
        grad = f.backward(z, a, np.ones_like(z))
    assert np.isfinite(a).all() and np.isfinite(grad).all()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("loss, output", LOSS_OUTPUT_PAIRS)
def test_loss_is_finite_at_extremes(loss, output, dtype):
    L, f = LOSSES[loss], ACTIVATIONS[output]
    z = EXTREMES.astype(dtype)
    y = np.eye(3, dtype=dtype)[[0, 2, 1]]
    with warnings.catch_warnings(), no_floating_point_trouble():
        warnings.simplefilter("error")
        a = f.forward(z)
        values = [L.forward(a, y), L.backward(a, y), L.forward(z, y), L.backward(z, y)]
        if L.logits_activation == output:
            values += [L.forward_from_logits(z, y), L.backward_from_logits(a, y)]
    assert all(np.isfinite(v).all() for v in values)


@pytest.mark.parametrize("hidden", HIDDEN_ACTIVATIONS)
@pytest.mark.parametrize("loss, output", LOSS_OUTPUT_PAIRS)
def test_network_is_finite_at_extreme_inputs(loss, output, hidden):
    net = NeuralNetwork([3, 4, 3], (hidden, output), loss, l1=0.01, l2=0.01, dtype="float32")
    rng = np.random.default_rng(0)
    net.set_weights([(rng.normal(size=W.shape), np.zeros(b.shape)) for W, b in net.get_weights()])
    Y = np.eye(3)[[0, 2, 1]]
    with warnings.catch_warnings(), no_floating_point_trouble():
        warnings.simplefilter("error")
        loss_value = net.train_batch(EXTREMES, Y, get_optimizer("adam", 0.01))
        grads = net.gradients(EXTREMES, Y)
    assert np.isfinite(loss_value)
    assert all(np.isfinite(g).all() for pair in grads for g in pair)


def test_confidently_wrong_logits_keep_a_gradient():
    z, y = np.array([[-1000.0]]), np.array([[1.0]])
    assert LOSSES["binary_crossentropy"].forward_from_logits(z, y) == pytest.approx(1000.0)
    assert LOSSES["binary_crossentropy"].backward_from_logits(ACTIVATIONS["sigmoid"].forward(z), y)[0, 0] == -1.0
    z, y = np.array([[1000.0, -1000.0]]), np.array([[0.0, 1.0]])
    assert LOSSES["categorical_crossentropy"].forward_from_logits(z, y) == pytest.approx(2000.0)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("loss, output, n_out", [("binary_crossentropy", "sigmoid", 1),
                                                 ("categorical_crossentropy", "softmax", 2)])
def test_network_computes_cross_entropy_from_the_logits(loss, output, n_out, dtype):
    # A confidently wrong network (logit −1000 for the true class): the loss is not clipped to
    # −log(1e-7) ≈ 16, and the gradient is the full p − y, not the vanishing one of clipped probabilities.
    net = NeuralNetwork([1, n_out], (output,), loss, dtype=dtype)
    net.set_weights([(np.array([[50.0, -50.0][:n_out]]), np.zeros(n_out))])
    X, Y = np.array([[-20.0]]), np.array([[1.0, 0.0][:n_out]])
    assert net.loss(X, Y) == pytest.approx(1000.0 * n_out)
    dW, db = net.gradients(X, Y)[0]
    np.testing.assert_allclose(db, [-1.0, 1.0][:n_out])
    np.testing.assert_allclose(dW, [[20.0, -20.0][:n_out]])


def test_a_non_finite_loss_is_returned_not_raised():
    net = NeuralNetwork([2, 3, 1], ("linear", "linear"), "mse", dtype="float32")
    net.set_weights([(np.full((2, 3), 1e20), np.zeros(3)), (np.full((3, 1), 1e20), np.zeros(1))])
    X, Y = np.ones((4, 2)), np.zeros((4, 1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        loss = net.train_batch(X, Y, get_optimizer("sgd", 1e10))
        after = net.loss(X, Y)
    assert not np.isfinite(loss) and not np.isfinite(after)


# Optimizers: single steps computed by hand from Keras's update rules

W0 = [1.0, 2.0, 3.0, 4.0]
G1 = [1.0, 6.0, 7.0, 2.0]


def steps(name, learning_rate, gradients, dtype="float64"):
    params = np.array(W0, dtype)
    optimizer = get_optimizer(name, learning_rate)
    for g in gradients:
        optimizer.step(params, np.array(g, dtype))
    return params


def test_every_optimizer_has_a_golden_test():
    """A test_<name>_… below for each registered optimizer: its steps computed by hand."""
    assert all(any(test.startswith(f"test_{name}_") for test in globals()) for name in OPTIMIZERS)


def test_sgd_step():
    np.testing.assert_allclose(steps("sgd", 0.1, [G1]), [0.9, 1.4, 2.3, 3.8])


def test_momentum_two_steps():
    # v1 = −0.1·g1 = [−.1, −.6, −.7, −.2];  w1 = w0 + v1 = [.9, 1.4, 2.3, 3.8]
    # v2 = 0.9·v1 − 0.1·g2 = [−.19, −.64, −.73, −.28];  w2 = w1 + v2
    np.testing.assert_allclose(steps("momentum", 0.1, [G1, [1.0] * 4]), [0.71, 0.76, 1.57, 3.52])


def test_rmsprop_two_steps_with_epsilon_inside_the_root():
    # v1 = 0.1·g²;  v2 = 0.9·v1 + 0.1·g² = 0.19·g²;  each step is 0.01·g / √(v + 1e-7).
    g = np.array([1.0, 6.0, 7.0, 1e-3])
    v1, v2 = 0.1 * g**2, 0.19 * g**2
    expected = np.array(W0) - 0.01 * g / np.sqrt(v1 + 1e-7) - 0.01 * g / np.sqrt(v2 + 1e-7)
    np.testing.assert_allclose(steps("rmsprop", 0.01, [g, g]), expected, rtol=1e-12)
    # For g ≫ 1e-3 that is 0.01·(1/√0.1 + 1/√0.19) = 0.0545644 per weight; for g = 1e-3, where
    # ε counts, 0.01·(1e-3/√2e-7 + 1e-3/√2.9e-7) = 0.0409302.
    np.testing.assert_allclose(W0 - expected, [0.0545644, 0.0545644, 0.0545644, 0.0409302], atol=1e-7)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_adam_keras_golden_step(dtype):
    np.testing.assert_allclose(steps("adam", 0.5, [G1], dtype), [0.5, 1.5, 2.5, 3.5], atol=1e-4)


def test_adam_two_steps_with_epsilon_outside_the_root():
    # t = 1: m = 0.1·g, v = 0.001·g², α = lr·√0.001 / 0.1
    # t = 2: m = 0.19·g, v = 0.001999·g², α = lr·√(1 − 0.999²) / (1 − 0.9²)
    g = np.array([1.0, -6.0, 1e-5, 2.0])
    step1 = 0.1 * np.sqrt(0.001) / 0.1 * (0.1 * g) / (np.sqrt(0.001 * g**2) + 1e-7)
    step2 = 0.1 * np.sqrt(1 - 0.999**2) / (1 - 0.9**2) * (0.19 * g) / (np.sqrt(0.001999 * g**2) + 1e-7)
    np.testing.assert_allclose(steps("adam", 0.1, [g, g]), np.array(W0) - step1 - step2, rtol=1e-12)
    # With g = 1e-5 the first step is 0.1·3.162e-7 / (3.162e-7 + 1e-7) = 0.075975, not 0.1.
    assert step1[2] == pytest.approx(0.075975, abs=1e-6)


# Initializers

@pytest.mark.parametrize("n_in, n_out", [(300, 200), (2, 8)])
def test_glorot_uniform_within_its_limit_with_the_right_spread(n_in, n_out):
    limit = np.sqrt(6 / (n_in + n_out))
    W = np.concatenate([INITIALIZERS["glorot_uniform"](np.random.default_rng(s), n_in, n_out).ravel()
                        for s in range(60000 // (n_in * n_out) + 1)])
    assert np.abs(W).max() <= limit
    assert np.abs(W).max() > 0.99 * limit
    assert W.std() == pytest.approx(limit / np.sqrt(3), rel=0.02)
    assert abs(W.mean()) < 0.02 * limit


@pytest.mark.parametrize("name, scale", [("he_normal", 2), ("lecun_normal", 1)])
@pytest.mark.parametrize("n_in, n_out", [(300, 200), (2, 8)])
def test_truncated_normals_within_two_sigma_with_the_right_std(name, scale, n_in, n_out):
    sigma = np.sqrt(scale / n_in) / 0.87962566103423978    # Keras's σ before truncation
    W = np.concatenate([INITIALIZERS[name](np.random.default_rng(s), n_in, n_out).ravel()
                        for s in range(60000 // (n_in * n_out) + 1)])
    assert np.abs(W).max() <= 2 * sigma
    assert np.abs(W).max() > 1.98 * sigma
    assert W.std() == pytest.approx(np.sqrt(scale / n_in), rel=0.02)
    assert abs(W.mean()) < 0.02 * sigma


def test_small_normal_has_sigma_a_hundredth_and_zeros_are_zero():
    W = INITIALIZERS["small_normal"](np.random.default_rng(0), 300, 200)
    assert W.std() == pytest.approx(0.01, rel=0.01) and abs(W.mean()) < 1e-4
    np.testing.assert_array_equal(INITIALIZERS["zeros"](np.random.default_rng(0), 4, 3), np.zeros((4, 3)))


def test_every_initializer_has_a_formula_and_keras_code():
    for name, init in INITIALIZERS.items():
        assert init.name == name and init.formula.startswith("W") and init.keras_code


@pytest.mark.parametrize("name", [name for name in INITIALIZERS if name != "zeros"])
def test_initializer_same_seed_same_weights(name):
    init = INITIALIZERS[name]
    a = init(np.random.default_rng(5), 4, 3)
    assert a.shape == (4, 3)
    np.testing.assert_array_equal(a, init(np.random.default_rng(5), 4, 3))
    assert not np.allclose(a, init(np.random.default_rng(6), 4, 3))


def test_every_output_activation_is_registered():
    assert set(OUTPUT_ACTIVATIONS) <= set(ACTIVATIONS)
    assert set(LOSS_OUTPUTS) == set(LOSSES)
    assert all(LOSSES[loss].logits_activation in (None, *LOSS_OUTPUTS[loss]) for loss in LOSSES)


def test_the_teaching_objects_print_as_a_student_draws_them():
    from playground.engines import create_engine
    from playground.nn import get_activation
    from playground.spec import NetworkSpec
    net = NeuralNetwork([2, 4, 2, 1], ["tanh", "tanh", "sigmoid"], "binary_crossentropy", l2=0.001)
    assert repr(net) == ("NeuralNetwork(2 → 4 → 2 → 1, tanh, tanh, sigmoid; loss binary_crossentropy; "
                         "25 parameters; l2 0.001)")
    assert repr(net.layers) == "[Dense(2 → 4, tanh), Dense(4 → 2, tanh), Dense(2 → 1, sigmoid)]"
    assert repr(get_activation("relu")) == "ReLU('relu')"
    assert repr(OPTIMIZERS["adam"](0.03)) == "Adam(learning_rate=0.03, steps taken 0)"
    engine = create_engine("numpy", NetworkSpec(hidden=(3,), activation="relu", learning_rate=0.1))
    assert repr(engine) == "NumpyEngine(2 → 3 → 1, relu, sigmoid; sgd at 0.1; epoch 0)"
