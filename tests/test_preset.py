"""The source material's example: one click sets it up, trains 10 epochs and shows the test accuracy."""

from playground.data import MNIST_VARIABLE
from test_data_images import write_mnist
from pages import app
from playground.ui.controls import cached_dataset


def accuracies(at):
    return {m.label: m.value for m in at.metric if m.label.startswith("Test accuracy") and m.value.endswith("%")}


def test_the_preset_sets_the_source_network_trains_ten_epochs_and_compares_engines():
    at = app(timeout=120)
    at.button(key="preset_source").click().run()
    assert not at.exception
    s = at.session_state
    assert (s.dataset, s.layers, s.width_1, s.width_2, s.activation, s.output, s.optimizer, s.learning_rate,
            s.batch_size) == ("digits", 2, 64, 64, "relu", "softmax", "adam", 0.001, 32)
    assert at.query_params["dataset"] == "digits" and at.query_params["width_2"] == "64"
    assert s.run.epoch == 10 and s.run.dataset.scale == "minmax"
    first = accuracies(at)
    assert list(first) == ["Test accuracy"] and float(first["Test accuracy"][:-1]) > 85
    at.button(key="preset_compare").click().run()
    both = accuracies(at)
    assert not at.exception
    assert both["Test accuracy"] == first["Test accuracy"]
    assert float(both["Test accuracy, Keras (TensorFlow)"][:-1]) > 85


def test_pressing_the_preset_again_trains_it_again_from_the_start():
    at = app(timeout=120)
    at.button(key="preset_source").click().run()
    first_run = at.session_state.run
    at.button(key="preset_source").click().run()
    assert not at.exception and not at.error
    assert at.session_state.run is not first_run and at.session_state.run.epoch == 10
    assert "Test accuracy" in accuracies(at)


def test_the_preset_runs_on_mnist_when_it_loads(tmp_path, monkeypatch):
    write_mnist(tmp_path / "mnist.npz", n_train=60, n_test=20)
    monkeypatch.setenv(MNIST_VARIABLE, str(tmp_path / "mnist.npz"))
    at = app(timeout=120, dataset="mnist")
    at.button(key="preset_source").click().run()
    assert not at.exception
    assert at.session_state.dataset == "mnist" and at.session_state.run.spec.n_inputs == 784
    assert at.session_state.run.epoch == 10 and "Test accuracy" in accuracies(at)


def test_without_mnist_the_preset_says_so_and_runs_on_digits(tmp_path, monkeypatch):
    monkeypatch.setenv(MNIST_VARIABLE, str(tmp_path / "missing.npz"))
    cached_dataset.clear()  # data sets are cached across sessions: forget the MNIST loaded above
    at = app(timeout=120, dataset="mnist")
    at.button(key="preset_source").click().run()
    assert not at.exception
    assert at.session_state.dataset == "digits" and "Test accuracy" in accuracies(at)
    assert any("digits instead" in w.value for w in at.warning)
