"""Proof that the math is right, live: backpropagation against finite differences, and the two engines side by side."""
import numpy as np
import streamlit as st

from .. import inspect

CHECK_EXAMPLES, ENGINE_STEPS = 16, 5


def proofs_section(run):
    st.subheader("Proof that the math is right")
    left, right = st.columns(2)
    with run.lock:
        weights = run.engine.get_weights()
    finite = all(np.isfinite(W).all() and np.isfinite(b).all() for W, b in weights)
    with left:
        if st.button("Check backpropagation against finite differences", key="proof_gradients", disabled=not finite):
            with st.spinner("Computing difference quotients in float64…"):
                errors = inspect.gradient_check(run.spec, weights, run.X_train[:CHECK_EXAMPLES],
                                                run.Y_train[:CHECK_EXAMPLES])
            st.session_state.proof_gradients_result = (run.id, run.epoch, errors)
        _show_gradient_check(run)
    with right:
        if st.button("Run both engines from these weights", key="proof_engines", disabled=not finite):
            with st.spinner("Running the NumPy and the Keras engine side by side (loading TensorFlow takes a few "
                            "seconds the first time)…"):
                result = inspect.compare_engines(run.spec, weights, run.X_train, run.Y_train, ENGINE_STEPS)
            st.session_state.proof_engines_result = (run.id, run.epoch, result)
        _show_engines(run)
    if not finite:
        st.caption("The weights are not finite numbers: go back to an epoch whose loss was finite to check them.")


def _result(run, key):
    """The stored result of a proof, if it was made on this run."""
    stored = st.session_state.get(key)
    return stored[1:] if stored and stored[0] == run.id else (None, None)


def _show_gradient_check(run):
    epoch, errors = _result(run, "proof_gradients_result")
    if errors is None:
        st.caption(f"Recomputes ∂L/∂W as (L(w + h) − L(w − h)) / 2h, h = {inspect.FD_STEP:g}, for up to 20 weights and "
                   f"20 biases per layer, on {CHECK_EXAMPLES} training examples, with a float64 copy of the current "
                   "weights, and compares it with the NumPy engine's backpropagation.")
        return
    st.table({"layer": [str(l) for l in range(1, len(errors) + 1)],
              "largest relative error": [f"{e:.2e}" for e in errors]})
    worst = max(errors)
    if worst < inspect.FD_TOLERANCE:
        st.success(f"Pass (epoch {epoch}): backpropagation agrees with finite differences to {worst:.1e} "
                   f"(tolerance {inspect.FD_TOLERANCE:g}).")
    else:
        st.error(f"Fail (epoch {epoch}): a relative error of {worst:.1e}, above {inspect.FD_TOLERANCE:g}. With ReLU, "
                 "an example exactly at a kink (z = 0) can cause this; otherwise the gradient is wrong.")


def _show_engines(run):
    epoch, result = _result(run, "proof_engines_result")
    if result is None:
        st.caption(f"Builds a NumPy and a Keras engine, gives both the current weights and a fresh optimizer, takes "
                   f"{ENGINE_STEPS} steps on the same batches of the training data, then measures how far apart they end.")
        return
    st.table({"layer": [str(l) for l in range(1, len(result["weights"]) + 1)],
              "weights: max |W₁ − W₂| / max |W₁|": [f"{d:.2e}" for d in result["weights"]]})
    numpy_loss, keras_loss = result["loss"]
    text = (f"After {ENGINE_STEPS} steps from epoch {epoch}: loss {numpy_loss:.6f} (NumPy) and {keras_loss:.6f} (Keras), "
            f"{result['loss_difference']:.1e} apart; weights at most {max(result['weights']):.1e} apart.")
    if max(result["weights"]) < 1e-3 and result["loss_difference"] < 1e-3:
        st.success(text + " That is float32 rounding: the two engines compute the same thing.")
    else:
        st.warning(text + " More than float32 rounding explains.")
