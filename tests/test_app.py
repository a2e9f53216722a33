"""The page, driven through Streamlit's AppTest (a fragment's run_every never fires: at.run() ticks)."""
import numpy as np
import pytest

from playground.ui import settings
from pages import app


def epoch(at):
    return next(m.value for m in at.metric if m.label == "Epoch")


def weights(at):
    return at.session_state.run.engine.get_weights()


def same(a, b):
    return all(np.array_equal(x, y) for (x, _), (y, _) in zip(a, b))


def test_page_loads_with_every_setting_in_the_url():
    at = app()
    assert not at.exception
    assert epoch(at) == "0"
    assert at.selectbox(key="dataset").value == "circle"
    assert set(settings.DATASETS) <= set(at.selectbox(key="dataset").options)
    assert at.query_params["learning_rate"] == "0.03"
    assert at.query_params["width_1"] == "4" and at.query_params["width_2"] == "2"
    assert "width_3" not in at.query_params


def test_step_adds_an_epoch_and_reset_starts_again():
    at = app()
    at.button(key="step").click().run()
    at.button(key="step").click().run()
    assert epoch(at) == "2"
    first = weights(at)
    at.button(key="reset").click().run()
    assert epoch(at) == "0"
    assert same(at.session_state.run.initial_weights, weights(at))
    assert not same(first, weights(at))


def test_play_trains_on_each_tick_and_pause_holds():
    at = app()
    at.button(key="play").click().run()
    assert at.session_state.playing
    at.run()
    playing_epoch = int(epoch(at))
    assert playing_epoch > 0
    at.button(key="play").click().run()
    paused = int(epoch(at))
    at.run()
    assert int(epoch(at)) == paused >= playing_epoch


def test_learning_rate_batch_and_penalty_changes_keep_the_weights_and_optimizer_state():
    at = app(optimizer="adam")
    at.button(key="step").click().run()
    trained = weights(at)
    optimizer = at.session_state.run.engine.optimizer
    at.select_slider(key="learning_rate").set_value(0.1).run()
    at.slider(key="batch_size").set_value(25).run()
    at.selectbox(key="regularization").select("l2").run()
    run = at.session_state.run
    assert epoch(at) == "1" and same(trained, weights(at))
    assert run.engine.optimizer is optimizer and optimizer.learning_rate == 0.1
    assert run.spec.batch_size == 25 and run.spec.l2 == 0.001


def test_optimizer_change_keeps_the_weights_with_a_fresh_optimizer():
    at = app()
    at.button(key="step").click().run()
    trained, before = weights(at), at.session_state.run.engine.optimizer
    at.selectbox(key="optimizer").select("adam").run()
    after = at.session_state.run.engine.optimizer
    assert same(trained, weights(at)) and after is not before and after.name == "adam"


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
def test_changing_the_network_or_the_data_starts_a_new_run(change):
    at = app()
    at.button(key="step").click().run()
    old = at.session_state.run
    change(at).run()
    assert not at.exception
    assert at.session_state.run is not old and epoch(at) == "0"


def test_a_diverging_run_pauses_says_what_to_try_and_can_go_back():
    at = app(dataset="plane", output="linear", loss="mse", learning_rate="10", layers="1", width_1="8",
             activation="relu")
    at.button(key="play").click().run()
    for _ in range(30):
        at.run()
        if not at.session_state.playing:
            break
    assert not at.exception
    assert at.session_state.playing is False and at.session_state.run.diverged
    message = at.error[0].value
    assert "smaller learning rate" in message
    at.button(key="roll_back").click().run()
    run = at.session_state.run
    assert not run.diverged and np.isfinite(run.history["train_loss"]).all()
    assert epoch(at) == str(run.last_finite[0])


def test_tampered_url_values_fall_back_to_defaults_with_a_warning_naming_each_key():
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


def test_a_link_opens_the_same_setup():
    at = app(dataset="spiral", layers="3", width_3="7", activation="relu", optimizer="adam",
             learning_rate="0.003", features="x1,x2,sin(x1)", seed="5")
    assert not at.exception and not at.warning
    spec = at.session_state.run.spec
    assert spec.hidden == (4, 2, 7) and spec.activation == "relu" and spec.optimizer == "adam"
    assert spec.learning_rate == 0.003 and spec.n_inputs == 3 and spec.seed == 5


def test_per_layer_activations():
    at = app(layers="2", per_layer="1", activation_1="relu", activation_2="elu")
    assert at.session_state.run.spec.activations == ("relu", "elu")


def test_image_sets_and_three_classes_train_without_a_boundary_error():
    at = app(dataset="blobs", classes="4")
    at.button(key="step").click().run()
    assert not at.exception and at.session_state.run.spec.n_outputs == 4
    at.selectbox(key="dataset").select("digits").run()
    at.button(key="step").click().run()
    assert not at.exception and epoch(at) == "1"
    assert at.session_state.run.spec.n_inputs == 64 and at.session_state.loss == "categorical_crossentropy"


def test_two_sessions_have_separate_runs():
    first, second = app(), app()
    first.button(key="step").click().run()
    first.button(key="step").click().run()
    second.button(key="step").click().run()
    first.button(key="reset").click().run()
    assert epoch(first) == "0" and epoch(second) == "1"


def test_keras_engine_runs_in_the_page():
    at = app(engine="keras")
    assert not at.exception
    at.button(key="step").click().run()
    assert not at.exception and epoch(at) == "1"
    assert type(at.session_state.run.engine).__name__ == "KerasEngine"
