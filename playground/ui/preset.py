"""The source material's worked example, one click away.

Its network, inputs → 64 relu → 64 relu → 10 softmax, trained with Adam at a learning rate of
0.001 in batches of 32 for 10 epochs, on pixels scaled to [0, 1] (the image sets' own "minmax"
scaling): on MNIST when that is the data set chosen and it loads, on digits otherwise. The
button sets the settings themselves, so the sidebar shows them and the link carries them; the
page then trains the new run with a progress bar and shows its test accuracy, and on request
the same network's in the other engine, beside it.
"""
import math

import streamlit as st

from ..engines import ENGINES
from ..training import TrainingRun
from .controls import cached_dataset, engine_label

EPOCHS = 10
SETTINGS = {"layers": 2, "width_1": 64, "width_2": 64, "activation": "relu", "per_layer": False,
            "output": "softmax", "loss": "categorical_crossentropy", "optimizer": "adam",
            "learning_rate": 0.001, "batch_size": 32, "regularization": "none"}


def preset_sidebar():
    st.sidebar.button("The tutorial's example: 64 → 64 relu, 10 epochs", key="preset_source", on_click=_apply,
                      width="stretch",
                      help="The tutorial's MNIST network (64 relu, 64 relu, 10 softmax; Adam 0.001; batches of 32), "
                           "trained for 10 epochs on digits, or on MNIST if mnist is the data set chosen.")


def _apply():
    s = st.session_state
    name, s.preset_note = "digits", None
    if s.dataset == "mnist":
        try:  # as the sidebar asks for it, so the set is loaded once
            cached_dataset("mnist")
            name = "mnist"
        except ValueError as error:
            s.preset_note = f"{error} The example runs on digits instead."
    s.update(SETTINGS)
    s.dataset, s.playing = name, False
    s.run_key = None   # a fresh run even if the settings were already these
    s.preset = {"dataset": name, "run": None, "results": {}, "compare": False}


def _other(engine):
    return next(name for name in ENGINES if name != engine)


def preset_panel(run):
    """Trains the example's run when the button asked for it, then shows its test accuracy."""
    s = st.session_state
    job = s.get("preset")
    if job is None:
        return
    if job["run"] is None:
        if run.dataset.name != job["dataset"] or run.spec.hidden != (64, 64) or run.epoch:
            st.error("The example could not be set up with this data: choose digits and press the button again.")
            s.preset = None
            return
        job["run"] = run
    if run is not job["run"]:  # the settings changed since: the example's run is gone
        s.preset = None
        return
    with st.container(key="preset_panel", border=True):
        st.markdown(f"**The tutorial's example** on {job['dataset']}: {run.spec.n_inputs} → 64 relu → "
                    f"64 relu → 10 softmax, Adam 0.001, batches of 32, {EPOCHS} epochs.")
        if s.get("preset_note"):
            st.warning(s.preset_note)
        here, there, _ = st.columns([1, 1, 1])
        if run.engine_name not in job["results"]:
            job["results"][run.engine_name] = _train(run, here)
        _show(here, run.engine_name, job["results"][run.engine_name], "Test accuracy")
        other = _other(run.engine_name)
        if job["compare"] and other not in job["results"]:
            with st.spinner(f"Building the network in the {engine_label(other)} engine…"):
                twin = TrainingRun(other, run.spec, run.dataset)
            job["results"][other] = _train(twin, there)
        if other in job["results"]:
            _show(there, other, job["results"][other], f"Test accuracy, {engine_label(other)}")
        else:
            there.button(f"The same in {engine_label(other)}", key="preset_compare", on_click=_compare)


def _compare():
    st.session_state.preset["compare"] = True


def _train(run, where):
    """Trains `run` up to EPOCHS epochs with a progress bar; returns the test accuracy."""
    bar = where.progress(0.0, text=f"{engine_label(run.engine_name)}: starting…")
    while run.epoch < EPOCHS and not run.diverged:
        with run.lock:
            run.train_epoch()
        bar.progress(run.epoch / EPOCHS, text=f"{engine_label(run.engine_name)}: epoch {run.epoch} of {EPOCHS}, "
                                               f"training loss {run.history['train_loss'][-1]:.4f}")
    bar.empty()
    return run.history["test_score"][-1]


def _show(where, engine, accuracy, label):
    value = f"{accuracy:.1%}" if math.isfinite(accuracy) else "—"
    where.metric(label, value, help=f"{engine_label(engine)} engine, after {EPOCHS} epochs, on the test images.")
