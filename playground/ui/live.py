"""The live part of the page: the run's metrics, decision boundary, network and curves, drawn by the
browser from the run's frames (ui/live_view), and below them the weights and gradient health.

The run trains in a worker process, never here, and its frames reach the browser over their own
channel (ui/channel.py) at the display's rate: the page's script runs only when the user acts, or
when the run stops by itself (live.js then asks for a run, so that the buttons say so). What the
script draws of the run (the weights, gradient health, the replay) is of the snapshot it asked for.
"""
import math

import streamlit as st

from .. import frames, plots
from ..i18n import N_, _
from ..plots import colours
from ..plots.charts import TEST_COLOR, TRAIN_COLOR
from ..plots.network_view import title as network_title, wide as network_wide
from . import challenge, compare, draw, edit, health, replay, image_view, network_view, state, step_through
from .chart import chart
from .live_view import part
from .safe import guarded, labels, md, no_answer, no_room, section

HEIGHT, PRESENTATION_HEIGHT = 380, 520  # pixels of the charts across the screen
# The plane's colours and the points' marks, as the plotly figures have them (plots/colours.py).
MARKS = {"colors": colours.CLASS_COLORS, "shapes": [colours.SYMBOL_POLYGONS[s] for s in colours.CLASS_SYMBOLS],
         "outline": colours.OUTLINE, "tint": list(colours.PLANE_TINT), "value_stops": colours.VALUE_SCALE}


def live_part(run):
    s = st.session_state
    if run.speed != s.speed:
        run.set_speed(s.speed)
    # The banner comes and goes in its slot (a container, even when empty), so the charts keep their places;
    # the replay slider, below the charts, is always there (greyed while the run plays).
    with st.container(key="challenge_slot"), section(N_("the challenge")):
        challenge.banner(run)
    metrics, charts = st.container(key="metrics"), st.container(key="live_charts")
    with st.container(horizontal=True, vertical_alignment="bottom", gap="large", key="under_view"):
        view_options(run)
        with st.container(key="replay_slot", width="content"):
            past = replay.scrub(run)  # a past epoch, when the paused run is replayed
    still = None if past is None else frames.still(run.spec, past, run.dataset, focus=focused_neuron(run))
    with metrics:
        part("metrics", "live_metrics", run, past=still, mode=run.snapshot.mode, on_stopped=_stopped,
             goal=challenge.live_goal(run), labels=_metric_labels(run.dataset),
             streamlit_words=[[english, _(english)] for english in STREAMLIT_WORDS])
    with charts, section(N_("the live charts")):
        _charts(run, past or run.snapshot, still, None if past is None else past.epoch)
    with section(N_("the weight editor")):
        edit.editor(run)
    with section(N_("the live charts")):
        _lower_row(run, past or run.snapshot)


def projector_view(run):
    """Another session's run on this server, read-only (the class's projector): its network, boundary and curves,
    drawn from its frames as its own page draws them. Nothing here commands the run."""
    with st.container(key="metrics"):
        part("metrics", "live_metrics", run, mode=run.snapshot.mode, labels=_metric_labels(run.dataset),
             streamlit_words=[[english, _(english)] for english in STREAMLIT_WORDS])
    with st.container(key="live_charts"):
        _charts(run, run.snapshot, None, readonly=True)


# The accessible names and placeholders Streamlit writes itself, in English: live.js puts in their translations.
STREAMLIT_WORDS = (N_("Help for {label}"), N_("Shortcut {key}"), N_("Remove {item}"), N_("Clear all"),
                   N_("Collapse sidebar"), N_("Expand sidebar"), N_("Decrement"), N_("Increment"),
                   N_("Link to heading"), N_("Open"), N_("Close"), N_("Selected values"), N_("Sidebar"),
                   N_("Choose an option"), N_("Choose options"))


def _stopped():
    """The run stopped by itself (a step done, a divergence, a lost worker), or reached its challenge's goal or
    epochs: the page runs again, and says so."""


def _ready():
    """The live view has drawn its first frame: the lower row runs again and draws the weights and gradient
    health (and the whole page runs, when its sidebar waits too). Their charts load plotly.js, whose compiling
    held the browser for about 2 s: the live view comes first."""
    state.page_state().first_frame_drawn = True


def first_frame_pending(run):
    """On a session's first run on a plane data set, until the live view has drawn its first frame."""
    return not state.page_state().first_frame_drawn and run.dataset.points_train is not None


def _metric_labels(ds):
    regression = ds.task == "regression"
    return {"epoch": _("Epoch"), "train_loss": _("Training loss"), "test_loss": _("Test loss"),
            "train_score": _("Training R²") if regression else _("Training accuracy"),
            "test_score": _("Test R²") if regression else _("Test accuracy"),
            "under_way": _("Epoch {epoch} under way: {batch} of {batches} batches."),
            # What the page's polite live region says when the run changes (at most once every 2 s).
            "said_playing": _("Playing"), "said_paused": _("Paused at epoch {epoch}"),
            "said_stepped": _("Stepped to epoch {epoch}"),
            "said_diverged": _("Training stopped: the loss is no longer a finite number"),
            "said_solved": _("Challenge solved at epoch {epoch}")}


def _points(points, labels):
    """Points of the plane and their labels (class indices, or a regression's values), for the boundary part."""
    if points is None:
        return None
    labels = labels.astype(float).round(4) if labels.dtype.kind == "f" else labels.astype(int)
    return {"x": points[:, 0].astype(float).round(4).tolist(), "y": points[:, 1].astype(float).round(4).tolist(),
            "label": labels.tolist()}


def _charts(run, snapshot, still, mark=None, readonly=False):
    """Across the screen, as data flows: the network (inputs, layers, output), the output over the
    data (the decision boundary), and the curves; below them the weights and gradient health.
    `snapshot` is the run's, or a past epoch's (`still` its frame; the curves mark its epoch). `readonly`: another
    session's run, shown (a class's projector): no click, key or choice on it commands the run or this page."""
    s, ds = st.session_state, run.dataset
    network_driving = {"readonly": True} if readonly else dict(on_pick=edit.on_pick, chosen=edit.chosen(),
                                                                on_focus=_focus_clicked, focus=focused_neuron(run))
    height = PRESENTATION_HEIGHT if s.presentation else HEIGHT
    scale = 1.5 if s.presentation else 1.0  # chart text of at least 18 px on a projector
    plane = ds.points_train is not None
    # Side by side down to 120 px a column (the page's STYLE), so a projector's first screen holds them all;
    # each part is as high as the screen leaves it below its top, up to `height` (live.js).
    network, output, curves = st.container(key="live_row").columns(row_shares(run.spec), gap="small")
    with network, st.container(key="chart_network"):
        if plane:
            part("network", "live_network", run, height, past=still, scale=scale, **network_driving,
                 title=network_title(run.spec, ds), features=[_label(f) for f in ds.feature_names],
                 activations=[*run.spec.activations, run.spec.output_activation],
                 tile_colors=[colours.NEGATIVE, colours.POSITIVE], link_colors=[colours.LINK_NEGATIVE, colours.LINK_POSITIVE],
                 labels={"input": _("input"), "output": _("output"), "layer": _("layer"), "neuron": _("neuron"),
                         "more": _("+ {n} more"), "off": _("off"),
                         "choose": _("Enter chooses it in the weight editor"), **_network_words(run.spec)},
                 table={**_table_words(), "bias": _("bias"), "from_to": _("from ↓ to →"),
                        "layer": _("{layer} ({activation}): the weight from each row's neuron to each column's neuron, "
                                   "and the biases."),
                        "shown": _("Of each layer, the first {n} neurons are shown.")})
        else:
            network_view.network_view(run, snapshot.weights, None, height)
        if network_wide(run.spec, ds):
            st.toggle(_("Show every neuron"), key="network_all",
                      help=_("The whole network below the charts, every neuron of every layer, at the epoch shown."))
    if not readonly:
        with network:  # below the network view's part, which fits the first screen
            focus_choice(run)
    with output:
        if plane:
            x, y, _inputs = ds.plane_grid
            drawing = draw.drawing() and not readonly
            regression = ds.task == "regression"
            # A drawing's points as they are now (the run may be of an earlier one), its test points always shown.
            shown = draw.points() if draw.active(ds) else (ds.points_train, ds.y_train, ds.points_test, ds.y_test)
            with st.container(key="chart_boundary"):
                part("boundary", "live_boundary", run, height, past=still, scale=scale,
                     on_click=None if readonly else draw.on_click if drawing else step_through.pick_clicked_point,
                     readonly=readonly,
                     x=[float(x[0]), float(x[-1])], y=[float(y[0]), float(y[-1])],
                     train=_points(*shown[:2]), test=_points(*shown[2:]),
                     show_test=bool(s.show_test) or draw.active(ds), discretize=bool(s.discretize), drawing=drawing,
                     mode=s.get("draw_mode") if drawing else "look", table=_plane_table_words(),
                     regression=regression, range=list(frames.value_range(ds)), **MARKS,
                     scale_stops=colours.PLANE_SCALE,
                     classes=[_label(name, 200) for name in ds.class_names] if not regression else [],
                     focus=None if readonly else focused_neuron(run), focus_colors=[colours.NEGATIVE, colours.POSITIVE],
                     labels={"example": _("training example"), "value": _("the target's value"),
                             "test_points": _("test points"),
                             "not_finite": _("The outputs are not finite numbers"), **_boundary_words(regression),
                             **_focus_words()})
            if not readonly:
                step_through.follow_click()
                draw.follow()
        else:
            with st.container(key="chart_boundary"):
                image_view.confusion_view(run, snapshot, height)
    with curves:
        pinned = compare.pinned()  # (label, history) of earlier runs, drawn beside this one
        score = _("R²") if ds.task == "regression" else _("Accuracy")
        for metric, title in (("loss", _("Loss")), ("score", score)):
            with st.container(key=f"chart_{metric}"):
                part(metric, f"live_{metric}", run, height // 2, scale=scale, metric=metric, title=title, mark=mark,
                     train_color=TRAIN_COLOR, test_color=TEST_COLOR,
                     pinned=[{"epoch": [float(e) for e in h["epoch"]], "values": [_number(v) for v in h[f"test_{metric}"]],
                              "color": plots.charts.PIN_COLORS[i % len(plots.charts.PIN_COLORS)],
                              "label": _label(label.split(" ")[0])} for i, (label, h) in enumerate(pinned)],
                     labels={"train": _("train"), "test": _("test"), "epoch": _("epoch"), **_curve_words()},
                     table={**_table_words(), "caption": _("{title} of the last epochs, the newest last")},
                     empty=_("Press Play: the curve appears here, epoch by epoch."))
    if network_wide(run.spec, ds) and s.get("network_all"):
        with st.container(key="network_all_view", height=min(HEIGHT + 200, 170 + 34 * max(run.spec.sizes)),
                          border=True):
            network_view.network_view(run, snapshot.weights, ds.plane_grid if plane else None, limit=None,
                                      key="network_figure_all")
    if not plane:
        image_view.image_grid_view(run, snapshot)


# The network's pictures are at least 24 px with at least 16 px of links between two columns (live.js); a deep
# network's column is widened to take them on a 1280 px screen (about 880 px for the three charts), up to half.
TILE, LINKS, ROW_WIDTH = 24, 16, 880


def row_shares(spec):
    """The widths of the network's, the boundary's and the curves' columns, as shares of the row."""
    columns = len(spec.hidden) + 2
    network = min(0.5, max(0.35, (38 + TILE * columns + LINKS * (columns - 1)) / ROW_WIDTH))
    return [network, (1 - network) * 0.37 / 0.65, (1 - network) * 0.28 / 0.65]


# The live charts' accessible names and text alternatives: sentences that follow the run, filled in by live.js.
def _boundary_words(regression):
    if regression:
        return {"name": _("Output over the plane"),
                "alt": _("Output over the plane at epoch {epoch}: test R² {score}."),
                "alt_epoch": _("Output over the plane at epoch {epoch}."),
                "alt_not_finite": _("Output over the plane at epoch {epoch}: the outputs are not finite numbers.")}
    return {"name": _("Decision boundary"),
            "alt": _("Decision boundary at epoch {epoch}: test accuracy {accuracy}; {wrong} of {total} test points "
                     "misclassified."),
            "alt_epoch": _("Decision boundary at epoch {epoch}."),
            "alt_not_finite": _("Decision boundary at epoch {epoch}: the outputs are not finite numbers.")}


def _table_words():
    """The words of a live chart's table button: its visible word, and its accessible name, which holds that word."""
    return {"button": _("Table"), "name": _("Table of values: {chart}")}


def _plane_table_words():
    """The plane's table of test points, and the keyboard's cross-hair on it."""
    return {**_table_words(), "number": _("Test point"), "class": _("Class"), "target": _("Value"),
            "predicted": _("Predicted"),
            "test": _("Test points and what the network predicts for each, at epoch {epoch}"),
            "test_within": _("Test points and what the network predicts for each, {batch} of {batches} batches after "
                             "epoch {epoch}"),
            "test_waiting": _("Test points; what the network predicts for each is listed once the run is paused"),
            "cross": _("Cross-hair at x1 {x}, x2 {y}"), "separator": _("; "),
            "nearest": _("nearest training example: {example}"),
            "predicts_value": _("output {value}"),
            "predicts_probability": _("predicts {class} (probability of {positive}: {p})"),
            "predicts_class": _("predicts {class} (probability about {p})")}


def _curve_words():
    return {"alt": _("{title} at epoch {epoch}: training {train}, test {test}, {trend}."),
            "alt_empty": _("{title}: no epoch trained yet."),
            "falling": _("falling"), "rising": _("rising"), "steady": _("steady")}


def _network_words(spec):
    hidden = list(dict.fromkeys(spec.activations)) or [spec.output_activation]
    return {"name": _("Network"), "sizes": " → ".join(map(str, spec.sizes)), "activation": ", ".join(hidden),
            "alt": _("Network {sizes}, {activation}; largest weight {weight}, from {source} to {target}."),
            "alt_start": _("Network {sizes}, {activation}."),
            "neuron_of": _("neuron {neuron} of layer {layer}"), "output_neuron": _("output neuron {neuron}"),
            "the_output": _("the output")}


@st.fragment
def _lower_row(run, snapshot):
    """The weights and gradient health, below the live view (drawn when the page runs). On a session's first
    run, only a part that asks for them once the live view has drawn its first frame (_ready)."""
    weights = snapshot.weights
    row = st.container(key="live_row_2")
    if first_frame_pending(run):
        with row:
            part("ready", "live_ready", run, on_ready=_ready)
        return
    if state.page_state().take("sidebar_waits"):
        st.rerun()  # the whole page, now that the live view is drawn: the sidebar too
    left, right = row.columns(2, gap="medium")
    with left:
        rows = math.ceil(len(weights) / 2)
        chart(plots.weight_histograms(run.initial_weights, weights, columns=2), key="chart_weights",
              height=max(280, 190 * rows))
    with right:
        health.health_view(run)


def _label(value, limit=40):
    """User text (a feature's or a pin's name) for the canvas, which draws it as text: only cut to `limit`."""
    value = " ".join(str(value).split())
    return value if len(value) <= limit else value[:limit - 1] + "…"


def _number(value):
    value = float(value)
    return value if math.isfinite(value) else None


def view_options(run):
    """How the plane is shown, and drawing on it: in the full page's run, not redrawn with each update."""
    ds = run.dataset
    if ds.points_train is None:
        return
    with st.container(horizontal=True, vertical_alignment="bottom", gap="medium", key="view_options", width="content"):
        st.checkbox(_("Show test data"), key="show_test")
        st.checkbox(_("Discretize output"), key="discretize", disabled=ds.task == "regression")
        if draw.possible(ds) or draw.active(ds):
            draw.controls(ds)


def focus_options(spec):
    """What the plane can show: the network's output ("output"), or a hidden neuron (layer, neuron), both from 0."""
    return ["output", *((layer, neuron) for layer, width in enumerate(spec.hidden) for neuron in range(width))]


def focus_name(spec, option):
    """An option of focus_options in words: "layer 2, neuron 3: tanh" (numbered from 1, as the network view does)."""
    if option == "output":
        return _("The network's output")
    layer, neuron = option
    return _("layer {layer}, neuron {neuron}: {activation}").format(layer=layer + 1, neuron=neuron + 1,
                                                                     activation=spec.activations[layer])


def focus_choice(run):
    """Under the network view, the selector of the neuron the plane shows (a click on a neuron in the network view
    chooses it too); on a data set not in the plane, a sentence that says why there is none."""
    spec = run.spec
    if run.dataset.points_train is None:
        with st.container(key="focus_not_plane"):
            st.caption(_("Seeing one neuron's output over the plane needs a data set in the plane (inputs x1 and "
                         "x2); this one is not, so there is no neuron to choose."))
        return
    options = focus_options(spec)
    if st.session_state.get("focus_neuron") not in options:  # a neuron of a network since made smaller
        st.session_state.focus_neuron = "output"
    st.selectbox(_("The plane shows"), options, key="focus_neuron", format_func=labels(options, lambda o: focus_name(spec, o)),
                 disabled=len(options) == 1, width=260,
                 help=_("A hidden neuron's output over the plane, in the decision boundary's place. Hovering over a "
                        "neuron in the network view shows it too; a click keeps it; Esc goes back to the output."))


def focused_neuron(run):
    """The hidden neuron the plane shows as [layer, neuron] (both from 0), or None for the network's output."""
    chosen = st.session_state.get("focus_neuron")
    return list(chosen) if chosen in focus_options(run.spec)[1:] and run.dataset.points_train is not None else None


def clicked_focus(value, spec):
    """The option of focus_options that the network view's value says was clicked ({"focus": {"neuron": [layer,
    neuron] or None}}: None is the output, as Esc gives it); None for a neuron the network does not have."""
    chosen = value.get("focus") if hasattr(value, "get") else None
    neuron = chosen.get("neuron") if hasattr(chosen, "get") else None
    option = tuple(neuron) if isinstance(neuron, list) else "output"
    return option if option in focus_options(spec) else None


@guarded(N_("a click on a neuron"))
def _focus_clicked():
    """A click on a neuron in the network view (or Esc): the plane shows that hidden neuron, or the output."""
    option = clicked_focus(st.session_state.get("live_network"), state.page_state().run.spec)
    if option is not None:
        st.session_state.focus_neuron = option


def _focus_words():
    """The focused neuron's words on the plane: its name, and its picture in a sentence and in a table."""
    return {"focus_name": _("layer {layer}, neuron {neuron}: {activation}"),
            "focus_alt": _("Output of {name} over the plane at epoch {epoch}: from {least} to {most}, on a colour "
                           "scale from {low} to {high}."),
            "focus_value": _("output of {name}: {value}"),
            "focus_table": _("Output of {name} over the plane at epoch {epoch}: rows at x2, columns at x1")}


def run_notice(run):
    """What stopped the run, if something did: a lost worker, an error, or a loss no longer finite."""
    snapshot = run.snapshot
    p = state.page_state()
    silent, refused = p.take("run_no_answer"), p.take("run_no_room")
    if refused:
        st.error(no_room(*refused))
    if run.lost:
        if run.lost_why == "silent":
            message = _("The process that trained this run stopped answering, at epoch {epoch}, and was replaced. "
                        "Other sessions go on; start this run again from where it was last shown.")
        elif run.lost_why == "hung":
            message = _("The process that trained this run was held by one command for too long, at epoch {epoch}, "
                        "and was replaced. Other sessions go on; start this run again from where it was last shown.")
        else:
            message = _("The process that trained this run stopped, at epoch {epoch}. Other sessions go on; start "
                        "this run again from where it was last shown.")
        st.error(message.format(epoch=snapshot.epoch))
        st.button(_("Start again from epoch {epoch}").format(epoch=snapshot.epoch), key="revive", on_click=state.revive,
                  type="primary")
        return
    if silent is not None:
        st.warning(no_answer(silent))
    too_long = p.take("run_too_long")
    if too_long is not None:
        st.warning(_("That took longer than {seconds} s and was stopped; the run is unchanged. A smaller network, "
                     "batch size or data set takes less.").format(seconds=f"{too_long:g}"))
    revived = p.take("revived")
    if revived and revived[1] < revived[0] + 1:
        st.info(_("Started again from epoch {epoch}, with a fresh optimizer. Of the history, {kept} of its {total} "
                  "epochs were kept, spread over the run (the history's file marks where epochs are missing); the replay "
                  "goes back to epoch {epoch} only.").format(epoch=revived[0], kept=revived[1], total=revived[0] + 1))
    error = p.take("run_error") or snapshot.error
    if error:
        st.error(_("This run stopped on an error: {error}. Press Play to carry on, or Reset to start again.")
                 .format(error=md(error)))
    if snapshot.diverged:
        divergence_notice(run)


def divergence_notice(run):
    epoch, good = run.snapshot.epoch, run.snapshot.last_finite_epoch
    st.error(_("At epoch {epoch} the loss became too large to compute (not a finite number): the weights jumped too "
               "far and training has stopped. Try a smaller learning rate, then go back to epoch {good}, the last one "
               "whose training loss was no higher than at epoch 0 (epoch 0 itself if none was): the epochs after it "
               "were already climbing. Then continue.").format(epoch=epoch, good=good))
    st.button(_("Go back to epoch {epoch}").format(epoch=good), key="roll_back", on_click=_roll_back)


@guarded(N_("a button"))
def _roll_back():
    state.on_run(state.page_state().run.roll_back)
