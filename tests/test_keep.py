"""A reload keeps the work (playground/ui/keep.py): a gone session's run waits for its browser, found by the
browser's own token, never by a link."""

import pytest

from playground import settings
from playground.ui import channel, keep
from conftest import run_async


class FakeRun:
    def __init__(self):
        self.open, self.lost, self.detached_for, self.closed = True, False, "attached", False

    def detach(self, keep=None):
        self.detached_for = keep

    def close(self):
        self.open, self.closed = False, True


@pytest.fixture(autouse=True)
def empty_keep(monkeypatch):
    monkeypatch.setattr(keep, "_kept", {})
    monkeypatch.setattr(keep, "KEEP_FOR", 600.0)


def state(**changes):
    values = {x.key: x.default for x in settings.SETTINGS}
    values.update(changes)
    return values


def link(values):
    return settings.to_query(values)


def test_the_browser_that_left_finds_its_run_with_the_same_link_or_none():
    run, values = FakeRun(), state(learning_rate=0.3)
    keep.park("token-a", run, ("numpy", "key"), values)
    assert run.detached_for > keep.KEEP_FOR   # its worker keeps it at least as long
    kept = keep.take("token-a", link(values))
    assert kept.run is run and kept.state["learning_rate"] == 0.3 and kept.run_key == ("numpy", "key")
    assert keep.take("token-a", link(values)) is None   # taken once
    keep.park("token-a", run, ("numpy", "key"), values)
    assert keep.take("token-a", {}).run is run          # the page's address alone
    assert not run.closed


def test_another_browser_or_a_link_to_other_settings_never_gets_it():
    run, values = FakeRun(), state(learning_rate=0.3)
    keep.park("token-a", run, ("numpy", "key"), values)
    assert keep.take("token-b", link(values)) is None
    assert keep.take(None, link(values)) is None
    assert keep.take("token-a", link(state(learning_rate=0.03))) is None
    assert keep.count() == 1   # still there for its own browser and link
    assert keep.take("token-a", {"utm_source": "mail", **link(values)}).run is run   # other parameters do not count


def test_a_kept_run_is_closed_when_its_time_is_over(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(keep.time, "monotonic", lambda: clock[0])
    run = FakeRun()
    keep.park("token-a", run, None, state())
    clock[0] += keep.KEEP_FOR - 1
    assert keep.expire() == 0 and not run.closed
    clock[0] += 2
    assert keep.expire() == 1 and run.closed
    assert keep.take("token-a", {}) is None


def test_a_browser_keeps_one_run_and_a_server_a_bounded_number(monkeypatch):
    first, second = FakeRun(), FakeRun()
    keep.park("token-a", first, None, state())
    keep.park("token-a", second, None, state())
    assert first.closed and not second.closed and keep.count() == 1
    monkeypatch.setattr(keep, "MOST", 3)
    runs = [FakeRun() for _ in range(5)]
    for i, run in enumerate(runs):
        keep.park(f"token-{i}", run, None, state())
    assert keep.count() == 3
    assert [run.closed for run in runs] == [True, True, False, False, False]   # the longest kept went first
    assert second.closed


def test_lost_runs_are_not_given_back_and_a_run_watched_again_is_not_kept():
    run = FakeRun()
    keep.park("token-a", run, None, state())
    run.lost = True
    assert keep.take("token-a", {}) is None and run.closed and keep.count() == 0
    again = FakeRun()
    keep.park("token-b", again, None, state())
    keep.withdraw(again)   # its own session came back
    assert keep.count() == 0 and not again.closed


def test_with_keep_for_zero_a_run_goes_as_its_session_goes(monkeypatch):
    monkeypatch.setattr(keep, "KEEP_FOR", 0.0)
    run = FakeRun()
    keep.park("token-a", run, None, state())
    assert run.detached_for is None and keep.count() == 0


def cookies_set(scope):
    """The Set-Cookie headers KeepToken adds to the answer of a request `scope`."""
    async def page(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/html")]})
        await send({"type": "http.response.body", "body": b"<html></html>"})

    sent = []

    async def send(message):
        sent.append(message)

    run_async(channel.KeepToken(page)({"type": "http", "method": "GET", **scope}, None, send))
    return [v.decode() for k, v in sent[0].get("headers", ()) if k == b"set-cookie"]


def test_the_page_gives_a_browser_without_a_token_one_in_an_httponly_cookie():
    first, second = cookies_set({"path": "/"}), cookies_set({"path": "/"})
    assert len(first) == 1 and first[0].startswith(keep.COOKIE + "=")
    assert "HttpOnly" in first[0] and "SameSite=Lax" in first[0] and "Path=/" in first[0]
    assert first[0].split(";")[0] != second[0].split(";")[0]   # each browser its own
    assert len(first[0].split(";")[0].split("=", 1)[1]) >= 22   # 128 bits
    assert cookies_set({"path": "/", "headers": [(b"cookie", f"a=1; {keep.COOKIE}=abc".encode())]}) == []
    assert cookies_set({"path": "/_stcore/health"}) == []   # only the page's HTML gives one


@pytest.mark.page
def test_a_reload_keeps_an_output_and_a_loss_that_are_not_the_task_s_usual(monkeypatch):
    from conftest import open_page
    monkeypatch.setattr(keep, "token", lambda: "token-r")
    at = open_page(dataset="xor", output="softmax", loss="categorical_crossentropy")
    page = at.session_state.page
    run = page.run
    assert run.spec.n_outputs == 2
    keep.park("token-r", run, page.run_key, keep.state_of(at.session_state, page))
    again = open_page()   # the same browser, at the page's address alone
    try:
        assert again.session_state.page.run is run   # the same run, not one with the task's usual output
        assert (again.session_state.output, again.session_state.loss) == ("softmax", "categorical_crossentropy")
        assert again.query_params["output"] == "softmax"   # and the address says so
    finally:
        run.close()
