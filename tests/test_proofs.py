"""The two proof buttons on the page (AppTest): finite differences, and the two engines side by side."""
import pytest

from playground.ui import state
from test_shared_worker import tensorflow_in
from waits import until


def test_finite_difference_check_passes_on_the_current_network(app):
    at = app(timeout=120, tool="proofs", activation="relu")
    at.button(key="step").click().run()
    at.button(key="proof_gradients").click().run()
    assert not at.exception
    assert any(s.value.startswith("Pass (epoch 1)") for s in at.success)
    assert len(at.table) == 1


def test_both_engines_end_within_float32_rounding_and_the_run_is_untouched(app):
    at = app(timeout=120, tool="proofs", optimizer="adam")
    run = at.session_state.page.run
    before = run.weights()
    at.button(key="proof_engines").click().run()
    until(lambda: not run.pending("compare_engines"), timeout=300)  # TensorFlow may take more than the press waits
    at.run()
    assert not at.exception
    assert any("float32 rounding" in s.value for s in at.success)
    assert at.session_state.page.run is run and run.snapshot.epoch == 0
    assert all((W == W0).all() for (W, _), (W0, _) in zip(run.weights(), before))


def test_diverged_weights_disable_the_proofs(app):
    at = app(timeout=120, tool="proofs", learning_rate="10", activation="relu", output="linear", loss="mse")
    for _ in range(5):
        at.button(key="step").click().run()
        if at.session_state.page.run.snapshot.diverged:
            break
    assert at.session_state.page.run.snapshot.diverged
    assert at.button(key="proof_gradients").disabled and at.button(key="proof_engines").disabled
    assert not at.exception


@pytest.mark.slow
def test_the_engines_button_is_disabled_while_its_request_is_under_way(app, monkeypatch):
    """Running both engines loads TensorFlow (in a process of its own): seconds, while the button waits."""
    monkeypatch.setattr(state, "JOB_WAIT", 0.0)  # the page goes on at once: the answer comes later
    at = app(timeout=120, tool="proofs")
    at.button(key="proof_engines").click().run()
    run = at.session_state.page.run
    assert run.pending("compare_engines") and at.button(key="proof_engines").disabled and not at.exception
    until(lambda: not run.pending("compare_engines"), timeout=300)
    at.run()
    assert not at.button(key="proof_engines").disabled
    assert any("float32 rounding" in s.value for s in at.success)


@pytest.mark.slow
def test_both_engines_of_a_keras_run_answer_from_a_process_of_their_own_the_button_disabled_meanwhile(app, monkeypatch):
    """The run's worker holds TensorFlow, so the engines' job is started afresh, not forked."""
    monkeypatch.setattr(state, "JOB_WAIT", 0.0)
    at = app(timeout=300, tool="proofs", engine="keras")
    run = at.session_state.page.run
    assert run.engine_name == "keras" and tensorflow_in(run.worker.pid)
    at.button(key="proof_engines").click().run()
    assert run.pending("compare_engines") and at.button(key="proof_engines").disabled and not at.exception
    until(lambda: not run.pending("compare_engines"), timeout=300)
    at.run()
    assert not at.button(key="proof_engines").disabled and not at.exception
    assert any("float32 rounding" in s.value for s in at.success)
