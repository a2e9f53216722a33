"""The page, driven through Streamlit's AppTest (a fragment's run_every never fires: at.run() ticks).

The run trains in a worker process: between two at.run() a playing run goes on training.
"""
import time

import numpy as np
import pytest

from playground import settings
from playground.training import TrainingRun
from waits import run_until, run_until_stopped

def epoch(at):
    """The epoch of the run as the page last drew it (the live view shows it, frame by frame, in the browser)."""
    return str(at.session_state.page.run.snapshot.epoch)


def weights(at):
    return at.session_state.page.run.weights()


def mode(at):
    return at.session_state.page.run.snapshot.mode


def same(a, b):
    return all(np.array_equal(x, y) for (x, _), (y, _) in zip(a, b))


def test_page_loads_with_every_setting_in_the_url(app):
    at = app()
    assert not at.exception
    assert epoch(at) == "0"
    assert at.selectbox(key="dataset").value == "circle"
    assert set(settings.DATASETS) <= set(at.selectbox(key="dataset").options)
    assert at.query_params["learning_rate"] == "0.03"
    assert at.query_params["width_1"] == "4" and at.query_params["width_2"] == "2"
    assert "width_3" not in at.query_params
    assert at.query_params["tool"] == "compare"


@pytest.mark.parametrize("asked, opened", [("sweep", "sweep"), ("none", None), ("<b>nothing</b>", None)])
def test_the_link_names_the_tool_below_the_live_part(asked, opened):
    from streamlit.testing.v1 import AppTest
    from conftest import APP
    from playground.ui.state import PageState
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["tool"] = asked
    at.session_state["page"] = PageState(first_frame_drawn=True)
    at.run()
    assert not at.exception
    assert at.segmented_control(key="tool").value == opened
    assert at.query_params["tool"] == (opened or "none")
    if opened:
        assert at.selectbox(key="sweep_first")  # the sweep's own controls are there
    at.segmented_control(key="tool").set_value("share").run()
    assert at.query_params["tool"] == "share"


def test_step_adds_an_epoch_and_reset_starts_again(app):
    at = app()
    at.button(key="step").click().run()
    at.button(key="step").click().run()
    assert epoch(at) == "2"
    first = weights(at)
    at.button(key="reset").click().run()
    assert epoch(at) == "0"
    assert same(at.session_state.page.run.initial_weights, weights(at))
    assert not same(first, weights(at))


def test_play_trains_in_the_background_and_pause_holds(app):
    at = app()
    at.button(key="play").click().run()
    assert mode(at) == "playing" and at.button(key="play").label == "Pause"
    time.sleep(0.3)
    at.run()
    playing_epoch = int(epoch(at))
    assert playing_epoch > 0
    at.button(key="play").click().run()
    paused = int(epoch(at))
    assert mode(at) == "paused" and at.button(key="play").label == "Play"
    time.sleep(0.3)
    at.run()
    assert int(epoch(at)) == paused >= playing_epoch


def test_pause_pressed_after_the_run_stopped_by_itself_does_not_start_it(app):
    at = app()
    at.button(key="play").click().run()
    assert at.button(key="play").label == "Pause"
    run = at.session_state.page.run
    run.worker.request(run.id, "pause")  # the run stops (as at the end of a step): the page has not shown it yet
    at.button(key="play").click().run()  # the button still said Pause: a toggle would start it again
    assert mode(at) == "paused" and at.button(key="play").label == "Play"


def test_a_stop_condition_pauses_the_run_and_the_page_says_why(app):
    at = app(stop_metric="test_score", stop_value="0.9", learning_rate="0.3")
    assert at.session_state.page.run.spec.stop_metric == "test_score" and at.query_params["stop_value"] == "0.9"
    at.button(key="play").click().run()
    run_until_stopped(at)
    stopped = at.session_state.page.run.snapshot.stopped
    assert stopped[1] == "test_score" and stopped[2] >= 0.9 and at.session_state.page.run.snapshot.epoch == stopped[0]
    assert f"Stopped at epoch {stopped[0]}: the test accuracy reached {stopped[2]:.4g}." in [c.value for c in at.caption]
    at.number_input(key="stop_epoch").set_value(stopped[0] + 5).run()
    at.button(key="play").click().run()
    run_until_stopped(at)
    assert at.session_state.page.run.snapshot.epoch == stopped[0] + 5 and at.query_params["stop_epoch"] == str(stopped[0] + 5)
    assert f"Stopped at epoch {stopped[0] + 5}, the epoch set to stop at." in [c.value for c in at.caption]


def test_dropout_from_the_link_one_rate_per_layer_and_a_change_keeps_the_weights(app):
    at = app(per_layer_dropout="1", dropout_1="0.5", dropout_2="0.2", clip_norm="1", init="he_normal")
    spec = at.session_state.page.run.spec
    assert (spec.dropout, spec.clip_norm, spec.initializer) == ((0.5, 0.2), 1.0, "he_normal")
    assert at.query_params["dropout_2"] == "0.2" and "dropout_3" not in at.query_params
    at.button(key="step").click().run()
    before = weights(at)
    at.checkbox(key="per_layer_dropout").uncheck().run()
    at.select_slider(key="dropout").set_value(0.3).run()
    assert at.session_state.page.run.spec.dropout == 0.3 and "dropout_1" not in at.query_params
    assert same(weights(at), before) and epoch(at) == "1"


def test_learning_rate_batch_and_penalty_changes_keep_the_weights_and_optimizer_state(app):
    at = app(optimizer="adam")
    at.button(key="step").click().run()
    trained, run = weights(at), at.session_state.page.run
    at.select_slider(key="learning_rate").set_value(0.1).run()
    at.slider(key="batch_size").set_value(25).run()
    at.selectbox(key="regularization").select("l2").run()
    assert at.session_state.page.run is run and epoch(at) == "1" and same(trained, weights(at))
    assert run.spec.learning_rate == 0.1 and run.spec.batch_size == 25 and run.spec.l2 == 0.001
    at.button(key="step").click().run()
    # The same steps in one process: Adam's moments carried over give these weights, a fresh Adam would not.
    twin = TrainingRun("numpy", run.spec.replace(learning_rate=0.03, batch_size=10, l2=0.0), run.dataset)
    twin.train_epoch()
    twin.reconfigure(run.spec)
    twin.train_epoch()
    assert same(twin.weights(), weights(at))


def test_optimizer_change_keeps_the_weights_with_a_fresh_optimizer(app):
    at = app()
    at.button(key="step").click().run()
    trained, run = weights(at), at.session_state.page.run
    at.selectbox(key="optimizer").select("adam").run()
    assert at.session_state.page.run is run and same(trained, weights(at)) and run.spec.optimizer == "adam"
    at.button(key="step").click().run()
    twin = TrainingRun("numpy", run.spec.replace(optimizer="sgd"), run.dataset)
    twin.train_epoch()
    twin.reconfigure(run.spec)
    twin.train_epoch()
    assert same(twin.weights(), weights(at))


@pytest.mark.parametrize("change", [
    lambda at: at.number_input(key="width_1").set_value(6),
    lambda at: at.slider(key="layers").set_value(3),
    lambda at: at.selectbox(key="activation").select("relu"),
    lambda at: at.selectbox(key="loss").select("mse"),
    lambda at: at.selectbox(key="dataset").select("xor"),
    lambda at: at.multiselect(key="features").select("x1^2"),
    lambda at: at.number_input(key="seed").set_value(3),
    lambda at: at.button(key="regenerate").click(),
])
def test_changing_the_network_or_the_data_starts_a_new_run(change, app):
    at = app()
    at.button(key="step").click().run()
    old = at.session_state.page.run
    change(at).run()
    assert not at.exception
    assert at.session_state.page.run is not old and epoch(at) == "0"
    assert old.worker.request(old.id, "ping") and not old.lost
    with pytest.raises(Exception, match="not held"):  # the old run is closed in its worker
        old.worker.request(old.id, "snapshot")


def test_a_step_pressed_with_a_change_of_network_steps_the_new_run(app):
    """The page still shows the last run when Step is pressed: the press goes with the change."""
    at = app()
    old = at.session_state.page.run
    at.slider(key="layers").set_value(3)
    at.button(key="step").click()
    at.run()
    run_until_stopped(at)
    assert at.session_state.page.run is not old and epoch(at) == "1"
    assert "presses" not in at.session_state


def test_a_diverging_run_pauses_says_what_to_try_and_can_go_back(app):
    at = app(dataset="plane", output="linear", loss="mse", learning_rate="10", layers="1", width_1="8",
             activation="relu")
    at.button(key="play").click().run()
    run_until(at, lambda at: mode(at) != "playing", 30, "the diverging run still plays")
    assert not at.exception
    snapshot = at.session_state.page.run.snapshot
    assert mode(at) == "paused" and snapshot.diverged and at.button(key="play").disabled
    message = at.error[0].value
    assert "smaller learning rate" in message
    at.button(key="roll_back").click().run()
    snapshot = at.session_state.page.run.snapshot
    assert not snapshot.diverged and np.isfinite(snapshot.history["train_loss"]).all()
    assert epoch(at) == str(snapshot.last_finite_epoch) == str(snapshot.history["epoch"][-1])


def test_tampered_url_values_fall_back_to_defaults_with_a_warning_naming_each_key(app):
    at = app(width_1="10000", learning_rate="-1", activation="<script>", layers="2", unknown_key="1",
             loss="categorical_crossentropy")
    assert not at.exception
    warning = at.warning[0].value
    for key in ("width_1", "learning_rate", "activation", "loss"):
        assert f"`{key}`" in warning
    assert "unknown_key" not in warning
    assert at.session_state.width_1 == 4 and at.session_state.learning_rate == 0.03
    assert at.session_state.activation == "tanh" and at.session_state.loss == "binary_crossentropy"
    assert at.query_params["width_1"] == "4"


def test_a_link_opens_the_same_setup(app):
    at = app(dataset="spiral", layers="3", width_3="7", activation="relu", optimizer="adam",
             learning_rate="0.003", features="x1,x2,sin(x1)", seed="5")
    assert not at.exception and not at.warning
    spec = at.session_state.page.run.spec
    assert spec.hidden == (4, 2, 7) and spec.activation == "relu" and spec.optimizer == "adam"
    assert spec.learning_rate == 0.003 and spec.n_inputs == 3 and spec.seed == 5


def test_per_layer_activations(app):
    at = app(layers="2", per_layer="1", activation_1="relu", activation_2="elu")
    assert at.session_state.page.run.spec.activations == ("relu", "elu")


def test_image_sets_and_three_classes_train_without_a_boundary_error(app):
    at = app(dataset="blobs", classes="4")
    at.button(key="step").click().run()
    assert not at.exception and at.session_state.page.run.spec.n_outputs == 4
    at.selectbox(key="dataset").select("rings").run()
    at.button(key="step").click().run()
    assert not at.exception and at.session_state.page.run.spec.n_outputs == 3 and at.session_state.output == "softmax"
    at.selectbox(key="dataset").select("digits").run()
    at.button(key="step").click().run()
    assert not at.exception and epoch(at) == "1"
    assert at.session_state.page.run.spec.n_inputs == 64 and at.session_state.loss == "categorical_crossentropy"


def test_two_sessions_have_separate_runs(app):
    first, second = app(), app()
    first.button(key="step").click().run()
    first.button(key="step").click().run()
    second.button(key="step").click().run()
    first.button(key="reset").click().run()
    assert epoch(first) == "0" and epoch(second) == "1"


def test_keras_engine_runs_in_the_page(app):
    at = app(engine="keras")
    assert not at.exception
    at.button(key="step").click().run()
    run_until_stopped(at)
    assert not at.exception and epoch(at) == "1"
    assert at.session_state.page.run.engine_name == "keras"


def test_each_run_button_names_its_key(app):
    at = app()
    assert "Space" in at.button(key="play").help and "(key: S)" in at.button(key="step").help
