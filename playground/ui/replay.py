"""Replay: when the run is paused, a slider (key `replay_epoch`) scrubs back through its epochs, and the
live part shows that epoch (the boundary, the network, the weights and the metrics; the curves mark it).
"Continue from here" (`replay_continue`) takes the run back to it; the animation (`export_gif`) is
among the downloads.
"""
import streamlit as st

from .. import plots
from ..i18n import N_, _
from . import state
from .safe import guarded


def scrub(run):
    """The slider (always in its place, so that pausing moves nothing; usable when the paused run has epochs
    behind it); returns the Snapshot of the epoch chosen in the past, or None for the run as it is now."""
    snapshot, s = run.snapshot, st.session_state
    label, help_text = _("Replay: epoch"), _("Look back at any epoch of the run: the charts show the network as it "
                                             "was then.")
    with st.container(horizontal=True, vertical_alignment="bottom", key="replay"):
        if snapshot.active or not snapshot.epoch or run.lost:
            st.slider(label, 0, max(1, snapshot.epoch), snapshot.epoch, key="replay_idle", width=420, disabled=True,
                      help=help_text)
            return None
        if state.page_state().replay_for != (run.id, snapshot.epoch):  # paused anew: the slider starts at now
            s.pop("replay_epoch", None)
            state.page_state().replay_for = (run.id, snapshot.epoch)
        # Now is the slider's default, not a value set through the session state: a browser that draws the
        # slider from a later run's message, before it has drawn the first, shows its default (it showed 0).
        st.slider(label, 0, snapshot.epoch, snapshot.epoch, key="replay_epoch", width=420, help=help_text)
        if s.replay_epoch >= snapshot.epoch:
            return None
        past = state.on_run(run.replay_at, s.replay_epoch)
        if past is None:
            return None
        st.button(_("Continue from here"), key="replay_continue", on_click=_continue, args=(past.epoch,),
                  help=_("Take the run back to this epoch, with a fresh optimizer, and go on from there."))
    if past.epoch != s.replay_epoch:
        st.caption(_("Epoch {asked} is not kept (a long run keeps fewer of its older epochs): showing epoch {kept}.")
                   .format(asked=s.replay_epoch, kept=past.epoch))
    return past


@guarded(N_("the replay"))
def _continue(epoch):
    state.on_run(state.page_state().run.continue_from, epoch)


def animation(run):
    """The bytes of the boundary's animation over the run (a GIF of at most 100 frames)."""
    ds = run.dataset
    x, y, _inputs = ds.plane_grid
    frames = run.replay_frames(plots.animation.MAX_FRAMES)
    return plots.animation.boundary_gif(x, y, frames, ds.points_train, ds.y_train, ds.task, ds.n_classes)
