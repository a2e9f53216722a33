"""Classroom mode: the URL names the controls to hide; their values still come from the URL."""
import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState

from playground import challenges, settings

SIDEBAR_KEYS = ("engine", "dataset", "noise", "samples", "train_percent", "regenerate", "features", "layers",
                "width_1", "width_2", "activation", "per_layer", "output", "loss", "optimizer", "learning_rate",
                "batch_size", "regularization", "penalty_rate", "dropout", "per_layer_dropout", "clip_norm", "init", "seed", "stop_epoch", "stop_metric",
                "stop_value")


def drawn(at):
    """The keys of the sidebar's widgets on the page."""
    ids = [getattr(node, "id", None) or "" for node in at.sidebar]
    return {key for key in SIDEBAR_KEYS + tuple(f"lesson_{k}" for k in ("xor", "l1"))
            if any(i.endswith(f"-{key}") for i in ids)}


def test_without_classroom_mode_every_control_is_drawn_and_the_url_does_not_mention_it(app):
    at = app()
    assert drawn(at) >= {*SIDEBAR_KEYS, "lesson_xor", "lesson_l1"}
    assert "classroom" not in at.query_params


def test_hidden_controls_are_not_drawn_and_their_values_stay_in_effect(app):
    at = app(classroom="optimizer,learning_rate,widths,stop", optimizer="adam", learning_rate="0.1", width_1="7",
             stop_epoch="50")
    assert not at.warning
    assert {"optimizer", "learning_rate", "width_1", "width_2", "stop_epoch", "stop_metric"}.isdisjoint(drawn(at))
    assert {"activation", "layers", "loss"} <= drawn(at)
    for _ in range(3):
        at.button(key="step").click().run()
    spec = at.session_state.page.run.spec
    assert spec.optimizer == "adam" and spec.learning_rate == 0.1 and spec.hidden == (7, 2) and spec.stop_epoch == 50
    assert at.query_params["classroom"] == "optimizer,learning_rate,widths,stop"
    assert at.query_params["learning_rate"] == "0.1" and at.session_state.page.run.snapshot.epoch == 3


def test_classroom_all_hides_every_control_and_the_lessons_but_the_page_trains(app):
    at = app(classroom="all", dataset="xor", layers="3")
    assert drawn(at) == set()
    at.button(key="step").click().run()
    assert not at.exception and at.session_state.page.run.snapshot.epoch == 1
    assert at.session_state.page.run.spec.hidden == (4, 2, 2) and at.session_state.page.run.dataset.name == "xor"


def test_hidden_dropout_clipping_and_initializer_keep_their_values_from_the_link(app):
    at = app(classroom="dropout,clip_norm,init", per_layer_dropout="1", dropout_1="0.5", dropout_2="0.2",
             clip_norm="1", init="he_normal")
    assert not at.warning
    ids = [getattr(node, "id", None) or "" for node in at.sidebar]
    assert {"dropout", "per_layer_dropout", "clip_norm", "init"}.isdisjoint(drawn(at))
    assert not any(i.endswith(("-dropout_1", "-dropout_2")) for i in ids)
    assert {"stop_epoch", "seed", "optimizer"} <= drawn(at)
    at.button(key="step").click().run()
    spec = at.session_state.page.run.spec
    assert (spec.dropout, spec.clip_norm, spec.initializer) == ((0.5, 0.2), 1.0, "he_normal")
    assert at.query_params["classroom"] == "dropout,clip_norm,init" and at.query_params["dropout_1"] == "0.5"


@pytest.mark.parametrize("value", ["<script>", "optimizer,secret", "learning_rate,learning_rate", "all,seed"])
def test_a_tampered_classroom_value_is_ignored_with_the_usual_warning(value, app):
    at = app(classroom=value)
    assert not at.exception
    assert "`classroom`" in at.warning[0].value
    assert drawn(at) >= set(SIDEBAR_KEYS)
    assert "classroom" not in at.query_params


def test_classroom_names_parse_to_the_controls():
    assert settings.controls("seed,engine") == ("seed", "engine")
    assert settings.controls("all") == ("all",)
    assert settings.controls("") == ()
    with pytest.raises(ValueError):
        settings.controls("seed,nope")


# A teacher fixes the data (circle, noise 0.1, seed 7) and hides it: no challenge may switch it.
TEACHER = {"classroom": "dataset,noise,seed,loss", "dataset": "circle", "noise": "0.1", "seed": "7"}
FIXED = {"dataset": "circle", "noise": 0.1, "seed": 7, "loss": "binary_crossentropy"}


def fixed(at):
    return {key: at.session_state[key] for key in FIXED}


def test_a_challenge_that_would_change_a_hidden_setting_is_not_offered(app):
    at = app(**TEACHER)
    options = at.selectbox(key="challenge").options
    assert options == ["No challenge"]
    assert any("not offered" in c.value for c in at.sidebar.caption)
    at = app(**{**TEACHER, "noise": "0", "seed": "0"})   # circle3 imposes these very values: it changes nothing hidden
    offered = at.selectbox(key="challenge")
    assert offered.options == ["No challenge", challenges.BY_KEY["circle3"].title]
    offered.select("circle3").run()
    assert at.session_state.challenge == "circle3" and at.session_state.dataset == "circle" and not at.exception


def test_a_challenge_forced_past_the_selector_changes_no_hidden_setting(app, monkeypatch):
    """A browser sends the option it shows; a forged message may send a key the selector does not offer."""
    at = app(**TEACHER)
    selector = at.selectbox(key="challenge")
    forged = WidgetState(id=selector.id, string_value="bumps")
    shown = type(selector)._widget_state
    monkeypatch.setattr(type(selector), "_widget_state",
                        property(lambda w: forged if w.id == selector.id else shown.fget(w)))
    at.run()
    monkeypatch.undo()
    at.run()
    assert fixed(at) == FIXED and at.session_state.page.run.dataset.name == "circle"
    assert at.session_state.challenge == "" and "challenge" not in at.query_params
    assert at.query_params["dataset"] == "circle" and at.query_params["seed"] == "7"
    assert not at.exception


def test_the_drawing_tools_are_hidden_whenever_the_data_set_is(app):
    assert app().segmented_control(key="draw_mode")
    for classroom in ("dataset", "all"):
        at = app(classroom=classroom)
        assert not [w for w in at.segmented_control if w.key == "draw_mode"]
        assert not [w for w in at.button if w.key == "draw_clear"]



def sidebar_outline(at):
    """The sidebar's top-level elements as (type, text), expanders with their children's count."""
    outline = []
    for node in at.sidebar.children.values():
        kind = getattr(node, "type", type(node).__name__)
        text = getattr(node, "value", None) if kind in ("markdown", "caption") else getattr(node, "label", "")
        outline.append((kind, text, len(getattr(node, "children", {}) or {}) if kind == "expander" else None))
    return outline


def test_classroom_all_draws_no_empty_heading_or_expander_and_shows_the_fixed_values(app):
    at = app(classroom="all", dataset="xor", learning_rate="0.03")
    outline = sidebar_outline(at)
    assert not [item for item in outline if item[0] == "expander"], outline
    is_heading = [kind == "markdown" and text.startswith("**") for kind, text, _ in outline]
    assert any(is_heading) and not is_heading[-1], outline
    assert not any(a and b for a, b in zip(is_heading, is_heading[1:])), outline  # each heading holds something
    captions = [c.value for c in at.sidebar.caption]
    assert "Learning rate 0.03 (set for this class)" in captions
    assert "Data set xor (set for this class)" in captions
    assert "Hidden layers 2 (set for this class)" in captions


def test_a_fixed_setting_is_shown_read_only_with_its_value_in_place_of_its_control(app):
    at = app(classroom="learning_rate,activation", learning_rate="0.1", activation="relu")
    captions = [c.value for c in at.sidebar.caption]
    assert "Learning rate 0.1 (set for this class)" in captions and "Activation relu (set for this class)" in captions
    assert [e.label for e in at.sidebar.expander] == ["More data options", "More network and training options",
                                                      "Stop training"]
