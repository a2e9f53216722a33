"""What an idle run holds: the prediction path keeps nothing. A snapshot draws the largest plane network
over the 10,000-point grid; each layer used to keep that pass's a_in, z and a (123 MB on 8 × 128). And
a server past its memory ceiling refuses new runs, saying so."""
import importlib

import numpy as np
import psutil
import pytest

from playground import settings
from playground.data import FEATURES, handwriting, make_dataset
from playground.nn import NeuralNetwork
from playground.trainer import NoRoom, RunHandle
from playground.training import TrainingRun
from playground.inspect import predict_of
from waits import until

# The documented memory of one run (README, "Memory"): what a worker holds for a run of the largest network
# beyond its data set (shared by the runs of one set), after it has filled its replay.
BUDGET_MB = {"plane": 20, "image": 30}


def kept_bytes(network):
    """Bytes of the arrays the layers hold beyond their parameters and gradients."""
    return sum(value.nbytes for layer in network.layers for key, value in vars(layer).items()
               if isinstance(value, np.ndarray) and key not in ("W", "b", "dW", "db"))


def test_predict_gives_forwards_outputs_and_keeps_nothing():
    net = NeuralNetwork([2, 16, 16, 3], ["tanh", "relu", "softmax"], "categorical_crossentropy")
    rng = np.random.default_rng(0)
    for layer in net.layers:
        layer.W[...] = rng.normal(size=layer.W.shape)
        layer.b[...] = rng.normal(size=layer.b.shape)
    X = rng.normal(size=(500, 2))
    out = net.predict(X)
    assert kept_bytes(net) == 0
    assert np.array_equal(out, net.forward(X)), "the same steps, the same numbers"
    assert kept_bytes(net) > 0  # forward keeps them, for backward
    net.loss(X, np.eye(3)[rng.integers(0, 3, 500)])
    net.gradients(X, np.eye(3)[rng.integers(0, 3, 500)])
    assert kept_bytes(net) == 0, "loss and gradients on a whole set keep nothing either"


def test_reading_a_drawn_digit_keeps_nothing_in_the_run():
    ds = make_dataset("digits")
    run = TrainingRun("numpy", settings.network_spec({**settings.defaults(), "dataset": "digits"}, ds), ds, 1)
    before, rows, held = run.weights(), len(run.timeline.history["epoch"]), run.timeline.replay.nbytes
    ink = np.zeros((handwriting.PAD, handwriting.PAD))
    ink[8:56, 28:36] = 1.0
    outputs = predict_of(run, handwriting.network_inputs(ds, ink))
    assert outputs.shape == (1, 10) and kept_bytes(run.engine.network) == 0
    assert all(np.array_equal(a, b) for (a, _), (b, _) in zip(before, run.weights()))
    assert len(run.timeline.history["epoch"]) == rows and run.timeline.replay.nbytes == held and run.epoch == 0


def test_an_idle_run_of_the_largest_plane_network_keeps_less_than_a_megabyte_in_its_layers():
    ds = make_dataset("spiral", n_samples=2000)
    values = {**settings.defaults(), "samples": 2000, "layers": settings.MAX_LAYERS,
              **{f"width_{i}": settings.MAX_WIDTH for i in range(1, settings.MAX_LAYERS + 1)}}
    run = TrainingRun("numpy", settings.network_spec(values, ds), ds, 1)
    run.train_slice(30.0, stop_epoch=1)
    assert run.epoch == 1
    snapshot = run.snapshot()
    assert snapshot.boundary.shape[0] == 10_000
    assert kept_bytes(run.engine.network) < 1e6  # a batch's worth at most; 123 MB before


def test_past_its_memory_ceiling_a_server_refuses_new_runs_and_says_how_much_it_uses(monkeypatch):
    module = importlib.import_module("playground.trainer.pool")
    ds = make_dataset("circle")
    spec = settings.network_spec(settings.defaults(), ds)
    roomy = module.Pool(1, ceiling=10**15)
    monkeypatch.setattr(module, "_pool", roomy)
    try:
        run = RunHandle("numpy", spec, ds, ("circle",))
        used = roomy.memory_used()
        assert used > 50e6 and len(roomy.workers[0].runs) == 1  # this process and its worker
        roomy.ceiling = used // 2
        with pytest.raises(NoRoom) as refused:
            RunHandle("numpy", spec, ds, ("circle",))
        assert refused.value.ceiling == used // 2 and refused.value.used > used // 2
        assert len(roomy.workers[0].runs) == 1, "nothing was created"
        assert run.step().epoch == 1, "the runs it holds go on"
        roomy.ceiling = 10**15
        RunHandle("numpy", spec, ds, ("circle",)).close()
        run.close()
    finally:
        roomy.stop()


@pytest.mark.parametrize("text, ceiling", [("4000", 4_000_000_000), ("", None), ("0", None), ("-5", None),
                                           ("1e3", None), ("9" * 100, None)])
def test_the_memory_ceiling_comes_from_the_environment(monkeypatch, text, ceiling):
    module = importlib.import_module("playground.trainer.pool")
    monkeypatch.setenv("PLAYGROUND_MEMORY_CEILING", text)
    expected = ceiling or int(module.CEILING_SHARE * psutil.virtual_memory().total)
    assert module.memory_ceiling() == expected


def largest(ds, **changes):
    values = {**settings.defaults(), "layers": settings.MAX_LAYERS, "batch_size": 500,
              **{f"width_{i}": settings.MAX_WIDTH for i in range(1, settings.MAX_LAYERS + 1)}, **changes}
    return settings.network_spec(values, ds)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["plane", "image"])
def test_a_run_of_the_largest_network_holds_less_than_its_documented_budget(kind, monkeypatch, tmp_path,
                                                                           mnist_writer):
    """Runs of the largest network in the plane (8 × 128 on all seven inputs, 2,000 points) and on images
    (8 × 128 on MNIST's 784 pixels; here 1,000 random images in MNIST's format), each trained past the
    epochs that fill its replay (22 and 16 epochs) and drawn: the worker's memory grows by less than BUDGET_MB
    a run."""
    module = importlib.import_module("playground.trainer.pool")
    one = module.Pool(1, ceiling=10**15)
    monkeypatch.setattr(module, "_pool", one)
    if kind == "plane":
        ds = make_dataset("spiral", n_samples=2000, features=FEATURES)
    else:
        mnist_writer(tmp_path / "mnist.npz", n_train=1_000, n_test=500)
        monkeypatch.setenv("PLAYGROUND_MNIST", str(tmp_path / "mnist.npz"))
        ds = make_dataset("mnist")
    spec, epochs = largest(ds), 24

    def trained_run():
        run = RunHandle("numpy", spec, ds, (kind,))
        run.step(epochs, wait=0)
        until(lambda: run.refresh().epoch >= epochs, timeout=600, every=0.5)
        return run

    try:
        first = trained_run()  # the worker's own memory, the data set's and the code's: not a run's
        process = psutil.Process(first.worker.pid)
        before = process.memory_info().rss
        runs = [trained_run() for _ in range(3)]
        per_run = (process.memory_info().rss - before) / len(runs) / 2**20
        print(f"{kind}: {per_run:.1f} MB a run")
        assert per_run < BUDGET_MB[kind]
        for run in [first, *runs]:
            run.close()
    finally:
        one.stop()
