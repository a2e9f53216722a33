"""Compare runs: pin up to five, their curves on the charts, the settings that differ, unpin, clear."""
from playground.ui.compare import MAX_PINS, Pin, describe, difference_table
from waits import run_until_stopped


def stepped(at, timeout=30):
    """Presses Step and runs the page until the step is done (a busy machine takes longer than the press waits)."""
    at.button(key="step").click().run()
    return run_until_stopped(at, timeout)


def test_pinning_keeps_a_copy_of_the_history_for_the_charts(app):
    at = stepped(app())
    at.button(key="pin").click().run()
    pin, = at.session_state.page.pins
    label, history = pin.label, pin.history
    assert label == "#1 circle 4-2 tanh sgd α=0.03"
    assert list(history["epoch"]) == [0, 1]
    stepped(at)
    assert list(history["epoch"]) == [0, 1], "a pin is a copy: the run training on leaves it alone"
    assert len(at.session_state.page.run.snapshot.history["epoch"]) == 3
    assert not at.exception


def test_the_table_shows_the_settings_that_differ(app):
    at = app()
    at.button(key="pin").click().run()
    assert any("same settings" in c.value for c in at.main.caption)
    at.select_slider(key="learning_rate").set_value(0.3).run()
    at.selectbox(key="activation").select("relu").run()
    table = at.table[0].value
    assert list(table.columns) == ["now", "#1"]
    # Each setting by its name on the page, never by its key.
    assert table.loc["Learning rate"].tolist() == ["0.3", "0.03"]
    assert table.loc["Activation"].tolist() == ["relu", "tanh"]
    assert "Hidden layers" not in table.index and "learning_rate" not in table.index


def test_at_most_five_pins_then_unpin_one_and_clear_all(app):
    at = app()
    for _ in range(MAX_PINS):
        stepped(at)
        at.button(key="pin").click().run()
    assert at.button(key="pin").disabled
    assert len(at.session_state.page.pins) == MAX_PINS
    at.button(key="unpin_2").click().run()
    assert [p.number for p in at.session_state.page.pins] == [1, 3, 4, 5]
    assert not at.button(key="pin").disabled
    stepped(at)
    at.button(key="pin").click().run()
    assert [p.number for p in at.session_state.page.pins] == [1, 3, 4, 5, 6]
    at.button(key="unpin_all").click().run()
    assert at.session_state.page.pins == [] and not at.exception


def test_pins_outlive_a_new_run(app):
    at = app()
    at.button(key="pin").click().run()
    at.slider(key="layers").set_value(3).run()
    assert len(at.session_state.page.pins) == 1
    table = at.table[0].value
    assert table.loc["Hidden layers"].tolist() == ["3", "2"] and table.loc["Layer 3"].tolist() == ["2", "—"]


def test_describe_names_data_layers_activation_optimizer_rate_and_penalty():
    values = {"dataset": "spiral", "layers": "3", "width_1": "8", "width_2": "8", "width_3": "4",
              "activation": "relu", "per_layer": "0", "optimizer": "adam", "learning_rate": "0.01",
              "regularization": "l2", "penalty_rate": "0.001"}
    assert describe(values) == "spiral 8-8-4 relu adam α=0.01 l2 0.001"
    assert describe({**values, "layers": "0"}).startswith("spiral no hidden layer adam")


def test_difference_table_of_identical_settings_is_empty():
    now = {"dataset": "circle", "layers": "2"}
    assert difference_table(now, [Pin(1, {}, dict(now))]).empty


def test_the_same_run_pinned_twice_is_refused_with_a_message(app):
    at = app()
    stepped(at)
    at.button(key="pin").click().run()
    at.button(key="pin").click().run()
    assert [p.number for p in at.session_state.page.pins] == [1]
    assert "pinned already, as #1" in at.warning[0].value
    stepped(at)
    at.button(key="pin").click().run()
    assert [p.number for p in at.session_state.page.pins] == [1, 2] and not at.warning


def test_pinned_curves_have_their_own_colour_and_a_short_legend_name(app, live):
    at = app()
    for _ in range(3):
        stepped(at)
        at.button(key="pin").click().run()
    loss = live(at)["live_loss"]
    pinned = loss["pinned"]
    assert [p["label"] for p in pinned] == ["#1", "#2", "#3"]
    assert len({p["color"] for p in pinned}) == 3
    assert {loss["train_color"], loss["test_color"]}.isdisjoint(p["color"] for p in pinned)
    assert [len(p["epoch"]) for p in pinned] == [2, 3, 4] and pinned[2]["epoch"] == [0, 1, 2, 3]
