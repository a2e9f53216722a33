"""Challenges on the page: the selector (key `challenge`, first option none), the banner that follows
the attempt live, and a teacher's "make a challenge from this", whose link carries it.

The rules are `playground.challenges`'; this only chooses, shows and makes.
"""
import streamlit as st

from .. import challenges, settings
from ..challenges import BY_KEY, LIMITS, METRICS, Goal
from ..i18n import N_, _
from . import state
from .classroom import may_change, shown
from .safe import guarded, labels, md

NONE = ""   # the selector's first option: no challenge
LIMIT_NAMES = {"max_neurons": N_("hidden neurons"), "max_layers": N_("hidden layers"),
               "max_features": N_("input features"), "activations": N_("activations")}


def current():
    """The challenge the session has chosen, or None."""
    text = st.session_state.get("challenge", NONE)
    return challenges.from_link(text) if text else None


def _title(text):
    if text == NONE:
        return _("No challenge")
    return _(BY_KEY[text].title) if text in BY_KEY else _(challenges.CUSTOM_TITLE)


def _changes(challenge, values):
    """The settings choosing `challenge` would change, and their new values."""
    return {key: value for key, value in challenges.impose(challenge, values).items() if value != values[key]}


def _offered(key, values):
    """Whether the selector offers the built-in `key`: not while classroom mode hides a setting it would change."""
    return may_change(_changes(BY_KEY[key], values))


@guarded(N_("the challenge"))
def _choose():
    """The selector's callback: the chosen challenge's data settings are imposed, and a fresh run starts. A
    challenge that would change a setting classroom mode hides (sent past the selector) is dropped."""
    challenge, values = current(), state.values()
    changes = _changes(challenge, values) if challenge is not None else {}
    if not may_change(changes):
        st.session_state.challenge = NONE
        return
    state.forget_drawing()
    for key, value in changes.items():
        st.session_state[key] = list(value) if key == "features" else value
    state.request_new_run()


def challenge_sidebar():
    """The challenge selector, under classroom mode hidden by `challenge` (the challenge stays)."""
    if not shown("challenge"):
        return
    values = state.values()
    offered = [key for key in BY_KEY if _offered(key, values)]
    options = [NONE, *offered]
    if st.session_state.get("challenge", NONE) not in options:
        options.append(st.session_state.challenge)  # a challenge shared in a link
    st.sidebar.selectbox(_("Challenge"), options, key="challenge", format_func=labels(options, _title),
                         on_change=_choose, help=_("A goal to reach within a number of epochs, under limits; the data set is fixed."))
    if len(offered) < len(BY_KEY):
        st.sidebar.caption(_("The challenges that would change a setting your teacher fixed are not offered."))


def goal_text(challenge):
    goal = challenge.goal
    return _("{metric} {comparison} {target:g} within {epochs} epochs").format(
        metric=_(METRICS[goal.metric].name), comparison="≥" if goal.comparison == ">=" else "≤", target=goal.target,
        epochs=challenge.epochs)


def limits_text(challenge):
    parts = []
    for name, allowed in challenge.limits.items():
        if name == "activations":
            parts.append(_("activations: {names}").format(names=", ".join(allowed)))
        else:
            parts.append(_("at most {n} {what}").format(n=allowed, what=_(LIMIT_NAMES[name])))
    return " · ".join(parts) or _("none")


def _broken_text(broken):
    what = _(LIMIT_NAMES[broken.limit]) if broken.limit in LIMIT_NAMES else settings.label(broken.limit)
    if broken.limit == "activations":
        return _("{what}: {current} is not allowed").format(what=what, current=", ".join(broken.current))
    return _("{what}: {current} where the challenge says {allowed}").format(
        what=what, current=md(broken.current), allowed=md(broken.allowed))


def banner(run):
    """The goal, the limits and how the attempt stands, live; then the verdict."""
    challenge = current()
    if challenge is None:
        return
    values = state.values()
    attempt = challenges.progress(challenge, run.snapshot.history, values)
    with st.container(border=True, key="challenge_banner"):
        st.markdown(f"**{_(challenge.title)}** — {_(challenge.what)}")
        st.caption(_("Goal: {goal}. Limits: {limits}.").format(goal=goal_text(challenge),
                                                               limits=limits_text(challenge)))
        if attempt.broken:
            st.warning(_("This attempt does not count: {broken}.").format(
                broken="; ".join(_broken_text(b) for b in attempt.broken)))
        elif attempt.solved:
            neurons = LIMITS["max_neurons"].current(values)
            st.success(_("Solved at epoch {epoch} with {neurons} hidden neurons.").format(
                epoch=attempt.solved_at, neurons=neurons))
        elif attempt.over:
            st.error(_("Not reached within {epochs} epochs: the best was {best} at epoch {epoch}. Change the "
                       "network, then press Reset.").format(epochs=challenge.epochs, best=_figure(attempt.best),
                                                           epoch=attempt.best_epoch))
        elif attempt.best is not None:
            st.info(_("Best so far: {best} at epoch {epoch} of {epochs}.").format(
                best=_figure(attempt.best), epoch=attempt.best_epoch, epochs=challenge.epochs))


def live_goal(run):
    """What the live view watches for while the run plays, so that the page runs again and the banner says so:
    the goal's history column, its target and direction, and the epochs allowed; None without a challenge, or
    once it is decided (solved, over or broken)."""
    challenge = current()
    if challenge is None:
        return None
    attempt = challenges.progress(challenge, run.snapshot.history, state.values())
    if attempt.broken or attempt.solved or attempt.over:
        return None
    metric = challenges.METRICS[challenge.goal.metric]
    return {"column": metric.column, "higher": metric.higher, "target": challenge.goal.target,
            "epochs": challenge.epochs}


def _figure(value):
    return "—" if value is None else f"{value:.3f}"


def maker_section(run):
    """A teacher's form: the current setup as a challenge, with a goal and limits; its link carries it.
    (Offered only where classroom mode shows the challenge selector.)"""
    values = state.values()
    st.subheader(_("Make a challenge from this"))
    kind = "regression" if challenges.task_kind_of(values["dataset"]) == "regression" else "classification"
    metrics = [m for m, metric in METRICS.items() if kind in metric.tasks]
    metric = st.selectbox(_("Goal"), metrics, format_func=labels(metrics, lambda m: _(METRICS[m].name)),
                          key="challenge_metric")
    default = 0.9 if METRICS[metric].higher else 0.2
    target = st.number_input(_("Target"), min_value=0.001, max_value=METRICS[metric].high, value=default,
                             step=0.01, format="%.3f", key="challenge_target")
    epochs = st.number_input(_("Within epochs"), 1, challenges.MAX_EPOCHS, 50, key="challenge_epochs")
    limits = {}
    for name, allowed in challenges.current_limits(values).items():
        shown_value = ", ".join(allowed) if name == "activations" else allowed
        label = _("Limit: {what} ({value})").format(what=_(LIMIT_NAMES[name]), value=shown_value)
        if st.checkbox(label, value=name != "activations", key=f"challenge_limit_{name}"):
            limits[name] = allowed
    if st.button(_("Make the challenge"), key="challenge_make"):
        try:
            made = challenges.from_current(values, Goal(metric, target), int(epochs), limits)
        except ValueError as error:
            st.error(md(error))
        else:
            state.page_state().challenge_made = challenges.link(made)
            st.rerun()


def apply_made():
    """A challenge made by the teacher's form becomes the session's (before the selector is drawn)."""
    made = state.page_state().take("challenge_made")
    if made is not None:
        st.session_state.challenge = made
        _choose()
