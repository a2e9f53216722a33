"""The sidebar's controls and the run buttons. Each function draws a part and returns what it chose."""
import io
import os
from dataclasses import dataclass

import streamlit as st

from ..data import DATASETS, FEATURES, load_csv, make_dataset
from ..engines import ENGINES
from ..nn import OPTIMIZERS
from ..spec import NetworkSpec
from . import state
from .settings import (HIDDEN_ACTIVATIONS, LEARNING_RATES, MAX_LAYERS, MAX_WIDTH, NOISE_LEVELS,
                       PENALTY_RATES, SAMPLE_SIZES, UPLOAD)

ENGINE_LABELS = {"numpy": "NumPy (from scratch)", "keras": "Keras (TensorFlow)"}
# The output activations each task offers, and the losses that fit each.
HEADS = {
    "binary": {"sigmoid": ("binary_crossentropy", "mse"), "softmax": ("categorical_crossentropy", "mse"),
               "tanh": ("mse",), "linear": ("mse",)},
    "multiclass": {"softmax": ("categorical_crossentropy", "mse"), "sigmoid": ("mse",)},
    "regression": {"linear": ("mse",), "tanh": ("mse",), "sigmoid": ("mse",)},
}


@dataclass(frozen=True)
class Config:
    engine: str
    spec: NetworkSpec
    data_key: tuple


# Data sets are read only: one copy serves every session (st.cache_data would hand each rerun
# a fresh copy, 200 MB for MNIST).
@st.cache_resource(max_entries=8, show_spinner="Making the data set…")
def cached_dataset(name, **arguments):
    return make_dataset(name, **arguments)


@st.cache_resource(max_entries=4, show_spinner="Reading the CSV file…")
def cached_csv(file_id, name, _content):
    """The upload as a Dataset, cached by the upload's id rather than by hashing its bytes."""
    return load_csv(io.BytesIO(_content), name=name)


def data_sidebar():
    """The data controls; returns the Dataset, or None (with a message) when there is none to use."""
    sb = st.sidebar
    sb.header("Data")
    if shown("dataset"):
        sb.selectbox("Data set", (*DATASETS, UPLOAD), key="dataset",
                     format_func=lambda n: "upload a CSV file…" if n == UPLOAD else n,
                     help="The 2-D sets draw a decision boundary; digits and mnist are images.")
    name = st.session_state.dataset
    if name == UPLOAD:
        return _upload(sb)
    info = DATASETS[name]
    sb.caption(info.description)
    if info.kind == "plane" and shown("noise"):
        sb.select_slider("Noise", NOISE_LEVELS, key="noise")
    if info.kind == "plane" and shown("samples"):
        sb.select_slider("Samples", SAMPLE_SIZES, key="samples")
    if name == "blobs" and shown("classes"):
        sb.slider("Classes", 3, 5, key="classes")
    if shown("train_percent"):
        sb.slider("Training data (%)", 10, 90, step=10, key="train_percent")
    if shown("regenerate"):
        sb.button("Regenerate", key="regenerate", on_click=state.regenerate, help="Draw a new sample of the data.",
                  disabled=info.kind != "plane")
    if info.kind == "plane":
        if shown("features"):
            sb.multiselect("Input features", FEATURES, key="features",
                           help="What the input layer sees, computed from each point (x1, x2).")
        if not st.session_state.features:
            sb.error("Choose at least one input feature.")
            return None
    try:
        return cached_dataset(name, **state.data_arguments())
    except ValueError as error:
        sb.error(str(error))
        return None


def _upload(sb):
    file = sb.file_uploader("CSV file", type=["csv", "txt"], key="upload_file",
                            help="Numeric feature columns and a label column (named label, or the last one).")
    if file is None:
        sb.info("Choose a CSV file to train on.")
        return None
    try:
        return cached_csv(file.file_id, os.path.splitext(file.name)[0], file.getvalue())
    except ValueError as error:
        sb.error(f"{file.name}: {error}")
        return None


def network_sidebar(ds):
    """The network and training controls; returns the Config, or None without data."""
    sb, s = st.sidebar, st.session_state
    sb.header("Network")
    if shown("engine"):
        sb.radio("Engine", list(ENGINES), key="engine", format_func=engine_label, horizontal=True)
    if shown("layers"):
        sb.slider("Hidden layers", 0, MAX_LAYERS, key="layers")
    columns = sb.columns(2)
    for i in range(1, s.layers + 1):
        if shown("widths"):
            columns[(i - 1) % 2].number_input(f"Neurons, layer {i}", 1, MAX_WIDTH, step=1, key=f"width_{i}")
    if shown("activation"):
        sb.selectbox("Activation", HIDDEN_ACTIVATIONS, key="activation", disabled=s.per_layer)
        sb.checkbox("A different activation per layer", key="per_layer")
    if s.per_layer and shown("activation"):
        for i in range(1, s.layers + 1):
            sb.selectbox(f"Activation of layer {i}", HIDDEN_ACTIVATIONS, key=f"activation_{i}")
    kind = task_kind(ds) if ds is not None else s.get("task_kind", "binary")
    heads = HEADS[kind]
    # Another kind of task, or a first run whose link does not say: the task's usual output and loss.
    changed, first = s.get("task_kind", kind) != kind, "task_kind" not in s
    s.task_kind = kind
    if changed or (first and "output" not in s.url_given):
        s.output = next(iter(heads))
    state.fit_choice("output", list(heads))
    if shown("output"):
        sb.selectbox("Output activation", list(heads), key="output")
    if changed or (first and "loss" not in s.url_given):
        s.loss = heads[s.output][0]
    state.fit_choice("loss", heads[s.output])
    if shown("loss"):
        sb.selectbox("Loss", heads[s.output], key="loss")

    sb.header("Training")
    if shown("optimizer"):
        sb.selectbox("Optimizer", tuple(OPTIMIZERS), key="optimizer")
    if shown("learning_rate"):
        sb.select_slider("Learning rate", LEARNING_RATES, key="learning_rate", help="α in W ← W − α·∂L/∂W.")
    n_train = len(ds.X_train) if ds is not None else 1000
    state.fit_number("batch_size", 1, n_train)
    if shown("batch_size"):
        sb.slider("Batch size", 1, n_train, key="batch_size")
    if shown("regularization"):
        sb.selectbox("Regularization", ("none", "l1", "l2"), key="regularization",
                     help="A penalty on the weights added to the loss: l1·Σ|W| or l2·ΣW².")
    if shown("penalty_rate"):
        sb.select_slider("Regularization rate", PENALTY_RATES, key="penalty_rate",
                         disabled=s.regularization == "none")
    if shown("seed"):
        sb.number_input("Seed", 0, 2**31 - 1, step=1, key="seed",
                        help="Draws the initial weights and the batch order.")
    if ds is None:
        return None
    n_outputs = ds.n_classes if ds.n_classes > 2 else (2 if s.output == "softmax" else 1)
    penalty = s.penalty_rate if s.regularization != "none" else 0.0
    spec = NetworkSpec(
        n_inputs=ds.n_inputs, hidden=tuple(s[f"width_{i}"] for i in range(1, s.layers + 1)), n_outputs=n_outputs,
        activation=tuple(s[f"activation_{i}"] for i in range(1, s.layers + 1)) if s.per_layer else s.activation,
        output_activation=s.output, loss=s.loss, optimizer=s.optimizer, learning_rate=s.learning_rate,
        batch_size=s.batch_size, l1=penalty if s.regularization == "l1" else 0.0,
        l2=penalty if s.regularization == "l2" else 0.0, seed=int(s.seed))
    return Config(s.engine, spec, state.data_key())


def shown(name):
    """Whether a control is drawn: classroom mode (`?classroom=…` in the URL) hides those it names.

    A hidden control's setting keeps its value from the URL and stays in effect."""
    hidden = st.session_state.get("classroom", ())
    return name not in hidden and "all" not in hidden


def engine_label(name):
    """How the page names an engine; an engine added to ENGINES shows under its own name."""
    return ENGINE_LABELS.get(name, name)


def task_kind(ds):
    if ds.task == "regression":
        return "regression"
    return "multiclass" if ds.n_classes > 2 else "binary"


def run_buttons(run):
    playing = st.session_state.playing
    left, middle, right, _ = st.columns([1, 1, 1, 5])
    left.button("Pause" if playing else "Play", icon=":material/pause:" if playing else ":material/play_arrow:",
                key="play", on_click=state.toggle_play, type="primary",
                width="stretch", disabled=run.diverged)
    middle.button("Step", key="step", on_click=state.step, width="stretch", disabled=run.diverged,
                  help="Train one epoch.")
    right.button("Reset", key="reset", on_click=state.reset, width="stretch",
                 help="Start again from the same initial weights; change the seed for others.")
