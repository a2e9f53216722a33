"""Take it away: each download checked by its content, and weights uploaded back, right or wrong."""
import csv
import io
import subprocess
import sys
import time

import numpy as np
import pytest

from conftest import open_page
from playground.bench.browser import ROOT
from playground.data import load_csv, make_dataset
from playground.export import history_csv, weights_from_npz, weights_npz
from playground.spec import NetworkSpec
from playground.training import TrainingRun
from playground.ui.takeaway import downloads, restore_weights
from playground.commands import COMMANDS, call
from playground.inspect import predict_of


class Here:
    """A run in this process standing for the page's handle: its commands served here (commands.call), the rest read
    from the run."""

    def __init__(self, run):
        self.run = run

    def __getattr__(self, name):
        if name in COMMANDS:
            return lambda *args: call(self.run, name, *args)
        return getattr(self.run, name)


@pytest.fixture(scope="module")
def run():
    ds = make_dataset("circle", n_samples=200, seed=0)
    trained = TrainingRun("numpy", NetworkSpec(n_inputs=2, hidden=(4, 2)), ds)
    trained.train_for(1e9, max_epochs=3)
    return Here(trained)


def files(run):
    return {d.key: d for d in downloads(run)}


def npz(**arrays):
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def same(a, b):
    return all(np.array_equal(W, V) and np.array_equal(c, d) for (W, c), (V, d) in zip(a, b))


def test_weights_download_is_an_npz_of_W1_b1_W2_b2_readable_without_pickle(run):
    content = files(run)["download_weights"].make()
    with np.load(io.BytesIO(content), allow_pickle=False) as archive:
        assert archive.files == ["W1", "b1", "W2", "b2", "W3", "b3", "input_mean", "input_std"]
        loaded = [(archive[f"W{i}"], archive[f"b{i}"]) for i in (1, 2, 3)]
        scaler = run.dataset.scaler  # the inputs' standardization goes with the weights
        assert np.array_equal(archive["input_mean"], scaler.mean_) and np.array_equal(archive["input_std"], scaler.scale_)
    assert same(loaded, run.engine.get_weights())
    assert same(weights_from_npz(content), run.engine.get_weights())


def test_history_download_has_one_row_per_epoch(run):
    rows = list(csv.reader(io.StringIO(files(run)["download_history"].make())))
    assert rows[0] == ["epoch", "train_loss", "test_loss", "train_score", "test_score"]
    assert [int(r[0]) for r in rows[1:]] == [0, 1, 2, 3]
    assert float(rows[-1][1]) == pytest.approx(run.timeline.history["train_loss"][-1])
    assert history_csv({"epoch": [], "train_loss": []}) == "epoch,train_loss\n"


def test_data_download_holds_every_point_with_its_label_and_split(run):
    rows = list(csv.reader(io.StringIO(files(run)["download_data"].make().decode())))
    assert rows[0] == ["x1", "x2", "label", "split"]
    assert len(rows) - 1 == len(run.dataset.y_train) + len(run.dataset.y_test)
    assert {r[3] for r in rows[1:]} == {"train", "test"}


def test_code_download_builds_the_same_network_in_keras(run):
    source = files(run)["download_code"].make()
    namespace = {}
    exec(compile(source, "network.py", "exec"), namespace)
    model = namespace["build_neural_network"]()
    assert [w.shape for w in model.get_weights()] == [(2, 4), (4,), (4, 2), (2,), (2, 1), (1,)]


def test_numpy_download_predicts_as_the_run(run):
    source = files(run)["download_numpy"].make()
    assert files(run)["download_numpy"].file_name == "circle-numpy.py"
    namespace = {}
    exec(compile(source, "circle-numpy.py", "exec"), namespace)
    np.testing.assert_allclose(namespace["predict"](run.dataset.points_test), predict_of(run, run.dataset.X_test), rtol=1e-6)


def test_keras_download_loads_safely_and_predicts_as_the_run(run, tmp_path):
    d = files(run)["download_keras"]
    assert d.file_name == "circle-model.keras"
    path = tmp_path / d.file_name
    path.write_bytes(d.make())
    import keras
    model = keras.saving.load_model(path, safe_mode=True)
    X = run.dataset.X_test[:20]
    unscaled = run.dataset.unscaled(X).astype(np.float32)  # the model scales its inputs itself, as in training
    np.testing.assert_allclose(model(unscaled, training=False).numpy(), run.engine.predict(X), rtol=1e-5, atol=1e-5)


def test_restoring_weights_puts_them_in_the_run(run):
    fresh = TrainingRun("numpy", run.spec, run.dataset)
    restore_weights(Here(fresh), weights_npz(run.engine.get_weights()))
    assert same(fresh.engine.get_weights(), run.engine.get_weights())


@pytest.mark.parametrize("content, message", [
    (npz(W1=np.ones((3, 4)), b1=np.zeros(4), W2=np.ones((4, 2)), b2=np.zeros(2), W3=np.ones((2, 1)),
         b3=np.zeros(1)), "Layer 1: expected W of shape (2, 4)"),
    (npz(W1=np.ones((2, 4)), b1=np.zeros(4)), "have 1 layers; the network has 3"),
    (npz(W1=np.ones((2, 4)), b1=np.zeros(4), W2=np.ones((4, 2))), "no array named b2"),
    (npz(weights=np.ones(3)), "no array named W1"),
    (npz(W1=np.ones((2, 4)), b1=np.zeros(4), note=np.ones(1)), "array named note"),
    (npz(W1=np.array([{"a": 1}], dtype=object), b1=np.zeros(4)), "Python objects"),
    (npz(W1=np.array(["a", "b"]), b1=np.zeros(4)), "not numbers"),
    (npz(W1=np.full((2, 4), np.nan), b1=np.zeros(4)), "not finite"),
    (npz(W1=np.full((2, 4), 1e300), b1=np.zeros(4)), "too large"),
    (b"this is not a zip file", "not an .npz file"),
    (b"", "not an .npz file"),
])
def test_a_wrong_file_is_refused_with_what_is_wrong_and_the_run_is_untouched(run, content, message):
    target = TrainingRun("numpy", run.spec, run.dataset)
    before = target.engine.get_weights()
    with pytest.raises(ValueError) as error:
        restore_weights(Here(target), content)
    assert message in str(error.value)
    assert same(before, target.engine.get_weights())


def test_a_single_npy_array_is_refused():
    buffer = io.BytesIO()
    np.save(buffer, np.ones(3))
    with pytest.raises(ValueError, match="single .npy array"):
        weights_from_npz(buffer.getvalue())


def test_the_page_has_a_download_for_each_file_and_a_weights_uploader():
    at = open_page(tool="takeaway")
    keys = [d.proto.id.rsplit("-", 1)[-1] for d in at.get("download_button")]
    assert keys == ["download_weights", "download_keras", "download_code", "download_numpy", "download_data",
                    "download_history", "export_gif"]
    assert at.get("file_uploader")[-1].proto.id.endswith("-weights_file")


@pytest.mark.slow  # TensorFlow loads
def test_a_playing_page_never_loads_tensorflow_for_the_downloads():
    script = """
import sys
from streamlit.testing.v1 import AppTest
at = AppTest.from_file("app.py", default_timeout=60).run()
at.button(key="play").click().run()
at.run()
at.button(key="play").click().run()
assert not at.exception
print("tensorflow" in sys.modules)
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.stdout.strip().splitlines()[-1] == "False", result.stderr


def test_the_data_download_of_a_large_upload_is_made_once_per_data_set():
    """A 100,000 × 100 upload took seconds of the server's CPU on every click of "Data (.csv)"."""
    rows = np.random.default_rng(0).normal(size=(20_000, 50)).round(4)
    text = ",".join(f"x{i}" for i in range(50)) + ",label\n" + "".join(
        ",".join(map(str, row)) + f",{i % 3}\n" for i, row in enumerate(rows.tolist()))
    upload = load_csv(io.StringIO(text))
    spec = NetworkSpec(n_inputs=50, hidden=(2,), n_outputs=3, output_activation="softmax",
                       loss="categorical_crossentropy")
    clicks = []
    for _ in range(3):   # each click from a run of its own on the same data
        start = time.perf_counter()
        content = files(Here(TrainingRun("numpy", spec, upload)))["download_data"].make()
        clicks.append((time.perf_counter() - start, content))
    assert clicks[1][1] is clicks[0][1] and clicks[2][1] is clicks[0][1]   # the same bytes, not made again
    assert clicks[1][0] < clicks[0][0] / 10
    assert load_csv(io.BytesIO(clicks[0][1]), scale=None).X_train.shape == upload.X_train.shape


def test_another_data_set_gets_its_own_data_download(run):
    other = make_dataset("xor", n_samples=200, seed=0)
    mine = files(run)["download_data"].make()
    theirs = files(Here(TrainingRun("numpy", NetworkSpec(n_inputs=2, hidden=(4, 2)), other)))["download_data"].make()
    assert mine != theirs and len(list(csv.reader(io.StringIO(theirs.decode())))) == 201
