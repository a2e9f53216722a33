"""Step through one example, on the page (AppTest): the engine's numbers for the chosen training example."""
import numpy as np

from playground.ui.step_through import _matrix
from pages import app


def latex(at):
    return [element.body for element in at.latex]


def test_the_chosen_example_is_traced_layer_by_layer():
    at = app(timeout=90)
    run = at.session_state.run
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


def test_the_update_is_previewed_and_the_run_is_unchanged():
    at = app(timeout=90, optimizer="adam")
    at.button(key="step").click().run()
    run = at.session_state.run
    before, iterations = run.engine.get_weights(), run.engine.optimizer.iterations
    at.number_input(key="step_index").set_value(3).run()
    assert all(np.array_equal(W, W0) for (W, _), (W0, _) in zip(run.engine.get_weights(), before))
    assert run.engine.optimizer.iterations == iterations
    update = run.engine.preview_update(run.X_train[3:4], run.Y_train[3:4])
    assert any(_matrix(update[0][0]) in body for body in latex(at))


def test_wide_layers_show_their_first_rows_with_a_note():
    at = app(timeout=90, layers="1", width_1="12")
    assert not at.exception
    assert any(r"\cdots" in body for body in latex(at))
    assert any("showing the first 6 of 12 neurons" in m.value for m in at.markdown)


def test_the_keras_engine_is_traced_too():
    at = app(timeout=90, engine="keras")
    assert not at.exception
    run = at.session_state.run
    assert run.engine_name == "keras"
    z = run.engine.trace(run.X_train[:1], run.Y_train[:1])[0]["z"]
    assert any(_matrix(z) in body for body in latex(at))
