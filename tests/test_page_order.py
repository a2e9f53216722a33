"""A session's first run draws the live part before the sidebar: the browser's time goes to the picture first,
and the sidebar comes with the run that follows the live view's first frame."""
from streamlit.testing.v1 import AppTest

from conftest import APP


def first_run(**query):
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def ready(at):
    """What the live view's first frame does: its Ready part says so, and the lower row's fragment runs (here
    the whole page runs, as the fragment asks it to)."""
    at.session_state.page.first_frame_drawn = True
    return at.run()


def test_the_first_run_draws_the_live_view_and_its_ready_part_and_no_sidebar_control():
    at = first_run()
    assert not at.exception
    views = [element.proto.id.rsplit("-", 1)[-1] for element in at.get("bidi_component")]
    assert "live_boundary" in views and "live_ready" in views
    assert len(at.sidebar.selectbox) == 0 and len(at.sidebar.slider) == 0
    assert at.session_state.page.sidebar_waits is True
    # The settings were read all the same: the run is the link's.
    assert at.button(key="play").label == "Play"


def test_once_the_first_frame_is_drawn_the_sidebar_comes_with_the_settings_of_the_link():
    at = ready(first_run(layers="3", learning_rate="0.3"))
    assert not at.exception
    assert at.sidebar.slider(key="layers").value == 3
    assert at.sidebar.select_slider(key="learning_rate").value == 0.3
    assert "sidebar_waits" not in at.session_state
    assert len(at.session_state.page.run.spec.hidden) == 3


def test_a_press_before_the_first_frame_is_taken_and_the_sidebar_still_comes_after():
    at = first_run()
    at.button(key="step").click().run()
    assert not at.exception and len(at.sidebar.selectbox) == 0
    at = ready(at)
    assert at.sidebar.selectbox(key="dataset").value == "circle"


def test_an_image_set_has_no_first_frame_to_wait_for_and_draws_the_sidebar_at_once():
    at = first_run(dataset="digits")
    assert not at.exception
    assert at.sidebar.selectbox(key="dataset").value == "digits"
    assert "sidebar_waits" not in at.session_state


def test_what_the_settings_lack_is_said_in_the_sidebar_and_the_last_run_stays():
    at = ready(first_run())
    run = at.session_state.page.run
    at.sidebar.multiselect(key="features").set_value([]).run()
    assert not at.exception
    assert [e.value for e in at.sidebar.error] == ["Choose at least one input feature."]
    assert at.session_state.page.run is run


def test_once_the_sidebar_was_drawn_it_never_waits_again():
    """A session begun on an image set has its sidebar; switching to a plane set keeps it (a control not drawn
    in a run loses its value, an upload its file)."""
    at = first_run(dataset="digits")
    at.sidebar.selectbox(key="dataset").select("circle").run()
    assert not at.exception
    assert at.sidebar.selectbox(key="dataset").value == "circle" and at.segmented_control(key="tool")
    assert "sidebar_waits" not in at.session_state
