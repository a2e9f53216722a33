"""The untrained default network's loss on the 2-D sets, against always predicting the class shares."""
import itertools

import numpy as np
import pytest

from playground import settings
from playground.data import FEATURES, make_dataset
from playground.engines import create_engine
from playground.nn import targets


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


@pytest.mark.xfail(strict=True, reason=(
    "Standardized inputs do not bound it: the output layer's glorot_uniform weights (±1.41 for 2 → 1) give "
    "logits of ±2.8 whatever the inputs' scale. Of the 1,143 (set, features) choices, 103 are outside 30% "
    "with standardized inputs, 79 unscaled; worst 1.74 (gauss) and 1.76 (blobs)."))
def test_the_untrained_default_network_loses_within_30_percent_of_the_class_shares():
    ratios = {(name, features): ratio for name in PLANE_CLASSIFICATION
              for features, ratio in untrained_loss_ratios(name).items()}
    outside = {choice: round(ratio, 2) for choice, ratio in ratios.items() if abs(ratio - 1) > 0.3}
    assert not outside, (len(outside), len(ratios), max(outside.items(), key=lambda item: item[1]))
