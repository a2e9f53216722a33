"""The playground page: sidebar controls, run controls, and the live part that draws the run."""
import streamlit as st

from ..i18n import LANGUAGES, N_, _, set_language
from ..data import DATASETS
from . import challenge, class_view, compare, controls, digit, draw, schedule, share, sweep, lessons, live, proofs, state, step_through, takeaway
from .space_view import space_section
from .classroom import shown
from .preset import preset_panel
from .safe import labels, section

# Made for a projector: little space above the first row, a sidebar that holds the settings a class
# changes most without scrolling, and formulas that scroll inside their column rather than overflow.
STYLE = """<style>
.block-container { padding: 2.2rem 1.5rem 2rem 1.5rem; }
[data-testid="stSidebarUserContent"] { padding-top: 0.5rem; }
[data-testid="stSidebarHeader"] { height: 2.5rem; min-height: 2.5rem; padding-bottom: 0; }
[data-testid="stSidebar"] [data-testid="stVerticalBlock"] { gap: 0.55rem; }
.katex-display { overflow-x: auto; overflow-y: hidden; padding: 6px 3px; }
.st-key-step_through { scroll-margin-top: 0.5rem; }
.st-key-live_row [data-testid="stHorizontalBlock"], .st-key-live_row_2 [data-testid="stHorizontalBlock"]
  { flex-wrap: wrap; }
.st-key-live_row [data-testid="stColumn"] { min-width: 120px; }
.st-key-live_row_2 [data-testid="stColumn"] { min-width: 330px; }
[data-testid="stWidgetLabel"][disabled], [data-testid="stWidgetLabel"][disabled] p { color: #6b7280; }
/* The dark theme (live.js names the theme on the root element): where Streamlit writes text in the primary colour,
   dark enough for white text on it, a lighter blue keeps 4.5:1 on the dark page, and rings a slider's thumb (3:1 for
   the control's state); a disabled label, a lighter grey. */
html[data-playground-theme="dark"] [data-testid="stSliderThumbValue"] p,
html[data-playground-theme="dark"] [data-testid="stSliderThumbValue"],
html[data-playground-theme="dark"] button[data-selected="true"] p { color: #8ab4f8; }
html[data-playground-theme="dark"] div:has(> div > input[type="range"]) { box-shadow: 0 0 0 2px #8ab4f8; }
html[data-playground-theme="dark"] [data-testid="stWidgetLabel"][disabled],
html[data-playground-theme="dark"] [data-testid="stWidgetLabel"][disabled] p { color: #9ca3af; }
/* The plotly charts are drawn on white, in colours made for it (tests/test_colour.py): in the dark theme they stay
   light cards, their text dark, rather than Streamlit's light text on their white. */
html[data-playground-theme="dark"] [data-testid="stPlotlyChart"] { background: #ffffff; border-radius: 4px; }
html[data-playground-theme="dark"] [data-testid="stPlotlyChart"] svg text { fill: #111111 !important; }
html[data-playground-theme="dark"] [data-testid="stPlotlyChart"] .legendtoggle { fill: transparent !important; }
/* Reduced motion: no animated transitions, no smooth scrolling (the live view draws 2 frames a second at most). */
@media (prefers-reduced-motion: reduce) {
  *, *::before, *::after { transition: none !important; animation: none !important; scroll-behavior: auto !important; }
}
</style>"""
# Presentation: no sidebar (nor the control that opens it), the live part across the whole screen.
PRESENTATION = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"]
  { display: none; }
</style>"""


def main():
    state.init()
    class_view.take_query()
    set_language(st.session_state.lang)
    if class_view.is_dashboard():  # a teacher link: the class's dashboard, and no run
        st.html(STYLE)
        language_selector()
        class_view.dashboard()
        return
    challenge.apply_made()
    st.html(STYLE + (PRESENTATION if st.session_state.presentation else ""))
    # The settings are read before any control is drawn, so that the live part comes first: on a session's
    # first run the sidebar and the tools wait until the live view has drawn its first frame (the browser
    # spends about 0.4 s drawing their controls, and the picture comes first).
    page = state.page_state()
    page.sidebar_waits = False
    tool_names()  # before the link is written
    ds, data_notes = controls.chosen_data()
    config, problem = controls.chosen_network(ds)
    run = body(ds, config)
    if waits(run):
        page.sidebar_waits = True
        return
    page.url_warnings = None  # said once
    sidebar(ds, data_notes, problem)
    state.remember()


def waits(run):
    """Whether the sidebar and the tools wait for the live view's first frame: only before the sidebar was ever
    drawn (a widget not drawn in a run loses its value: an upload that makes a plane set must keep its own)."""
    return run is not None and live.first_frame_pending(run) and not state.page_state().sidebar_drawn


def sidebar(ds, data_notes, problem):
    state.page_state().sidebar_drawn = True
    language_selector()
    lessons.lessons_sidebar()
    challenge.challenge_sidebar()
    controls.data_sidebar(data_notes)
    controls.network_sidebar(ds, problem)


def language_selector():
    st.sidebar.selectbox("Language · 语言", tuple(LANGUAGES), key="lang", format_func=LANGUAGES.get,
                         label_visibility="collapsed")


def body(ds, config):
    """Everything but the sidebar: the notices, the run's buttons, the live part and the chosen tool; returns
    the run shown, or None."""
    # Messages come and go; each kind has its one slot (a container, even when empty), so that what
    # they hold never moves the live part: its charts would be drawn afresh, and blink.
    notices = st.container(key="notices")
    with notices:
        state.show_url_warnings()
    state.write_query_params()
    run = state.current_run(config, ds)
    state.apply_presses(run)
    loading = state.loading() is not None
    if loading:
        with notices:
            loading_notice()
    if run is None:
        if not loading:
            st.info(_("Choose a data set in the sidebar to begin."))
        return None
    state.present(run)
    state.refresh(run)
    if config is None:
        if run.snapshot.active:
            state.on_run(run.pause)
        if not draw.waiting(run.dataset):  # a drawing too small says so below the plane, and moves nothing
            notices.warning(_("These settings make no run yet: the last run is shown, paused, until they are fixed."))
    if class_view.in_class():
        with st.container(key="class_bar"):
            class_view.student_bar(run)
    controls.run_buttons(run)
    with st.container(key="run_notice"):
        live.run_notice(run)
    with st.container(key="preset_slot"), section(N_("the tutorial's example")):
        preset_panel(run)
    live.live_part(run)
    if waits(run):
        return run  # the tools below come with the sidebar
    tool = tools()
    if tool != "space":
        run.show_space(None)  # the frames carry the layer's view only while it is shown
    if tool is not None:
        with section(TOOLS[tool][0]):
            TOOLS[tool][1](run)
    return run


@st.fragment(run_every=0.5)
def loading_notice():
    """While the session's Keras run is built: says so, with a bar that fills over the time it usually takes; the
    whole page runs again once it is built (the fragment alone runs meanwhile, and the page stays usable)."""
    pending = state.loading()
    if pending is None or pending.future.done():
        st.rerun()
    st.progress(pending.progress, text=_("Loading TensorFlow (first time only, a few seconds)"))


# The tools below the live part, one at a time: a page that holds only what is in use stays light to
# redraw while the run trains (every element on the page is drawn again with each update).
TOOLS = {"compare": (N_("compare runs"), compare.compare_section),
         "takeaway": (N_("take it away"), takeaway.takeaway_section),
         "step": (N_("step through one example"), step_through.step_through_section),
         "proofs": (N_("the proofs"), proofs.proofs_section),
         "finder": (N_("the learning-rate finder"), schedule.finder_section),
         "sweep": (N_("the sweep"), sweep.sweep_section),
         "challenge": (N_("the challenge maker"), challenge.maker_section),
         "share": (N_("the links to share"), share.share_section),
         "class": (N_("the class view"), class_view.class_section),
         "space": (N_("the data as a layer sees it"), space_section),
         "digit": (N_("the drawing pad"), digit.digit_section)}
TOOL_LABELS = {"compare": N_("Compare runs"), "takeaway": N_("Take it away"), "step": N_("Step through"),
               "proofs": N_("Proofs"), "finder": N_("Find a learning rate"), "sweep": N_("Sweep"),
               "challenge": N_("Make a challenge"), "share": N_("Share"), "class": N_("A class"),
               "space": N_("As a layer sees it"), "digit": N_("Draw a digit")}


def tool_names():
    """The tools the page offers now; the chosen one (a link's `tool`, or the last) is kept among them, or none."""
    names = [name for name in TOOLS if (name != "challenge" or shown("challenge")) and (name != "digit" or images())]
    if st.session_state.get("tool", "compare") not in (None, *names):
        st.session_state.tool = None
    st.session_state.setdefault("tool", "compare")
    return names


def images():
    """Whether the chosen data set is an image set (the drawing pad is offered there)."""
    info = DATASETS.get(st.session_state.get("dataset"))
    return info is not None and info.kind == "image"


def tools():
    """The row that chooses the tool shown below the live part (or none); returns its name."""
    names = tool_names()
    return st.segmented_control(_("Tools"), names, key="tool", format_func=labels(names, lambda n: _(TOOL_LABELS[n])),
                                label_visibility="collapsed")
