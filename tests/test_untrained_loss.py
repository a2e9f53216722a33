"""The untrained default network's loss on the 2-D sets, against always predicting the class shares."""
import itertools

import numpy as np

from playground import settings
from playground.data import FEATURES, make_dataset
from playground.engines import create_engine, initial_weights
from playground.export import keras_code
from playground.nn import INITIALIZERS
from playground.nn.initializers import OUTPUT_GAIN
from playground.nn import targets
from playground.spec import NetworkSpec


def class_share_loss(data):
    """The loss of always predicting each class's share of the training set: the entropy of the shares."""
    shares = np.bincount(data.y_train, minlength=data.n_classes) / len(data.y_train)
    return float(-(shares[shares > 0] * np.log(shares[shares > 0])).sum())


def untrained_loss_ratios(name):
    """Per choice of input features, the default network's untrained loss over the class-share loss."""
    ratios = {}
    for k in range(1, len(FEATURES) + 1):
        for features in itertools.combinations(FEATURES, k):
            values = {**settings.defaults(), "dataset": name, "features": list(features)}
            data = make_dataset(name, **settings.data_arguments(values))
            outputs = settings.heads()[settings.task_kind(data)]
            output = next(iter(outputs))
            spec = settings.network_spec({**values, "output": output, "loss": outputs[output][0]}, data)
            ratios[features] = create_engine("numpy", spec).loss(data.X_train, targets(
                data.y_train, data.task, spec.n_outputs)) / class_share_loss(data)
    return ratios


PLANE_CLASSIFICATION = ["circle", "xor", "gauss", "spiral", "moons", "blobs", "checkerboard", "rings", "sine"]


def test_the_untrained_default_network_loses_within_30_percent_of_the_class_shares():
    ratios = {(name, features): ratio for name in PLANE_CLASSIFICATION
              for features, ratio in untrained_loss_ratios(name).items()}
    outside = {choice: round(ratio, 2) for choice, ratio in ratios.items() if abs(ratio - 1) > 0.3}
    assert not outside, (len(outside), len(ratios), max(outside.items(), key=lambda item: item[1]))


def test_the_output_layer_starts_at_a_tenth_of_the_draw_in_both_engines_and_in_the_exported_code():
    spec = NetworkSpec(n_inputs=2, hidden=(4, 2), seed=3)
    rng = np.random.default_rng(spec.seed)
    full = [INITIALIZERS[spec.initializer](rng, n_in, n_out) for n_in, n_out in zip(spec.sizes[:-1], spec.sizes[1:])]
    weights = initial_weights(spec)
    for (W, b), drawn in zip(weights[:-1], full[:-1]):
        np.testing.assert_allclose(W, drawn, rtol=1e-6)
    np.testing.assert_allclose(weights[-1][0], OUTPUT_GAIN * full[-1], rtol=1e-6)
    assert OUTPUT_GAIN == 0.1
    code = keras_code(spec)
    assert ('Dense(n_outputs, activation="sigmoid",\n            kernel_initializer=keras.initializers.VarianceScaling('
            "scale=0.01, mode='fan_avg', distribution='uniform')") in code
    assert "he_normal" not in code and code.count("kernel_initializer") == 1


def test_untrained_xor_on_its_product_feature_starts_near_a_guess():
    values = {**settings.defaults(), "dataset": "xor", "features": ["x1*x2"]}
    data = make_dataset("xor", **settings.data_arguments(values))
    engine = create_engine("numpy", settings.network_spec(values, data))
    assert engine.loss(data.X_train, data.Y_train) < 0.75  # 0.96 with the output layer's weights at full size
