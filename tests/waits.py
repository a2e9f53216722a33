"""The waits the tests share. Each polls until what it waits for holds and returns; at its deadline it
fails, saying what it waited for and what it saw last, rather than returning as if it had come.

For the page in AppTest: `run_until_stopped`, `run_until`; for a run handle or anything else: `until`,
`value_when`; for the page in Chromium: `epoch_when`, `metric_when`, `moves`, `holds`, `shows`.
"""
import time

from playground.bench.page import LIVE_JS, epoch as frame_epoch
from playground.bench.browser import metric, shown_epoch


def value_when(read, condition, timeout=30.0, what="the value", every=0.1):
    """Reads `read()` every `every` seconds until condition(value) holds; returns that value. Fails if it
    does not hold after `timeout` seconds, naming `what` and the last value read."""
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if condition(value):
            return value
        assert time.monotonic() < deadline, f"{what} is {value!r} after {timeout} s: it did not come"
        time.sleep(every)


def until(condition, timeout=30.0, what="the condition", every=0.02):
    """Waits until condition() is true; returns its value. Fails after `timeout` seconds, naming `what`."""
    return value_when(condition, bool, timeout, what, every)


def run_until(at, condition, timeout=60.0, what="the page's condition", every=0.1):
    """Runs the page (AppTest, which never fires `run_every`) again every `every` seconds until
    condition(at) holds; returns the page. Fails after `timeout` seconds, naming `what`."""
    deadline = time.monotonic() + timeout
    while not condition(at):
        assert time.monotonic() < deadline, f"{what}: not after {timeout} s"
        time.sleep(every)
        at.run()
    return at


def run_until_stopped(at, timeout=60.0):
    """Runs the page (AppTest) until its run stops training (a step done, a pause, a divergence; a Keras
    step traces its functions first); returns the page. Fails if it still trains after `timeout` s."""
    return run_until(at, lambda at: not at.session_state.page.run.snapshot.active, timeout,
                     f"the run still trains (epoch {at.session_state.page.run.snapshot.epoch})")


# The page in Chromium.

def epoch_when(page, condition, timeout=20.0):
    """Waits until condition(the epoch the live view shows) holds; returns that epoch."""
    return value_when(lambda: shown_epoch(page), condition, timeout, "the epoch shown", 0.2)


def metric_when(page, label, condition, timeout=30.0):
    """Waits until condition(the value of the live view's metric `label`) holds; returns it."""
    return value_when(lambda: metric(page, label), condition, timeout, label)


def shows(page, n, timeout=5000):
    """Waits until the page's live view has epoch `n` (drawn at the next paint; a quiet page only counts it)."""
    page.wait_for_function(f"({LIVE_JS})() === {n}", timeout=timeout)


def moves(page, timeout=20_000):
    """Waits until the epoch of the page's newest frame moves, twice (so it is training, not just catching up)."""
    first = frame_epoch(page)
    page.wait_for_function(f"(n) => ({LIVE_JS})() > n", arg=first + 1, timeout=timeout)


def holds(page, seconds=1.5, timeout=30):
    """Waits until the epoch of the page's newest frame has stood still for `seconds`; returns it. Fails if
    it is still moving after `timeout` seconds: the run did not pause."""
    deadline, seen = time.monotonic() + timeout, [frame_epoch(page)]
    while True:
        page.wait_for_timeout(seconds * 1000)
        seen.append(frame_epoch(page))
        if seen[-1] == seen[-2]:
            return seen[-1]
        assert time.monotonic() < deadline, f"the epoch is still moving: {seen}"
