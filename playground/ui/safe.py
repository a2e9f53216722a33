"""What keeps the page standing: user text shown as text, and a part that fails failing alone.

Streamlit renders markdown (links, images, colours, icons, LaTeX) in its messages and labels, so a
file name, a CSV header or a class label written into one goes through `md` first. A part of the
page drawn inside `section` that raises shows a short message in its place and logs the
traceback on the server; the run, the settings and the pins are not touched.
"""
import contextlib
import functools
import logging
import re

import streamlit as st

from ..i18n import _
from ..trainer import NoAnswer, NoRoom

log = logging.getLogger("playground.page")
# CommonMark lets a backslash escape any ASCII punctuation; Streamlit's own :colour[…], :icon: and
# $…$ are made of punctuation too.
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def md(text, limit=200):
    """`text` as markdown that shows exactly these characters, on one line, cut at `limit` characters."""
    text = " ".join(str(text).split())
    if len(text) > limit:
        text = text[:limit - 1] + "…"
    return _PUNCTUATION.sub(r"\\\1", text)


@contextlib.contextmanager
def section(name):
    """Draws a part of the page; if it raises, says so in its place and lets the rest of the page go on.
    `name` (marked with N_) names the part in that message."""
    try:
        yield
    except NoAnswer as error:  # the run's worker is busy or silent: say so, the page goes on
        log.warning("The %s part of the page had no answer: %s", name, error)
        st.warning(no_answer(error.seconds))
    except NoRoom as error:  # the server is past its memory ceiling: say so, the page goes on
        log.warning("The %s part of the page was refused a run: %s", name, error)
        st.error(no_room(error.used, error.ceiling))
    except Exception as error:  # a bug, or something nobody foresaw: never a traceback on the page
        log.exception("The %s part of the page failed", name)
        st.error(_("Something went wrong in {part} ({error}). The run, the settings and the pins are kept; try "
                   "again, or reload the page.").format(part=_(name), error=type(error).__name__))


def no_answer(seconds):
    """What the page says when the process that trains the run did not answer a command within `seconds`."""
    return _("The process that trains this run did not answer within {seconds} s: it is busy, or has stopped "
             "answering. What you asked for takes effect when it answers; a process that stays silent is replaced, "
             "and this run can then start again from where it was last shown.").format(seconds=f"{seconds:g}")


def no_room(used, ceiling):
    """What the page says when the server is past its memory ceiling and starts no new run."""
    return _("The server is using {used} MB of memory, past its ceiling of {ceiling} MB, so it starts no new run "
             "now. Runs of closed tabs are let go within a minute or two; try again then.").format(
        used=f"{used / 1e6:.0f}", ceiling=f"{ceiling / 1e6:.0f}")


def labels(options, label):
    """A widget's format_func: the options' labels, said now. Streamlit (and AppTest) may call a format_func
    outside the page's run, where the page's language is not known; a table made now is in it."""
    table = {option: label(option) for option in options}
    return lambda option: table.get(option, str(option))


def guarded(name):
    """A callback or a section function wrapped in `section(name)`."""
    def wrap(function):
        @functools.wraps(function)
        def run(*args, **kwargs):
            with section(name):
                return function(*args, **kwargs)
        return run
    return wrap
