"""The Sweep section (AppTest): choose, run a small sweep, see its results, make one the current run."""
import time

import pytest

from waits import run_until, until


def run_sweep(at, epochs=20):
    at.number_input(key="sweep_epochs").set_value(epochs).run()
    at.button(key="sweep_start").click().run()
    run_until(at, lambda at: not at.session_state.page.sweep.running, 120, "the sweep still runs", 0.3)
    at.run()


def test_a_sweep_of_two_settings_shows_a_heatmap_a_picture_per_run_and_one_becomes_the_run(app, charts):
    at = app(tool="sweep")
    at.multiselect(key="sweep_values_1").select(0.03).select(0.3).run()
    at.selectbox(key="sweep_second").select("layers").run()
    at.multiselect(key="sweep_values_2").select(1).select(2).run()
    assert at.button(key="sweep_start").label == "Train 4 runs"
    run_sweep(at)
    assert at.session_state.page.sweep.done == 4 and not at.exception
    heatmap = charts(at)["chart_sweep"]
    assert heatmap["data"][0]["type"] == "heatmap" and len(heatmap["layout"]["shapes"]) == 2  # the best, framed
    assert heatmap["layout"]["xaxis"]["title"]["text"] == "learning rate" and "★" in str(heatmap["data"][0]["text"])
    captions = [c.value for c in at.caption if ": test accuracy " in c.value]
    assert len(captions) == 4 and "learning rate 0.3, hidden layers 2" in " ".join(captions)
    at.button(key="sweep_adopt_3").click().run()
    assert at.session_state.learning_rate == 0.3 and at.session_state.layers == 2
    assert at.session_state.page.run.snapshot.epoch == 20 and at.query_params["layers"] == "2"
    at.button(key="step").click().run()
    assert at.session_state.page.run.snapshot.epoch == 21 and not at.exception


def test_cancel_stops_the_sweep_and_keeps_what_finished(app):
    at = app(tool="sweep")
    at.multiselect(key="sweep_values_1").select(0.01).select(0.1).select(1.0).run()
    at.number_input(key="sweep_epochs").set_value(100_000).run()
    at.button(key="sweep_start").click().run()
    at.button(key="sweep_cancel").click().run()
    until(lambda: not at.session_state.page.sweep.running, 10, "the cancelled sweep still runs", 0.2)
    at.run()
    assert not at.session_state.page.sweep.running and at.session_state.page.sweep.cancelled
    assert any("Cancelled" in c.value for c in at.caption) and not at.exception


def test_classroom_mode_keeps_what_it_hides_out_of_the_sweep(app):
    at = app(tool="sweep", classroom="learning_rate,layers")
    varied = at.selectbox(key="sweep_first").options + at.selectbox(key="sweep_second").options
    assert "learning rate" not in varied and "hidden layers" not in varied and "batch size" in varied
    at = app(tool="sweep", classroom="all")
    assert not at.get("selectbox") or all(s.key != "sweep_first" for s in at.selectbox)
    assert any("Classroom mode hides every setting" in c.value for c in at.caption) and not at.exception


def start(at, epochs):
    at.multiselect(key="sweep_values_1").select(0.03).select(0.3).run()
    at.number_input(key="sweep_epochs").set_value(epochs).run()
    at.button(key="sweep_start").click().run()
    return at.session_state.page.sweep


@pytest.mark.serial  # its sweep trains at the page's low priority, against a time limit
def test_the_page_states_the_work_cap_and_a_run_it_stopped_says_so(app, monkeypatch):
    at = app(tool="sweep")
    assert any("10 minutes of one core in all" in c.value for c in at.caption)
    monkeypatch.setattr("playground.sweep.pool.PAGE_CPU_SECONDS", 2.0)   # 1 s of work for each of 2 runs
    sweep = start(at, 100_000)
    assert sweep.wait(30) and sweep.done == 2
    at.run()
    stopped = [c.value for c in at.caption if c.value.startswith("Stopped at epoch")]
    assert len(stopped) == 2 and all("of 100000: its share of the work was used up" in c for c in stopped)
    assert not at.exception


def test_a_second_sessions_sweep_waits_its_turn_and_then_trains(app):
    first, second = app(tool="sweep"), app(tool="sweep")
    long = start(first, 100_000)
    short = start(second, 5)
    time.sleep(1.0)
    second.run()
    assert short.running and short.done == 0
    assert any("Waiting: 1 sweep on this server goes first." in getattr(p, "text", "") for p in second.get("progress"))
    first.button(key="sweep_cancel").click().run()
    assert long.wait(10) and short.wait(60) and short.done == 2 and not short.cancelled
