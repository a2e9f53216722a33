"""The engine contract (playground/engines/base.py), held against every engine in ENGINES.

Parametrized over the registry, so a newly registered engine gets every test here without a
list to edit. The NumPy engine is the reference: every other engine must follow its numbers
from the same spec and data (gradients equal to a relative 1e-4, weights and predictions after
3 epochs to 1e-3), for every optimizer and every learning-rate schedule; trace and preview_update
give its numbers and change nothing; evaluate is predict, loss, gradients and get_weights in one
call, and train_and_evaluate is train_batches then evaluate; reconfigure keeps the weights, and a
new schedule carries on from the optimizer's step count; threads do not disturb each other;
to_keras() saves.
"""
import threading

import numpy as np
import pytest

from playground.engines import ENGINES, Engine, create_engine, engine_class, epoch_batches
from playground.nn import INITIALIZERS, OPTIMIZERS, SCHEDULES, NeuralNetwork, get_activation, schedule_of
from playground.spec import NetworkSpec

REFERENCE = "numpy"
OTHERS = [name for name in ENGINES if name != REFERENCE]
# Each loss with its output: (loss, output activation, number of outputs).
OUTPUTS = [("binary_crossentropy", "sigmoid", 1), ("categorical_crossentropy", "softmax", 3), ("mse", "linear", 2),
           ("huber", "linear", 2)]
PENALTIES = [(0.0, 0.0), (0.001, 0.01)]
# Horizons so short that 5 epochs of 5 batches cross every phase: the warm-up, the drops, the cosine's end.
SCHEDULE_PARAMETERS = dict(decay_steps=12, decay_rate=0.5, warmup_steps=4)
# Small networks for trace and preview_update: each loss, penalty and optimizer at least once.
TRACED = {
    "tanh-bce-l2": NetworkSpec(hidden=(5, 3), optimizer="adam", l2=0.01),
    "relu-softmax": NetworkSpec(hidden=(6,), activation="relu", n_outputs=3, output_activation="softmax",
                                loss="categorical_crossentropy", optimizer="rmsprop"),
    "sigmoid-mse-l1": NetworkSpec(hidden=(4, 4), activation="sigmoid", output_activation="tanh", loss="mse",
                                  optimizer="momentum", l1=0.01),
}


def make_data(spec, n=48, seed=None):
    rng = np.random.default_rng(spec.seed + 1 if seed is None else seed)
    X = rng.normal(size=(n, spec.n_inputs))
    if spec.loss == "categorical_crossentropy":
        Y = np.eye(spec.n_outputs)[rng.integers(0, spec.n_outputs, n)]
    elif spec.loss == "binary_crossentropy":
        Y = (X[:, :1] * X[:, 1:2] > 0).astype(float)
    elif spec.loss == "huber":   # targets far enough for errors on both sides of δ = 1
        Y = 3 * np.tanh(X[:, :spec.n_outputs])
    else:
        Y = np.tanh(X[:, :spec.n_outputs])
    return X, Y


def make_spec(activation, output, **changes):
    loss, output_activation, n_outputs = output
    return NetworkSpec(n_inputs=3, hidden=(6, 4), n_outputs=n_outputs, activation=activation,
                       output_activation=output_activation, loss=loss, learning_rate=0.05, batch_size=10,
                       **changes)


def assert_close(actual, expected, rtol):
    """Each array within rtol of the other, relative to its norm (elementwise is too strict near 0)."""
    for a, e in zip(actual, expected):
        assert np.linalg.norm(np.asarray(a) - e) <= rtol * np.linalg.norm(e), (a, e)


def flat(weights):
    return [array for pair in weights for array in pair]


def whole(weights):
    """All the arrays as one vector: float32 rounding of a bias gradient near 0 is measured against the
    whole gradient, as an optimizer step sees it."""
    return [np.concatenate([np.ravel(array) for array in flat(weights)])]


def assert_weights_equal(a, b):
    assert len(a) == len(b)
    for x, y in zip(flat(a), flat(b)):
        np.testing.assert_array_equal(x, y)


def trained(name, spec, X, Y, steps=3):
    """An engine a few steps in, so the optimizer has state."""
    engine = create_engine(name, spec)
    for _ in range(steps):
        engine.train_batch(X, Y)
    return engine


# What every engine is

@pytest.mark.parametrize("engine", ENGINES)
def test_an_engine_implements_the_whole_contract(engine):
    cls = engine_class(engine)
    assert issubclass(cls, Engine) and not cls.__abstractmethods__
    assert cls.name == engine


@pytest.mark.parametrize("engine", ENGINES)
def test_shapes_types_and_copies(engine):
    spec = NetworkSpec(hidden=(5, 3), n_outputs=3, output_activation="softmax", loss="categorical_crossentropy",
                       l1=0.01, l2=0.01, batch_size=8)
    X, Y = make_data(spec, n=40)
    engine = create_engine(engine, spec)
    P = engine.predict(X)
    assert P.shape == (40, 3) and P.dtype == np.float32
    np.testing.assert_allclose(P.sum(axis=1), 1, rtol=1e-6)
    assert engine.loss(X, Y) == pytest.approx(-np.mean(np.log(P[Y == 1])), rel=1e-5)
    P[:] = 0
    assert engine.predict(X).sum() == pytest.approx(40, rel=1e-5)
    weights = engine.get_weights()
    assert [(W.shape, b.shape) for W, b in weights] == [((2, 5), (5,)), ((5, 3), (3,)), ((3, 3), (3,))]
    weights[0][0][...] = 7
    assert not np.any(engine.get_weights()[0][0] == 7)
    assert [(dW.shape, db.shape) for dW, db in engine.gradients(X, Y)] == [(W.shape, b.shape) for W, b in weights]
    assert isinstance(engine.loss(X, Y), float) and isinstance(engine.train_batch(X, Y), float)
    assert isinstance(engine.train_epoch(X, Y), float) and engine.epoch == 1


@pytest.mark.parametrize("engine", ENGINES)
def test_set_weights_round_trips_and_predicts_as_the_reference(engine):
    spec = NetworkSpec(hidden=(5, 3))
    engine = create_engine(engine, spec)
    new = [(np.full(W.shape, 0.1 * (i + 1)), np.full(b.shape, -0.2 * i)) for i, (W, b) in enumerate(engine.get_weights())]
    engine.set_weights(new)
    assert_weights_equal(engine.get_weights(), [(W.astype(np.float32), b.astype(np.float32)) for W, b in new])
    new[0][0][:] = 7.0
    assert engine.get_weights()[0][0][0, 0] == np.float32(0.1)
    reference = create_engine(REFERENCE, spec)
    reference.set_weights(engine.get_weights())
    X, _ = make_data(spec)
    np.testing.assert_allclose(engine.predict(X), reference.predict(X), rtol=1e-6)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("layer, bad", [(1, "W"), (2, "b"), (3, "W")])
def test_set_weights_wrong_shape_names_the_layer_and_changes_nothing(engine, layer, bad):
    engine = create_engine(engine, NetworkSpec(hidden=(3, 2)))
    weights = engine.get_weights()
    W, b = weights[layer - 1]
    weights[layer - 1] = (np.zeros((W.shape[0] + 1, W.shape[1])), b) if bad == "W" else (W, np.zeros(b.size + 2))
    before = engine.get_weights()
    with pytest.raises(ValueError, match=f"Layer {layer}"):
        engine.set_weights(weights)
    assert_weights_equal(engine.get_weights(), before)
    with pytest.raises(ValueError, match="layers"):
        engine.set_weights(before[:2])


@pytest.mark.parametrize("engine", ENGINES)
def test_train_epoch_learns_and_returns_the_mean_loss_per_sample(engine):
    spec = NetworkSpec(hidden=(8,), learning_rate=0.3, batch_size=8, dtype="float64")
    X, Y = make_data(spec, n=203)
    trainer, replay = create_engine(engine, spec), create_engine(engine, spec)
    losses = [trainer.train_epoch(X, Y) for _ in range(30)]
    assert losses[-1] < 0.6 * losses[0] and trainer.epoch == 30
    # The next epoch, replayed batch by batch: batches weighted by their size (the last has 3 rows).
    replay.set_weights(trainer.get_weights())
    order, batches = epoch_batches(len(X), 8, spec.seed, trainer.epoch)
    losses = [replay.train_batch(X[order[s]], Y[order[s]]) for s in batches]
    expected = sum(loss * (s.stop - s.start) for loss, s in zip(losses, batches)) / len(X)
    assert expected != pytest.approx(np.mean(losses), rel=1e-6)
    assert trainer.train_epoch(X, Y) == pytest.approx(expected, rel=1e-9)
    assert_close(flat(trainer.get_weights()), flat(replay.get_weights()), 1e-9)


# Parity with the reference engine

@pytest.mark.parametrize("engine", OTHERS)
@pytest.mark.parametrize("penalty", PENALTIES, ids=["no-penalty", "l1-l2"])
@pytest.mark.parametrize("output", OUTPUTS, ids=[o[0] for o in OUTPUTS])
@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_gradients_and_loss_equal(engine, activation, output, penalty):
    spec = make_spec(activation, output, l1=penalty[0], l2=penalty[1])
    X, Y = make_data(spec)
    reference, other = create_engine(REFERENCE, spec), create_engine(engine, spec)
    assert_close(flat(other.gradients(X, Y)), flat(reference.gradients(X, Y)), 1e-4)
    assert other.loss(X, Y) == pytest.approx(reference.loss(X, Y), rel=1e-5)


@pytest.mark.parametrize("engine", OTHERS)
@pytest.mark.parametrize("output", OUTPUTS, ids=[o[0] for o in OUTPUTS])
@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_three_epochs_equal(engine, optimizer, activation, output):
    # Penalties in half the cases keep the run short while every optimizer meets them.
    penalty = 0.001 if (activation == "relu") == (output[0] == "mse") else 0.0
    spec = make_spec(activation, output, optimizer=optimizer, l1=penalty, l2=penalty)
    X, Y = make_data(spec)
    reference, other = create_engine(REFERENCE, spec), create_engine(engine, spec)
    for _ in range(3):
        expected = reference.train_epoch(X, Y)
        assert other.train_epoch(X, Y) == pytest.approx(expected, rel=1e-3)
    assert_close(flat(other.get_weights()), flat(reference.get_weights()), 1e-3)
    assert_close([other.predict(X)], [reference.predict(X)], 1e-3)
    assert other.train_batch(X, Y) == pytest.approx(reference.train_batch(X, Y), rel=1e-3)


@pytest.mark.parametrize("engine", OTHERS)
def test_float64_equal_to_float_rounding(engine):
    spec = make_spec("tanh", OUTPUTS[1], optimizer="adam", dtype="float64")
    X, Y = make_data(spec)
    reference, other = create_engine(REFERENCE, spec), create_engine(engine, spec)
    assert_close(flat(other.gradients(X, Y)), flat(reference.gradients(X, Y)), 1e-12)
    for _ in range(3):
        reference.train_epoch(X, Y)
        other.train_epoch(X, Y)
    assert all(w.dtype == np.float64 for w in flat(other.get_weights()))
    # Not to 1e-12: Keras casts the learning rate, Adam's betas and penalty rates through float32.
    assert_close(flat(other.get_weights()), flat(reference.get_weights()), 1e-5)


@pytest.mark.parametrize("engine", OTHERS)
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
@pytest.mark.parametrize("schedule", SCHEDULES)
def test_every_schedule_follows_the_reference(engine, schedule, optimizer):
    spec = make_spec("tanh", OUTPUTS[0], optimizer=optimizer, schedule=schedule, **SCHEDULE_PARAMETERS)
    X, Y = make_data(spec)
    reference, other = create_engine(REFERENCE, spec), create_engine(engine, spec)
    for _ in range(5):
        expected = reference.train_epoch(X, Y)
        assert other.train_epoch(X, Y) == pytest.approx(expected, rel=1e-3)
        assert_close(flat(other.get_weights()), flat(reference.get_weights()), 1e-3)
    assert_close(whole(other.gradients(X, Y)), whole(reference.gradients(X, Y)), 1e-4)


# reconfigure

@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("output", OUTPUTS, ids=[o[0] for o in OUTPUTS])
def test_evaluate_is_predict_loss_gradients_and_weights_in_one_call(engine, output):
    spec = make_spec("tanh", output, optimizer="adam", l2=0.01)
    X, Y = make_data(spec)
    engine = trained(engine, spec, X, Y)
    empty = X[:0], Y[:0]
    for penalty in (0.01, 0.1):  # a new penalty retraces what evaluate computes
        engine.reconfigure(spec.replace(l2=penalty))
        results, grads, weights = engine.evaluate(((X, Y), (X[:7], Y[:7]), empty), (X[:16], Y[:16]))
        for (outputs, loss), (x, y) in zip(results, ((X, Y), (X[:7], Y[:7]))):
            assert_close([outputs], [engine.predict(x)], 1e-6)
            assert abs(loss - engine.loss(x, y)) <= 1e-6 * abs(loss)
        assert results[2][0].shape == (0, spec.n_outputs) and np.isnan(results[2][1])
        assert_close(flat(grads), flat(engine.gradients(X[:16], Y[:16])), 1e-6)
        assert_weights_equal(weights, engine.get_weights())
        weights[0][0][...] = 0  # copies
        assert np.abs(engine.get_weights()[0][0]).sum() > 0


@pytest.mark.parametrize("engine", ENGINES)
def test_train_and_evaluate_is_train_batches_then_evaluate(engine):
    spec = make_spec("tanh", OUTPUTS[1], optimizer="adam", l2=0.01)
    X, Y = make_data(spec)
    one, other = trained(engine, spec, X, Y), trained(engine, spec, X, Y)
    order, slices = epoch_batches(len(X), spec.batch_size, spec.seed, 0)
    batches = [order[s] for s in slices][-2:]  # the end of an epoch
    sets, health = ((X, Y), (X[:7], Y[:7])), (X[:16], Y[:16])
    for penalty in (0.01, 0.1):
        before = one.get_weights()
        one.reconfigure(spec.replace(l2=penalty))
        other.reconfigure(spec.replace(l2=penalty))
        total, (results, grads, weights) = one.train_and_evaluate(X, Y, batches, sets, health)
        expected_total = other.train_batches(X, Y, batches)
        expected_results, expected_grads, expected_weights = other.evaluate(sets, health)
        assert abs(total - expected_total) <= 1e-6 * abs(expected_total)
        for (outputs, loss), (expected_outputs, expected_loss) in zip(results, expected_results):
            assert_close([outputs], [expected_outputs], 1e-6)
            assert abs(loss - expected_loss) <= 1e-6 * abs(expected_loss)
        assert_close(flat(grads), flat(expected_grads), 1e-6)
        assert_close(flat(weights), flat(expected_weights), 1e-6)
        assert_weights_equal(weights, one.get_weights())  # read after the batches' updates
        assert not np.allclose(flat(weights)[0], flat(before)[0])


@pytest.mark.parametrize("engine", ENGINES)
def test_reconfigure_keeps_the_weights_and_refuses_another_network(engine):
    spec = make_spec("tanh", OUTPUTS[0], optimizer="adam")
    X, Y = make_data(spec)
    engine = create_engine(engine, spec)
    engine.train_epoch(X, Y)
    for change in (dict(learning_rate=0.001, batch_size=5, l1=0.01, l2=0.01), dict(optimizer="sgd")):
        weights = engine.get_weights()
        engine.reconfigure(spec.replace(**change))
        assert_weights_equal(engine.get_weights(), weights)
    for change in (dict(hidden=(5,)), dict(activation="relu"), dict(output_activation="tanh", loss="mse")):
        with pytest.raises(ValueError, match="another network"):
            engine.reconfigure(spec.replace(**change))
    assert_weights_equal(engine.get_weights(), weights)


@pytest.mark.parametrize("engine", OTHERS)
def test_reconfigure_keeps_step_with_the_reference(engine):
    """New learning rate, batch size and penalty keep weights and optimizer state; a new optimizer starts afresh."""
    spec = make_spec("tanh", OUTPUTS[0], optimizer="adam")
    X, Y = make_data(spec)
    reference, other = create_engine(REFERENCE, spec), create_engine(engine, spec)
    changes = [dict(learning_rate=0.01, batch_size=7, l2=0.01), dict(l1=0.002), dict(optimizer="momentum")]
    for change in changes:
        reference.train_epoch(X, Y)
        other.train_epoch(X, Y)
        spec = spec.replace(**change)
        reference.reconfigure(spec)
        other.reconfigure(spec)
    reference.train_epoch(X, Y)
    other.train_epoch(X, Y)
    assert_close(flat(other.get_weights()), flat(reference.get_weights()), 1e-3)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_new_schedule_carries_on_from_the_optimizers_step_count(engine):
    """SGD's step is −α·∂L/∂W, so preview_update shows the α each new schedule gives at the steps taken."""
    spec = make_spec("tanh", OUTPUTS[0], optimizer="sgd", dtype="float64")
    X, Y = make_data(spec)
    engine = create_engine(engine, spec)
    for _ in range(2):
        engine.train_epoch(X, Y)
    steps = 10
    for change in (dict(schedule="cosine", decay_steps=30), dict(schedule="step", decay_steps=4, decay_rate=0.5),
                   dict(learning_rate=0.2), dict(schedule="warmup_cosine", warmup_steps=20),
                   dict(schedule="constant", learning_rate=0.1)):
        spec = spec.replace(**change)
        weights = engine.get_weights()
        engine.reconfigure(spec)
        assert_weights_equal(engine.get_weights(), weights)
        alpha = schedule_of(spec).rate(steps)
        assert alpha != schedule_of(spec).rate(0) or spec.schedule == "constant"
        preview, gradients = engine.preview_update(X[:10], Y[:10]), engine.gradients(X[:10], Y[:10])
        assert_close(flat(preview), [-alpha * g for g in flat(gradients)], 1e-5)
        engine.train_batch(X[:10], Y[:10])
        steps += 1


@pytest.mark.parametrize("engine", OTHERS)
def test_reconfigure_between_schedules_keeps_step_with_the_reference(engine):
    """Adam's moments and step count go on through every change of schedule, rate and penalty."""
    spec = make_spec("tanh", OUTPUTS[0], optimizer="adam", **SCHEDULE_PARAMETERS)
    X, Y = make_data(spec)
    reference, other = create_engine(REFERENCE, spec), create_engine(engine, spec)
    changes = [dict(schedule="warmup_cosine", decay_steps=30), dict(schedule="step", decay_rate=0.8),
               dict(learning_rate=0.02), dict(l2=0.01), dict(schedule="exponential"),
               dict(schedule="constant", learning_rate=0.01), dict(learning_rate=0.03)]
    for change in changes:
        reference.train_epoch(X, Y)
        other.train_epoch(X, Y)
        assert_close(flat(other.get_weights()), flat(reference.get_weights()), 1e-3)
        spec = spec.replace(**change)
        reference.reconfigure(spec)
        other.reconfigure(spec)
    reference.train_epoch(X, Y)
    other.train_epoch(X, Y)
    assert_close(flat(other.get_weights()), flat(reference.get_weights()), 1e-3)


# trace and preview_update

@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("key", TRACED)
def test_trace_is_one_forward_and_backward_pass_with_the_references_numbers(engine, key):
    spec = TRACED[key]
    X, Y = make_data(spec, n=7)
    ours, reference = trained(engine, spec, X, Y), trained(REFERENCE, spec, X, Y)
    trace, expected = ours.trace(X, Y), reference.trace(X, Y)
    assert len(trace) == len(spec.hidden) + 1
    a, names = X.astype(np.float32), (*spec.activations, spec.output_activation)
    for layer, (W, b), (dW, db), f in zip(trace, ours.get_weights(), ours.gradients(X, Y), names):
        np.testing.assert_allclose(layer["a_in"], a, rtol=1e-6)
        np.testing.assert_allclose(layer["z"], a @ W + b, rtol=1e-5, atol=1e-6)
        a = get_activation(f).forward(layer["z"])
        np.testing.assert_allclose(layer["a"], a, rtol=1e-6)
        np.testing.assert_allclose(layer["dW"], dW, rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(layer["db"], db, rtol=1e-5, atol=1e-7)
        penalty = spec.l1 * np.sign(W) + 2 * spec.l2 * W
        np.testing.assert_allclose(layer["a_in"].T @ layer["delta"] + penalty, dW, rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(layer["delta"].sum(axis=0), db, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(trace[-1]["a"], ours.predict(X), rtol=1e-6)
    for layer, reference_layer in zip(trace, expected):
        for name in ("a_in", "z", "a", "delta", "dW", "db"):
            scale = max(np.abs(reference_layer[name]).max(), 1e-6)
            np.testing.assert_allclose(layer[name], reference_layer[name], atol=1e-4 * scale, err_msg=name)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_preview_update_is_the_next_step_and_changes_nothing(engine, optimizer):
    spec = TRACED["tanh-bce-l2"].replace(optimizer=optimizer)
    X, Y = make_data(spec, n=7)
    ours, twin = trained(engine, spec, X, Y), trained(engine, spec, X, Y)
    before = ours.get_weights()
    preview = ours.preview_update(X, Y)
    assert_weights_equal(ours.get_weights(), before)
    for (dW, db), (dW_ref, db_ref) in zip(preview, trained(REFERENCE, spec, X, Y).preview_update(X, Y)):
        np.testing.assert_allclose(dW, dW_ref, atol=1e-3 * np.abs(dW_ref).max())
        np.testing.assert_allclose(db, db_ref, atol=1e-3 * max(np.abs(db_ref).max(), 1e-8))
    ours.train_batch(X, Y)
    twin.train_batch(X, Y)
    for (W, b), (Wt, bt), (W0, b0), (dW, db) in zip(ours.get_weights(), twin.get_weights(), before, preview):
        np.testing.assert_array_equal(W, Wt)  # the optimizer's state was put back exactly
        np.testing.assert_array_equal(b, bt)
        np.testing.assert_allclose(W - W0, dW, atol=1e-6)
        np.testing.assert_allclose(b - b0, db, atol=1e-6)


# Threads

def train_alone(name, spec, X, Y, epochs=5):
    engine = create_engine(name, spec)
    for _ in range(epochs):
        engine.train_epoch(X, Y)
    return engine.get_weights()


@pytest.mark.parametrize("engine", ENGINES)
def test_two_threads_train_exactly_as_alone(engine):
    specs = [NetworkSpec(hidden=(5, 3), batch_size=8, optimizer="adam", seed=1),
             NetworkSpec(hidden=(6,), batch_size=8, optimizer="rmsprop", seed=2)]
    X, Y = make_data(specs[0], n=300)
    alone = [train_alone(engine, spec, X, Y) for spec in specs]
    together = [None, None]

    def run(i):
        together[i] = train_alone(engine, specs[i], X, Y)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for expected, actual in zip(alone, together):
        assert_weights_equal(actual, expected)


# Save and load

@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("spec", [
    NetworkSpec(hidden=(5, 3), activation=("tanh", "relu"), l2=0.01),
    NetworkSpec(n_inputs=4, hidden=(6,), n_outputs=3, activation="elu", output_activation="softmax",
                loss="categorical_crossentropy", optimizer="adam", initializer="he_normal", dtype="float64"),
], ids=["sigmoid", "softmax-float64"])
def test_to_keras_round_trips_through_a_keras_file(engine, spec, tmp_path):
    import keras  # here, not at the top: collecting the tests loads no TensorFlow
    X, Y = make_data(spec, n=30)
    X = X.astype(spec.dtype)
    trained_engine = create_engine(engine, spec)
    trained_engine.train_epoch(X, Y)
    path = tmp_path / "network.keras"
    trained_engine.to_keras().save(path)
    model = keras.saving.load_model(path, safe_mode=True)
    rtol = 1e-6 if spec.dtype == "float32" else 1e-12
    np.testing.assert_allclose(model(X, training=False).numpy(), trained_engine.predict(X), rtol=rtol, atol=rtol)
    assert model.loss == spec.loss
    assert float(model.optimizer.learning_rate) == pytest.approx(spec.learning_rate)


# The options every engine follows alike: initial weights, gradient clipping

@pytest.mark.parametrize("engine", OTHERS)
@pytest.mark.parametrize("initializer", INITIALIZERS)
def test_every_initializer_starts_every_engine_from_equal_weights_and_trains_alike(engine, initializer):
    spec = make_spec("sigmoid", OUTPUTS[0], initializer=initializer)
    X, Y = make_data(spec)
    reference, other = create_engine(REFERENCE, spec), create_engine(engine, spec)
    assert_weights_equal(other.get_weights(), reference.get_weights())
    for _ in range(3):
        assert other.train_epoch(X, Y) == pytest.approx(reference.train_epoch(X, Y), rel=1e-3)
    assert_close(flat(other.get_weights()), flat(reference.get_weights()), 1e-3)


@pytest.mark.parametrize("engine", OTHERS)
@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_clipping_by_global_norm_trains_alike_and_bounds_each_step(engine, optimizer):
    # Adam steps about α per weight whatever the gradient: at α = 0.5 each weight jumps by half its size, and
    # Keras's constants held in float32 (1 − β₂ is off by a relative 1.3e-5) grow past 1e-3 in 3 epochs.
    spec = make_spec("tanh", OUTPUTS[2], optimizer=optimizer, clip_norm=0.02, l2=0.01).replace(
        learning_rate=0.5 if optimizer == "sgd" else 0.05)
    X, Y = make_data(spec)
    reference, other = create_engine(REFERENCE, spec), create_engine(engine, spec)
    norm = np.linalg.norm(whole(reference.gradients(X, Y))[0])
    assert norm > 10 * spec.clip_norm   # so every step is clipped
    if optimizer == "sgd":   # a clipped SGD step is α·c long
        step = whole(reference.preview_update(X, Y))[0]
        assert np.linalg.norm(step) == pytest.approx(spec.learning_rate * spec.clip_norm, rel=1e-5)
        assert_close(whole(other.preview_update(X, Y)), [step], 1e-4)
    for _ in range(3):
        assert other.train_epoch(X, Y) == pytest.approx(reference.train_epoch(X, Y), rel=1e-3)
    assert_close(flat(other.get_weights()), flat(reference.get_weights()), 1e-3)
    unclipped = create_engine(REFERENCE, spec.replace(clip_norm=None))
    for _ in range(3):
        unclipped.train_epoch(X, Y)
    assert not np.allclose(whole(unclipped.get_weights())[0], whole(reference.get_weights())[0], rtol=1e-2)


@pytest.mark.parametrize("engine", ENGINES)
def test_reconfigure_turns_clipping_on_and_off(engine):
    spec = make_spec("tanh", OUTPUTS[2]).replace(learning_rate=0.5)
    X, Y = make_data(spec)
    engine = create_engine(engine, spec)
    engine.train_batch(X, Y)
    engine.reconfigure(spec.replace(clip_norm=0.01))
    before = whole(engine.get_weights())[0]
    engine.train_batch(X, Y)
    assert np.linalg.norm(whole(engine.get_weights())[0] - before) == pytest.approx(0.5 * 0.01, rel=1e-4)
    engine.reconfigure(spec)
    before = whole(engine.get_weights())[0]
    engine.train_batch(X, Y)
    assert np.linalg.norm(whole(engine.get_weights())[0] - before) > 0.1


# Dropout: the same masks in every engine (dropout_masks), off outside training

def three_epochs_alike(engine, spec):
    """The reference and `engine` trained 3 epochs from `spec`, each epoch's loss, the weights and the predictions
    held to the reference's; returns (reference, other, X, Y)."""
    X, Y = make_data(spec)
    reference, other = create_engine(REFERENCE, spec), create_engine(engine, spec)
    for _ in range(3):
        assert other.train_epoch(X, Y) == pytest.approx(reference.train_epoch(X, Y), rel=1e-3)
    assert_close(flat(other.get_weights()), flat(reference.get_weights()), 1e-3)
    assert_close([other.predict(X)], [reference.predict(X)], 1e-3)
    return reference, other, X, Y


@pytest.mark.parametrize("engine", OTHERS)
@pytest.mark.parametrize("dropout", [0.3, (0.5, 0.0)], ids=["all-layers", "first-layer"])
@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_dropout_trains_alike_in_every_engine(engine, optimizer, dropout):
    reference, other, X, Y = three_epochs_alike(engine, make_spec("relu", OUTPUTS[1], optimizer=optimizer,
                                                                   dropout=dropout))
    assert other.train_batch(X, Y) == pytest.approx(reference.train_batch(X, Y), rel=1e-3)


@pytest.mark.parametrize("engine", ENGINES)
def test_one_injected_mask_gives_every_engine_the_reference_gradient(engine, monkeypatch):
    spec = make_spec("tanh", OUTPUTS[0], dropout=(0.5, 0.25)).replace(learning_rate=1.0)
    X, Y = make_data(spec, n=8)
    rng = np.random.default_rng(9)
    mask = [(rng.random((8, width)) >= p) / (1 - p) for width, p in zip(spec.hidden, spec.dropout_rates)]
    for module in ("numpy_engine", "keras_engine"):
        monkeypatch.setattr(f"playground.engines.{module}.dropout_masks", lambda *args: mask, raising=False)
    # The reference: the NumPy network in float64 with the mask, its gradient by the chain rule.
    net = NeuralNetwork(spec.sizes, (*spec.activations, spec.output_activation), spec.loss, dtype="float64")
    net.set_weights(create_engine(REFERENCE, spec).get_weights())
    net.forward(X, mask)
    net.backward(Y)
    expected = [(-layer.dW, -layer.db) for layer in net.layers]
    step = create_engine(engine, spec).preview_update(X, Y)   # SGD at α = 1: ΔW = −∂L/∂W
    assert_close(flat(step), flat(expected), 1e-4)
    no_dropout = create_engine(engine, spec.replace(dropout=0.0)).preview_update(X, Y)
    assert not np.allclose(flat(step)[0], flat(no_dropout)[0], rtol=1e-2)


@pytest.mark.parametrize("engine", ENGINES)
def test_dropout_is_off_in_predict_loss_and_gradients(engine):
    spec = make_spec("relu", OUTPUTS[2], dropout=0.5)
    X, Y = make_data(spec)
    dropping, plain = create_engine(engine, spec), create_engine(engine, spec.replace(dropout=0.0))
    np.testing.assert_allclose(dropping.predict(X), plain.predict(X), rtol=1e-6)
    assert dropping.loss(X, Y) == pytest.approx(plain.loss(X, Y), rel=1e-6)
    assert_close(flat(dropping.gradients(X, Y)), flat(plain.gradients(X, Y)), 1e-6)
    assert dropping.train_batch(X, Y) != pytest.approx(plain.train_batch(X, Y), rel=1e-3)


# Neurons switched off (spec.off): output 0 in every pass, incoming weights frozen, the same in every engine

OFF = ((1, 2), (1, 5), (2, 3))


def frozen_part(weights, off):
    """The incoming weights and bias of each neuron of `off`."""
    return [array for layer, neuron in off for array in (weights[layer - 1][0][:, neuron - 1],
                                                         weights[layer - 1][1][neuron - 1])]


@pytest.mark.parametrize("engine", OTHERS)
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_neurons_switched_off_train_alike_in_every_engine(engine, optimizer):
    spec = make_spec("tanh", OUTPUTS[1], optimizer=optimizer, l1=0.001, l2=0.01, dropout=(0.2, 0.0), off=OFF)
    reference, other, X, Y = three_epochs_alike(engine, spec)
    assert_close(whole(other.gradients(X, Y)), whole(reference.gradients(X, Y)), 1e-4)
    assert other.loss(X, Y) == pytest.approx(reference.loss(X, Y), rel=1e-4)
    for got, expected in zip(other.trace(X[:4], Y[:4]), reference.trace(X[:4], Y[:4])):
        assert_close([got[k] for k in ("a", "dW", "db")], [expected[k] for k in ("a", "dW", "db")], 1e-4)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("optimizer", ["momentum", "adam"])
def test_a_switched_off_neuron_outputs_0_and_its_weights_do_not_move(engine, optimizer):
    """Off after some steps, so momentum and Adam's averages would still move the weights; L2 would shrink them."""
    spec = make_spec("tanh", OUTPUTS[0], optimizer=optimizer, l2=0.01)
    X, Y = make_data(spec)
    run = trained(engine, spec, X, Y, steps=5)
    run.reconfigure(spec.replace(off=OFF))
    before = run.get_weights()
    run.train_epoch(X, Y)
    after = run.get_weights()
    for a, b in zip(frozen_part(after, OFF), frozen_part(before, OFF)):
        np.testing.assert_array_equal(a, b)
    assert not np.allclose(after[0][0][:, 0], before[0][0][:, 0])   # a neuron still on learns
    for layer, neuron in OFF:
        np.testing.assert_array_equal(run.trace(X[:3], Y[:3])[layer - 1]["a"][:, neuron - 1], 0)
    gradients = run.gradients(X, Y)
    assert all(not np.any(g) for g in frozen_part(gradients, OFF))
    # On again, it trains from where it was, and the network is the one trained all along.
    run.reconfigure(spec)
    run.train_epoch(X, Y)
    assert not np.allclose(run.get_weights()[0][0][:, 1], after[0][0][:, 1])


@pytest.mark.parametrize("engine", ENGINES)
def test_a_switched_off_neuron_is_the_network_with_its_output_0(engine):
    """predict with neuron (1, 2) off equals predict with that neuron's outgoing weights at 0."""
    spec = make_spec("tanh", OUTPUTS[2])
    X, _ = make_data(spec)
    cut = create_engine(engine, spec)
    weights = cut.get_weights()
    weights[0][1][1] = 0.7   # a bias, so that its neuron's output is not 0 by itself
    cut.set_weights(weights)
    weights[1][0][1, :] = 0
    off = create_engine(engine, spec.replace(off=((1, 2),)))
    off.set_weights(cut.get_weights())
    cut.set_weights(weights)
    np.testing.assert_allclose(off.predict(X), cut.predict(X), rtol=1e-6)
