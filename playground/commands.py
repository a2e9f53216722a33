"""A run's commands: everything that may be asked of a run, declared once.

Each row of COMMANDS names a command and says what its servers and askers need to know of it: the function that
serves it on a run, `serve(run, *args)` (a TrainingRun method, or a function of a run in weights.py, timetravel.py or
inspect.py), or none for a command by which the worker drives the run (trainer/worker.py serves it itself, as
`Worker.<name>`); whether it is a job, computed away from the worker's loop; which frame a watched run's page gets
after it; whether it waits while the run's weights are measured; what the page's handle (trainer/pool.py) does with
its answer. The worker dispatches from this table and the handle asks from it, so a new command is one row here (and
its function where it belongs).
"""
from dataclasses import dataclass

from . import inspect, timetravel, weights
from .training import TrainingRun

FRAME, KEY = "frame", "key"   # after a command, a watched run's page gets a frame, or a key frame (the whole history)


class UnknownCommand(LookupError):
    """A name that is not one of a run's commands."""


@dataclass(frozen=True)
class Command:
    serve: object = None   # serve(run, *args) -> the answer; a job's gives (function, arguments), computed apart.
    #                        None: the worker serves it itself, as it drives the run (Worker.<name>)
    job: bool = False      # it may take seconds: computed in a process of its own, while the worker goes on training
    once: bool = False     # the handle asks it once: a page that asks again while it is under way waits for that answer
    frame: str = None      # after it, a watched run's page gets a FRAME, or a KEY frame: it may rewrite the history
    waits: bool = True     # it waits while the run's weights are measured (False: taken at once)
    snapshot: str = None   # "answer": its answer is the run's new snapshot; "after": the handle asks for one after it


COMMANDS = {
    # How the worker drives a run.
    "create": Command(),
    "ping": Command(),
    "close": Command(waits=False),
    "snapshot": Command(),
    "created": Command(frame=KEY),
    "play": Command(),
    "pause": Command(frame=FRAME),
    "step": Command(frame=FRAME),
    "set_data": Command(frame=FRAME),
    "reset": Command(frame=KEY),
    "detach": Command(waits=False),
    "attach": Command(waits=False),
    "watch": Command(frame=KEY),
    "speed": Command(frame=FRAME),
    "space": Command(frame=FRAME),
    "focus": Command(frame=FRAME),
    # What the page may ask of a run.
    "reconfigure": Command(TrainingRun.reconfigure, frame=KEY),
    "weights": Command(TrainingRun.weights),
    "restore": Command(weights.restore, frame=KEY, snapshot="after"),
    "edit": Command(weights.edit, frame=KEY, snapshot="after"),
    "roll_back": Command(timetravel.roll_back, frame=KEY, snapshot="after"),
    "continue_from": Command(timetravel.continue_from, frame=KEY, snapshot="after"),
    "replay_at": Command(timetravel.replay_at),
    "replay_frames": Command(timetravel.replay_frames, job=True, once=True),
    "resume": Command(timetravel.resume, frame=KEY, snapshot="answer"),
    "adopt": Command(timetravel.adopt, frame=KEY, snapshot="answer"),
    "predict": Command(inspect.predict_of),
    "trace": Command(inspect.trace_of),
    "history_table": Command(inspect.history_of),
    "gradient_check": Command(inspect.gradient_check_of, once=True),
    "compare_engines": Command(inspect.compare_engines_of, job=True, once=True),
    "keras_file": Command(inspect.keras_file_of, job=True, once=True),
    "lr_find": Command(inspect.lr_find_of, job=True, once=True),
}


def command(name):
    """The row of COMMANDS named `name`; UnknownCommand, with a sentence, if there is none."""
    try:
        return COMMANDS[name]
    except (KeyError, TypeError):
        raise UnknownCommand(f"unknown command {name!r}: a run's commands are {', '.join(COMMANDS)}.") from None


def call(run, name, *args):
    """Serves the command `name` on `run` here, in this process (a test, a script): a job is computed at once."""
    served = command(name).serve
    if served is None:
        raise UnknownCommand(f"{name!r} drives a run in a worker; here, call the run's own methods.")
    value = served(run, *args)
    return value[0](*value[1]) if command(name).job else value
