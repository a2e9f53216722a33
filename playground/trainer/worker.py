"""A worker process: it holds runs, trains the playing ones in turn, one slice each, and answers
commands between slices.

Started by the pool (`pool.py`) as `python -m playground.trainer.worker FD [beat=S] [ttl=S]`, talking
over the socket FD (a heartbeat every `beat` seconds, by default BEAT). Requests are (request id, run id,
command, arguments); each gets one reply, (request id, ok, value), though a `step` is answered only
when its epochs are done (or it is paused), and a `play` once its first slice has trained. A run whose
session went away (`detach`) stops training, and is closed after `ttl` seconds (or those `detach` names)
unless its session comes back: the server's `server.disconnectedSessionTTL` (.streamlit/config.toml), which the page gives the
pool, so that a run is kept as long as its session; a worker started without one keeps a detached run
until it is closed.

A playing run trains at its speed: `speed` epochs (a fraction: that share of an epoch's batches)
for each frame, at most FRAME_RATE frames a second; speed 0 trains as fast as the engine goes. A
run that a page watches (`watch`) also gets its frames sent, unasked, as (None, run id, bytes)
(playground/frames.py): one after each frame's training, and one after each command that changes
what the page draws.

Every command is a row of playground/commands.py (COMMANDS), which says what the worker needs to know of it;
`execute` dispatches from it: to the function that serves it on the run, or to the Worker method of its name for
the commands that drive the run (create, play, step, ...).

A command that may take seconds (a job of COMMANDS: the learning-rate finder, both engines side by side, the
.keras file, the animation's frames) is not computed in the loop: what it needs
of the run is taken there, and a process forked from the worker computes it and sends the answer back, while
the loop goes on training the other runs. The fork shares the worker's memory (the data sets are not copied),
and TensorFlow, when the job needs it, loads there and goes with it: a NumPy worker never holds it. A worker
that has loaded TensorFlow already (a Keras run's) is not forked, as forking a process whose TensorFlow runs
threads is not safe: its jobs start afresh (`python -m playground.trainer.job`), and a thread of the worker sends
them what they need, the run's data among it, while the loop goes on. Either way a job runs at nice JOB_NICE, and
is stopped after JOB_CPU seconds of computing (or JOB_SECONDS of waiting for a core).

A thread of its own says, every BEAT seconds, that the process lives, with how long its loop has
been in the command or slice it is in (None, None, seconds): the pool's watchdog marks a worker
that falls silent lost, and places no new run on one that is busy.
"""
import itertools
import logging
import os
import resource
import signal
import socket
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from multiprocessing import Pipe
from multiprocessing.connection import Connection, wait as wait_for

from ..commands import KEY, UnknownCommand, command as find_command
from ..frames import FrameMaker
from ..startup import configure_process, give_back_memory
from ..training import TrainingRun

SLICE = 0.02          # seconds of training per turn: Pause waits at most about this long
IDLE_WAIT = 1.0       # seconds between looks at detached runs while nothing trains
NICE = 10             # training yields the cores to the server, so that pages and presses never wait on it
FRAME_RATE = 45       # frames a second at most, per run
FRAME_BYTES = 190_000  # bytes a second at most, per run: a frame of the largest networks comes less often
FRAME_SHARE = 4       # a frame comes at most once per this many times the time it takes to make
BEAT = 0.5            # seconds between the worker's signs of life (the pool's watchdog listens)
JOB_CPU = 60          # seconds of CPU a job (commands.COMMANDS) may use: past them it is stopped, and its answer says so
JOB_SECONDS = 600.0   # seconds a job may last, however little CPU a loaded machine gives it
JOB_NICE = 19         # a job's process yields the cores to the worker's loop
log = logging.getLogger("playground.worker")


class UnknownRun(Exception):
    """A command for a run this worker does not hold (closed, or held by a worker that died)."""


@dataclass
class Slot:
    """A run, and how it is driven: paused, playing, or stepping until `stop_epoch`."""
    run: TrainingRun
    data_key: object
    mode: str = "paused"
    stop_epoch: int = None
    waiting: list = None        # requests to answer when the step is done
    starting: list = None       # requests to answer when the next slice is done (a play)
    error: str = None
    detached_at: float = None   # when its session went away; None while it is there
    kept_for: float = None      # seconds it is kept after that; None: the worker's detached_ttl
    speed: float = 1.0          # epochs per frame; 0: as fast as the engine goes
    watched: bool = False       # a page draws its frames
    maker: FrameMaker = None
    goal: int = None            # the batch count (epochs × batches + batch) at which its next frame is due
    due: float = 0.0            # when its next frame's training may start
    period: float = 1 / FRAME_RATE
    stretch: float = 1.0        # periods per frame: more than 1 when a frame is less than a batch
    framed_at: float = 0.0      # when its last frame was made
    space_layer: int = None     # the hidden layer whose view of the data its frames carry (frames.py), if any
    focus: tuple = None         # the hidden neuron (layer, neuron) whose picture its frames carry
    held: list = None           # while its weights are measured in turns: the commands that wait for it

    def snapshot(self, views=True):
        snap = self.run.snapshot(views)
        snap.mode, snap.error = self.mode, self.error
        return snap


@dataclass
class Job:
    """A command computed in a process of its own (forked from the worker, or started afresh): the request it
    answers, its process, the end of the pipe its answer comes on, and when it is stopped if it has not answered."""
    request: int
    pid: int
    answer: Connection
    deadline: float


class Data:
    """The data sets of the runs here (TrainingData), kept once and shared by the runs that use them."""

    def __init__(self):
        self.sets, self.users = {}, {}

    def get(self, key, data):
        self.sets.setdefault(key, data)
        self.users[key] = self.users.get(key, 0) + 1
        return self.sets[key]

    def release(self, key):
        self.users[key] -= 1
        if not self.users[key]:
            del self.users[key], self.sets[key]


class Worker:
    def __init__(self, conn, beat=BEAT, detached_ttl=None):
        self.conn, self.slots, self.data, self.beat = conn, {}, Data(), beat
        self.detached_ttl = detached_ttl  # seconds a run is kept after its session went away; None: until closed
        self.turn = itertools.count()
        self.send_lock = threading.Lock()  # the loop and the heartbeat both send
        self.busy_since = None  # when the loop began the command or slice it is in; None while it waits
        self.jobs = {}  # the answer's end of the pipe -> Job

    def serve(self):
        threading.Thread(target=self.heartbeat, args=(self.beat,), name="playground-heartbeat", daemon=True).start()
        try:
            self._serve()
        except (BrokenPipeError, ConnectionResetError):
            return  # the server went away while it was being answered

    def _serve(self):
        while True:
            active = [slot for slot in self.slots.values()
                      if (slot.mode != "paused" or slot.held is not None) and slot.detached_at is None]
            now = time.monotonic()
            wait = max(0.0, min(slot.due for slot in active) - now) if active else IDLE_WAIT
            if self.jobs:
                wait = max(0.0, min(wait, min(job.deadline for job in self.jobs.values()) - now))
            self.busy_since = None
            ready = _wait([self.conn, *self.jobs], wait)
            self.busy_since = time.monotonic()
            if ready:
                for conn in ready:
                    if conn is not self.conn:
                        self.finish(self.jobs.pop(conn))
                        continue
                    try:
                        message = self.conn.recv()
                    except (EOFError, OSError):
                        return  # the server is gone
                    self.handle(*message)
                continue  # every waiting command before the next slice
            self.expire()
            self.stop_late_jobs()
            due = [slot for slot in active if slot.due <= time.monotonic()]
            if due:
                self.train(due[next(self.turn) % len(due)])

    def send(self, message):
        with self.send_lock:
            self.conn.send(message)

    def reply(self, request, ok, value):
        with self.send_lock:
            self.busy_since = None  # done with that command: a heartbeat after the answer must not say otherwise
            self.conn.send((request, ok, value))

    def heartbeat(self, every=BEAT):
        """Says every `every` seconds that the process lives: (None, None, seconds the loop has been in its
        command or slice). It stops when the server is gone."""
        while True:
            time.sleep(every)
            try:
                with self.send_lock:  # what it says is true when it is sent, after any answer sent before it
                    since = self.busy_since
                    self.conn.send((None, None, 0.0 if since is None else time.monotonic() - since))
            except (OSError, ValueError):  # the server is gone (ValueError: the connection was closed)
                return

    def handle(self, request, run_id, name, args):
        slot = self.slots.get(run_id)
        try:
            command = find_command(name)
        except UnknownCommand as error:  # a sentence, not a bug of the worker's
            self.reply(request, False, (type(error).__name__, str(error)))
            return
        if slot is not None and slot.held is not None and command.waits:  # it needs the run's row of the log
            slot.held.append((request, run_id, name, args))
            return
        try:
            value = self.execute(run_id, name, args, request)
        except (ValueError, UnknownRun) as error:  # a sentence for the person in front of the page
            self.reply(request, False, (type(error).__name__, str(error)))
        except Exception as error:  # a bug: the traceback goes to the server's log, a short message to the page
            log.exception("Run %s: %s failed", run_id, name)
            self.reply(request, False, (type(error).__name__, str(error)))
        else:
            if value is not _DEFERRED:
                self.reply(request, True, value)
            slot = self.slots.get(run_id)
            if slot is not None and slot.watched and slot.held is None and command.frame:
                self.send_frame(slot, key=command.frame == KEY)

    def execute(self, run_id, name, args, request):
        """Serves the command `name` (a row of COMMANDS) on the run `run_id`: its answer, or _DEFERRED when it is
        answered later (a step, a play, a job, weights being measured)."""
        command = find_command(name)
        if command.serve is None:
            return getattr(self, name)(run_id, request, *args)
        slot = self.slot(run_id)
        if command.job:
            function, job_args = command.serve(slot.run, *args)
            start = self.spawn_job if "tensorflow" in sys.modules else self.start_job  # its threads: no fork
            return start(request, function, job_args)
        value = command.serve(slot.run, *args)
        if not slot.run.measured:  # restored weights, measured in turns
            slot.held = []
        return value

    def slot(self, run_id):
        slot = self.slots.get(run_id)
        if slot is None:
            raise UnknownRun(f"run {run_id} is not held here")
        return slot

    # The commands by which the worker drives a run (COMMANDS' rows without a function), each (run id, request, …).
    def create(self, run_id, request, engine, spec, key, data):
        self.slots[run_id] = Slot(TrainingRun(engine, spec, self.data.get(key, data), run_id, sliced=True), key)
        return self.answer_created(self.slots[run_id], request)

    def ping(self, run_id, request):
        return os.getpid()

    def close(self, run_id, request):
        slot = self.slot(run_id)
        self._answer_waiting(slot)
        del self.slots[run_id]
        self.data.release(slot.data_key)
        for message in slot.held or ():  # they wait no longer: the run is gone
            self.handle(*message)
        del slot
        give_back_memory()

    def snapshot(self, run_id, request, views=True):
        return self.slot(run_id).snapshot(views)

    def created(self, run_id, request):
        slot = self.slot(run_id)
        return slot.run.initial_weights, slot.snapshot()

    def play(self, run_id, request):
        return self._play_or_pause(self.slot(run_id), request, "play")

    def pause(self, run_id, request):
        return self._play_or_pause(self.slot(run_id), request, "pause")

    def _play_or_pause(self, slot, request, command):
        slot.mode, slot.stop_epoch = ("playing" if command == "play" and not slot.run.diverged else "paused"), None
        slot.goal, slot.due = None, 0.0
        self._answer_waiting(slot)
        slot.error = None if command == "play" else slot.error
        if slot.mode == "playing" and slot.detached_at is None:
            # Answered after its first slice: the page then draws a run under way, not the epoch it paused at.
            slot.starting = [*(slot.starting or []), request]
            return _DEFERRED
        return slot.snapshot()

    def step(self, run_id, request, epochs):
        slot = self.slot(run_id)
        if slot.run.diverged:
            return slot.snapshot()
        base = slot.stop_epoch if slot.mode == "stepping" else slot.run.epoch
        slot.mode, slot.stop_epoch, slot.error, slot.due = "stepping", base + epochs, None, 0.0
        slot.waiting = [*(slot.waiting or []), request]
        return _DEFERRED

    def set_data(self, run_id, request, key, data):
        slot = self.slot(run_id)
        slot.run.set_data(self.data.get(key, data))
        self.data.release(slot.data_key)
        slot.data_key = key
        return slot.snapshot()

    def reset(self, run_id, request):
        slot = self.slot(run_id)
        run = slot.run
        self._answer_waiting(slot)
        slot.run, slot.mode, slot.stop_epoch, slot.error = (
            TrainingRun(run.engine_name, run.spec, run.dataset, run.id, sliced=True), "paused", None, None)
        return self.answer_created(slot, request)

    def detach(self, run_id, request, keep=None):
        slot = self.slot(run_id)
        slot.detached_at, slot.kept_for = time.monotonic(), keep

    def attach(self, run_id, request):
        self.slot(run_id).detached_at = None

    def watch(self, run_id, request, watched):
        slot = self.slot(run_id)
        slot.watched, slot.maker = watched, FrameMaker() if watched else None

    def speed(self, run_id, request, speed):
        slot = self.slot(run_id)
        slot.speed, slot.goal, slot.due = float(speed), None, 0.0

    def space(self, run_id, request, layer):
        self.slot(run_id).space_layer = layer

    def focus(self, run_id, request, *neuron):
        self.slot(run_id).focus = tuple(neuron) or None

    def answer_created(self, slot, request):
        """The answer to a create or reset: the initial weights and the snapshot, once epoch 0 is measured, which
        on a large data set takes turns in the loop (`train`); the run's other commands wait until then."""
        if slot.run.measured:
            return slot.run.initial_weights, slot.snapshot()
        slot.held = [(request, slot.run.id, "created", ())]
        return _DEFERRED

    def start_job(self, request, function, args):
        """Computes function(*args) in a process forked from this one; the loop answers `request` when it is
        done (`finish`). The child shares the worker's memory as it is now, and ends once it has answered, or
        after JOB_SECONDS, or with the worker."""
        answer, child_end = Pipe(duplex=False)
        pid = os.fork()
        if pid == 0:  # the child: it computes, answers and ends, and touches nothing of the worker's
            status = 1
            try:
                answer.close()
                limit_job()
                compute(child_end, function, args)
                status = 0
            finally:
                os._exit(status)
        child_end.close()
        self.jobs[answer] = Job(request, pid, answer, time.monotonic() + JOB_SECONDS)
        return _DEFERRED

    def spawn_job(self, request, function, args):
        """As `start_job`, in a process started afresh (playground/trainer/job.py) rather than forked: a thread
        sends it `function` and `args`, so that the loop goes on while a large data set is on its way."""
        ours, theirs = socket.socketpair()
        os.set_inheritable(theirs.fileno(), True)
        pid = os.posix_spawn(sys.executable, [sys.executable, "-m", "playground.trainer.job", str(theirs.fileno())],
                             os.environ)  # no fork of this process: safe beside TensorFlow's threads
        theirs.close()
        conn = Connection(ours.detach())
        threading.Thread(target=_send, args=(os.dup(conn.fileno()), (function, args)), name="playground-job",
                         daemon=True).start()
        self.jobs[conn] = Job(request, pid, conn, time.monotonic() + JOB_SECONDS)
        return _DEFERRED

    def finish(self, job):
        """Answers a job's request with what its process sent, and lets the process go; a process stopped at its
        CPU limit answers TimeLimit."""
        try:
            ok, value = job.answer.recv()
        except (EOFError, OSError):  # it ended without an answer
            ok, value = False, ("RunFailed", "the computation ended without an answer")
        job.answer.close()
        status = _reap(job.pid)
        if not ok and value[0] == "RunFailed":
            if os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGXCPU, signal.SIGKILL, signal.SIGALRM):
                value = ("TimeLimit", str(JOB_CPU))
            else:
                log.error("A job's process (pid %d) ended without an answer", job.pid)
        self.reply(job.request, ok, value)

    def stop_late_jobs(self):
        """Stops the jobs that have lasted longer than JOB_SECONDS; each one's request is answered with TimeLimit."""
        now = time.monotonic()
        for conn, job in list(self.jobs.items()):
            if now > job.deadline:
                del self.jobs[conn]
                try:
                    os.kill(job.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                job.answer.close()
                _reap(job.pid)
                self.reply(job.request, False, ("TimeLimit", str(JOB_SECONDS)))

    def train(self, slot):
        """One slice of training, or what is left of a frame's share at the run's speed; a step that reached
        its epoch, a stop condition, a divergence or an error pauses the run. A frame ends the share (or, as
        fast as the engine goes, comes every period). A run whose weights are measured goes on measuring them
        instead, and takes the commands held for it once they are."""
        if slot.held is not None:
            try:
                measured = slot.run.measure(SLICE)
            except Exception as error:  # a bug: said to the page, and the commands held for it answered
                log.exception("Run %s failed while its weights were measured", slot.run.id)
                slot.error, slot.mode = f"{type(error).__name__}: {error}", "paused"
                held, slot.held = slot.held, None
                for request, *_ in held:
                    self.reply(request, False, (type(error).__name__, str(error)))
                return
            if measured:
                held, slot.held = slot.held, None
                if slot.watched:  # the weights set meanwhile (an edit, a restore), with their measures
                    self.send_frame(slot, key=True)
                for message in held:
                    self.handle(*message)
            return
        run, paced = slot.run, slot.mode == "playing" and slot.speed > 0
        if paced and slot.goal is None:  # less than a batch a frame: a batch every few frames' time
            share = slot.speed * run.batches
            slot.goal, slot.stretch = _progress(run) + max(1, round(share)), max(1.0, 1 / share)
        # As fast as the engine goes (or stepping), a slice ends when the next frame is due.
        seconds = SLICE if paced else min(SLICE, max(0.002, slot.framed_at + slot.period - time.monotonic()))
        try:
            run.train_slice(seconds, slot.stop_epoch, slot.goal - _progress(run) if paced else None)
        except Exception as error:
            log.exception("Run %s failed while training", slot.run.id)
            slot.error, slot.mode = f"{type(error).__name__}: {error}", "paused"
        if slot.run.diverged or slot.run.stopped or (slot.mode == "stepping" and slot.run.epoch >= slot.stop_epoch):
            slot.mode, slot.stop_epoch = "paused", None
        now = time.monotonic()
        if slot.mode == "paused":
            self._answer_waiting(slot)
            if slot.watched:
                self.send_frame(slot)
            return
        if slot.starting:
            self._answer(slot.starting, slot.snapshot())
            slot.starting = None
        if paced and _progress(run) >= slot.goal:
            slot.goal = None
            slot.due = max(slot.due + slot.period * slot.stretch, now - slot.period)
        elif paced or now - slot.framed_at < slot.period:
            return  # a long epoch: its share goes on at the next turn; or too soon for a frame
        if slot.watched:
            self.send_frame(slot)
        slot.framed_at = now

    def send_frame(self, slot, key=False):
        """Sends the watched run's frame; its period grows for a frame that is large or slow to make."""
        began = time.perf_counter()
        frame = slot.maker.frame(slot.run, slot.mode, key, slot.space_layer, slot.focus)
        slot.period = max(1 / FRAME_RATE, len(frame) / FRAME_BYTES, FRAME_SHARE * (time.perf_counter() - began))
        self.send((None, slot.run.id, frame))

    def _answer_waiting(self, slot):
        """Answers every request waiting on the run (the run pauses, is reset or closed)."""
        waiting = [*(slot.waiting or []), *(slot.starting or [])]
        if waiting:
            self._answer(waiting, slot.snapshot())
        slot.waiting = slot.starting = None

    def _answer(self, requests, snapshot):
        for request in requests:
            self.reply(request, True, snapshot)

    def expire(self):
        """Closes the runs whose sessions have been gone for more than their time (`detach`'s, else `detached_ttl` seconds)."""
        now = time.monotonic()
        expired = [run_id for run_id, slot in self.slots.items() if slot.detached_at is not None
                   and (slot.kept_for or self.detached_ttl) is not None
                   and now - slot.detached_at > (slot.kept_for or self.detached_ttl)]
        for run_id in expired:
            slot = self.slots.pop(run_id)
            self.data.release(slot.data_key)
            for message in slot.held or ():  # they wait no longer: the run is gone
                self.handle(*message)
        if expired:
            give_back_memory()


_DEFERRED = object()


def limit_job():
    """A job's process yields the cores to the worker's loop (nice JOB_NICE), stops at JOB_CPU seconds of CPU,
    and ends by itself past JOB_SECONDS or with the worker."""
    os.nice(JOB_NICE - os.nice(0))
    resource.setrlimit(resource.RLIMIT_CPU, (JOB_CPU, JOB_CPU + 5))  # SIGXCPU past it
    signal.alarm(int(JOB_SECONDS) + 5)  # a job the worker no longer waits for ends by itself
    _die_with_parent()


def compute(conn, function, args):
    """Computes function(*args) and sends (True, its value) on `conn`, or (False, (the error's name, message))."""
    try:
        result = True, function(*args)
    except ValueError as error:
        result = False, ("ValueError", str(error))
    except Exception as error:
        traceback.print_exc()
        result = False, (type(error).__name__, str(error))
    conn.send(result)


def _send(fd, message):
    """Sends `message` to a job's process on `fd`, a copy of its socket that is closed once sent (the loop may
    close its own meanwhile); a process that was stopped meanwhile is not sent it."""
    with Connection(fd) as conn:
        try:
            conn.send(message)
        except OSError:
            pass


def _wait(conns, timeout):
    """multiprocessing.connection.wait, or the worker's socket's poll alone when no job runs."""
    if len(conns) == 1:
        return conns if conns[0].poll(timeout) else []
    return wait_for(conns, timeout)


def _reap(pid):
    """Waits for the child `pid` to end; its status (0 if it was reaped already)."""
    try:
        return os.waitpid(pid, 0)[1]
    except ChildProcessError:
        return 0


def _die_with_parent():
    """On Linux, the calling process is killed when its parent (the worker) ends."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _progress(run):
    """Batches trained so far, counting every epoch as the run's batches now."""
    return run.epoch * run.batches + run.batch


def lower_priority():
    """Training yields the cores to the server (and to a browser on the same machine): nice NICE, and,
    where the kernel shares the CPU between sessions first (autogroup, as most Linux distributions do),
    the worker's own session gets the same low weight. Else a busy worker holds a whole core against
    every other session, whatever its nice value."""
    os.nice(NICE)
    if os.getsid(0) == os.getpid():  # a session of its own (start_new_session): its group is the worker's alone
        try:
            with open("/proc/self/autogroup", "w") as f:
                f.write(str(NICE))
        except OSError:  # no autogroup here: nice alone does it
            pass


def main(fd, beat=BEAT, ttl=None):
    lower_priority()
    configure_process()
    logging.basicConfig(stream=sys.stderr, format="%(asctime)s worker %(process)d: %(message)s")
    os.set_inheritable(fd, False)  # the server's socket stays out of the jobs' processes
    Worker(Connection(fd), beat, ttl).serve()


if __name__ == "__main__":
    main(int(sys.argv[1]), **{key: float(value) for key, value in (arg.split("=", 1) for arg in sys.argv[2:])})
