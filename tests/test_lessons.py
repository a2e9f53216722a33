"""Lessons: each preset sets up the page, and what it tells the student to watch for does happen."""

import numpy as np
import pytest

from conftest import open_page, read_charts
from playground.training import TrainingRun
from playground.ui.lessons import LESSONS
from waits import run_until_stopped

pytestmark = pytest.mark.slow  # each lesson trains its setup


def lesson(key, **query):
    at = open_page(**query)
    at.button(key=f"lesson_{key}").click().run()
    assert not at.exception
    return at


def train(at, epochs=300):
    """The page's run, trained `epochs` epochs in this process (the same numbers as in its worker)."""
    handle = at.session_state.page.run
    run = TrainingRun(handle.engine_name, handle.spec, handle.dataset)
    run.train_for(1e9, max_epochs=epochs)
    return run


def relative_change(run, layer):
    (W0, _), (W, _) = run.initial_weights[layer], run.engine.get_weights()[layer]
    return float(np.linalg.norm(W - W0) / np.linalg.norm(W0))


def test_every_lesson_has_a_button_a_question_and_what_to_watch_for():
    at = open_page()
    for item in LESSONS:
        assert at.button(key=f"lesson_{item.key}").label == item.title
        assert item.question.endswith("?") and item.watch


def test_a_lesson_sets_the_widgets_and_the_url_and_starts_fresh_keeping_the_engine():
    at = lesson("spiral", learning_rate="0.3", layers="4")
    at.button(key="step").click().run()
    at.button(key="lesson_spiral").click().run()
    assert at.selectbox(key="dataset").value == "spiral" and at.query_params["dataset"] == "spiral"
    assert at.session_state.learning_rate == 0.03 and at.query_params["layers"] == "2"
    assert at.session_state.page.run.snapshot.epoch == 0 and not at.session_state.page.run.snapshot.active
    lesson_text = [m.value for m in at.sidebar.markdown if "spiral" in m.value]
    assert lesson_text and at.sidebar.expander[0].label == "Lesson: The spiral"
    assert at.button(key="lesson_xor")  # the list stays reachable while a lesson runs
    at.button(key="lesson_close").click().run()
    assert not [m.value for m in at.sidebar.markdown if "spiral" in m.value]


def test_xor_without_a_hidden_layer_is_not_learned_and_with_one_it_is():
    at = lesson("xor")
    run = train(at)
    assert run.spec.hidden == () and run.dataset.name == "xor"
    assert run.timeline.history["train_loss"][-1] > 0.6 and run.timeline.history["test_score"][-1] < 0.8
    at.slider(key="layers").set_value(1).run()   # "add a hidden layer"
    assert train(at).timeline.history["test_score"][-1] > 0.9


def test_six_sigmoid_layers_barely_move_the_first_layer():
    run = train(lesson("sigmoid"), 200)
    assert run.spec.hidden == (4,) * 6 and run.spec.activations == ("sigmoid",) * 6
    first, last = relative_change(run, 0), relative_change(run, -1)
    assert first < 0.01 and first < last / 20


def test_the_sigmoid_lesson_shows_each_layers_gradient_size_in_its_box_and_its_text_names_it():
    at = lesson("sigmoid")
    box = at.sidebar.expander[0]
    assert box.label == "Lesson: Six sigmoid layers"
    figure = read_charts(at)["chart_lesson_gradients"]
    assert [element.proto.id.rsplit("-", 1)[-1] for element in box.get("plotly_chart")] == ["chart_lesson_gradients"]
    assert figure["layout"]["title"]["text"] == "Gradient size per layer" and figure["layout"]["yaxis"]["type"] == "log"
    names = [trace["name"] for trace in figure["data"] if "name" in trace]
    assert names[0] == "layer 1 · vanishing" and names[-1] == "layer 7 (output)" and len(names) == 7
    first, output = figure["data"][2]["y"][0], figure["data"][-1]["y"][0]   # epoch 0, before Play
    assert first < 1e-4 * output
    assert "watch the chart above, Gradient size per layer" in " ".join(m.value for m in box.markdown)
    assert box.caption[0].value.startswith("Vanishing now: layers 1, ")
    at.button(key="lesson_xor").click().run()   # another lesson: no chart
    assert "chart_lesson_gradients" not in read_charts(at)


def test_a_learning_rate_of_3_explodes_and_the_page_says_so():
    at = lesson("explode")
    assert at.session_state.page.run.spec.learning_rate == 3.0
    at.button(key="play").click().run()
    run_until_stopped(at, 30)
    snapshot = at.session_state.page.run.snapshot
    assert snapshot.diverged and not snapshot.active
    assert "smaller learning rate" in at.error[0].value and not at.exception
    # What the lesson shows: the loss climbing, epoch after epoch, before it breaks.
    loss = snapshot.history["train_loss"]
    finite = loss[np.isfinite(loss)]
    rising = np.diff(finite[-4:])
    assert len(finite) >= 4 and (rising > 0).all(), finite
    # The message names the epoch the live view shows (the paused run's), and where going back leads.
    shown = snapshot.epoch
    assert f"At epoch {shown} " in at.error[0].value
    assert at.button(key="roll_back").label == f"Go back to epoch {snapshot.last_finite_epoch}"
    # Going back leads to an epoch whose loss was no higher than at the start, and says why.
    assert loss[snapshot.last_finite_epoch] <= loss[0] and snapshot.last_finite_epoch == 0
    assert "no higher than at epoch 0" in at.error[0].value


@pytest.mark.parametrize("change", [
    lambda at: at.multiselect(key="features").select("sin(x1)").select("sin(x2)"),
    lambda at: [at.slider(key="layers").set_value(3).run(), at.number_input(key="width_1").set_value(8).run(),
                at.number_input(key="width_2").set_value(8).run(), at.number_input(key="width_3").set_value(8).run(),
                at.selectbox(key="optimizer").select("adam"), at.select_slider(key="learning_rate").set_value(0.01)][-1],
], ids=["sin features", "depth"])
def test_the_spiral_needs_depth_or_sin_features(change):
    at = lesson("spiral")
    assert train(at).timeline.history["test_score"][-1] < 0.75
    change(at).run()
    assert train(at).timeline.history["test_score"][-1] > 0.9


def test_l1_drives_most_weights_to_zero_and_no_penalty_does_not():
    at = lesson("l1")
    run = train(at)
    assert run.spec.l1 == 0.01 and run.spec.n_inputs == 7
    near_zero = float(np.mean(np.abs(run.engine.get_weights()[0][0]) < 0.01))
    assert near_zero > 0.5
    at.selectbox(key="regularization").select("none").run()
    assert at.session_state.page.run.spec.l1 == 0.0
    at.button(key="reset").click().run()
    unpenalized = train(at).engine.get_weights()[0][0]
    assert float(np.mean(np.abs(unpenalized) < 0.01)) < 0.1


def test_zero_weights_keep_every_neuron_of_a_layer_equal_and_glorot_breaks_the_tie():
    at = lesson("zeros")
    run = train(at)
    assert run.spec.initializer == "zeros" and run.spec.activations == ("sigmoid", "sigmoid")
    for W, _ in run.engine.get_weights()[:-1]:
        assert np.abs(W).max() > 0.1   # the weights moved…
        np.testing.assert_array_equal(W, W[:, :1].repeat(W.shape[1], axis=1))  # …and every neuron alike
    assert run.timeline.history["test_score"][-1] < 0.7
    at.selectbox(key="init").select("glorot_uniform").run()
    assert at.session_state.page.run.spec.initializer == "glorot_uniform"
    assert train(at).timeline.history["test_score"][-1] > 0.95
