"""The source material's worked example, one click away.

Its network, inputs → 64 relu → 64 relu → 10 softmax, trained with Adam at a learning rate of
0.001 in batches of 32 for 10 epochs, on pixels scaled to [0, 1] (the image sets' own "minmax"
scaling): on MNIST when that is the data set chosen and it loads, on digits otherwise. The
button sets the settings themselves, so the sidebar shows them and the link carries them; the
page then trains the new run with a progress bar and shows its test accuracy, and on request
the same network's in the other engine, beside it.
"""
import math
import time

import streamlit as st

from ..data import MnistUnavailable
from ..engines import ENGINES
from ..i18n import N_, _
from ..trainer import RunHandle
from . import state
from .classroom import may_change
from .controls import cached_dataset, engine_label, mnist_unavailable
from .safe import guarded, md

EPOCHS = 10
PROGRESS_EVERY = 0.25  # seconds between looks at the run while it trains
SETTINGS = {"layers": 2, "width_1": 64, "width_2": 64, "activation": "relu", "per_layer": False,
            "output": "softmax", "loss": "categorical_crossentropy", "optimizer": "adam",
            "learning_rate": 0.001, "batch_size": 32, "regularization": "none"}


SETTINGS_CHANGED = ("dataset", *SETTINGS)


def preset_button():
    """The button that sets up the example, unless classroom mode hides a setting it would change."""
    if not may_change(SETTINGS_CHANGED):
        return
    st.button(_("The tutorial's example: 64 → 64 relu, 10 epochs"), key="preset_source", on_click=_apply,
              width="stretch", type="primary",
              help=_("The tutorial's MNIST network (64 relu, 64 relu, 10 softmax; Adam 0.001; batches of 32), "
                     "trained for 10 epochs on digits, or on MNIST if mnist is the data set chosen."))


@guarded(N_("the tutorial's example"))
def _apply():
    s, p = st.session_state, state.page_state()
    name, p.preset_note = "digits", None
    if s.dataset == "mnist":
        try:  # as the sidebar asks for it, so the set is loaded once
            cached_dataset("mnist")
            name = "mnist"
        except MnistUnavailable as error:
            p.preset_note = mnist_unavailable(error)
        except ValueError as error:
            p.preset_note = _("{reason} The example runs on digits instead.").format(reason=md(error, limit=600))
    s.update(SETTINGS)
    s.dataset = name
    state.forget_drawing()
    state.request_new_run()
    p.preset = {"dataset": name, "run": None, "results": {}, "compare": False}


def _other(engine):
    return next(name for name in ENGINES if name != engine)


def preset_panel(run):
    """Trains the example's run when the button asked for it, then shows its test accuracy."""
    s = state.page_state()
    job = s.preset
    if job is None:
        return
    if job["run"] is None:
        if run.dataset.name != job["dataset"] or run.spec.hidden != (64, 64) or run.snapshot.epoch:
            st.error(_("The example could not be set up with this data: choose digits and press the button again."))
            s.preset = None
            return
        job["run"] = run
    if run is not job["run"]:  # the settings changed since: the example's run is gone
        s.preset = None
        return
    with st.container(key="preset_panel", border=True):
        st.markdown(_("**The tutorial's example** on {dataset}: {inputs} → 64 relu → 64 relu → 10 softmax, Adam "
                      "0.001, batches of 32, {epochs} epochs.").format(dataset=job["dataset"], inputs=run.spec.n_inputs,
                                                                       epochs=EPOCHS))
        if s.preset_note:
            st.warning(s.preset_note)
        here, there, _rest = st.columns([1, 1, 1])
        if run.engine_name not in job["results"]:
            job["results"][run.engine_name] = _train(run, here)
        _show(here, run.engine_name, job["results"][run.engine_name],
              _("Test accuracy at epoch {epochs}").format(epochs=EPOCHS))
        other = _other(run.engine_name)
        if job["compare"] and other not in job["results"]:
            with st.spinner(_("Building the network in the {engine} engine…").format(engine=engine_label(other))):
                twin = RunHandle(other, run.spec, run.dataset, run.data_key)
            job["results"][other] = _train(twin, there)
            twin.close()
        if other in job["results"]:
            _show(there, other, job["results"][other],
                  _("Test accuracy at epoch {epochs}, {engine}").format(epochs=EPOCHS, engine=engine_label(other)))
        else:
            there.button(_("The same in {engine}").format(engine=engine_label(other)), key="preset_compare",
                         on_click=_compare)


@guarded(N_("the tutorial's example"))
def _compare():
    state.page_state().preset["compare"] = True


def _train(run, where):
    """Trains `run` (in its worker) up to EPOCHS epochs, with a progress bar; returns the test accuracy."""
    label = engine_label(run.engine_name)
    bar = where.progress(0.0, text=_("{engine}: starting…").format(engine=label))
    snapshot = state.on_run(run.step, EPOCHS - run.snapshot.epoch, PROGRESS_EVERY) or run.snapshot
    while snapshot.active and not run.lost:
        bar.progress(snapshot.epoch / EPOCHS, text=_("{engine}: epoch {epoch} of {epochs}, training loss {loss:.4f}")
                     .format(engine=label, epoch=snapshot.epoch, epochs=EPOCHS, loss=snapshot.latest["train_loss"]))
        time.sleep(PROGRESS_EVERY)
        snapshot = state.refresh(run, views=False)  # the counters only, while the bar moves
    bar.empty()
    if not run.lost:
        snapshot = state.refresh(run)  # the snapshot the live part draws: with its views
    return snapshot.latest["test_score"]


def _show(where, engine, accuracy, label):
    value = f"{accuracy:.1%}" if math.isfinite(accuracy) else "—"
    where.metric(label, value, help=_("{engine} engine, after {epochs} epochs, on the test images.")
                 .format(engine=engine_label(engine), epochs=EPOCHS))
