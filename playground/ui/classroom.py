"""Classroom mode: `?classroom=…` in the link names the controls to hide (or `all`); their settings keep
the link's values and stay in effect, and no button may change a hidden setting."""
import streamlit as st

from ..settings import SCHEDULE_SETTINGS


def shown(name):
    """Whether a control is drawn: classroom mode (`?classroom=…` in the URL) hides those it names.

    A hidden control's setting keeps its value from the URL and stays in effect."""
    hidden = st.session_state.get("classroom", ())
    return name not in hidden and "all" not in hidden


def control_of(key):
    """The classroom control name of a setting: "widths" for width_1…, "activation" for the per-layer ones,
    "dropout" for the per-layer rates, "stop" for the stop condition's."""
    if key.startswith("width_"):
        return "widths"
    if key.startswith("activation_") or key == "per_layer":
        return "activation"
    if key in SCHEDULE_SETTINGS:
        return "schedule"
    if key.startswith("stop_"):
        return "stop"
    if key.startswith("dropout_") or key == "per_layer_dropout":
        return "dropout"
    return {"data_seed": "regenerate"}.get(key, key)


def may_change(keys):
    """Whether a button may set these settings: not while classroom mode hides any of their controls."""
    return all(shown(control_of(key)) for key in keys)
