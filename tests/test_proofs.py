"""The two proof buttons on the page (AppTest): finite differences, and the two engines side by side."""
from pages import app


def test_finite_difference_check_passes_on_the_current_network():
    at = app(timeout=120, activation="relu")
    at.button(key="step").click().run()
    at.button(key="proof_gradients").click().run()
    assert not at.exception
    assert any(s.value.startswith("Pass (epoch 1)") for s in at.success)
    assert len(at.table) == 1


def test_both_engines_end_within_float32_rounding_and_the_run_is_untouched():
    at = app(timeout=120, optimizer="adam")
    run = at.session_state.run
    before = run.engine.get_weights()
    at.button(key="proof_engines").click().run()
    assert not at.exception
    assert any("float32 rounding" in s.value for s in at.success)
    assert at.session_state.run is run and run.epoch == 0
    assert all((W == W0).all() for (W, _), (W0, _) in zip(run.engine.get_weights(), before))


def test_diverged_weights_disable_the_proofs():
    at = app(timeout=120, learning_rate="10", activation="relu", output="linear", loss="mse")
    for _ in range(5):
        at.button(key="step").click().run()
        if at.session_state.run.diverged:
            break
    assert at.session_state.run.diverged
    assert at.button(key="proof_gradients").disabled and at.button(key="proof_engines").disabled
    assert not at.exception
