"""The live part of the page: a fragment that draws the run's latest snapshot.

The run trains in a worker process, never here. While it plays (or steps), the fragment runs
again every `tick()` seconds, asks the worker for a fresh snapshot and redraws the metrics and the
charts; a full run of the page draws the snapshot the page has just asked for. Only this
fragment reruns, not the page, and the charts update in place (`live_chart`), so nothing blinks.
When the run stops by itself (a step done, the loss no longer finite), the whole page runs
again, so that the buttons say so.

One server draws every session's charts, in one process, so under a class the redraws slow down
(TICKS): six sessions redrawn 2.2 times a second each kept the server's Python busy, so that a page
opened meanwhile waited for it and the workers for its requests; redrawn half as often, the six
trained about twice the epochs a second.
"""
import math

import streamlit as st

from .. import plots
from ..trainer import live_runs
from ..i18n import N_, _, set_language
from . import challenge, compare, draw, health, replay, image_view, network_view, state, step_through
from .live_chart import live_chart
from .safe import guarded, md, section

# Seconds between redraws while a run trains, by how many sessions of the server draw a run live (up to):
# with the time a redraw takes, one session's charts are redrawn a little over twice a second.
TICKS = ((3, 0.45), (6, 0.9), (12, 1.8), (math.inf, 3.0))
HEIGHT, PRESENTATION_HEIGHT = 380, 520  # pixels of the charts across the screen


def live_part(run):
    s = st.session_state
    s.live_active = run.snapshot.active
    s.live_tick = tick(live_runs(), s.get("live_tick")) if s.live_active else None
    s.full_run = True
    st.fragment(run_every=s.live_tick)(_live)()


def tick(live, current=None):
    """Seconds between redraws with `live` sessions drawing a run live. A slower tick in use (`current`)
    stays until the count is one session below the level's, so that one run paused and played again
    does not change every session's tick back and forth."""
    def level(n):
        return next(seconds for most, seconds in TICKS if n <= most)
    wanted = level(live)
    if current is not None and wanted < current:
        wanted = max(wanted, level(live + 1))
    return wanted


def _live():
    s = st.session_state
    set_language(s.lang)
    run = s.run
    if not s.pop("full_run", False):
        snapshot = state.refresh(run)
        if run.lost or snapshot.active != s.live_active or (
                snapshot.active and tick(live_runs(), s.live_tick) != s.live_tick):
            st.rerun()  # the page's buttons, or the fragment's tick, change
    # The banner and the replay slider come and go: each has its slot (a container, even when empty),
    # so the charts below keep their places and are updated in place, not drawn afresh.
    with st.container(key="challenge_slot"), section(N_("the challenge")):
        challenge.banner(run)
    with st.container(key="replay_slot"):
        past = replay.scrub(run)  # a past epoch, when the paused run is replayed
    _metrics(past or run.snapshot)
    with section(N_("the live charts")):
        _charts(run, past or run.snapshot, None if past is None else past.epoch)


def _format(value, digits=4):
    return "—" if value is None or not math.isfinite(value) else f"{value:.{digits}f}"


def _metrics(snapshot):
    latest = snapshot.latest
    regression = st.session_state.run.dataset.task == "regression"
    with st.container(horizontal=True, key="metrics", gap="medium"):
        st.metric(_("Epoch"), snapshot.epoch, width="content")
        st.metric(_("Training loss"), _format(latest["train_loss"]), width="content")
        st.metric(_("Test loss"), _format(latest["test_loss"]), width="content")
        st.metric(_("Training R²") if regression else _("Training accuracy"), _format(latest["train_score"], 3),
                  width="content")
        st.metric(_("Test R²") if regression else _("Test accuracy"), _format(latest["test_score"], 3), width="content")
    progress = st.empty()  # a slot that stays when the caption goes
    if snapshot.active and snapshot.batch:
        progress.caption(_("Epoch {epoch} under way: {batch} of {batches} batches.").format(
            epoch=snapshot.epoch + 1, batch=snapshot.batch, batches=snapshot.batches))


def _charts(run, snapshot, mark=None):
    """Across the screen, as data flows: the network (inputs, layers, output), the output over the
    data (the decision boundary), and the curves; below them the weights and gradient health.
    `snapshot` is the run's, or a past epoch's (then the curves, which are the run's, mark it)."""
    s, ds = st.session_state, run.dataset
    height = PRESENTATION_HEIGHT if s.presentation else HEIGHT
    score = _("R²") if ds.task == "regression" else _("Accuracy")
    weights = snapshot.weights
    # Columns never narrower than a chart can be read at: past that they wrap (the page's STYLE).
    network, output, curves = st.container(key="live_row").columns([0.35, 0.37, 0.28], gap="small")
    with network:
        network_view.network_view(run, weights, ds.plane_grid if ds.points_train is not None else None, height)
    with output:
        if ds.points_train is not None:
            x, y, _inputs = ds.plane_grid
            test = (ds.points_test, ds.y_test) if s.show_test else None
            drawing = draw.drawing()
            live_chart(plots.boundary_figure(x, y, snapshot.boundary, ds.task, ds.class_names,
                                             (ds.points_train, ds.y_train), test, s.discretize, height=height),
                       key="chart_boundary", height=height, events=("plane",) if drawing else ("click",),
                       on_change=draw.on_click if drawing else step_through.pick_clicked_point)
            step_through.follow_click()
            draw.follow()
        else:
            image_view.confusion_view(run, snapshot, height)
    with curves:
        pinned = compare.pinned()  # (label, history) of earlier runs, drawn beside this one
        for metric, title in (("loss", _("Loss")), ("score", score)):
            live_chart(plots.history_figure(run.snapshot.history, metric, title, pinned, height // 2,
                                            run.snapshot.thinned_before, mark), key=f"chart_{metric}",
                       height=height // 2)
    if ds.points_train is None:
        image_view.image_grid_view(run, snapshot)
    left, right = st.container(key="live_row_2").columns(2, gap="medium")
    with left:
        rows = math.ceil(len(weights) / 2)
        live_chart(plots.weight_histograms(run.initial_weights, weights, columns=2), key="chart_weights",
                   height=max(280, 190 * rows))
    with right:
        health.health_view(run)


def view_options(run):
    """How the plane is shown, and drawing on it: in the full page's run, not redrawn with each update."""
    ds = run.dataset
    if ds.points_train is None:
        return
    with st.container(horizontal=True, vertical_alignment="bottom", gap="medium", key="view_options"):
        st.checkbox(_("Show test data"), key="show_test")
        st.checkbox(_("Discretize output"), key="discretize", disabled=ds.task == "regression")
        if draw.possible(ds) or draw.active(ds):
            draw.controls(ds)


def run_notice(run):
    """What stopped the run, if something did: a lost worker, an error, or a loss no longer finite."""
    snapshot = run.snapshot
    if run.lost:
        st.error(_("The process that trained this run stopped, at epoch {epoch}. Other sessions go on; start this "
                   "run again from where it was last shown.").format(epoch=snapshot.epoch))
        st.button(_("Start again from epoch {epoch}").format(epoch=snapshot.epoch), key="revive", on_click=state.revive,
                  type="primary")
        return
    error = st.session_state.pop("run_error", None) or snapshot.error
    if error:
        st.error(_("This run stopped on an error: {error}. Press Play to carry on, or Reset to start again.")
                 .format(error=md(error)))
    if snapshot.diverged:
        divergence_notice(run)


def divergence_notice(run):
    epoch, good = run.snapshot.epoch, run.snapshot.last_finite_epoch
    st.error(_("At epoch {epoch} the loss became too large to compute (not a finite number): the weights jumped too "
               "far and training has stopped. Try a smaller learning rate, then go back to epoch {good}, the last one "
               "whose loss was finite, and continue.").format(epoch=epoch, good=good))
    st.button(_("Go back to epoch {epoch}").format(epoch=good), key="roll_back", on_click=_roll_back)


@guarded(N_("a button"))
def _roll_back():
    state.on_run(st.session_state.run.roll_back)
