"""The live part of the page: a fragment that trains for a time budget, then redraws.

While playing, the fragment asks to run again TICK seconds after each run; each run trains
whole epochs for about BUDGET seconds, then draws the metrics and the charts. The browser
takes a moment to draw each update, so a long budget and a short tick keep the engine busy
while still redrawing more than twice a second (`python -m playground.bench --browser`
measures both). Only this fragment reruns, not the page, and the charts update in place
(`live_chart`), so nothing blinks.
"""
import math

import numpy as np
import streamlit as st

from .. import plots
from ..data import DATASETS
from . import health, image_view, network_view, step_through
from .live_chart import live_chart

TICK, BUDGET = 0.05, 0.2


def live_part():
    st.session_state.full_run = True
    st.fragment(run_every=TICK if st.session_state.playing else None)(_live)()


def _live():
    s = st.session_state
    run = s.run
    # A whole-page run trains one epoch only and draws at once, so that the fragment's first
    # tick cannot cut it short and leave a chart to be mounted again; the ticks train longer.
    budget = 0.0 if s.pop("full_run", False) else BUDGET
    if s.playing:
        with run.lock:
            run.train_for(budget)
        if run.diverged:
            s.playing = False
            st.rerun()
    with run.lock:
        _metrics(run)
        _charts(run)


def _format(value, digits=4):
    return "—" if value is None or not math.isfinite(value) else f"{value:.{digits}f}"


def _metrics(run):
    h = run.history
    score = "R²" if run.dataset.task == "regression" else "accuracy"
    columns = st.columns(5)
    columns[0].metric("Epoch", run.epoch)
    columns[1].metric("Training loss", _format(h["train_loss"][-1]))
    columns[2].metric("Test loss", _format(h["test_loss"][-1]))
    columns[3].metric(f"Training {score}", _format(h["train_score"][-1], 3))
    columns[4].metric(f"Test {score}", _format(h["test_score"][-1], 3))


def _charts(run):
    s, ds = st.session_state, run.dataset
    score = "R²" if ds.task == "regression" else "Accuracy"
    left, right = st.columns([1.15, 1])
    with left:
        if ds.points_train is not None:
            x, y, inputs = _grid(run)
            outputs = run.engine.predict(inputs)
            test = (ds.points_test, ds.y_test) if s.show_test else None
            live_chart(plots.boundary_figure(x, y, outputs, ds.task, ds.n_classes, (ds.points_train, ds.y_train),
                                             test, s.discretize), key="chart_boundary", height=440,
                       events=("click",), on_change=step_through.pick_clicked_point)
            step_through.follow_click()
            a, b = st.columns(2)
            a.checkbox("Show test data", key="show_test")
            b.checkbox("Discretize output", key="discretize", disabled=ds.task == "regression")
        else:
            image_view.image_views(run)
    with right:
        pinned = s.get("pinned", ())  # (label, history) of earlier runs, drawn beside this one
        live_chart(plots.history_figure(run.history, "loss", "Loss", pinned), key="chart_loss", height=250)
        live_chart(plots.history_figure(run.history, "score", score, pinned), key="chart_score", height=250)
    weights = run.engine.get_weights()  # once per tick, for every view that draws them
    network_view.network_view(run, weights, _grid(run) if ds.points_train is not None else None)
    rows = math.ceil(len(weights) / 3)
    live_chart(plots.weight_histograms(run.initial_weights, weights), key="chart_weights", height=max(260, 200 * rows))
    health.health_view(run, weights)


def _grid(run):
    """The 100 × 100 grid over the data's plane, through its features and scaling; kept per run.

    The built-in sets are drawn over at least [−6, 6]², as in TensorFlow Playground; an
    upload over its own points, with a margin.
    """
    cache, ds = st.session_state.get("grid"), run.dataset
    if cache is None or cache[0] != run.id:
        points = np.vstack([ds.points_train, ds.points_test])
        low, high = points.min(axis=0), points.max(axis=0)
        margin = 0.1 * np.maximum(high - low, 1e-6)
        low, high = low - margin, high + margin
        if ds.name in DATASETS:
            low, high = np.minimum(low, -6.0), np.maximum(high, 6.0)
        x, y, grid = plots.grid_points((low[0], high[0]), (low[1], high[1]))
        cache = st.session_state.grid = (run.id, x, y, ds.transform(grid))
    return cache[1:]


def divergence_notice(run):
    epoch, _ = run.last_finite
    st.error(f"The loss became too large to compute (not a finite number) after epoch {epoch}: the weights "
             "jumped too far and training has stopped. Try a smaller learning rate, then go back and continue.")
    st.button(f"Go back to epoch {epoch}", key="roll_back", on_click=_roll_back)


def _roll_back():
    run = st.session_state.run
    with run.lock:
        run.roll_back()
