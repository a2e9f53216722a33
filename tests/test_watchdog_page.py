"""The page when the worker training its run stops answering (SIGSTOP, as a worker stuck in a long native
call looks from outside): Pause says so within its time-out, with no traceback, then the page says the
process was replaced and starts the run again where it was. Past its memory ceiling, the server starts
no new run, and the page says so."""
import importlib
import os
import signal
import time

from playground.trainer import pool

module = importlib.import_module("playground.trainer.pool")
PRESS, SILENT = 1.0, 8.0  # the watchdog's limit well past the press's, on a busy machine too


def texts(elements):
    return [element.value for element in elements]


def test_pause_on_a_stopped_worker_says_so_then_the_page_offers_to_start_again(app, monkeypatch):
    monkeypatch.setattr(module, "PRESS_TIMEOUT", PRESS)
    monkeypatch.setattr(pool(), "silent_after", SILENT)
    at = app()
    at.button(key="play").click().run()
    assert at.button(key="play").label == "Pause"
    run = at.session_state.page.run
    worker = run.worker
    time.sleep(0.3)
    at.run()
    stopped_at = time.monotonic()
    os.kill(worker.pid, signal.SIGSTOP)
    try:
        at.button(key="play").click().run()  # Pause, which the worker does not answer
        took = time.monotonic() - stopped_at
        assert any(f"did not answer within {PRESS:g} s" in text for text in texts(at.warning)), texts(at.warning)
        assert not at.exception and not any("Something went wrong" in text for text in texts(at.error))
        # The press, the refresh, and the page's own run (up to 3 s with the other test process on the cores): well
        # before the watchdog, which the page does not wait for.
        assert took < PRESS + 2.0 + 3.0 < SILENT, f"the page ran for {took:.1f} s"
        deadline = time.monotonic() + SILENT + 5
        while worker.alive:
            assert time.monotonic() < deadline, "the stopped worker was never marked lost"
            time.sleep(0.05)
        assert time.monotonic() - stopped_at < SILENT + 3
        at.run()
        assert any("stopped answering" in text for text in texts(at.error)), texts(at.error)
        assert not any("did not answer" in text for text in texts(at.warning))
        epoch = run.snapshot.epoch
        assert at.button(key="revive").label == f"Start again from epoch {epoch}"
        assert at.button(key="play").disabled
        at.button(key="revive").click().run()
        revived = at.session_state.page.run
        assert not revived.lost and revived.worker.alive and revived.worker is not worker
        assert revived.snapshot.epoch == epoch and not at.error and not at.exception
        at.button(key="play").click().run()
        assert at.button(key="play").label == "Pause"
        time.sleep(0.3)
        at.run()
        assert at.session_state.page.run.snapshot.epoch > epoch
    finally:
        try:
            os.kill(worker.pid, signal.SIGCONT)
        except ProcessLookupError:
            pass


def test_past_the_memory_ceiling_a_change_of_network_keeps_the_run_and_says_why(app, monkeypatch):
    at = app()
    at.button(key="step").click().run()
    old = at.session_state.page.run
    monkeypatch.setattr(pool(), "ceiling", 1)
    at.slider(key="layers").set_value(3).run()
    assert any("past its ceiling of 0 MB" in text for text in texts(at.error)), texts(at.error)
    assert at.session_state.page.run is old and not old.lost and not at.exception
    monkeypatch.setattr(pool(), "ceiling", 10**15)
    at.run()
    assert at.session_state.page.run is not old and not at.error
