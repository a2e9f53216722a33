"""The source material's example: one click sets it up, trains 10 epochs and shows the test accuracy."""

from playground.data import MNIST_VARIABLE
from playground.ui.controls import forget_data_sets


def accuracies(at):
    return {m.label: m.value for m in at.metric if m.label.startswith("Test accuracy") and m.value.endswith("%")}


def test_the_preset_sets_the_source_network_trains_ten_epochs_and_compares_engines(app):
    at = app(timeout=120)
    at.button(key="preset_source").click().run()
    assert not at.exception
    s = at.session_state
    assert (s.dataset, s.layers, s.width_1, s.width_2, s.activation, s.output, s.optimizer, s.learning_rate,
            s.batch_size) == ("digits", 2, 64, 64, "relu", "softmax", "adam", 0.001, 32)
    assert at.query_params["dataset"] == "digits" and at.query_params["width_2"] == "64"
    assert s.page.run.snapshot.epoch == 10 and s.page.run.dataset.scale == "minmax"
    first = accuracies(at)
    assert list(first) == ["Test accuracy at epoch 10"] and float(first["Test accuracy at epoch 10"][:-1]) > 85
    at.button(key="preset_compare").click().run()
    both = accuracies(at)
    assert not at.exception
    assert both["Test accuracy at epoch 10"] == first["Test accuracy at epoch 10"]
    assert float(both["Test accuracy at epoch 10, Keras (TensorFlow)"][:-1]) > 85


def test_pressing_the_preset_again_trains_it_again_from_the_start(app):
    at = app(timeout=120)
    at.button(key="preset_source").click().run()
    first_run = at.session_state.page.run
    at.button(key="preset_source").click().run()
    assert not at.exception and not at.error
    assert at.session_state.page.run is not first_run and at.session_state.page.run.snapshot.epoch == 10
    assert "Test accuracy at epoch 10" in accuracies(at)


def test_the_preset_runs_on_mnist_when_it_loads(tmp_path, monkeypatch, app, mnist_writer):
    mnist_writer(tmp_path / "mnist.npz", n_train=60, n_test=20)
    monkeypatch.setenv(MNIST_VARIABLE, str(tmp_path / "mnist.npz"))
    at = app(timeout=120, dataset="mnist")
    at.button(key="preset_source").click().run()
    assert not at.exception
    assert at.session_state.dataset == "mnist" and at.session_state.page.run.spec.n_inputs == 784
    assert at.session_state.page.run.snapshot.epoch == 10 and "Test accuracy at epoch 10" in accuracies(at)


def test_without_mnist_the_preset_says_so_and_runs_on_digits(tmp_path, monkeypatch, app):
    monkeypatch.setenv(MNIST_VARIABLE, str(tmp_path / "missing.npz"))
    forget_data_sets()  # data sets are cached across sessions: forget the MNIST loaded above
    at = app(timeout=120, dataset="mnist")
    at.button(key="preset_source").click().run()
    assert not at.exception
    assert at.session_state.dataset == "digits" and "Test accuracy at epoch 10" in accuracies(at)
    assert any("digits instead" in w.value for w in at.warning)


def test_mnist_offline_is_one_whole_sentence_in_the_sidebar_and_over_the_example(monkeypatch, app):
    from playground.data import images

    def offline():
        raise Exception("URL fetch failure on https://storage.googleapis.com/: None -- offline")

    monkeypatch.delenv(MNIST_VARIABLE, raising=False)
    monkeypatch.setattr(images, "keras_load_mnist", offline)
    forget_data_sets()
    at = app(timeout=120, dataset="mnist")
    sidebar = [e.value for e in at.sidebar.error]
    assert len(sidebar) == 1 and "…" not in sidebar[0] and sidebar[0].endswith(".")
    for part in ("runs on digits", "`PLAYGROUND_MNIST`", "`x_train`", "datasets"):
        assert part in sidebar[0], (part, sidebar[0])
    at.button(key="preset_source").click().run()
    assert at.session_state.dataset == "digits" and not at.exception
    assert sidebar[0] in [w.value for w in at.warning]
