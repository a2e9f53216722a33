"""Session state: the settings (mirrored in the URL), the run, and the button callbacks.

Everything here is one browser session's own: `st.session_state`, never a shared cache.
"""
import sys

import streamlit as st

from ..data import DATASETS
from ..training import TrainingRun
from . import settings
from .settings import SETTINGS, UPLOAD


def init():
    """On a session's first run: every setting from the URL, or its default.

    On every run after that, each setting is written back to itself: Streamlit forgets the
    value of a control that was not drawn in the last run (the noise slider while an image
    set is chosen), and a value set in code is kept.
    """
    s = st.session_state
    if "run" in s:
        for x in SETTINGS:
            s[x.key] = s[x.key] if x.key in s else x.default
        return
    values, refused = settings.from_query(st.query_params.to_dict())
    for key, value in values.items():
        s[key] = list(value) if key == "features" else value
    s.url_warnings = refused
    s.url_given = set(st.query_params.to_dict())
    s.playing = False
    s.run = None
    s.run_key = None


def show_url_warnings():
    refused = st.session_state.pop("url_warnings", [])
    if refused:
        names = ", ".join(f"`{key}`" for key in refused)
        st.warning(f"The link had a value this page cannot use for {names}: the default is used instead.")


def write_query_params():
    """The URL always holds every setting in effect, defaults included, so it can be shared."""
    s = st.session_state
    values = {x.key: s[x.key] if x.key in s else x.default for x in SETTINGS}
    query = settings.to_query(values)
    if query != st.query_params.to_dict():
        st.query_params.from_dict(query)


def fit_choice(key, options):
    """Keep a setting among the options its control offers now (they depend on other settings)."""
    if st.session_state[key] not in options:
        _refuse_from_url(key)
        st.session_state[key] = options[0]


def fit_number(key, low, high):
    value = st.session_state[key]
    if not low <= value <= high:
        _refuse_from_url(key)
        st.session_state[key] = min(max(value, low), high)


def _refuse_from_url(key):
    """On the first run a value that does not fit came from the link: say so."""
    warnings = st.session_state.get("url_warnings")
    if warnings is not None and key in st.session_state.url_given and key not in warnings:
        warnings.append(key)


def data_arguments():
    """make_dataset's arguments for the chosen set; those it ignores are left at their defaults,
    so that changing them does not make a new data set (or a new run)."""
    s = st.session_state
    kind = DATASETS[s.dataset].kind
    arguments = {"train_fraction": s.train_percent / 100, "seed": s.data_seed}
    if kind == "plane":
        arguments.update(n_samples=s.samples, noise=s.noise, features=tuple(s.features))
    if s.dataset == "blobs":
        arguments["n_classes"] = s.classes
    if s.dataset == "mnist":  # Keras's own split
        arguments = {}
    return arguments


def data_key():
    """What identifies the data: a change here means a new data set, so a new run."""
    s = st.session_state
    if s.dataset == UPLOAD:
        file = s.get("upload_file")
        return (UPLOAD, file.file_id if file else None)
    return (s.dataset, *sorted(data_arguments().items()))


def current_run(config, ds):
    """The session's run, reconfigured for new training settings, or a new one for anything else."""
    s = st.session_state
    run = s.run
    if config is None:
        return run
    key = (config.engine, config.data_key)
    if run is not None and s.run_key == key and run.spec.same_network(config.spec):
        if run.spec != config.spec:
            with run.lock:
                run.reconfigure(config.spec)
        return run
    loading = config.engine == "keras" and "tensorflow" not in sys.modules
    with st.spinner("Loading TensorFlow for the Keras engine (the first time takes a few seconds)…"
                    if loading else "Building the network…"):
        s.run = TrainingRun(config.engine, config.spec, ds)
    s.run_key = key
    s.playing = False
    return s.run


def regenerate():
    st.session_state.data_seed += 1


def toggle_play():
    st.session_state.playing = not st.session_state.playing


def step():
    s = st.session_state
    s.playing = False
    if s.run is not None:
        with s.run.lock:
            s.run.train_epoch()


def reset():
    s = st.session_state
    s.playing = False
    if s.run is not None:
        s.run = TrainingRun(s.run.engine_name, s.run.spec, s.run.dataset)
