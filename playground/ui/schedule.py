"""The learning rate over training: a schedule (key `schedule`: constant, step, exponential, cosine,
warmup_cosine) with a small chart of the rate over the epochs, and the learning-rate finder (`lr_finder`,
then `lr_finder_use`), which tries rates from 1e-5 to 10 on a copy of the network and suggests one.

The schedules' formulas are the registry's (nn.schedules); the finder's work is lr_finder's, in the
run's worker. Changing the schedule keeps the weights, as changing the rate does.
"""
import numpy as np
import streamlit as st

from .. import plots
from ..i18n import N_, _
from ..nn import SCHEDULES
from ..nn.schedules import rate_curve
from ..settings import BY_KEY, LEARNING_RATES, SCHEDULE_SETTINGS, steps_per_epoch
from . import state
from .classroom import may_change, shown
from .chart import chart
from .safe import guarded

NAMES = {"constant": N_("constant"), "step": N_("step decay"), "exponential": N_("exponential decay"),
         "cosine": N_("cosine decay"), "warmup_cosine": N_("warm-up, then cosine")}
CURVE_EPOCHS = 3  # the chart shows the schedule over this many times its horizon


def schedule_label(name):
    return _(NAMES.get(name, name))


def schedule_controls(ds, spec, control):
    """The schedule and the settings it uses (each drawn by `control`, given its Setting), and the rate it
    gives over the epochs (drawn for `spec`)."""
    if not shown("schedule"):
        return
    control(BY_KEY["schedule"])
    uses = SCHEDULES[st.session_state.schedule].parameters
    for key in SCHEDULE_SETTINGS:  # in the sidebar's order
        if SCHEDULE_SETTINGS[key] in uses:
            control(BY_KEY[key])
    if ds is not None and spec is not None and st.session_state.schedule != "constant":
        s = st.session_state
        horizon = max(s.decay_epochs, s.warmup_epochs if "warmup_steps" in uses else 0)
        epochs, rates = rate_curve(spec, steps_per_epoch(state.values(), ds), CURVE_EPOCHS * horizon)
        chart(plots.rates.schedule_figure(epochs, rates), key="chart_schedule", height=150)


def nearest_rate(rate):
    """The page's learning rate nearest to `rate` (on a log scale)."""
    return min(LEARNING_RATES, key=lambda option: abs(np.log(option) - np.log(rate)))


@guarded(N_("the learning-rate finder"))
def _find():
    run = state.page_state().run
    result = state.on_job(run, "lr_find")
    if result is not None:
        state.page_state().lr_found = (run.id, run.snapshot.epoch, result)


@guarded(N_("the learning-rate finder"))
def _use(rate):
    st.session_state.learning_rate = rate


def finder_section(run):
    """One click: the finder's curve (smoothed loss against the rate, on a log axis), its suggestion and
    the rule behind it, and a button that makes it the learning rate."""
    st.subheader(_("Find a learning rate"))
    allowed = may_change(["learning_rate"])
    if run.answered("lr_find"):  # asked earlier, done since
        _find()
    st.button(_("Try rates from 1e-5 to 10"), key="lr_finder", on_click=_find,
              disabled=run.lost or run.snapshot.active or not allowed or run.pending("lr_find"),
              help=_("On a copy of the network, from its weights now: the rate grows tenfold every 50 steps or "
                     "so, up to 300 steps, stopping once the loss passes 4 times its best. The run is untouched."))
    if state.job_under_way(run, "lr_find", _("Trying rates on a copy of the network…")):
        return
    found = state.page_state().lr_found
    if not found or found[0] != run.id:
        st.caption(_("Pause the run, then try: the curve shows how the loss falls, then climbs, as the rate grows."))
        return
    _id, epoch, result = found
    suggestion = nearest_rate(result.suggestion)
    chart(plots.rates.finder_figure(result), key="chart_lr_finder", height=260)
    st.caption(_("From epoch {epoch}: the suggestion is the rate at the lowest smoothed loss, divided by 10 "
                 "(fastai's rule): {rate:.3g}, which the page offers as {option:g}.").format(
        epoch=epoch, rate=result.suggestion, option=suggestion))
    st.button(_("Use this: {rate:g}").format(rate=suggestion), key="lr_finder_use", on_click=_use,
              args=(suggestion,), disabled=not allowed or st.session_state.learning_rate == suggestion)

