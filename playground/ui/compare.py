"""Compare runs: pin the current run, keep up to five pinned beside the live one, see what differs.

A pin keeps a copy of the run's history (its test curves stay on the loss and accuracy charts,
through `pinned()`) and the settings it was trained with, as the URL writes them.
"""
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from .. import settings
from ..i18n import N_, _
from . import state
from .safe import guarded, md

MAX_PINS = 5
NOT_COMPARED = ("show_test", "discretize", "presentation", "lang", "classroom", "challenge", "drawn")  # how the page looks, not what it trains


@dataclass(frozen=True)
class Pin:
    number: int
    history: dict
    settings: dict
    moment: tuple = ()    # (run id, epoch): what was pinned, so the same moment is not pinned twice

    @property
    def label(self):
        """"#2 circle 4-2 tanh sgd α=0.03", in the page's language now."""
        return f"#{self.number} {describe(self.settings)}"


def current_settings():
    """The settings in effect now, as text (as in the URL), without those that only change the view."""
    query = settings.to_query(state.values())
    return {key: value for key, value in query.items() if key not in NOT_COMPARED}


def describe(values):
    """A short label for settings given as text: data set, layers, activation, optimizer, rate, penalty."""
    layers = int(values["layers"])
    widths = "-".join(values[f"width_{i}"] for i in range(1, layers + 1)) or _("no hidden layer")
    activation = "" if not layers else " " + _("per-layer") if values["per_layer"] == "1" else f" {values['activation']}"
    penalty = "" if values["regularization"] == "none" else f" {values['regularization']} {values['penalty_rate']}"
    return f"{values['dataset']} {widths}{activation} {values['optimizer']} α={values['learning_rate']}{penalty}"


def difference_table(now, pins):
    """A table of the settings that differ between the run now and the pinned ones; '—' where one
    has no such setting (a layer it does not have)."""
    columns = {"now": now, **{f"#{p.number}": p.settings for p in pins}}
    keys = [x.key for x in settings.SETTINGS if any(x.key in values for values in columns.values())]
    rows = {key: [values.get(key, "—") for values in columns.values()] for key in keys}
    rows = {key: row for key, row in rows.items() if len(set(row)) > 1}
    return pd.DataFrame(rows.values(), index=[settings.label(key) for key in rows], columns=list(columns))


@guarded(N_("compare runs"))
def pin():
    """Pins the session's run as it is now (a no-op with five pinned already); the same run at the same
    epoch, pinned already, is refused with a message."""
    s = state.page_state()
    pins, run = s.pins, s.run
    if run is None or len(pins) >= MAX_PINS:
        return
    moment = (run.id, run.snapshot.epoch, run.spec)
    twin = next((p for p in pins if p.moment == moment), None)
    if twin is not None:
        s.pin_message = twin.number
        return
    s.pin_count += 1
    values = current_settings()
    s.pins = [*pins, Pin(s.pin_count, dict(run.snapshot.history), values, moment)]


@guarded(N_("compare runs"))
def unpin(number):
    s = state.page_state()
    s.pins = [p for p in s.pins if p.number != number]


@guarded(N_("compare runs"))
def clear():
    state.page_state().pins = []


def pinned():
    """(label, history) of each pinned run, for the live charts to draw beside the run."""
    return [(p.label, p.history) for p in state.page_state().pins]


def compare_section(run):
    """Pin this run; the pinned runs, each with an Unpin button; the settings that differ."""
    pins = state.page_state().pins
    st.subheader(_("Compare runs"))
    twin = state.page_state().take("pin_message")
    if twin is not None:
        st.warning(_("This run is pinned already, as #{number}: train it on or change a setting, then pin it.")
                   .format(number=twin))
    with st.container(horizontal=True):
        st.button(_("Pin this run"), key="pin", on_click=pin, disabled=len(pins) >= MAX_PINS,
                  help=_("Keep this run's test curves on the charts (up to {pins}), then change a setting and train "
                         "again.").format(pins=MAX_PINS))
        st.button(_("Clear all"), key="unpin_all", on_click=clear, disabled=not pins)
    if not pins:
        st.caption(_("Pin a run to keep its test loss and accuracy on the charts, in a colour and dash of its own, "
                     "then change a setting and train again to compare."))
        return
    if len(pins) >= MAX_PINS:
        st.caption(_("{pins} runs are pinned: unpin one to pin another.").format(pins=MAX_PINS))
    for p in pins:
        with st.container(horizontal=True, vertical_alignment="center"):
            st.markdown(_("**{label}**, {epochs} epochs, test loss {loss:.4f}").format(
                label=md(p.label), epochs=p.history["epoch"][-1], loss=p.history["test_loss"][-1]), width="stretch")
            st.button(_("Unpin"), key=f"unpin_{p.number}", on_click=unpin, args=(p.number,))
    table = difference_table(current_settings(), pins)
    if table.empty:
        st.caption(_("The pinned runs have the same settings as this one."))
    else:
        st.caption(_("The settings that differ between this run (now) and the pinned ones:"))
        st.table(table.rename(columns={"now": _("now")}))
