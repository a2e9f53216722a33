"""Draw your own data on the decision boundary's plane.

A draw mode (key `draw_mode`: off, draw, erase) turns clicks on the chart into points: in draw mode a
click adds a point of the chosen class (`draw_class`: the data set's classes, or for regression a
value), in erase mode it removes the point nearest the click; `draw_clear` empties the plane. Drawing
starts from the data set's own points. The drawing replaces the data set's points, keeping its
classes and input features, and the run goes on with the new points: its weights and its optimizer's
state stay. The drawing travels in the link (`drawn`) up to MAX_LINK_POINTS points; past that the
page says so, and the data download holds them.
"""
import numpy as np
import streamlit as st

from ..data import drawn
from ..i18n import N_, _
from . import state
from .classroom import shown
from .live_view import clicked
from .safe import guarded, labels, md

MODES = ("off", "draw", "erase")


def drawing():
    """Whether clicks on the plane draw or erase (the mode is "off" until chosen, and while classroom mode
    hides the data set)."""
    return allowed() and st.session_state.get("draw_mode") in ("draw", "erase")


def allowed():
    """Whether the drawing tools are offered: not while classroom mode hides the data set, whose points a
    drawing replaces (a drawing the link brings stays)."""
    return shown("dataset")


def possible(ds):
    """Whether one can draw on this data set: a built-in set in the plane (an upload's columns are its own)."""
    return ds is not None and ds.points_train is not None and ds.extent is not None


def active(ds):
    """Whether the session draws on this data set."""
    return possible(ds) and state.page_state().draw_points is not None


def start(ds):
    """A drawing begins with the data set's own points, unless the link brought one."""
    s, p = st.session_state, state.page_state()
    if p.draw_points is None:
        if s.get("drawn"):
            try:
                p.draw_points, p.draw_labels = drawn.decode(s.drawn, ds.task, max(ds.n_classes, 1))
            except ValueError:
                s.drawn = ""
        if p.draw_points is None:
            p.draw_points, p.draw_labels = drawn.points_of(ds)
    _to_link()


def dataset(base):
    """(the drawing as a data set with `base`'s task, classes and input features, or None while it has too few
    points to train on, and then what the sidebar says about it)."""
    s = state.page_state()
    try:
        return drawn.drawn_dataset(s.draw_points, s.draw_labels, base.task, base.class_names, base.feature_names), None
    except ValueError as error:
        return None, _("Your drawing cannot be trained on yet: {reason}").format(reason=md(error))


def waiting(ds):
    """Whether the session draws on `ds`'s plane a drawing too small to train on (the last run stays shown)."""
    return active(ds) and len(state.page_state().draw_points) < drawn.TEST_EVERY


def points():
    """The drawing as it is now, as the plane shows it: (training points, their labels, test points, theirs)."""
    s = state.page_state()
    train, test = drawn.split(len(s.draw_points))
    return s.draw_points[train], s.draw_labels[train], s.draw_points[test], s.draw_labels[test]


def _to_link():
    p = state.page_state()
    n = len(p.draw_points)
    st.session_state.drawn = drawn.encode(p.draw_points, p.draw_labels, _task()) if n <= drawn.MAX_LINK_POINTS else ""


def _task():
    run = state.page_state().run
    return run.dataset.task if run else "classification"


@guarded(N_("the drawing"))
def on_click():
    """The boundary chart's callback in draw or erase mode: a point added at the click, or the nearest removed."""
    s, p = st.session_state, state.page_state()
    click = clicked()
    if not drawing() or not click or click.get("kind") != "plane" or p.draw_points is None:
        return
    at = (click["x"], click["y"])
    if s.draw_mode == "draw":
        p.draw_points, p.draw_labels = drawn.add_point(p.draw_points, p.draw_labels, at, s.draw_class)
    elif s.draw_mode == "erase":
        p.draw_points, p.draw_labels = drawn.erase_nearest(p.draw_points, p.draw_labels, at)
    _to_link()
    p.redrawn = True  # the data changed: the whole page runs again, and the run trains on the new points


def follow():
    """After a click changed the drawing (in the live part), the whole page runs, so the run gets the points."""
    if state.page_state().take("redrawn"):
        st.rerun()


@guarded(N_("the drawing"))
def _clear():
    p = state.page_state()
    if not allowed():
        return
    p.draw_points, p.draw_labels = drawn.cleared(p.draw_labels)
    p.redrawn, st.session_state.drawn = True, ""


def controls(ds):
    """Under the boundary: the mode, the class to draw, Clear, and what the drawing is; nothing while
    classroom mode hides the data set."""
    s = st.session_state
    if not allowed():
        return
    with st.container(horizontal=True, vertical_alignment="bottom", key="draw", width="content"):
        names = {"off": _("look"), "draw": _("draw"), "erase": _("erase")}
        s.setdefault("draw_mode", "off")
        st.segmented_control(_("Draw your data"), MODES, key="draw_mode", format_func=labels(MODES, names.get),
                             required=True,
                             on_change=_mode_changed, args=(ds,),
                             help=_("Draw: a click adds a point of the chosen class. Erase: a click removes the "
                                    "nearest point. The run goes on with the drawn points."))
        if drawing():
            if ds.task == "classification":
                classes = list(range(ds.n_classes))
                st.segmented_control(_("Class"), classes, key="draw_class", format_func=labels(
                    classes, lambda k: str(ds.class_names[k])), required=True)
            else:
                st.select_slider(_("Value"), [round(v, 1) for v in np.linspace(-1, 1, 21)], key="draw_class",
                                 width=200)
            st.button(_("Clear"), key="draw_clear", on_click=_clear, help=_("Start from an empty plane."))
    if active(ds):
        n = len(state.page_state().draw_points)
        note = _("Your drawing: {n} points; every {k}th point drawn is a test point, the others are training "
                 "points.").format(n=n, k=drawn.TEST_EVERY)
        if n < drawn.TEST_EVERY:
            note += " " + _("Draw at least {k} points to train on them; until then the last run is shown.").format(
                k=drawn.TEST_EVERY)
        if n > drawn.MAX_LINK_POINTS:
            note += " " + _("A link holds at most {most} drawn points, so this drawing is not in the link: download "
                            "the data (.csv) to keep it.").format(most=drawn.MAX_LINK_POINTS)
        st.caption(note)


@guarded(N_("the drawing"))
def _mode_changed(ds):
    s = st.session_state
    if drawing():
        if ds.task == "classification" and s.get("draw_class") not in range(ds.n_classes):
            s.draw_class = 0
        if ds.task == "regression" and not isinstance(s.get("draw_class"), float):
            s.draw_class = 0.0
        start(ds)
