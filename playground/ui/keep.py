"""A reload keeps the work: the run of a tab that was reloaded or closed waits KEEP_FOR seconds for its browser.

The browser holds a token of its own in a cookie (COOKIE: set with the page's HTML by channel.KeepToken,
HttpOnly, never in a link). When a session goes away its run stops training where it was and is kept under
that token, with the session's settings (`park`). That browser's next page, a reload or the page opened
again within KEEP_FOR seconds, takes it back (`take`) if its link asks for the same settings, or for none; a
link to other settings opens those, with a new run. Another browser has another token and never finds it.
"""
import os
import threading
import time
from dataclasses import dataclass

import streamlit as st

from .. import settings

COOKIE = "playground_keep"
KEEP_FOR = float(os.environ.get("PLAYGROUND_KEEP_FOR", 600))  # seconds a gone session's run is kept for its browser
MOST = 300         # runs kept at most by one server; past it the one kept longest is closed
# Besides the settings and the tool: of the PageState, the task the output and loss were fitted to (else a reload
# would fit them again, to the task's usual ones), the drawing, the pins; a student's class, and that they are
# back in it.
PAGE_FIELDS = ("task_kind", "draw_points", "draw_labels", "pins", "pin_count",
               "class_member", "class_member_id", "class_class_id", "class_taken", "class_back")


@dataclass
class Kept:
    run: object        # the RunHandle
    run_key: tuple
    state: dict        # the session's settings, its tool and PAGE_FIELDS
    since: float


_kept, _lock = {}, threading.Lock()   # token -> Kept, oldest first


def token():
    """This browser's token, or None (a browser that refuses cookies, or no browser, as in AppTest)."""
    value = st.context.cookies.get(COOKIE)
    return value if value and len(value) <= 64 else None


def state_of(session, page):
    """What of `session` (st.session_state) and `page` (its PageState) goes with its run."""
    keys = [x.key for x in settings.SETTINGS] + ["tool"]
    return {**{key: session[key] for key in keys if key in session},
            **{name: getattr(page, name) for name in PAGE_FIELDS}}


def restore(kept, session, page):
    """Puts what `state_of` took back in `session` and `page`."""
    for key, value in kept.state.items():
        if key in PAGE_FIELDS:
            setattr(page, key, value)
        else:
            session[key] = value


def park(key, run, run_key, state):
    """Keeps `run` (its session went away) under the token `key` for KEEP_FOR seconds; a run kept before
    under it is closed. With KEEP_FOR 0 (PLAYGROUND_KEEP_FOR=0) it goes as a session's run goes."""
    if KEEP_FOR <= 0:
        run.detach()
        return
    run.detach(keep=KEEP_FOR + 5)  # its worker closes it a little after this closes it
    with _lock:
        dropped = [k.run for k in _expired()]
        old = _kept.pop(key, None)
        if old is not None and old.run is not run:
            dropped.append(old.run)
        _kept[key] = Kept(run, run_key, state, time.monotonic())
        while len(_kept) > MOST:
            dropped.append(_kept.pop(next(iter(_kept))).run)
    for old_run in dropped:
        old_run.close()


def take(key, query):
    """The run kept under `key`, if the page's link `query` (its parameters) asks for its settings or for
    none, taken out of the keep; else None."""
    if key is None:
        return None
    with _lock:
        dropped = [k.run for k in _expired()]
        kept = _kept.get(key)
        if kept is not None and (not kept.run.open or kept.run.lost):  # its worker died meanwhile
            dropped.append(_kept.pop(key).run)
            kept = None
        if kept is not None and _asks_for(query, kept.state):
            del _kept[key]
        else:
            kept = None
    for run in dropped:
        run.close()
    return kept


def expire():
    """Closes the runs kept longer than KEEP_FOR (the server's look for closed sessions calls this)."""
    with _lock:
        dropped = [k.run for k in _expired()]
    for run in dropped:
        run.close()
    return len(dropped)


def withdraw(run):
    """`run` is watched again by the session that had it (its connection came back): no longer kept."""
    with _lock:
        for key, kept in list(_kept.items()):
            if kept.run is run:
                del _kept[key]


def _asks_for(query, state):
    """Whether a link with parameters `query` opens the settings `state` holds: it names none, or the same."""
    asked = {key: value for key, value in query.items() if key in settings.BY_KEY}
    if not asked:
        return True
    values = {x.key: state.get(x.key, x.default) for x in settings.SETTINGS}
    return settings.to_query(values) == asked


def _expired():
    """Takes out the runs kept longer than KEEP_FOR (with the lock held); returns them."""
    now = time.monotonic()
    gone = [key for key, kept in _kept.items() if now - kept.since > KEEP_FOR]
    return [_kept.pop(key) for key in gone]


def count():
    with _lock:
        return len(_kept)
