"""Schedules and the learning-rate finder on the page (AppTest)."""
import importlib
import threading

import numpy as np

from playground.ui import state
from waits import until

pool = importlib.import_module("playground.trainer.pool")  # the module (playground.trainer.pool is also a function)


def same(a, b):
    return all(np.array_equal(x, y) for (x, _), (y, _) in zip(a, b))


def test_a_schedule_keeps_the_weights_goes_in_the_link_and_draws_its_rate(app, charts):
    at = app()
    at.button(key="step").click().run()
    run, trained = at.session_state.page.run, at.session_state.page.run.weights()
    assert at.selectbox(key="schedule").options[0] == "constant" and "chart_schedule" not in charts(at)
    at.selectbox(key="schedule").select("warmup_cosine").run()
    assert at.session_state.page.run is run and same(trained, run.weights()) and run.spec.schedule == "warmup_cosine"
    assert at.query_params["schedule"] == "warmup_cosine" and "warmup_epochs" in at.query_params
    rates = charts(at)["chart_schedule"]["data"][0]["y"]
    assert rates[0] < max(rates) and rates[-1] < max(rates)  # it warms up, then decays


def test_the_finder_leaves_the_run_alone_and_its_suggestion_becomes_the_rate(app, charts):
    at = app(tool="finder")
    at.button(key="step").click().run()
    run, trained = at.session_state.page.run, at.session_state.page.run.weights()
    at.button(key="lr_finder").click().run()
    figure = charts(at)["chart_lr_finder"]
    assert figure["layout"]["xaxis"]["type"] == "log" and len(figure["data"][1]["x"]) <= 300
    assert same(trained, run.weights()) and run.refresh().epoch == 1
    suggested = at.button(key="lr_finder_use").label
    at.button(key="lr_finder_use").click().run()
    assert str(at.session_state.learning_rate) in suggested and at.session_state.page.run is run
    assert run.spec.learning_rate == at.session_state.learning_rate and same(trained, run.weights())


def test_the_finder_button_is_disabled_while_its_request_is_under_way(app, charts, monkeypatch):
    """A press that does not wait for the finder's answer leaves the button disabled until it comes, then shows
    the curve: a second press cannot pile another finder on the worker."""
    monkeypatch.setattr(state, "JOB_WAIT", 0.0)  # the page goes on at once: the answer comes later
    gates = []

    class Gate(threading.Event):
        """The finder's answer, held when it comes (however fast the machine) until the test opens it."""
        def __init__(self):
            super().__init__()
            self.came = threading.Event()

        def set(self):
            self.came.set()

        def open(self):
            super().set()

    class HeldReply(pool.Reply):
        def __init__(self, command, args=()):
            super().__init__(command, args)
            if command == "lr_find":
                self.done = Gate()
                gates.append(self.done)

    monkeypatch.setattr(pool, "Reply", HeldReply)
    at = app(tool="finder")
    at.button(key="lr_finder").click().run()
    run = at.session_state.page.run
    assert run.pending("lr_find") and at.button(key="lr_finder").disabled
    assert "chart_lr_finder" not in charts(at) and not at.exception
    assert len(gates) == 1 and gates[0].came.wait(60)   # one finder asked, and its answer here
    gates[0].open()
    until(lambda: not run.pending("lr_find"))
    at.run()
    assert not at.button(key="lr_finder").disabled and "chart_lr_finder" in charts(at)
