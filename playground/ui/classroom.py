"""Classroom mode: `?classroom=…` in the link names the controls to hide (or `all`); their settings keep
the link's values and stay in effect, and no button may change a hidden setting."""
import streamlit as st

from ..settings import BY_KEY


def shown(name):
    """Whether a control is drawn: classroom mode (`?classroom=…` in the URL) hides those it names.

    A hidden control's setting keeps its value from the URL and stays in effect."""
    hidden = st.session_state.get("classroom", ())
    return name not in hidden and "all" not in hidden


def control_of(key):
    """The classroom control name of a setting (settings.Setting.classroom): "widths" for width_1…,
    "activation" for the per-layer ones, "stop" for the stop condition's…; the key itself for the others."""
    setting = BY_KEY.get(key)
    return setting.classroom if setting is not None and setting.control else key


def may_change(keys):
    """Whether a button may set these settings: not while classroom mode hides any of their controls."""
    return all(shown(control_of(key)) for key in keys)
