"""The page keeps its own state in one PageState (ui/state.py): beside it, st.session_state holds only the
widgets' values and the settings."""
import pytest

from playground import settings
from playground.ui import state
from playground.ui.state import PageState


def widget_keys(at):
    """The keys of the widgets the page drew in its last run."""
    keys, todo = set(), [at.main, at.sidebar]
    while todo:
        node = todo.pop()
        todo.extend(getattr(node, "children", {}).values())
        if getattr(node, "key", None):
            keys.add(node.key)
    return keys


def loose_keys(at):
    """What the session holds that is neither a widget's value, a setting nor the PageState."""
    assert not at.exception
    return set(at.session_state) - widget_keys(at) - {x.key for x in settings.SETTINGS} - {state.KEY}


def test_the_page_state_and_the_widgets_are_all_the_session_holds(app, tool):
    at = app()
    assert loose_keys(at) == set()
    for button in ("step", "play", "play", "regenerate"):
        at.button(key=button).click().run()
        assert loose_keys(at) == set(), button
    at.button(key="lesson_xor").click().run()
    assert loose_keys(at) == set() and at.session_state.page.lesson == "xor"
    at.button(key="pin").click().run()
    assert loose_keys(at) == set() and len(at.session_state.page.pins) == 1
    for name in ("takeaway", "step", "proofs", "finder", "sweep", "challenge", "share", "class", "space"):
        tool(at, name)
        assert loose_keys(at) == set(), name
    page = at.session_state.page
    assert type(page) is PageState and page.run is not None and page.run_key[0] == "numpy"


def test_a_field_that_is_not_declared_is_refused():
    page = PageState()
    with pytest.raises(AttributeError):
        page.runn = None  # a misspelt field does not become a loose one
    page.pins.append("a pin")
    assert PageState().pins == []  # each session its own list


def test_take_gives_a_message_once_and_reset_brings_the_defaults_back():
    page = PageState(run_error="boom", pin_count=3, class_member="m1")
    assert page.take("run_error") == "boom" and page.run_error is None
    page.reset("pin_count", "class_member")
    assert page.pin_count == 0 and page.class_member is None
