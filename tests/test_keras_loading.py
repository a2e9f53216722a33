"""The first Keras run of a server: TensorFlow loads in a worker while the page stays usable, says so, and a
press made meanwhile is carried out once the run is built."""
import time

import pytest

from playground import trainer
from playground.ui import state

LOADING = "Loading TensorFlow (first time only, a few seconds)"


def progress_texts(at):
    return [element.proto.text for element in at.get("progress")]


@pytest.mark.slow  # TensorFlow loads
def test_a_play_press_while_tensorflow_loads_plays_the_keras_run(app):
    trainer.shutdown()  # a fresh pool: no worker has loaded TensorFlow
    at = app()
    assert not at.exception and at.session_state.page.run.engine_name == "numpy"
    folded = [radio.key for expander in at.sidebar.expander for radio in expander.radio]
    assert "engine" in [radio.key for radio in at.sidebar.radio] and "engine" not in folded  # the first screen
    started = time.monotonic()
    at.radio(key="engine").set_value("keras").run()
    took = time.monotonic() - started
    assert not at.exception
    assert took < 5, f"the script waited {took:.1f} s for TensorFlow"
    assert isinstance(at.session_state.page.pending_run, state.PendingRun)
    assert progress_texts(at) == [LOADING]
    assert at.session_state.page.run.engine_name == "numpy"  # the last run, shown meanwhile
    at.button(key="play").click().run()
    assert not at.exception and at.session_state.page.run.engine_name == "numpy"
    assert not at.session_state.page.run.snapshot.active  # the press waits for the Keras run
    deadline = time.monotonic() + 180
    while at.session_state.page.run.engine_name != "keras" and time.monotonic() < deadline:
        time.sleep(0.5)
        at.run()
    run = at.session_state.page.run
    assert run.engine_name == "keras"
    assert progress_texts(at) == []
    deadline = time.monotonic() + 60
    while run.snapshot.epoch < 2 and time.monotonic() < deadline:
        time.sleep(0.5)
        at.run()
    assert run.snapshot.active and run.snapshot.epoch >= 2  # the press was carried out: it plays
    assert at.button(key="play").label == "Pause"


@pytest.mark.slow  # TensorFlow loads
def test_settings_that_make_no_run_while_tensorflow_loads_drop_the_keras_run_being_built(app):
    """The built run would otherwise wait for settings that make none, and the page run again and again."""
    from waits import until
    trainer.shutdown()
    at = app()
    at.radio(key="engine").set_value("keras").run()
    pending = at.session_state.page.pending_run
    at.sidebar.multiselect(key="features").set_value([]).run()
    assert not at.exception and "pending_run" not in at.session_state and progress_texts(at) == []
    run = pending.future.result(timeout=180)  # built all the same, and closed: nobody wants it
    until(lambda: run.id not in run.worker.runs, what="the unwanted Keras run closed")
    at.run()
    assert not at.exception and at.session_state.page.run.engine_name == "numpy"
