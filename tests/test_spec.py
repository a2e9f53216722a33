"""NetworkSpec: good specs are accepted, and every bad one is refused with a message that names it."""
import math

import pytest

from playground.nn import LOSSES
from playground.spec import LOSS_OUTPUTS, OUTPUT_ACTIVATIONS, NetworkSpec

BAD_SPECS = [
    # (changes to the default spec, the field and the value the message must name)
    (dict(activation="swish"), "activation", "swish"),
    (dict(activation=("tanh", "swish")), "activation", "swish"),
    (dict(activation="softmax"), "activation", "softmax"),
    (dict(output_activation="relu"), "output_activation", "relu"),
    (dict(output_activation="swish"), "output_activation", "swish"),
    (dict(hidden=(4, 0)), "hidden", "0"),
    (dict(hidden=(-3,)), "hidden", "-3"),
    (dict(hidden=8), "hidden", "8"),
    (dict(hidden=None), "hidden", "None"),
    (dict(activation=None), "activation", "None"),
    (dict(n_inputs=0), "n_inputs", "0"),
    (dict(n_outputs=0), "n_outputs", "0"),
    (dict(learning_rate=0), "learning_rate", "0"),
    (dict(learning_rate=-0.1), "learning_rate", "-0.1"),
    (dict(learning_rate=math.nan), "learning_rate", "nan"),
    (dict(learning_rate=math.inf), "learning_rate", "inf"),
    (dict(batch_size=0), "batch_size", "0"),
    (dict(batch_size=-5), "batch_size", "-5"),
    (dict(l1=-0.001), "l1", "-0.001"),
    (dict(l2=-1.0), "l2", "-1.0"),
    (dict(output_activation="softmax", loss="categorical_crossentropy", n_outputs=1),
     "output_activation", "softmax"),
    (dict(loss="hinge"), "loss", "hinge"),
    (dict(initializer="orthogonal"), "initializer", "orthogonal"),
    (dict(clip_norm=0.0), "clip_norm", "0.0"),
    (dict(dropout=0.95), "dropout", "0.95"),
    (dict(dropout=(0.1, -0.1)), "dropout", "-0.1"),
    (dict(dropout=(0.1,)), "dropout", "1 rates for 2 hidden layers"),
    (dict(dropout="0.5"), "dropout", "0.5"),
    (dict(stop_epoch=0), "stop_epoch", "0"),
    (dict(stop_metric="accuracy", stop_value=0.9), "stop_metric", "accuracy"),
    (dict(stop_metric="test_score"), "stop_value", "None"),
    (dict(clip_norm=math.inf), "clip_norm", "inf"),
    (dict(dtype="float16"), "dtype", "float16"),
    (dict(optimizer="adagrad"), "optimizer", "adagrad"),
]


@pytest.mark.parametrize("changes, field, value", BAD_SPECS)
def test_bad_spec_names_the_field_and_the_value(changes, field, value):
    with pytest.raises(ValueError) as error:
        NetworkSpec(**changes)
    message = str(error.value)
    assert field in message and value in message


@pytest.mark.parametrize("loss, output", [(loss, output) for loss in LOSSES for output in OUTPUT_ACTIVATIONS
                                          if output not in LOSS_OUTPUTS[loss]])
def test_loss_that_does_not_fit_the_output_is_refused(loss, output):
    with pytest.raises(ValueError) as error:
        NetworkSpec(n_outputs=3, loss=loss, output_activation=output)
    message = str(error.value)
    assert loss in message and output in message


def test_every_loss_has_its_outputs_listed():
    assert set(LOSS_OUTPUTS) == set(LOSSES)
    assert LOSS_OUTPUTS["mse"] == OUTPUT_ACTIVATIONS
    assert LOSS_OUTPUTS["binary_crossentropy"] == ("sigmoid",)
    assert LOSS_OUTPUTS["categorical_crossentropy"] == ("softmax",)


def test_wrong_number_of_activations_is_refused():
    with pytest.raises(ValueError, match="activation"):
        NetworkSpec(hidden=(4, 2), activation=("tanh", "relu", "elu"))


@pytest.mark.parametrize("changes", [
    dict(),
    dict(hidden=()),
    dict(hidden=[8, 8, 8], activation=["relu", "tanh", "leaky_relu"]),
    dict(hidden=(3,), activation=("elu",)),
    dict(n_outputs=3, output_activation="softmax", loss="categorical_crossentropy", optimizer="adam"),
    dict(output_activation="tanh", loss="mse", optimizer="rmsprop", l1=0.01, l2=0.001),
    dict(output_activation="linear", loss="mse", optimizer="momentum", initializer="he_normal", dtype="float64"),
])
def test_valid_specs_are_accepted(changes):
    spec = NetworkSpec(**changes)
    assert len(spec.activations) == len(spec.hidden)
    assert isinstance(spec.hidden, tuple)
    assert spec.sizes == [spec.n_inputs, *spec.hidden, spec.n_outputs]


def test_defaults_are_the_contracts():
    spec = NetworkSpec()
    assert (spec.n_inputs, spec.hidden, spec.n_outputs) == (2, (4, 2), 1)
    assert (spec.activation, spec.output_activation, spec.loss) == ("tanh", "sigmoid", "binary_crossentropy")
    assert (spec.optimizer, spec.learning_rate, spec.batch_size) == ("sgd", 0.03, 10)
    assert (spec.l1, spec.l2, spec.initializer, spec.seed, spec.dtype) == (0.0, 0.0, "glorot_uniform", 0, "float32")
    assert spec.activations == ("tanh", "tanh")


def test_same_network_tells_training_settings_from_architecture():
    spec = NetworkSpec()
    assert spec.same_network(spec.replace(learning_rate=0.3, optimizer="adam", batch_size=1, l2=0.1))
    assert not spec.same_network(spec.replace(hidden=(4,), activation="tanh"))
    assert not spec.same_network(spec.replace(activation="relu"))
    assert not spec.same_network(spec.replace(activation=("tanh", "relu")))
    assert not spec.same_network(spec.replace(seed=1))


def test_one_activation_name_and_the_same_name_per_layer_are_the_same_network():
    spec = NetworkSpec(hidden=(4, 2), activation="relu")
    assert spec.same_network(spec.replace(activation=("relu", "relu")))
    assert spec.replace(activation=["relu", "relu"]).same_network(spec)
