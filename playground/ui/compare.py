"""Compare runs: pin the current run, keep up to five pinned beside the live one, see what differs.

A pin keeps a copy of the run's history (its test curves stay on the loss and accuracy charts,
through `st.session_state.pinned`) and the settings it was trained with, as the URL writes them.
"""
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from . import settings

MAX_PINS = 5
NOT_COMPARED = ("show_test", "discretize", "classroom")  # how the page looks, not what it trains


@dataclass(frozen=True)
class Pin:
    number: int
    label: str
    history: dict
    settings: dict


def current_settings():
    """The settings in effect now, as text (as in the URL), without those that only change the view."""
    s = st.session_state
    query = settings.to_query({x.key: s[x.key] if x.key in s else x.default for x in settings.SETTINGS})
    return {key: value for key, value in query.items() if key not in NOT_COMPARED}


def describe(values):
    """A short label for settings given as text: data set, layers, activation, optimizer, rate, penalty."""
    layers = int(values["layers"])
    widths = "-".join(values[f"width_{i}"] for i in range(1, layers + 1)) or "no hidden layer"
    activation = "" if not layers else " per-layer" if values["per_layer"] == "1" else f" {values['activation']}"
    penalty = "" if values["regularization"] == "none" else f" {values['regularization']} {values['penalty_rate']}"
    return f"{values['dataset']} {widths}{activation} {values['optimizer']} α={values['learning_rate']}{penalty}"


def difference_table(now, pins):
    """A table of the settings that differ between the run now and the pinned ones; '—' where one
    has no such setting (a layer it does not have)."""
    columns = {"now": now, **{f"#{p.number}": p.settings for p in pins}}
    keys = [x.key for x in settings.SETTINGS if any(x.key in values for values in columns.values())]
    rows = {key: [values.get(key, "—") for values in columns.values()] for key in keys}
    rows = {key: row for key, row in rows.items() if len(set(row)) > 1}
    return pd.DataFrame(rows.values(), index=list(rows), columns=list(columns))


def pin():
    """Pins the session's run as it is now (a no-op with five pinned already)."""
    s = st.session_state
    pins = s.get("pins", [])
    if s.get("run") is None or len(pins) >= MAX_PINS:
        return
    with s.run.lock:
        history = {key: list(values) for key, values in s.run.history.items()}
    s.pin_count = s.get("pin_count", 0) + 1
    values = current_settings()
    _keep([*pins, Pin(s.pin_count, f"#{s.pin_count} {describe(values)}", history, values)])


def unpin(number):
    _keep([p for p in st.session_state.get("pins", []) if p.number != number])


def clear():
    _keep([])


def _keep(pins):
    """Stores the pins, and the (label, history) pairs the live charts draw."""
    st.session_state.pins = pins
    st.session_state.pinned = [(p.label, p.history) for p in pins]


def compare_section():
    """Pin this run; the pinned runs, each with an Unpin button; the settings that differ."""
    pins = st.session_state.get("pins", [])
    st.subheader("Compare runs")
    left, right, _ = st.columns([1, 1, 4])
    left.button("Pin this run", key="pin", on_click=pin, disabled=len(pins) >= MAX_PINS,
                width="stretch",
                help=f"Keep this run's test curves on the charts (up to {MAX_PINS}), then change a setting "
                     "and train again.")
    right.button("Clear all", key="unpin_all", on_click=clear, disabled=not pins, width="stretch")
    if not pins:
        st.caption("Pin a run to keep its test loss and accuracy on the charts as dotted lines, then change "
                   "a setting and train again to compare.")
        return
    if len(pins) >= MAX_PINS:
        st.caption(f"{MAX_PINS} runs are pinned: unpin one to pin another.")
    for p in pins:
        label, button = st.columns([5, 1])
        label.markdown(f"**{p.label}**, {p.history['epoch'][-1]} epochs, test loss {p.history['test_loss'][-1]:.4f}")
        button.button("Unpin", key=f"unpin_{p.number}", on_click=unpin, args=(p.number,), width="stretch")
    table = difference_table(current_settings(), pins)
    if table.empty:
        st.caption("The pinned runs have the same settings as this one.")
    else:
        st.caption("The settings that differ between this run (now) and the pinned ones:")
        st.table(table)
