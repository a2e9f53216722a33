"""Proof that the math is right, live: backpropagation against finite differences, and the two engines side by side."""
import numpy as np
import streamlit as st

from .. import inspect
from ..i18n import N_, _, sentences
from . import state
from .safe import guarded

CHECK_EXAMPLES, ENGINE_STEPS = 16, 5


def proofs_section(run):
    st.subheader(_("Proof that the math is right"))
    left, right = st.columns(2)
    weights = run.snapshot.weights
    finite = not run.snapshot.diverged and all(np.isfinite(W).all() and np.isfinite(b).all() for W, b in weights)
    with left:
        if run.answered("gradient_check"):  # asked earlier, done since
            _check()
        st.button(_("Check backpropagation against finite differences"), key="proof_gradients", on_click=_check,
                  disabled=not finite or run.pending("gradient_check"))
        if not state.job_under_way(run, "gradient_check", _("Computing difference quotients in float64…")):
            _show_gradient_check(run)
    with right:
        if run.answered("compare_engines"):
            _compare()
        st.button(_("Run both engines from these weights"), key="proof_engines", on_click=_compare,
                  disabled=not finite or run.pending("compare_engines"))
        if not state.job_under_way(run, "compare_engines", _(
                "Running the NumPy and the Keras engine side by side (loading TensorFlow takes a few seconds)…")):
            _show_engines(run)
    if not finite:
        st.caption(_("The weights are not finite numbers: go back to an epoch whose loss was finite to check them."))


@guarded(N_("the finite-difference check"))
def _check():
    _prove("gradient_check", CHECK_EXAMPLES, "proof_gradients_result")


@guarded(N_("both engines side by side"))
def _compare():
    _prove("compare_engines", ENGINE_STEPS, "proof_engines_result")


def _prove(command, argument, key):
    """Asks the run for a proof (a job), and keeps its answer, once it comes, with the run and epoch it is of."""
    run = state.page_state().run
    result = state.on_job(run, command, argument)
    if result is not None:
        state.page_state().proofs[key] = (run.id, run.snapshot.epoch, result)


def _result(run, key):
    """The stored result of a proof, if it was made on this run."""
    stored = state.page_state().proofs.get(key)
    return stored[1:] if stored and stored[0] == run.id else (None, None)


def _show_gradient_check(run):
    epoch, errors = _result(run, "proof_gradients_result")
    if errors is None:
        st.caption(_("Recomputes ∂L/∂W as (L(w + h) − L(w − h)) / 2h, h = {h:g}, for up to 20 weights and 20 biases "
                     "per layer, on {examples} training examples, with a float64 copy of the current weights, and "
                     "compares it with the NumPy engine's backpropagation.").format(h=inspect.FD_STEP,
                                                                                    examples=CHECK_EXAMPLES))
        return
    st.table({_("layer"): [str(l) for l in range(1, len(errors) + 1)],
              _("largest relative error"): [f"{e:.2e}" for e in errors]})
    worst = max(errors)
    if worst < inspect.FD_TOLERANCE:
        st.success(_("Pass (epoch {epoch}): backpropagation agrees with finite differences to {error:.1e} "
                     "(tolerance {tolerance:g}).").format(epoch=epoch, error=worst, tolerance=inspect.FD_TOLERANCE))
    else:
        st.error(_("Fail (epoch {epoch}): a relative error of {error:.1e}, above {tolerance:g}. With ReLU, an example "
                   "exactly at a kink (z = 0) can cause this; otherwise the gradient is wrong.").format(
            epoch=epoch, error=worst, tolerance=inspect.FD_TOLERANCE))


def _show_engines(run):
    epoch, result = _result(run, "proof_engines_result")
    if result is None:
        st.caption(_("Builds a NumPy and a Keras engine, gives both the current weights and a fresh optimizer, takes "
                     "{steps} steps on the same batches of the training data, then measures how far apart they end.")
                   .format(steps=ENGINE_STEPS))
        return
    st.table({_("layer"): [str(l) for l in range(1, len(result["weights"]) + 1)],
              _("weights: max |W₁ − W₂| / max |W₁|"): [f"{d:.2e}" for d in result["weights"]]})
    numpy_loss, keras_loss = result["loss"]
    text = _("After {steps} steps from epoch {epoch}: loss {numpy:.6f} (NumPy) and {keras:.6f} (Keras), {apart:.1e} "
             "apart; weights at most {weights:.1e} apart.").format(
        steps=ENGINE_STEPS, epoch=epoch, numpy=numpy_loss, keras=keras_loss, apart=result["loss_difference"],
        weights=max(result["weights"]))
    if max(result["weights"]) < 1e-3 and result["loss_difference"] < 1e-3:
        st.success(sentences(text, _("That is float32 rounding: the two engines compute the same thing.")))
    else:
        st.warning(sentences(text, _("More than float32 rounding explains.")))
