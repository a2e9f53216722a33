"""Session state: the settings (mirrored in the URL), the page's own state (PageState, with the run's
handle), and the button callbacks.

Everything here is one browser session's own: `st.session_state`, never a shared cache. It holds the
widgets' values and the settings under their keys, and one PageState (`page_state()`). The run itself
trains in a worker process (`playground.trainer`); the session holds its RunHandle, and
`run.snapshot` is what the page draws.
"""
import logging
import threading
import time
import weakref
from concurrent.futures import Future, wait
from dataclasses import dataclass, field

import streamlit as st

from .. import challenges, settings
from ..data import drawn
from . import keep
from ..i18n import N_, _, best_language
from ..settings import SETTINGS, UPLOAD
from ..trainer import NoAnswer, NoRoom, RunFailed, RunHandle, RunLost, TooLong
from .safe import guarded, no_room

log = logging.getLogger("playground.page")


@dataclass(slots=True)
class PageState:
    """What one browser session keeps between runs of the page, beside its widgets' values and the settings
    (those stay in st.session_state under their keys). `page_state()` gives the session's own."""
    begun: bool = False                   # the session's first run read its link (or took back its kept run)
    run: object | None = None             # the session's RunHandle
    run_key: tuple | None = None          # (engine, data key) of the run; None: the next run of the page builds one
    pending_run: object | None = None     # a PendingRun: the Keras run being built
    presses: list = field(default_factory=list)  # (command, run) of the run buttons pressed since the page ran
    run_error: str | None = None          # a command failed: said once by live.run_notice
    run_too_long: float | None = None     # a command was stopped after these seconds: said once
    run_no_answer: float | None = None    # the worker did not answer within these seconds: said once
    run_no_room: tuple | None = None      # (used, ceiling) memory when the run could not start again: said once
    revived: tuple | None = None          # (epoch, history rows) of a run started again from its snapshot: said once
    url_warnings: list | None = None      # the link's settings the page cannot use; None once said
    url_given: set = field(default_factory=set)  # the link's parameters
    first_frame_drawn: bool = False       # the live view drew its first frame: the sidebar and lower row are drawn
    sidebar_drawn: bool = False           # the sidebar was drawn once
    sidebar_waits: bool = False           # this run of the page left the sidebar for after the first frame
    task_kind: str | None = None          # "binary", "multiclass" or "regression": the data's task the outputs fit
    lesson: str | None = None             # the lesson whose settings were put in, shown above the live part
    preset: dict | None = None            # the example preset's job: its dataset, run, results, whether to compare
    preset_note: str | None = None        # why the example runs on digits instead of MNIST
    challenge_made: str | None = None     # a challenge just made in the tool, chosen on the next run
    pins: list = field(default_factory=list)  # compare.Pin: the runs pinned to compare
    pin_count: int = 0                    # pins made so far: the next pin's number
    pin_message: int | None = None        # the number of the pin a new one repeats: said once
    draw_points: object | None = None     # (n, 2) array of the points drawn by hand, or None: the data set's own
    draw_labels: object | None = None     # their labels (classes, or values for regression)
    redrawn: bool = False                 # a click changed the drawing: the whole page runs again
    draw_digit_cleared: int = 0           # presses of the pad's Clear: the pad clears when it changes
    draw_digit_payload: str | None = None  # the pad's ink as it last came, until it is read
    draw_digit_ink: object | None = None  # the pad's drawing as an image of the data set
    draw_digit_text: str | None = None    # that ink as the pad sent it (it draws it again)
    edit_message: tuple | None = None     # (kind, message, its fields) of the weight editor's last change: said once
    replay_for: tuple | None = None       # (run id, epoch) the replay slider was set up for: a new pause starts at now
    space_replayed: object | None = None  # the SpaceView that draws a replayed epoch
    image_sheet: tuple | None = None      # (run id, figure) of the data set's images
    step_picked: bool = False             # a training point was clicked on the plane: the step-through opens on it
    lr_found: tuple | None = None         # (run id, epoch, result) of the learning-rate finder
    proofs: dict = field(default_factory=dict)  # a proof's key -> (run id, epoch, result)
    weights_for: int | None = None        # the run id the weights file box is for
    weights_message: tuple | None = None  # (run id, kind, message, reason, file name) of the last one loaded
    sweep: object | None = None           # the session's Sweep
    sweep_refusal: str | None = None      # why the sweep could not start: said once
    sweep_was_running: bool = False       # the sweep ran at the page's last run
    sweep_thumbnails: tuple | None = None  # (plan, {run index: picture}) of the sweep's results
    class_codes_read: bool = False        # the link's class or teacher code was read (on the first run)
    class_teacher: str | None = None      # the teacher code the link had: the page is the class's dashboard
    class_opened: object | None = None    # the class this session opened (classroom_db's ClassInfo)
    class_showing: int | None = None      # the member id the dashboard shows on the projector
    class_shown_run: object | None = None  # that member's run, as the projector shows it
    class_browser: str | None = None      # this browser's code for the joins count, when it has no token
    class_join_code: str | None = None    # the join code of a class not yet joined
    class_problem: str | None = None      # why joining failed: said once
    class_member: str | None = None       # this session's member code in its class
    class_member_id: int | None = None    # its id there
    class_class_id: int | None = None     # the class's id
    class_taken: int = 0                  # the sequence number of the teacher's last message taken
    class_sent: tuple | None = None       # (sequence number, message) the teacher sent, not yet taken
    class_back: bool = False              # a member again after a reload: said once, its results kept
    class_rerun: bool = False             # the class bar makes the whole page run again
    class_ended: bool = False             # the class ended while this session was in it
    class_last_write: float = 0.0         # time.monotonic() of the last results written
    class_written: tuple | None = None    # what was last written: (run id, epoch, challenge, active)

    def reset(self, *names):
        """The named fields back to their defaults."""
        defaults = PageState()
        for name in names:
            setattr(self, name, getattr(defaults, name))

    def take(self, name):
        """The field's value, the field then back to its default (a message said once)."""
        value = getattr(self, name)
        self.reset(name)
        return value


KEY = "page"  # PageState's key in st.session_state


def page_state():
    """This session's PageState, made on its first use."""
    s = st.session_state
    if KEY not in s:
        s[KEY] = PageState()
    return s[KEY]


def init():
    """On a session's first run: every setting from the URL, or its default.

    On every run after that, each setting is written back to itself: Streamlit forgets the
    value of a control that was not drawn in the last run (the noise slider while an image
    set is chosen), and a value set in code is kept.
    """
    s, p = st.session_state, page_state()
    if p.begun:
        for x in SETTINGS:
            s[x.key] = s[x.key] if x.key in s else x.default
        return
    p.begun = True
    query = st.query_params.to_dict()
    kept = keep.take(keep.token(), query)
    if kept is not None:  # this browser's page, reloaded or opened again: its run, where it was
        keep.restore(kept, s, p)
        p.url_warnings, p.url_given, p.run, p.run_key = [], set(), kept.run, kept.run_key
        return
    values, refused = challenges.from_query(query)
    if "lang" not in query:  # a link without a language: the browser's
        values["lang"] = best_language(st.context.locale)
    for key, value in values.items():
        s[key] = list(value) if key == "features" else value
    p.url_warnings = refused
    p.url_given = set(st.query_params.to_dict())
    if "tool" in query:  # the tool below the live part the link opens (page.tools keeps it among those shown)
        s.tool = query["tool"][:20]


def show_url_warnings():
    """What the link had that the page cannot use; said in the page's first whole run (page.main then drops it)."""
    refused = page_state().url_warnings
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


def fit(key, value, renewed=False):
    """Set a setting to `value`, what the control offers now (settings.fit_head, a domain's clamp); a value
    replaced that was not `renewed` on purpose did not fit."""
    if st.session_state[key] != value:
        if not renewed:
            _refuse_from_url(key)
        st.session_state[key] = value


def _refuse_from_url(key):
    """On the first run a value that does not fit came from the link: say so."""
    warnings = page_state().url_warnings
    if warnings is not None and key in page_state().url_given and key not in warnings:
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
    p = page_state()
    return key + (("drawn", drawn.digest(p.draw_points, p.draw_labels)),) if p.draw_points is not None else key


def forget_drawing():
    """The drawing is dropped (another data set, a new sample of it)."""
    page_state().reset("draw_points", "draw_labels")
    st.session_state.drawn = ""


def _drawing_of(old, new):
    """Whether the data key `new` is a drawing on the same set as `old` (or `old` one on `new`'s): then the
    run trains on the drawn points, keeping its weights."""
    def base(key):
        return key[:-1] if key and isinstance(key[-1], tuple) and key[-1][:1] == ("drawn",) else key
    return old != new and base(old) == base(new)


def request_new_run():
    """The next run of the page starts a fresh run, even if the settings are those of the current one."""
    page_state().run_key = None


def current_run(config, ds):
    """The session's run, reconfigured for new training settings, or a new one for anything else."""
    s = page_state()
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
    return page_state().pending_run


def _keras_run(run, key, config, ds):
    """The new Keras run if it is built within KERAS_WAIT seconds, else None (it goes on being built, and a
    later run of the page takes it). Raises what building it raised."""
    s = page_state()
    pending = s.pending_run
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
    pending = page_state().take("pending_run")
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
        page_state().run_error = str(error)
        return None
    except TooLong as error:  # a long command stopped at its time limit: the run is unchanged
        log.warning("A command was stopped: %s", error)
        page_state().run_too_long = error.seconds
        return None
    except NoAnswer as error:
        log.warning("No answer from the run's worker: %s", error)
        page_state().run_no_answer = error.seconds
        return None
    except NoRoom as error:  # the run could not start again: the server is past its memory ceiling
        log.warning("A run was refused: %s", error)
        page_state().run_no_room = (error.used, error.ceiling)
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
    sweep = page_state().sweep
    if sweep is not None and sweep not in presence.sweeps:
        own_sweep(sweep)


def remember():
    """What this session's browser finds again if it reloads the page or opens it again soon (`keep`): the run
    and the settings as this run of the page leaves them; nothing for a run on an uploaded file."""
    s, p, token = st.session_state, page_state(), keep.token()
    keepable = token is not None and p.run is not None and p.pending_run is None and s.dataset != UPLOAD
    _presence().kept = (token, p.run, p.run_key, keep.state_of(s, p)) if keepable else None  # an upload goes with its tab


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
    forget_drawing()


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
    run = page_state().run
    if run is not None:
        on_run(run.set_speed, st.session_state.speed)


@guarded(N_("a button"))
def step():
    _press("step")


@guarded(N_("a button"))
def reset():
    _press("reset")


def _press(command):
    """While a Keras run is built, a press waits for it (`apply_presses`), and the last run, shown paused, stays so."""
    s = page_state()
    run = None if s.pending_run is not None else s.run
    if run is not None:
        on_run(getattr(run, command))
    s.presses = [*s.presses, (command, run)]


@guarded(N_("a button"))
def apply_presses(run):
    """The presses since the page last ran that went to another run than `run`, in order, on `run`; while a
    Keras run is built they wait for it."""
    if page_state().pending_run is not None:
        return
    for command, pressed in page_state().take("presses"):
        if run is not None and run is not pressed:
            on_run(getattr(run, command))


@guarded(N_("a button"))
def revive():
    s = page_state()
    run = s.run
    s.run_error = None
    if run is not None:
        on_run(run.revive)
    if run is not None and not run.lost:
        snapshot = run.snapshot
        s.revived = (snapshot.epoch, len(snapshot.history["epoch"]))
