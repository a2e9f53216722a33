"""The sidebar's controls and the run buttons. chosen_data and chosen_network read what the settings choose,
without drawing anything (the page draws its live part first); the *_sidebar functions then draw the controls."""
import contextlib
import io
import os
from dataclasses import dataclass

import numpy as np
import streamlit as st

from ..data import DATASETS, MnistUnavailable, load_csv, make_dataset
from ..i18n import N_, _, ngettext
from ..settings import (BY_KEY, SETTINGS, SPEEDS, UPLOAD, Maybe, applies, fit_head, label, layer_of, network_spec,
                        task_kind)
from ..spec import NetworkSpec
from . import draw, schedule, state
from .classroom import shown
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
    info = DATASETS.get(name)
    facts = {"classes": info.classes if info else None}
    _group(sb, "data", facts, lambda key: key == "dataset" or info is not None and key in info.settings)
    if info is not None:
        more = [BY_KEY[key] for key in info.settings if BY_KEY[key].control.group == "data_more"]
        opened = any(shown(setting.classroom) for setting in more)  # else the description alone, and no empty expander
        with sb.expander(_("More data options")) if opened else _nothing():
            least, most = info.classes or (info.n_classes,) * 2
            (st if opened else sb).caption(_(info.description).format(least=least, most=most))
            for setting in more:
                _draw(st, setting, facts)
    for kind, text in notes:
        getattr(sb, kind)(text)


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
    # Another kind of task, or a first run whose link does not say: the task's usual output and loss.
    changed, first = (p.task_kind or kind) != kind, p.task_kind is None
    p.task_kind = kind
    renew = [key for key in ("output", "loss") if changed or (first and key not in p.url_given)]
    for key, value in zip(("output", "loss"), fit_head(kind, s.output, s.loss, renew)):
        state.fit(key, value, key in renew)
    batch_size = BY_KEY["batch_size"].offered(state.values(), {"n_train": len(ds.X_train) if ds is not None else 1000})
    state.fit("batch_size", batch_size.clamp(s.batch_size))
    if ds is None:
        return None, None
    try:
        return Config(s.engine, network_spec(state.values(), ds), state.data_key()), None
    except ValueError as error:
        return None, _("These settings make no network: {reason}").format(reason=md(error))


def network_sidebar(ds, problem):
    """The network and training controls (for the settings chosen_network has brought in line), then `problem`.

    The layers and their neurons, the activation and the learning rate come first; the rest folds."""
    sb = st.sidebar
    facts = {"kind": state.page_state().task_kind, "n_train": len(ds.X_train) if ds is not None else 1000, "ds": ds}
    sb.markdown("**" + _("Network") + "**")
    _group(sb, "network", facts)
    sb.markdown("**" + _("Training") + "**")
    _group(sb, "training", facts)
    _group(sb, "engine", facts)  # on the first screen: the first Keras run takes seconds, and the page says why
    more = {setting.classroom for setting in SETTINGS if setting.control and setting.control.group == "more"}
    with sb.expander(_("More network and training options")) if any(map(shown, more)) else _nothing():
        _group(st, "more", facts)
    if shown("stop"):  # when the run pauses by itself: at an epoch, or when a test figure gets to a value
        with sb.expander(_("Stop training")):
            _group(st, "stop", facts)
    if problem:
        sb.error(problem)


def _group(where, group, facts, drawn=None):
    """The controls of the table's settings in `group` (settings.GROUPS), in the table's order: those that act
    on the network now (settings.applies) and, with `drawn`, those it takes. A special control is drawn
    once for all the settings it stands for (the widths of every layer)."""
    values, done = state.values(), set()
    for setting in SETTINGS:
        control = setting.control
        if (control is None or control.group != group or not applies(setting.key, values)
                or drawn is not None and not drawn(setting.key)):
            continue
        if setting.classroom not in done:
            _draw(where, setting, facts)
        if setting.classroom in SPECIAL:
            done.add(setting.classroom)


def _draw(where, setting, facts):
    """A setting's control: the renderer of its own (SPECIAL, by its classroom name), or the table's."""
    if setting.classroom in SPECIAL:
        SPECIAL[setting.classroom](where, facts)
    else:
        _control(where, setting, facts)


def _control(where, setting, facts, **more):
    """A setting's control as the table describes it; hidden by classroom mode, its value in its place when the
    table says so (or nothing)."""
    if shown(setting.classroom):
        _widget(where, setting, facts, **more)
    elif setting.control.fixed and _fixed_value(setting.key) is not None:
        fixed(where, _(setting.label), _fixed_value(setting.key))


def _widget(where, setting, facts, **more):
    """The Streamlit widget of a setting: its kind, label, the values its domain offers now, help and state;
    `more` of the widget's arguments."""
    control, values = setting.control, state.values()
    domain, layer = setting.offered(values, facts), layer_of(setting.key)
    arguments = {"key": setting.key, **(control.options or {}), **more}
    if control.help:
        arguments["help"] = _(control.help).format(layer=layer) if layer else _(control.help)
    if control.disabled:
        arguments["disabled"] = bool(control.disabled(values))
    if control.placeholder:
        arguments["placeholder"] = _(control.placeholder)
    widget = getattr(where, control.kind)
    if control.kind == "checkbox":
        return widget(label(setting.key), **arguments)
    if control.kind in ("slider", "number_input"):
        bounds = domain.domain if isinstance(domain, Maybe) else domain
        return widget(label(setting.key), bounds.low, bounds.high, step=control.step, **arguments)
    options = domain.options
    if setting.key in OPTION_LABELS:
        arguments["format_func"] = labels(options, OPTION_LABELS[setting.key](facts))
    return widget(label(setting.key), options, **arguments)


def _fixed_value(key):
    """What a control classroom mode hides leaves in its place: its value as the page names it (markdown-safe);
    None for nothing."""
    s = st.session_state
    if key == "activation":
        layers = range(1, s.layers + 1)
        return (", ".join(s[f"activation_{i}"] for i in layers) if s.per_layer else s.activation) if s.layers else None
    value = s[key]
    if key == "dataset":
        return dataset_label(value)
    if isinstance(value, (list, tuple)):
        return md(", ".join(value))  # x1*x2: an asterisk
    return f"{value:g}" if isinstance(value, float) else str(value)


def _data_set(where, facts):
    """The data set, and the upload when the user's own file is chosen."""
    _control(where, BY_KEY["dataset"], facts, on_change=state.forget_drawing)
    if st.session_state.dataset == UPLOAD:
        where.file_uploader(_("CSV file"), type=["csv", "txt"], key="upload_file",
                            help=_("Numeric feature columns and a label column (named label, or the last one)."))


def _widths(where, facts):
    """The neurons of every hidden layer, three to a row; hidden by classroom mode, in one line."""
    s = st.session_state
    widths = [BY_KEY[f"width_{i}"] for i in range(1, s.layers + 1)]
    if not widths:
        return
    if not shown("widths"):
        fixed(where, _("Neurons per layer"), ", ".join(str(s[setting.key]) for setting in widths))
        return
    columns = where.columns(min(s.layers, 3))  # four to a row break "Layer 1" and its ? into two lines
    for i, setting in enumerate(widths):
        _widget(columns[i % len(columns)], setting, facts)


def _regenerate(where, facts):
    if shown("regenerate"):
        info = DATASETS[st.session_state.dataset]
        where.button(_("Regenerate"), key="regenerate", on_click=state.regenerate,
                     help=_("Draw a new sample of the data."), disabled=info.kind != "plane")


def _schedule(where, facts):
    """The schedule, the settings it uses and the rate it gives over the epochs (ui/schedule.py)."""
    schedule.schedule_controls(facts["ds"], _spec(facts["ds"]), lambda setting: _widget(where, setting, facts))


SPECIAL = {"dataset": _data_set, "widths": _widths, "regenerate": _regenerate, "schedule": _schedule}


def fixed(sb, label, value):
    """A setting classroom mode fixes, in its control's place: its name and value (a number or a name from the
    page's own lists, markdown-safe as it is), read-only."""
    sb.caption(_("{setting} {value} (set for this class)").format(setting=label, value=value))


@contextlib.contextmanager
def _nothing():
    """In place of an expander none of whose controls is shown: draws nothing."""
    yield


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


# How a control names its options, given the data's facts.
OPTION_LABELS = {"dataset": lambda facts: dataset_label, "engine": lambda facts: engine_label,
                 "schedule": lambda facts: schedule.schedule_label, "regularization": lambda facts: _penalty_label,
                 "clip_norm": lambda facts: lambda c: _("none") if c is None else f"{c:g}",
                 "stop_metric": lambda facts: lambda m: stop_metric_label(m, facts["kind"])}


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
