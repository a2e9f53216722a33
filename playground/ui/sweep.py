"""The Sweep section: one or two settings and their values, trained side by side in worker processes
(playground.sweep, through joblib: every core, or a Dask cluster when the server was started with one),
while the page stays in use; a thumbnail per run, a chart of the final test figure over the grid, and
"Make this the current run".

Keys: `sweep_first` and `sweep_second` (the settings), `sweep_values_1` and `sweep_values_2`,
`sweep_epochs`, `sweep_start`, `sweep_cancel`, `sweep_adopt_N`.
"""
import os
import sys

import numpy as np
import streamlit as st

from .. import plots
from ..i18n import N_, _, ngettext
from ..settings import BY_KEY
from ..sweep import MAX_RUNS, PAGE_CPU_SECONDS, SweepError, plan_sweep, start_page_sweep
from ..trainer import RunHandle
from . import state
from .classroom import shown
from .chart import chart
from .safe import guarded, labels, md

NONE = ""
# The values the page offers for each setting a sweep can vary.
OWN = None  # the setting's own values, all of them (the activations: the registry's, when asked)
CHOICES = {
    "learning_rate": OWN,
    "batch_size": (1, 2, 5, 10, 20, 50, 100, 250),
    "optimizer": OWN,
    "activation": OWN,
    "layers": OWN,
    "width": (1, 2, 3, 4, 6, 8, 12, 16, 32, 64, 128),
    "regularization": OWN,
    "penalty_rate": OWN,
    "schedule": OWN,
    "dropout": OWN,
    "clip_norm": OWN,
    "init": OWN,
    "seed": tuple(range(10)),
}
NAMES = {"learning_rate": N_("learning rate"), "batch_size": N_("batch size"), "optimizer": N_("optimizer"),
         "activation": N_("activation"), "layers": N_("hidden layers"), "width": N_("neurons per layer"),
         "regularization": N_("regularization"), "penalty_rate": N_("regularization rate"),
         "schedule": N_("learning-rate schedule"), "dropout": N_("dropout"),
         "clip_norm": N_("gradient clipping"), "init": N_("initial weights"),
         "seed": N_("seed")}
THUMBS_PER_ROW = 5


def scheduler():
    """The Dask scheduler the server was started with: `streamlit run app.py -- --scheduler ADDRESS`, or the
    environment variable PLAYGROUND_SCHEDULER; None to train on this machine's cores."""
    args = sys.argv[1:]
    if "--scheduler" in args and args.index("--scheduler") + 1 < len(args):
        return args[args.index("--scheduler") + 1]
    return os.environ.get("PLAYGROUND_SCHEDULER") or None


def _choices(name):
    return CHOICES[name] if CHOICES[name] is not OWN else BY_KEY[name].domain.options


@guarded(N_("the sweep"))
def _start():
    s, p = st.session_state, state.page_state()
    variations = {s.sweep_first: list(s.get("sweep_values_1") or [])}
    if s.get("sweep_second"):
        variations[s.sweep_second] = list(s.get("sweep_values_2") or [])
    try:
        plan = plan_sweep(state.values(), variations, int(s.sweep_epochs), dataset=p.run.dataset)
        p.sweep = start_page_sweep(plan, scheduler=scheduler())
    except SweepError as error:
        p.sweep_refusal = error.message
        return
    state.own_sweep(p.sweep)


@guarded(N_("the sweep"))
def _cancel():
    sweep = state.page_state().sweep
    if sweep is not None:
        sweep.cancel()


@guarded(N_("the sweep"))
def _adopt(index):
    """One run of the sweep becomes the session's run: its settings, its weights and its history."""
    s, p = st.session_state, state.page_state()
    sweep = p.sweep
    result = next(r for r in sweep.results() if r.index == index)
    for key, value in result.settings.items():
        if key not in ("lang", "presentation", "classroom"):
            s[key] = list(value) if key == "features" else value
    dataset = sweep.plan.dataset
    handle = RunHandle(result.settings["engine"], sweep.plan.runs[index].spec, dataset, state.data_key())
    handle.adopt(result.weights, result.epochs, result.history)
    if p.run is not None:
        p.run.close()
    p.run, p.run_key = handle, (result.settings["engine"], state.data_key())


def sweep_section(run):
    st.subheader(_("Sweep: many settings at once"))
    s = st.session_state
    sweep = state.page_state().sweep
    busy = sweep is not None and sweep.running
    # Classroom mode: a setting it hides is not varied, so no run of the sweep changes it.
    names = [NONE, *(name for name in CHOICES if shown("widths" if name == "width" else name))]
    if len(names) < 2:
        st.caption(_("Classroom mode hides every setting a sweep could vary."))
        return
    label = labels(names, lambda n: _(NAMES[n]) if n else _("nothing else"))
    with st.container(horizontal=True, vertical_alignment="bottom"):
        st.selectbox(_("Vary"), names[1:], key="sweep_first", format_func=label, disabled=busy, width=200)
        st.multiselect(_("Values"), _choices(s.sweep_first), key="sweep_values_1", format_func=_value, disabled=busy,
                       width=320)
    with st.container(horizontal=True, vertical_alignment="bottom"):
        second = [n for n in names if n != s.sweep_first]
        st.selectbox(_("and"), second, key="sweep_second", format_func=label, disabled=busy, width=200)
        if s.get("sweep_second"):
            st.multiselect(_("Values"), _choices(s.sweep_second), key="sweep_values_2", format_func=_value,
                           disabled=busy, width=320)
    count = len(s.get("sweep_values_1") or []) * (len(s.get("sweep_values_2") or []) if s.get("sweep_second") else 1)
    with st.container(horizontal=True, vertical_alignment="bottom"):
        st.number_input(_("Epochs"), 1, 100_000, 300, key="sweep_epochs", disabled=busy, width=140)
        st.button(_("Train {n} runs").format(n=count), key="sweep_start", on_click=_start, type="primary",
                  disabled=busy or count < 2 or count > MAX_RUNS or run.lost,
                  help=_("Every other setting is the current one. The runs train side by side, on every core; "
                         "the page stays in use. At most {most} runs.").format(most=MAX_RUNS))
        st.button(_("Cancel"), key="sweep_cancel", on_click=_cancel, disabled=not busy)
    refusal = state.page_state().take("sweep_refusal")
    if refusal:
        st.error(_("The sweep cannot start: {reason}").format(reason=md(refusal, limit=400)))
    if count > MAX_RUNS:
        st.caption(_("{n} runs: a sweep has at most {most}.").format(n=count, most=MAX_RUNS))
    minutes = PAGE_CPU_SECONDS / 60
    st.caption(_("A sweep may use {minutes:g} minutes of one core in all, shared by its runs: a run stops at the end "
                 "of the epoch that uses up its share ({seconds:.0f} s each for {n} runs). The server trains one "
                 "sweep at a time, giving way to everyone's own runs; the others wait their turn.").format(
        minutes=minutes, seconds=PAGE_CPU_SECONDS / max(count, 1), n=max(count, 1)))
    if sweep is not None:
        st.fragment(run_every=0.5 if busy else None)(_results)()


def _results():
    s = state.page_state()
    sweep = s.sweep
    if not sweep.running and s.sweep_was_running:
        s.sweep_was_running = False
        st.rerun()  # the buttons above say the sweep is over
    s.sweep_was_running = sweep.running
    results = sweep.results()
    plan = sweep.plan
    waiting = sweep.waiting
    if waiting:
        st.progress(0.0, text=ngettext("Waiting: {n} sweep on this server goes first.",
                                       "Waiting: {n} sweeps on this server go first.", waiting).format(n=waiting))
    else:
        st.progress(sweep.done / sweep.total, text=_("{done} of {total} runs finished").format(
            done=sweep.done, total=sweep.total))
    if sweep.error:
        st.error(_("A run of the sweep failed: {reason}").format(reason=md(sweep.error)))
    elif sweep.cancelled:
        st.caption(_("Cancelled: the runs that finished are kept."))
    if not results:
        return
    chart(plots.sweep.sweep_figure(plan, results, names={n: _(NAMES[n]) for n in plan.varied}), key="chart_sweep",
          height=320)
    score = "R²" if plan.dataset.task == "regression" else _("accuracy")
    for start in range(0, len(results), THUMBS_PER_ROW):
        for column, result in zip(st.columns(THUMBS_PER_ROW), results[start:start + THUMBS_PER_ROW]):
            with column:
                varied = ", ".join(f"{_(NAMES[name])} {_value(value)}" for name, value in result.varied.items())
                st.image(_thumbnail(result, plan), width="stretch",
                         alt=_("The decision boundary of the run with {varied}").format(varied=varied))
                figure = "—" if not np.isfinite(result.test_score) else f"{result.test_score:.3f}"
                st.caption(_("{varied}: test {score} {figure}").format(varied=varied, score=score, figure=figure))
                if result.capped:
                    st.caption(_("Stopped at epoch {epoch} of {epochs}: its share of the work was used up.").format(
                        epoch=result.epochs, epochs=plan.epochs))
                st.button(_("Make this the current run"), key=f"sweep_adopt_{result.index}", on_click=_adopt,
                          args=(result.index,), width="stretch")


def _value(value):
    if value is None:  # no gradient clipping
        return _("none")
    return f"{value:g}" if isinstance(value, float) else str(value)


def _thumbnail(result, plan):
    """Each run's picture, made once."""
    cache = state.page_state().sweep_thumbnails
    if cache is None or cache[0] is not plan:  # one sweep's pictures at a time
        cache = state.page_state().sweep_thumbnails = (plan, {})
    pictures = cache[1]
    if result.index not in pictures:
        pictures[result.index] = plots.sweep.thumbnail(result, plan.runs[result.index].spec, plan.dataset)
    return pictures[result.index]
