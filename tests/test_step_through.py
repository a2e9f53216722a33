"""Step through one example, on the page (AppTest): the engine's numbers for the chosen training example."""
import numpy as np

from playground.nn import INITIALIZERS, LOSSES
from playground.training import TrainingRun
from playground.ui.step_through import _matrix


def reference(run):
    """The run's network in this process, with the run's weights, to compute the expected numbers."""
    local = TrainingRun(run.engine_name, run.spec, run.dataset)
    local.engine.set_weights(run.weights())
    return local


def latex(at):
    return [element.body for element in at.latex]


def test_the_chosen_example_is_traced_layer_by_layer(app):
    at = app(timeout=90, tool="step")
    run = reference(at.session_state.page.run)
    at.number_input(key="step_index").set_value(7).run()
    assert not at.exception
    bodies = latex(at)
    assert any(_matrix(run.X_train[7:8]) in body for body in bodies)  # its inputs, a⁽⁰⁾
    trace = run.engine.trace(run.X_train[7:8], run.Y_train[7:8])
    for l, layer in enumerate(trace, start=1):
        assert any(f"z^{{({l})}} = {_matrix(layer['z'])}" in body for body in bodies)
        assert any(_matrix(layer["delta"]) in body for body in bodies)
    loss = run.engine.loss(run.X_train[7:8], run.Y_train[7:8])
    assert any(f"L = {loss:.4g}" in body for body in bodies)
    assert any("Row vectors, as in Keras" in c.value for c in at.caption)


def test_the_first_formula_standardizes_the_example_s_features_with_the_numbers(app):
    at = app(timeout=90, tool="step")
    at.number_input(key="step_index").set_value(3).run()
    ds = at.session_state.page.run.dataset
    raw = ds.featurize(ds.points_train[3:4])
    # The first row of formulas: the scaling, then x, μ, σ and a⁽⁰⁾ with their numbers (each body is "$$\n…\n$$").
    formula, *first = [body.strip("$\n") for body in latex(at)[:5]]
    assert r"\frac{x - \mu}{\sigma}" in formula
    for name, numbers in (("x", raw), (r"\mu", ds.scaler.mean_[None]), (r"\sigma", ds.scaler.scale_[None]),
                          ("a^{(0)}", ds.X_train[3:4])):
        assert f"{name} = {_matrix(numbers)}" in first


def test_the_update_is_previewed_and_the_run_is_unchanged(app):
    at = app(timeout=90, tool="step", optimizer="adam")
    at.button(key="step").click().run()
    handle = at.session_state.page.run
    local = TrainingRun(handle.engine_name, handle.spec, handle.dataset)  # the same epoch in this process
    local.train_epoch()
    at.number_input(key="step_index").set_value(3).run()
    update = local.engine.preview_update(local.X_train[3:4], local.Y_train[3:4])
    assert any(_matrix(update[0][0]) in body for body in latex(at))
    assert all(np.array_equal(W, W0) for (W, _), (W0, _) in zip(handle.weights(), local.weights()))
    # Adam's state was left alone too: one more epoch lands exactly where it does in this process.
    at.button(key="step").click().run()
    local.train_epoch()
    assert all(np.array_equal(W, W0) for (W, _), (W0, _) in zip(handle.weights(), local.weights()))


def test_with_dropout_the_update_is_the_training_step_s_and_the_initializer_is_shown(app):
    at = app(timeout=90, tool="step", dropout="0.5", init="lecun_normal")
    handle = at.session_state.page.run
    local = TrainingRun(handle.engine_name, handle.spec, handle.dataset)
    update = local.engine.preview_update(local.X_train[:1], local.Y_train[:1])   # with the first step's mask
    assert any(_matrix(update[0][0]) in body for body in latex(at))
    assert any("As in training, this step drops" in c.value for c in at.caption)
    assert any(f"${INITIALIZERS['lecun_normal'].formula}$ (lecun_normal)" in m.value for m in at.markdown)


def test_huber_s_formula_and_its_delta_are_shown_for_a_regression(app):
    at = app(timeout=90, tool="step", dataset="plane", output="linear", loss="huber")
    assert not at.exception and at.session_state.page.run.spec.loss == "huber"
    bodies = latex(at)
    assert any(LOSSES["huber"].formula in body for body in bodies)
    assert any(rf"\delta^{{(3)}} = {LOSSES['huber'].output_delta('linear')}" in body for body in bodies)
    run = reference(at.session_state.page.run)
    assert any(f"L = {run.engine.loss(run.X_train[:1], run.Y_train[:1]):.4g}" in body for body in bodies)


def test_wide_layers_show_their_first_rows_with_a_note(app):
    at = app(timeout=90, tool="step", layers="1", width_1="12")
    assert not at.exception
    assert any(r"\cdots" in body for body in latex(at))
    assert any("showing the first 6 of 12 neurons" in m.value for m in at.markdown)


def test_the_keras_engine_is_traced_too(app):
    at = app(timeout=90, tool="step", engine="keras")
    assert not at.exception
    assert at.session_state.page.run.engine_name == "keras"
    run = reference(at.session_state.page.run)
    z = run.engine.trace(run.X_train[:1], run.Y_train[:1])[0]["z"]
    assert any(_matrix(z) in body for body in latex(at))
