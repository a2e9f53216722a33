"""The sidebar's controls and the run buttons. chosen_data and chosen_network read what the settings choose,
without drawing anything (the page draws its live part first); the *_sidebar functions then draw the controls."""
import contextlib
import io
import os
from dataclasses import dataclass

import numpy as np
import streamlit as st

from ..data import DATASETS, FEATURES, MnistUnavailable, load_csv, make_dataset
from ..engines import ENGINES
from ..i18n import N_, _, ngettext
from ..nn import INITIALIZERS, OPTIMIZERS, hidden_activations
from ..settings import (CLIP_NORMS, DROPOUT_RATES, LEARNING_RATES, MAX_LAYERS, MAX_STOP_VALUE, MAX_WIDTH, NOISE_LEVELS,
                        SPEEDS, STOP_METRICS, heads, PENALTY_RATES, SAMPLE_SIZES, UPLOAD, network_spec, task_kind)
from ..spec import NetworkSpec
from . import draw, schedule, state
from .classroom import control_of, shown
from .safe import labels, md

ENGINE_LABELS = {"numpy": N_("NumPy (from scratch)"), "keras": N_("Keras (TensorFlow)")}


@dataclass(frozen=True)
class Config:
    engine: str
    spec: NetworkSpec
    data_key: tuple


def _read_only(dataset):
    """Every array of a data set that all sessions share, made read-only."""
    for value in vars(dataset).values():
        if isinstance(value, np.ndarray):
            value.flags.writeable = False
    return dataset


# Data sets are read only: one copy serves every session (st.cache_data would hand each rerun
# a fresh copy, 200 MB for MNIST).
@st.cache_resource(max_entries=8, show_spinner=False)
def _dataset(name, **arguments):
    return _read_only(make_dataset(name, **arguments))


def forget_data_sets():
    """Empties the data sets' cache (a test that changes where MNIST comes from)."""
    _dataset.clear()


def cached_dataset(name, **arguments):
    with st.spinner(_("Making the data set…")):
        return _dataset(name, **arguments)


@st.cache_resource(max_entries=4, show_spinner=False)
def _csv(file_id, name, _content):
    """The upload as a Dataset, cached by the upload's id rather than by hashing its bytes."""
    return _read_only(load_csv(io.BytesIO(_content), name=name))


def cached_csv(file_id, name, content):
    with st.spinner(_("Reading the CSV file…")):
        return _csv(file_id, name, content)


def dataset_label(name):
    return _("upload a CSV file…") if name == UPLOAD else name


def chosen_data():
    """The data set the settings choose, made without drawing a control: (the Dataset, or None, and the notes
    the sidebar shows under the data controls, as (kind, markdown) with kind "error", "warning", "info" or
    "caption")."""
    s = st.session_state
    name = s.dataset
    if name == UPLOAD:
        return _uploaded(s.get("upload_file"))
    if DATASETS[name].kind == "plane" and not s.features:
        return None, [("error", _("Choose at least one input feature."))]
    try:
        dataset = cached_dataset(name, **state.data_arguments())
    except MnistUnavailable as error:
        return None, [("error", mnist_unavailable(error))]
    except ValueError as error:
        return None, [("error", _("This data set cannot be made: {reason}").format(reason=md(error)))]
    if s.get("drawn") and draw.possible(dataset):  # a link that brings a drawing
        draw.start(dataset)
    if not draw.active(dataset):
        return dataset, []
    dataset, problem = draw.dataset(dataset)
    return dataset, [("warning", problem)] if problem else []


def _uploaded(file):
    if file is None:
        return None, [("info", _("Choose a CSV file to train on."))]
    try:
        dataset = cached_csv(file.file_id, os.path.splitext(file.name)[0], file.getvalue())
    except ValueError as error:
        return None, [("error", _("{file} was not loaded: {reason}").format(file=md(file.name), reason=md(error, limit=600)))]
    return dataset, [("caption", _("{file}: {note}").format(file=md(file.name), note=md(note))) for note in dataset.notes]


def data_sidebar(notes):
    """The data controls, then `notes` (from chosen_data).

    What a class changes most (the data set, the input features) comes first; the rest folds."""
    sb = st.sidebar
    sb.markdown("**" + _("Data") + "**")
    name = st.session_state.dataset
    if shown("dataset"):
        names = (*DATASETS, UPLOAD)
        sb.selectbox(_("Data set"), names, key="dataset", format_func=labels(names, dataset_label), on_change=draw.forget,
                     help=_("The 2-D sets draw a decision boundary; digits and mnist are images."))
    else:
        fixed(sb, _("Data set"), dataset_label(name))
    if name == UPLOAD:
        sb.file_uploader(_("CSV file"), type=["csv", "txt"], key="upload_file",
                         help=_("Numeric feature columns and a label column (named label, or the last one)."))
    else:
        _data_options(sb, name)
    for kind, text in notes:
        getattr(sb, kind)(text)


def _data_options(sb, name):
    info = DATASETS[name]
    if info.kind == "plane" and shown("features"):
        sb.multiselect(_("Input features"), FEATURES, key="features",
                       help=_("What the input layer sees, computed from each point (x1, x2)."))
    elif info.kind == "plane":
        fixed(sb, _("Input features"), md(", ".join(st.session_state.features)))  # x1*x2: an asterisk
    more = [control_of(key) for key in info.settings if key != "features"]
    opened = any(map(shown, more))  # else the description alone, and no expander with nothing to change
    with sb.expander(_("More data options")) if opened else _nothing():
        (st if opened else sb).caption(_(info.description))
        if "noise" in more and shown("noise"):
            st.select_slider(_("Noise"), NOISE_LEVELS, key="noise")
        if "samples" in more and shown("samples"):
            st.select_slider(_("Samples"), SAMPLE_SIZES, key="samples")
        if "classes" in more and shown("classes"):
            st.slider(_("Classes"), *info.classes, key="classes")
        if "train_percent" in more and shown("train_percent"):
            st.slider(_("Training data (%)"), 10, 90, step=10, key="train_percent")
        if "regenerate" in more and shown("regenerate"):
            st.button(_("Regenerate"), key="regenerate", on_click=state.regenerate,
                      help=_("Draw a new sample of the data."), disabled=info.kind != "plane")


def mnist_unavailable(error):
    """The whole sentence, as markdown, that says MNIST cannot be had and how to give it to the app."""
    return _("MNIST is not on this machine and could not be downloaded, so the tutorial's example runs on digits; "
             "to give MNIST to the app, save an mnist.npz in Keras's format (arrays `x_train`, `y_train`, `x_test` "
             "and `y_test`) and start the app with the environment variable `PLAYGROUND_MNIST` set to its path, or "
             "copy it to {cache}, where Keras keeps it once downloaded.").format(cache=md(error.cache, limit=400))


def chosen_network(ds):
    """The Config the settings make for `ds`, without drawing a control: (Config or None, what is wrong or None).

    Settings that depend on others are brought in line first: a task of another kind brings its usual output
    and loss, and a choice its control no longer offers is replaced."""
    s, p = st.session_state, state.page_state()
    kind = task_kind(ds) if ds is not None else p.task_kind or "binary"
    outputs = heads()[kind]  # {output activation: the losses that fit it}
    # Another kind of task, or a first run whose link does not say: the task's usual output and loss.
    changed, first = (p.task_kind or kind) != kind, p.task_kind is None
    p.task_kind = kind
    if changed or (first and "output" not in p.url_given):
        s.output = next(iter(outputs))
    state.fit_choice("output", list(outputs))
    if changed or (first and "loss" not in p.url_given):
        s.loss = outputs[s.output][0]
    state.fit_choice("loss", outputs[s.output])
    state.fit_number("batch_size", 1, len(ds.X_train) if ds is not None else 1000)
    if ds is None:
        return None, None
    try:
        return Config(s.engine, network_spec(state.values(), ds), state.data_key()), None
    except ValueError as error:
        return None, _("These settings make no network: {reason}").format(reason=md(error))


def network_sidebar(ds, problem):
    """The network and training controls (for the settings chosen_network has brought in line), then `problem`.

    The layers and their neurons, the activation and the learning rate come first; the rest folds."""
    sb, s = st.sidebar, st.session_state
    sb.markdown("**" + _("Network") + "**")
    if shown("layers"):
        sb.slider(_("Hidden layers"), 0, MAX_LAYERS, key="layers")
    else:
        fixed(sb, _("Hidden layers"), str(s.layers))
    if not shown("widths") and s.layers:
        fixed(sb, _("Neurons per layer"), ", ".join(str(s[f"width_{i}"]) for i in range(1, s.layers + 1)))
    elif s.layers:
        columns = sb.columns(min(s.layers, 3))  # four to a row break "Layer 1" and its ? into two lines
        for i in range(1, s.layers + 1):
            columns[(i - 1) % len(columns)].number_input(
                _("Layer {layer}").format(layer=i), 1, MAX_WIDTH, step=1, key=f"width_{i}",
                help=_("Neurons in hidden layer {layer}.").format(layer=i))
    if shown("activation"):
        sb.selectbox(_("Activation"), hidden_activations(), key="activation", disabled=s.per_layer)
    elif s.layers:
        fixed(sb, _("Activation"), ", ".join(s[f"activation_{i}"] for i in range(1, s.layers + 1)) if s.per_layer
              else s.activation)
    sb.markdown("**" + _("Training") + "**")
    if shown("learning_rate"):
        sb.select_slider(_("Learning rate"), LEARNING_RATES, key="learning_rate", help=_("α in W ← W − α·∂L/∂W."))
    else:
        fixed(sb, _("Learning rate"), f"{s.learning_rate:g}")
    kind, n_train = state.page_state().task_kind, len(ds.X_train) if ds is not None else 1000
    outputs = heads()[kind]
    more = ("activation", "output", "loss", "optimizer", "schedule", "batch_size", "regularization",
            "penalty_rate", "dropout", "clip_norm", "init", "seed")
    if shown("engine"):  # on the first screen: the first Keras run takes seconds, and the page says why
        sb.radio(_("Engine"), list(ENGINES), key="engine", format_func=labels(ENGINES, engine_label),
                 horizontal=True)
    with sb.expander(_("More network and training options")) if any(map(shown, more)) else _nothing():
        if shown("activation"):
            st.checkbox(_("A different activation per layer"), key="per_layer")
            if s.per_layer:
                for i in range(1, s.layers + 1):
                    st.selectbox(_("Activation of layer {layer}").format(layer=i), hidden_activations(),
                                 key=f"activation_{i}")
        if shown("output"):
            st.selectbox(_("Output activation"), list(outputs), key="output")
        if shown("loss"):
            st.selectbox(_("Loss"), outputs[s.output], key="loss")
        if shown("optimizer"):
            st.selectbox(_("Optimizer"), tuple(OPTIMIZERS), key="optimizer")
        schedule.schedule_controls(ds, _spec(ds))
        if shown("batch_size"):
            st.slider(_("Batch size"), 1, n_train, key="batch_size")
        if shown("regularization"):
            penalties = ("none", "l1", "l2")
            st.selectbox(_("Regularization"), penalties, key="regularization",
                         format_func=labels(penalties, _penalty_label), help=_("A penalty on the weights added to the loss: l1·Σ|W| or l2·ΣW²."))
        if shown("penalty_rate"):
            st.select_slider(_("Regularization rate"), PENALTY_RATES, key="penalty_rate",
                             disabled=s.regularization == "none")
        if shown("dropout"):
            _dropout_controls(s)
        if shown("clip_norm"):
            clip_norms = (None, *CLIP_NORMS)
            st.select_slider(_("Gradient clipping"), clip_norms, key="clip_norm",
                             format_func=labels(clip_norms, lambda c: _("none") if c is None else f"{c:g}"),
                             help=_("Each step's gradient is scaled down to this norm when it is longer: "
                                    "g ← g·c / max(‖g‖, c), over every weight and bias at once."))
        if shown("init"):
            st.selectbox(_("Initial weights"), tuple(INITIALIZERS), key="init",
                         help=_("How the weights are drawn before training; the biases start at 0."))
        if shown("seed"):
            st.number_input(_("Seed"), 0, 2**31 - 1, step=1, key="seed",
                            help=_("Draws the initial weights and the batch order."))
    if shown("stop"):
        _stop_controls(sb, kind)
    if problem:
        sb.error(problem)


def fixed(sb, label, value):
    """A setting classroom mode fixes, in its control's place: its name and value (a number or a name from the
    page's own lists, markdown-safe as it is), read-only."""
    sb.caption(_("{setting} {value} (set for this class)").format(setting=label, value=value))


@contextlib.contextmanager
def _nothing():
    """In place of an expander none of whose controls is shown: draws nothing."""
    yield


def _dropout_controls(s):
    st.select_slider(_("Dropout"), DROPOUT_RATES, key="dropout", disabled=s.per_layer_dropout or not s.layers,
                     help=_("In each training step every hidden neuron's output is dropped with this probability, and "
                            "the others are scaled by 1/(1 − rate) (inverted dropout). Predictions, the boundary and "
                            "the test figures use the whole network. Each step trains another subset of the neurons, so "
                            "the weights jitter and the loss curves get noisier."))
    st.checkbox(_("A different dropout rate per layer"), key="per_layer_dropout", disabled=not s.layers)
    if s.per_layer_dropout:
        for i in range(1, s.layers + 1):
            st.select_slider(_("Dropout of layer {layer}").format(layer=i), DROPOUT_RATES, key=f"dropout_{i}")


def _stop_controls(sb, kind):
    """When the run pauses by itself: at an epoch, or when a test figure gets to a value."""
    with sb.expander(_("Stop training")):
        st.number_input(_("Stop at epoch"), min_value=1, max_value=1_000_000, step=1, key="stop_epoch",
                        placeholder=_("never"), help=_("Leave it empty to train until paused."))
        st.selectbox(_("Stop when"), STOP_METRICS, key="stop_metric",
                     format_func=labels(STOP_METRICS, lambda m: stop_metric_label(m, kind)))
        st.number_input(_("Stop value"), min_value=0.0, max_value=MAX_STOP_VALUE, step=0.01, format="%.4g",
                        key="stop_value", disabled=st.session_state.stop_metric == "none")


def stop_metric_label(metric, kind):
    """"the test loss falls to", "the test accuracy reaches" (R² for regression), or "never"."""
    if metric == "test_loss":
        return _("the test loss falls to")
    if metric == "test_score":
        return _("the test R² reaches") if kind == "regression" else _("the test accuracy reaches")
    return _("never")


def stop_message(stopped, kind):
    """Why the run paused by itself, from a Snapshot's `stopped` (epoch, what, value)."""
    epoch, what, value = stopped
    if what == "epoch":
        return _("Stopped at epoch {epoch}, the epoch set to stop at.").format(epoch=epoch)
    if what == "test_loss":
        reason = _("the test loss fell to {value:.4g}")
    else:
        reason = _("the test R² reached {value:.4g}") if kind == "regression" else _("the test accuracy reached {value:.4g}")
    return _("Stopped at epoch {epoch}: {reason}.").format(epoch=epoch, reason=reason.format(value=value))


def _spec(ds):
    """The NetworkSpec of the settings now, or None if they make none (said elsewhere)."""
    try:
        return network_spec(state.values(), ds) if ds is not None else None
    except ValueError:
        return None


def _penalty_label(name):
    return _("none") if name == "none" else name


def engine_label(name):
    """How the page names an engine; an engine added to ENGINES shows under its own name."""
    return _(ENGINE_LABELS[name]) if name in ENGINE_LABELS else name


def speed_label(speed):
    """How the speed control names a speed: epochs a frame, or full speed."""
    if not speed:
        return _("Full speed")
    if speed < 1:
        return _("{fraction} epoch a frame").format(fraction={0.1: "⅒", 0.25: "¼"}.get(speed, "½"))
    return ngettext("{n} epoch a frame", "{n} epochs a frame", speed).format(n=speed)


def run_buttons(run):
    """Play/Pause, Step and Reset (Space plays and pauses, S steps), and the presentation switch.

    The buttons are as wide as their labels and wrap to a new line rather than cut them."""
    snapshot = run.snapshot
    active, stuck = snapshot.active, snapshot.diverged or run.lost
    with st.container(horizontal=True, vertical_alignment="center", key="run_buttons"):
        st.button(_("Pause") if active else _("Play"), icon=":material/pause:" if active else ":material/play_arrow:",
                  key="play", on_click=state.set_playing, args=(not active,), type="primary", disabled=stuck,
                  shortcut="Space",
                  help=_("Pause training (key: Space).") if active else _("Train until paused (key: Space)."))
        st.button(_("Step"), key="step", on_click=state.step, disabled=stuck, shortcut="S",
                  help=_("Train one epoch (key: S)."))
        st.button(_("Reset"), key="reset", on_click=state.reset, disabled=run.lost,
                  help=_("Start again from the same initial weights; change the seed for others."))
        st.select_slider(_("Speed"), SPEEDS, key="speed", format_func=labels(SPEEDS, speed_label), width=220,
                         on_change=state.set_speed, label_visibility="collapsed",
                         help=_("Epochs each drawn frame advances: below 1, every epoch is drawn, in slow motion; at "
                                "full speed the network trains as fast as it can."))
        if snapshot.stopped and not active:
            st.caption(stop_message(snapshot.stopped, state.page_state().task_kind or "binary"))
        st.space("stretch")
        st.toggle(_("Presentation"), key="presentation", on_change=state.write_query_params,
                  help=_("Hide the sidebar and enlarge the live charts, for a projector."))
