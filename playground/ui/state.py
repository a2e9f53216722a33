"""Session state: the settings (mirrored in the URL), the run's handle, and the button callbacks.

Everything here is one browser session's own: `st.session_state`, never a shared cache. The run
itself trains in a worker process (`playground.trainer`); the session holds its RunHandle, and
`run.snapshot` is what the page draws.
"""
import logging
import threading
import time
import weakref
from concurrent.futures import Future, wait

import streamlit as st

from .. import challenges, settings
from . import draw, keep
from ..i18n import N_, _, best_language
from ..settings import SETTINGS, UPLOAD
from ..trainer import NoAnswer, NoRoom, RunFailed, RunHandle, RunLost, TooLong
from .safe import guarded, no_room

log = logging.getLogger("playground.page")


def init():
    """On a session's first run: every setting from the URL, or its default.

    On every run after that, each setting is written back to itself: Streamlit forgets the
    value of a control that was not drawn in the last run (the noise slider while an image
    set is chosen), and a value set in code is kept.
    """
    s = st.session_state
    if "run" in s:
        for x in SETTINGS:
            s[x.key] = s[x.key] if x.key in s else x.default
        return
    query = st.query_params.to_dict()
    kept = keep.take(keep.token(), query)
    if kept is not None:  # this browser's page, reloaded or opened again: its run, where it was
        s.update(kept.state)
        s.url_warnings, s.url_given, s.run, s.run_key = [], set(), kept.run, kept.run_key
        return
    values, refused = challenges.from_query(query)
    if "lang" not in query:  # a link without a language: the browser's
        values["lang"] = best_language(st.context.locale)
    for key, value in values.items():
        s[key] = list(value) if key == "features" else value
    s.url_warnings = refused
    s.url_given = set(st.query_params.to_dict())
    s.run = None
    s.run_key = None
    if "tool" in query:  # the tool below the live part the link opens (page.tools keeps it among those shown)
        s.tool = query["tool"][:20]


def show_url_warnings():
    """What the link had that the page cannot use; said in the page's first whole run (page.main then drops it)."""
    refused = st.session_state.get("url_warnings", [])
    if refused:
        names = ", ".join(f"`{key}`" for key in refused)
        st.warning(_("The link had a value this page cannot use for {names}: the default is used instead.")
                   .format(names=names))


def values():
    """Every setting's value now."""
    s = st.session_state
    return {x.key: s[x.key] if x.key in s else x.default for x in SETTINGS}


def write_query_params():
    """The URL always holds every setting in effect, defaults included, so it can be shared, and the tool
    open below the live part ("none" for none)."""
    query = {**settings.to_query(values()), "tool": st.session_state.get("tool", "compare") or "none"}
    if query != st.query_params.to_dict():
        st.query_params.from_dict(query)


def fit_choice(key, options):
    """Keep a setting among the options its control offers now (they depend on other settings)."""
    if st.session_state[key] not in options:
        _refuse_from_url(key)
        st.session_state[key] = options[0]


def fit_number(key, low, high):
    value = st.session_state[key]
    if not low <= value <= high:
        _refuse_from_url(key)
        st.session_state[key] = min(max(value, low), high)


def _refuse_from_url(key):
    """On the first run a value that does not fit came from the link: say so."""
    warnings = st.session_state.get("url_warnings")
    if warnings is not None and key in st.session_state.url_given and key not in warnings:
        warnings.append(key)


def data_arguments():
    return settings.data_arguments(values())


def data_key():
    """What identifies the data: a change here means a new data set, so a new run."""
    s = st.session_state
    if s.dataset == UPLOAD:
        file = s.get("upload_file")
        return (UPLOAD, file.file_id if file else None)
    key = (s.dataset, *sorted(data_arguments().items()))
    return key + (draw.key(),) if s.get("draw_points") is not None else key


def _drawing_of(old, new):
    """Whether the data key `new` is a drawing on the same set as `old` (or `old` one on `new`'s): then the
    run trains on the drawn points, keeping its weights."""
    def base(key):
        return key[:-1] if key and isinstance(key[-1], tuple) and key[-1][:1] == ("drawn",) else key
    return old != new and base(old) == base(new)


def request_new_run():
    """The next run of the page starts a fresh run, even if the settings are those of the current one."""
    st.session_state.run_key = None


def current_run(config, ds):
    """The session's run, reconfigured for new training settings, or a new one for anything else."""
    s = st.session_state
    run = s.run
    if config is None:
        drop_loading()  # a Keras run being built for settings that make none now is not wanted
        return run
    key = (config.engine, config.data_key)
    same = run is not None and s.run_key is not None and s.run_key[0] == config.engine and \
        run.spec.same_network(config.spec)
    if same and _drawing_of(s.run_key[1], config.data_key):
        on_run(run.set_data, ds, config.data_key)
        s.run_key = key
    if same and s.run_key == key:
        drop_loading()  # chosen back while a Keras run was built
        if run.spec != config.spec:
            on_run(run.reconfigure, config.spec)
        return run
    try:
        if config.engine == "keras":
            new = _keras_run(run, key, config, ds)
            if new is None:  # still loading: the page shows the last run (paused) and the loading notice
                return run
        else:
            drop_loading()
            with st.spinner(_("Building the network…")):
                new = RunHandle(config.engine, config.spec, ds, config.data_key)
    except NoRoom as error:
        log.warning("A new run was refused: %s", error)
        st.error(no_room(error.used, error.ceiling))
        return run
    except (RunLost, RunFailed, TimeoutError) as error:
        log.warning("A new run could not be built: %s", error)
        st.error(_("The network could not be built just now ({error}). The page keeps the last run; change a "
                   "setting or reload to try again.").format(error=type(error).__name__))
        return run
    if run is not None:
        run.close()
    s.run, s.run_key = new, key
    return new


# A Keras run is built in a thread: the first one waits seconds for its worker to import TensorFlow, and the
# page's script does not wait with it (Streamlit greys the page while the script runs).
KERAS_WAIT = 1.0  # seconds the script waits for the run before it shows the loading notice instead
KERAS_EXPECTED = 15.0  # about how long the first Keras run takes on two busy cores: the notice's bar fills in this


class PendingRun:
    """A run being built in a thread; `future` gives its RunHandle (or the error)."""

    def __init__(self, key, config, ds):
        self.key, self.spec, self.started, self.future = key, config.spec, time.monotonic(), Future()
        threading.Thread(target=self._build, args=(config, ds), daemon=True, name="keras-run").start()

    def _build(self, config, ds):
        try:
            self.future.set_result(RunHandle(config.engine, config.spec, ds, config.data_key))
        except BaseException as error:  # noqa: B036 - handed to the page's script
            self.future.set_exception(error)

    def fits(self, key, spec):
        return self.key == key and self.spec.same_network(spec)

    def drop(self):
        """Not wanted any more (the settings changed while it was built): closed once built."""
        self.future.add_done_callback(lambda f: f.exception() is None and f.result().close())

    @property
    def progress(self):
        return min((time.monotonic() - self.started) / KERAS_EXPECTED, 0.95)


def loading():
    """The Keras run being built for this session, or None."""
    return st.session_state.get("pending_run")


def _keras_run(run, key, config, ds):
    """The new Keras run if it is built within KERAS_WAIT seconds, else None (it goes on being built, and a
    later run of the page takes it). Raises what building it raised."""
    s = st.session_state
    pending = s.get("pending_run")
    if pending is not None and not pending.fits(key, config.spec):
        pending.drop()
        pending = None
    if pending is None:
        pending = s.pending_run = PendingRun(key, config, ds)
        if run is not None and run.snapshot.active:
            on_run(run.pause)
    if run is None:  # nothing to show meanwhile (a link that chose Keras): the page waits for it
        with st.spinner(_("Building the network…")):
            wait([pending.future])
    wait([pending.future], timeout=KERAS_WAIT)
    if not pending.future.done():
        return None
    s.pending_run = None
    new = pending.future.result()
    if new.spec != config.spec:  # a training setting changed while it was built
        on_run(new.reconfigure, config.spec)
    return new


def drop_loading():
    """The settings make no Keras run now: one being built is not wanted."""
    pending = st.session_state.pop("pending_run", None)
    if pending is not None:
        pending.drop()


def on_run(action, *args):
    """Runs a command on the session's run; a run that is lost or failed, or a worker that did not answer in
    time, is said on the page (by `run_notice`), not raised. Returns the command's value, or None."""
    try:
        return action(*args)
    except RunLost:
        return None
    except RunFailed as error:
        st.session_state.run_error = str(error)
        return None
    except TooLong as error:  # a long command stopped at its time limit: the run is unchanged
        log.warning("A command was stopped: %s", error)
        st.session_state.run_too_long = error.seconds
        return None
    except NoAnswer as error:
        log.warning("No answer from the run's worker: %s", error)
        st.session_state.run_no_answer = error.seconds
        return None
    except NoRoom as error:  # the run could not start again: the server is past its memory ceiling
        log.warning("A run was refused: %s", error)
        st.session_state.run_no_room = (error.used, error.ceiling)
        return None


# Seconds a press waits for a command that may take seconds (the finder, the proofs, a file); past them the page
# goes on, the button stays disabled while the command is under way, and the page is drawn again once it is done.
JOB_WAIT = 10.0


def on_job(run, method, *args):
    """A command of the run that may take seconds (asked `once`: commands.COMMANDS), as `on_run`: its value, or None. Asked once:
    a press while it is under way waits for the same one. If it is not done within JOB_WAIT seconds, None, and the
    page says it is under way (`job_under_way`); a later call takes its answer."""
    def ask():
        try:
            return run.call(method, *args, wait=JOB_WAIT)
        except NoAnswer:
            if run.pending(method):
                return None
            raise
    return on_run(ask)


def job_under_way(run, method, text):
    """If the run's command `method` is under way: says `text`, draws the page again once it is done, and returns
    True (its button is then disabled)."""
    if not run.pending(method):
        return False
    st.caption(text)
    _rerun_when_done(run, method)
    return True


@st.fragment(run_every=1.0)
def _rerun_when_done(run, method):
    if not run.pending(method):
        st.rerun()


class Presence:
    """This session's connection, as Streamlit sees it: released when its browser goes away."""

    def __init__(self):
        self.runs = weakref.WeakSet()
        self.sweeps = weakref.WeakSet()
        self.kept = None  # (browser token, run, run key, settings): what `keep` keeps when the browser goes


def _gone(presence):
    """The browser went away (a closed tab, a dropped connection, a reload): its runs stop training; they
    resume if it comes back, and are closed if it does not, by their worker, once the session's time is over
    (server.disconnectedSessionTTL). The session's own run is kept longer for its browser (`keep`). Its sweep
    is cancelled when the session ends, as long after as Streamlit keeps a disconnected session, unless it
    comes back."""
    token, kept_run, run_key, values = presence.kept or (None, None, None, None)
    for run in list(presence.runs):
        if run is kept_run and run.open and not run.lost:
            keep.park(token, run, run_key, values)
        else:
            run.detach()
    for sweep in list(presence.sweeps):
        sweep.release(st.get_option("server.disconnectedSessionTTL"))


@st.cache_resource(scope="session", on_release=_gone, show_spinner=False)
def _presence():
    return Presence()


def present(run):
    """Marks the run as watched by this session, again after a reconnection; the session's sweep too."""
    presence = _presence()
    if run not in presence.runs:
        presence.runs.add(run)
        keep.withdraw(run)
        run.attach()
    sweep = st.session_state.get("sweep")
    if sweep is not None and sweep not in presence.sweeps:
        own_sweep(sweep)


def remember():
    """What this session's browser finds again if it reloads the page or opens it again soon (`keep`): the run
    and the settings as this run of the page leaves them; nothing for a run on an uploaded file."""
    s, token = st.session_state, keep.token()
    keepable = token is not None and s.get("run") is not None and s.get("pending_run") is None and s.dataset != UPLOAD
    _presence().kept = (token, s.run, s.run_key, keep.state_of(s)) if keepable else None  # an upload goes with its tab


def own_sweep(sweep):
    """The sweep belongs to this session: cancelled when the session ends (`_gone`)."""
    _presence().sweeps.add(sweep)
    sweep.keep()


def refresh(run, views=True):
    """A fresh snapshot of the run (the last one if it is lost)."""
    on_run(run.refresh, views)
    return run.snapshot


@guarded(N_("a button"))
def regenerate():
    st.session_state.data_seed += 1
    draw.forget()


# A run button's press takes at once, on the session's run. When the press comes with a change of
# settings that makes a new run (the engine chosen, then Step pressed while the page still showed the
# last run), the page gives it to the new run as well (`apply_presses`): it is the run the user sees next.
@guarded(N_("a button"))
def set_playing(play):
    """Play or Pause: the button says which, so a press that arrives twice does what it said once."""
    _press("play" if play else "pause")


@guarded(N_("a button"))
def set_speed():
    """The speed control: the run goes on (or stays paused) at the new speed."""
    s = st.session_state
    if s.get("run") is not None:
        on_run(s.run.set_speed, s.speed)


@guarded(N_("a button"))
def step():
    _press("step")


@guarded(N_("a button"))
def reset():
    _press("reset")


def _press(command):
    """While a Keras run is built, a press waits for it (`apply_presses`), and the last run, shown paused, stays so."""
    s = st.session_state
    run = None if s.get("pending_run") is not None else s.get("run")
    if run is not None:
        on_run(getattr(run, command))
    s.presses = [*s.get("presses", ()), (command, run)]


@guarded(N_("a button"))
def apply_presses(run):
    """The presses since the page last ran that went to another run than `run`, in order, on `run`; while a
    Keras run is built they wait for it."""
    if st.session_state.get("pending_run") is not None:
        return
    for command, pressed in st.session_state.pop("presses", ()):
        if run is not None and run is not pressed:
            on_run(getattr(run, command))


@guarded(N_("a button"))
def revive():
    run = st.session_state.run
    st.session_state.pop("run_error", None)
    if run is not None:
        on_run(run.revive)
    if run is not None and not run.lost:
        snapshot = run.snapshot
        st.session_state.revived = (snapshot.epoch, len(snapshot.history["epoch"]))
