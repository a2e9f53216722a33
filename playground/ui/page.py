"""The playground page: sidebar controls, run controls, and the live part that trains and draws."""
import streamlit as st

from . import compare, controls, lessons, live, proofs, state, step_through, takeaway
from .preset import preset_panel, preset_sidebar


def main():
    state.init()
    lessons.lessons_sidebar()
    preset_sidebar()
    ds = controls.data_sidebar()
    config = controls.network_sidebar(ds)
    st.title("Neural Playground")
    state.show_url_warnings()
    state.write_query_params()
    run = state.current_run(config, ds)
    if run is None:
        st.info("Choose a data set in the sidebar to begin.")
        return
    if config is None:
        st.caption("Still showing the last run, until the data is fixed.")
    controls.run_buttons(run)
    if run.diverged:
        live.divergence_notice(run)
    preset_panel(run)
    live.live_part()
    compare.compare_section()
    takeaway.takeaway_section(run)
    step_through.step_through_section(run)
    proofs.proofs_section(run)
