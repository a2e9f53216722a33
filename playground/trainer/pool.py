"""The worker processes that train the page's runs, and the page's handle on one run.

Each server starts WORKERS worker processes (one per core by default; the environment variable
PLAYGROUND_WORKERS sets another number) when the first run is created. A new run goes to the
worker holding the fewest runs of open tabs, then training the fewest. The page holds a RunHandle
in its session state and reaches its run only through it: commands go to the worker, snapshots
come back. A worker that dies costs only the runs it held: their handles report them lost, keep
their last snapshot, and can start them again from it on another worker; a new worker takes the
dead one's place.

A watchdog does the same for a worker that lives but no longer answers: each worker says every half
second that it lives, and how long it has been in its current command. One that says nothing and uses no
CPU for SILENT_AFTER seconds (stopped, or blocked for good) is killed and marked lost, as a dead one is;
so is one held by one command, or silent while it computes (a native call that holds the interpreter),
for HUNG_AFTER seconds. A new run goes to a worker that answers and is not busy (in one command for
BUSY_AFTER seconds or more), if there is one.
"""
import dataclasses
import functools
import itertools
import logging
import os
import pickle
import socket
import subprocess
import sys
import threading
import time
import weakref
from multiprocessing.connection import Connection

import psutil

from ..commands import COMMANDS, command as find_command
from ..snapshot import TrainingData
from ..startup import give_back_memory

log = logging.getLogger("playground.trainer")
REPLY_TIMEOUT = 30.0   # seconds to wait for a worker's answer
CREATE_TIMEOUT = 180.0  # the first Keras run of a worker loads TensorFlow, which takes long on a busy machine
PRESS_TIMEOUT = 5.0    # seconds a press (Pause, Reset) waits for its answer before the page says so and goes on
# The watchdog. A worker's heartbeat comes every 0.5 s (worker.BEAT). Loading TensorFlow holds the interpreter
# long enough to delay it by 6 to over 10 s at nice 10 on two loaded cores, but uses CPU all along: silence
# counts only while the worker uses none. PLAYGROUND_SILENT_AFTER sets another limit (seconds).
SILENT_AFTER = 10.0    # seconds without a word or CPU from a worker before it is marked lost and replaced
HUNG_AFTER = CREATE_TIMEOUT  # seconds one command (or a silence with CPU) may hold a worker: nobody waits longer
QUIET_AFTER = 3.0      # seconds without a word after which a new run goes elsewhere (idle: 1.2 s at most, loaded)
BUSY_AFTER = 1.0       # seconds in one command after which a new run goes elsewhere
CEILING_SHARE = 0.8    # of the machine's memory: past it, the server and its workers start no new run
# One thread each (BLAS, TensorFlow): the workers share the cores between them. TensorFlow's notes
# about a missing GPU would fill the server's log.
WORKER_ENVIRONMENT = {"PLAYGROUND_THREADS": "1", "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": "-1"}


class RunLost(Exception):
    """The worker that held the run is gone (or no longer knows the run)."""


class RunFailed(Exception):
    """The run raised something other than a ValueError; the message is short, the traceback is in the log."""


class NoAnswer(TimeoutError):
    """The worker did not answer a command within `seconds`: busy with a long command, or silent (the
    watchdog then marks it lost). The command still takes effect if the worker gets to it."""

    def __init__(self, command, seconds):
        super().__init__(f"no answer to {command} within {seconds:g} s")
        self.command, self.seconds = command, seconds


class TooLong(NoAnswer):
    """A command computed away from the worker's loop (a job of commands.COMMANDS) ran past its time limit and was
    stopped; the run is unchanged."""


class Reply:
    """The answer to one request, when it comes."""

    def __init__(self, command, args=()):
        self.command, self.args, self.done, self.answer = command, args, threading.Event(), None
        self.request = None

    def result(self, timeout):
        """The answer's value, or ValueError / RunFailed / RunLost / TooLong; NoAnswer if none came within
        `timeout` seconds."""
        if not self.done.wait(timeout):
            raise NoAnswer(self.command, timeout)
        ok, value = self.answer
        if ok:
            return value
        kind, message = value
        if kind == "ValueError":
            raise ValueError(message)
        if kind in ("RunLost", "UnknownRun"):
            raise RunLost(message)
        if kind == "TimeLimit":
            raise TooLong(self.command, float(message))
        raise RunFailed(f"{kind}: {message}")


class NoRoom(Exception):
    """The server and its workers use more memory than their ceiling: no new run until some close."""

    def __init__(self, used, ceiling):
        super().__init__(f"the server uses {used / 1e6:.0f} MB, past its ceiling of {ceiling / 1e6:.0f} MB")
        self.used, self.ceiling = used, ceiling


def memory_ceiling():
    """Bytes the server and its workers may use before they refuse new runs: PLAYGROUND_MEMORY_CEILING (in MB),
    else CEILING_SHARE of the machine's memory."""
    text = os.environ.get("PLAYGROUND_MEMORY_CEILING", "")
    if text.isascii() and text.isdigit() and len(text) <= 9 and int(text) > 0:
        return int(text) * 1_000_000
    return int(CEILING_SHARE * psutil.virtual_memory().total)


def silence_limit():
    """PLAYGROUND_SILENT_AFTER (seconds, above 0), or SILENT_AFTER."""
    text = os.environ.get("PLAYGROUND_SILENT_AFTER", "")
    try:
        value = float(text) if len(text) <= 20 else None
    except ValueError:
        value = None
    if value is None:
        return SILENT_AFTER
    return value if 0 < value < float("inf") else SILENT_AFTER


def worker_count():
    """PLAYGROUND_WORKERS, or the number of cores this process may use."""
    text = os.environ.get("PLAYGROUND_WORKERS", "")
    if text.isascii() and text.isdigit() and int(text) > 0:
        return int(text)
    return len(os.sched_getaffinity(0))


class WorkerProcess:
    """One worker: its process, its socket, and the requests waiting for an answer."""

    def __init__(self, index, on_lost=None, beat=None, detached_ttl=None):
        """Worker `index`; `on_lost(worker)` is called once it is lost; it sends a heartbeat every `beat` seconds
        (None: the worker's BEAT) and keeps a closed tab's run `detached_ttl` seconds (None: until closed)."""
        self.index, self.runs, self.keras = index, set(), False  # keras: TensorFlow is loaded there
        self.on_lost = on_lost  # called once, with this worker, when it is lost
        # When it was last heard from, and since when its loop is in one command (None: it waits); why it was
        # lost: "ended" (it died), "silent" or "hung" (the watchdog).
        self.heard_at, self.busy_since, self.lost_why = time.monotonic(), None, None
        # Its CPU seconds at the watchdog's last look and when that was; when they were last seen growing.
        self.cpu, self.looked_at, self.computed_at, self._ps = None, None, self.heard_at, None
        ours, theirs = socket.socketpair()
        env = {**os.environ, **WORKER_ENVIRONMENT}
        # A session of its own, so that its priority is its own (worker.lower_priority); it ends when the
        # server does, as its socket closes.
        options = {"beat": beat, "ttl": detached_ttl}
        command = [sys.executable, "-m", "playground.trainer.worker", str(theirs.fileno()),
                   *(f"{key}={float(value)!r}" for key, value in options.items() if value is not None)]
        self.process = subprocess.Popen(command, pass_fds=[theirs.fileno()], env=env, cwd=_ROOT,
                                        start_new_session=True)
        theirs.close()
        self.conn = Connection(ours.detach())
        self.send_lock, self.waiting, self.alive = threading.Lock(), {}, True
        self.lost_lock = threading.Lock()
        self.reader = threading.Thread(target=self._read, name=f"playground-worker-{index}", daemon=True)
        self.reader.start()

    @property
    def pid(self):
        return self.process.pid

    def request(self, run_id, command, *args, timeout=REPLY_TIMEOUT):
        """Sends a command and waits for its answer: the value, or ValueError / RunFailed / RunLost;
        TimeoutError if none came within `timeout` seconds."""
        reply = self.submit(run_id, command, *args)
        try:
            return reply.result(timeout)
        finally:
            self.waiting.pop(reply.request, None)

    def submit(self, run_id, command, *args):
        """Sends a command; returns its Reply, which the answer fills when it comes, however late."""
        reply = Reply(command, args)
        reply.request = next(_REQUESTS)
        self.waiting[reply.request] = reply
        try:
            self._send((reply.request, run_id, command, args))
        except BaseException:
            self.waiting.pop(reply.request, None)
            raise
        return reply

    def _send(self, message):
        with self.send_lock:
            if not self.alive:
                raise RunLost("the worker is gone")
            try:
                self.conn.send(message)
            except OSError:
                raise RunLost("the worker is gone") from None

    def send(self, run_id, command, *args):
        """Sends a command without waiting for its answer."""
        try:
            self._send((next(_REQUESTS), run_id, command, args))
        except RunLost:
            pass

    def _read(self):
        while True:
            try:
                message = self.conn.recv_bytes()
            except (EOFError, OSError, TypeError):  # TypeError: the connection was closed under it
                break
            self.heard_at = now = time.monotonic()
            if self.lost_why is not None:  # what a worker the watchdog killed sent before it died: nobody waits
                continue
            try:  # from our own worker, over the socketpair it was started with: never a file or the network
                request, ok, value = pickle.loads(message)
            except Exception:  # an answer that does not unpickle: that request fails, the others go on
                log.exception("Worker %d sent an unreadable answer", self.index)
                continue
            if request is None and ok is None:  # its heartbeat: seconds its loop has been in one command
                self.busy_since = now - value if value else None
                continue
            if request is None:  # a frame of a watched run: (None, run id, bytes)
                for listener in _listeners.get(ok, ()):
                    listener(value)
                continue
            self.busy_since = None  # an answer: its loop is done with that command (the next heartbeat says more)
            waiter = self.waiting.pop(request, None)
            if waiter is not None:
                waiter.answer = ok, value
                waiter.done.set()
        self.lose("ended")

    def silent_for(self, now=None):
        """Seconds since the worker's last word (a heartbeat, an answer, a frame)."""
        return (now or time.monotonic()) - self.heard_at

    def idle_for(self, now=None):
        """Seconds the worker has neither said a word nor used CPU (as of the watchdog's last `look`)."""
        return (now or time.monotonic()) - max(self.heard_at, self.computed_at)

    def look(self, now=None):
        """Notes whether the worker's process is at work: it used CPU since the last look, or it is running,
        waiting for a core (a loaded machine) or for the disk. A stopped process is not; nor is one asleep for
        good without a word. Where its process cannot be read, its words alone count."""
        try:
            process = self._ps = self._ps or psutil.Process(self.pid)
            with process.oneshot():
                status = process.status()
                times = process.cpu_times()
            cpu = times.user + times.system
        except (psutil.Error, OSError):
            return
        now = now or time.monotonic()
        if status not in (psutil.STATUS_STOPPED, psutil.STATUS_TRACING_STOP):
            if status in (psutil.STATUS_RUNNING, psutil.STATUS_DISK_SLEEP):
                self.computed_at = now
            elif self.cpu is not None and cpu > self.cpu:
                self.computed_at = max(self.computed_at, self.looked_at)  # it computed after that look, at least
        self.cpu, self.looked_at = cpu, now

    def busy_for(self, now=None):
        since = self.busy_since
        return 0.0 if since is None else (now or time.monotonic()) - since

    def lose(self, why):
        """Marks the worker lost (once): its waiting requests fail with RunLost, its watched runs' pages hear
        it, and `on_lost` finds it a successor. A worker lost while it still runs (silent or hung) is killed."""
        with self.lost_lock:  # not the send lock: a send to a stopped worker may hold it until the kill
            if self.lost_why is not None:
                return
            self.alive, self.lost_why = False, why
        if why != "ended":
            log.warning("Worker %d (pid %d) is %s: it is killed and replaced", self.index, self.pid,
                        "silent" if why == "silent" else "held by one command")
            self.process.kill()  # a stopped process dies too; its socket closes and the reader ends
        for waiter in list(self.waiting.values()):
            waiter.answer = False, ("RunLost", "the worker is gone")
            waiter.done.set()
        for run_id in list(self.runs):
            for listener in _listeners.get(run_id, ()):
                listener(None)  # the page's live view hears that the run is lost
        if self.on_lost is not None:
            self.on_lost(self)

    def stop(self):
        with self.send_lock:
            self.alive = False
            self.conn.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()


_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_REQUESTS = itertools.count(1)
_RUN_IDS = itertools.count(1)


class Pool:
    def __init__(self, size, silent_after=None, hung_after=None, beat=None, ceiling=None, detached_ttl=None):
        """`size` workers, watched: one silent for `silent_after` seconds (default: `silence_limit()`) or held by
        one command for `hung_after` (HUNG_AFTER) is replaced. `beat`: the workers' heartbeat's period in
        seconds (None: worker.BEAT), shorter than `silent_after`. `ceiling`: the bytes of memory the server and
        its workers may use before a new run is refused (None: `memory_ceiling()`). A closed tab's run is kept
        `detached_ttl` seconds (None: until it is closed)."""
        self.lock, self.stopped = threading.Lock(), threading.Event()
        self.silent_after = silent_after or silence_limit()
        self.hung_after, self.beat, self.detached_ttl = hung_after or HUNG_AFTER, beat, detached_ttl
        self.ceiling = ceiling or memory_ceiling()
        self.workers = [self._start(i) for i in range(size)]
        self.watchdog = threading.Thread(target=self._watch, name="playground-watchdog", daemon=True)
        self.watchdog.start()

    def _start(self, index):
        return WorkerProcess(index, on_lost=self._lost, beat=self.beat, detached_ttl=self.detached_ttl)

    def _lost(self, worker):
        threading.Thread(target=self.replace, args=(worker,), daemon=True).start()

    def _watch(self):
        """Every quarter of the shorter limit (a second at most): a worker that has neither said a word nor used
        CPU for longer than `silent_after` is lost as silent; one in one command, or silent while it computes,
        for longer than `hung_after`, as hung."""
        every, last = min(1.0, self.silent_after / 4, self.hung_after / 4), time.monotonic()
        while not self.stopped.wait(every):
            now = time.monotonic()
            # A round that comes late (the machine's cores were busy with other work, this thread too) cannot tell a
            # worker that computed from one that did not since the last look: it looks, and judges at the next.
            judged, last = now - last <= self.silent_after / 2, now
            for worker in list(self.workers):
                if not worker.alive:
                    continue
                worker.look(now)
                if judged and worker.idle_for(now) > self.silent_after:
                    worker.lose("silent")
                elif max(worker.busy_for(now), worker.silent_for(now)) > self.hung_after:
                    worker.lose("hung")

    def place(self, engine, wait=5.0):
        """For a new run, the worker holding the fewest runs of open tabs (a closed tab's run, kept for a
        while, does not train), then training the fewest live runs (see `live_runs`). For a Keras run,
        one that has loaded TensorFlow already if there is one, so that it loads once per server and
        stalls the runs beside it once. Not one that is silent or busy, unless every worker is; if every
        worker was just lost, waits up to `wait` seconds for a new one (else RunLost). NoRoom past the
        memory ceiling."""
        used = self.memory_used()
        if used > self.ceiling:
            raise NoRoom(used, self.ceiling)
        playing = [h.worker for h in _live_handles()]
        with _handles_lock:
            held = [h.worker for h in _handles if h.open and not h.detached]
        deadline = time.monotonic() + wait
        while not any(w.alive for w in self.workers) and time.monotonic() < deadline:
            time.sleep(0.02)  # the lost ones' successors are on their way
        now = time.monotonic()
        with self.lock:
            alive = [w for w in self.workers if w.alive]
            if not alive:
                raise RunLost("no worker is running")
            # A Keras run where TensorFlow is (or is being) loaded already: loading it is seconds of busy silence.
            if engine == "keras" and any(w.keras for w in alive):
                alive = [w for w in alive if w.keras]
            # Not one that is silent (stopped, perhaps: the watchdog will tell) or busy with a long command.
            ready = [w for w in alive if w.silent_for(now) < QUIET_AFTER and w.busy_for(now) < BUSY_AFTER]
            alive = ready or alive
            worker = min(alive, key=lambda w: (held.count(w), playing.count(w)))
            worker.keras = worker.keras or engine == "keras"
            return worker

    def memory_used(self):
        """Bytes the server's process and its workers hold (resident)."""
        used = 0
        for pid in [os.getpid(), *(w.pid for w in self.workers if w.alive)]:
            try:
                used += psutil.Process(pid).memory_info().rss
            except psutil.Error:
                pass
        return used

    def replace(self, dead):
        with self.lock:
            if self.workers[dead.index] is dead and not _shutting_down and not self.stopped.is_set():
                self.workers[dead.index] = self._start(dead.index)
                log.warning("Worker %d (pid %d) was lost (%s); a new one (pid %d) takes its place",
                            dead.index, dead.pid, dead.lost_why or "ended", self.workers[dead.index].pid)
        try:
            dead.process.wait(timeout=10)  # no zombie left behind
        except subprocess.TimeoutExpired:
            pass

    def stop(self):
        self.stopped.set()
        for worker in self.workers:
            worker.stop()


_pool, _pool_lock, _shutting_down = None, threading.Lock(), False
# run id -> the functions called with each frame of the run (None: the run is lost): its page's live view, and a
# class's projector showing it. A tuple, replaced whole, so the thread that reads the worker never sees one changing.
_listeners = {}


def pool(detached_ttl=None):
    """The server's worker pool, started on first use; the page starts it with the seconds a closed tab's
    run is kept (its session's: Streamlit's server.disconnectedSessionTTL)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = Pool(worker_count(), detached_ttl=detached_ttl)
        return _pool


def shutdown():
    """Stops the workers (at exit; tests)."""
    global _pool, _shutting_down
    with _pool_lock:
        _shutting_down = True
        if _pool is not None:
            _pool.stop()
            _pool = None
        _shutting_down = False


_handles, _handles_lock = weakref.WeakSet(), threading.Lock()  # this server's handles
LIVE_WINDOW = 5.0  # seconds: a run asked for nothing for longer is not drawn live


def live_runs():
    """How many of this server's runs are playing (or stepping) and had a command or a request for a
    snapshot within LIVE_WINDOW seconds: the sessions drawing a run live now. A closed tab's run drops
    out as soon as its page stops asking, even while its session is kept for a reconnection."""
    return len(_live_handles())


def handle(run_id):
    """This server's open handle of the run `run_id`, or None (closed, lost, or on another server)."""
    with _handles_lock:
        handles = list(_handles)
    return next((h for h in handles if h.id == run_id and h.open and not h.lost), None)


def _live_handles():
    now = time.monotonic()
    with _handles_lock:
        handles = list(_handles)
    return [h for h in handles if h.open and not h.lost and h.snapshot.active and now - h.asked_at < LIVE_WINDOW]


class RunHandle:
    """The page's door to one run in a worker: commands go there, snapshots come back.

    `snapshot` is the latest one received; `lost` says the worker holding the run is gone, and
    `revive()` starts the run again from that snapshot. Dropping the handle closes the run. What the page asks of
    the run, beyond driving it, goes through `call` (handle.call("edit", 1, 0, 0, 2.0)), or by the command's name
    (handle.edit(1, 0, 0, 2.0)): the commands of playground/commands.py.
    """

    def __init__(self, engine_name, spec, dataset, data_key):
        """A new run of `engine_name` and `spec` on `dataset`; `data_key` names the data set (runs in one
        worker with the same key share one copy of it)."""
        self.engine_name, self.spec, self.dataset, self.data_key = engine_name, spec, dataset, data_key
        self.asked_at, self.detached, self.speed = time.monotonic(), False, 1
        self.space_layer = None  # the hidden layer whose view of the data the frames carry (show_space)
        self.focused = None      # the hidden neuron whose picture the frames carry (focus)
        self._create()
        with _handles_lock:
            _handles.add(self)

    def __repr__(self):
        """RunHandle(numpy run 12 in worker 0: epoch 340, playing): which run, where, and where it is."""
        state = "lost" if self.lost else "closed" if not self.open else self.snapshot.mode
        return (f"RunHandle({self.engine_name} run {self.id} in worker {self.worker.index}: epoch {self.snapshot.epoch}, "
                f"{state})")

    @property
    def open(self):
        return self._finalizer.alive

    def _create(self, resume=None, attempts=2):
        """Creates the run on the worker `place` gives; if that worker is lost before it answers (it died, or
        fell silent after it was chosen), once more on another."""
        self.id, self.worker = next(_RUN_IDS), pool().place(self.engine_name)
        self.jobs = {}  # command -> the Reply of a command asked once (`once`) of the run, until it is taken
        self.worker.runs.add(self.id)
        self._finalizer = weakref.finalize(self, _close, self.worker, self.id)
        self.lost = False
        try:
            self.initial_weights, self.snapshot = self.worker.request(
                self.id, "create", self.engine_name, self.spec, self.data_key, TrainingData.of(self.dataset),
                timeout=CREATE_TIMEOUT)
            if resume is not None:
                self.call("resume", resume)
            if self.speed != 1:
                self.worker.send(self.id, "speed", self.speed)
            if self.space_layer is not None:
                self.worker.send(self.id, "space", self.space_layer)
            if self.focused is not None:
                self.worker.send(self.id, "focus", *self.focused)
        except RunLost:
            self._finalizer()
            if attempts <= 1 or self.worker.alive:  # alive: the worker no longer knows the run
                raise
            self._create(resume, attempts - 1)
        except BaseException:
            self._finalizer()
            raise

    @property
    def lost_why(self):
        """Why the run is lost: "ended" (its worker died), "silent" (it stopped answering) or "hung" (one command
        held it too long); None while it is not."""
        return (self.worker.lost_why or "ended") if self.lost else None

    def _request(self, command, *args, timeout=REPLY_TIMEOUT):
        if self.lost:
            raise RunLost("the run's worker is gone")
        try:
            return self.worker.request(self.id, command, *args, timeout=timeout)
        except RunLost:
            self.lost = True
            raise

    def _drive(self, command, *args, timeout=REPLY_TIMEOUT):
        self.asked_at = time.monotonic()
        self.snapshot = self._request(command, *args, timeout=timeout)
        return self.snapshot

    # Driving the run: each answers with the snapshot after the command took effect.
    def refresh(self, views=True, timeout=2.0):
        """Asks for a fresh snapshot; keeps the last one (and returns it) if the worker takes longer than `timeout`,
        or at once if it has been silent for QUIET_AFTER seconds (the watchdog is on it)."""
        if not self.lost and self.worker.alive and self.worker.silent_for() > QUIET_AFTER:
            return self.snapshot
        try:
            return self._drive("snapshot", views, timeout=timeout)
        except TimeoutError:
            return self.snapshot

    def latest_health(self, timeout=1.0):
        """The run's gradient health now (a snapshot's `health`), for a chart that follows the run while it plays:
        asked for without the views, and not kept as `snapshot`, which stays the one the page drew. The last
        snapshot's if the worker is silent, or takes longer than `timeout`."""
        if not self.lost and self.worker.alive and self.worker.silent_for() > QUIET_AFTER:
            return self.snapshot.health
        self.asked_at = time.monotonic()
        try:
            return self._request("snapshot", False, timeout=timeout).health
        except TimeoutError:
            return self.snapshot.health

    def _drive_awhile(self, mode, wait, command, *args):
        """A command the worker answers once it has trained: waits up to `wait` seconds for the answer, else
        goes on with the last snapshot marked with `mode` (the worker is at it)."""
        try:
            return self._drive(command, *args, timeout=wait)
        except TimeoutError:
            self.snapshot = dataclasses.replace(self.snapshot, mode=mode)
            return self.snapshot

    def play(self, wait=0.25):
        """Plays; waits up to `wait` seconds for the first slice of training, so that the snapshot shows
        the run under way (a busy worker gets to it after)."""
        return self._drive_awhile("playing", wait, "play")

    def pause(self, timeout=None):
        """Pauses; raises NoAnswer if the worker does not answer within `timeout` (PRESS_TIMEOUT) seconds (it
        pauses the run when it gets to the command)."""
        return self._drive("pause", timeout=timeout or PRESS_TIMEOUT)

    def step(self, epochs=1, wait=0.5):
        """Trains `epochs` more epochs; waits up to `wait` seconds for them (a long epoch goes on after)."""
        return self._drive_awhile("stepping", wait, "step", epochs)

    def reset(self, timeout=None):
        """Back to the initial weights; NoAnswer as for `pause`."""
        self.initial_weights, self.snapshot = self._request("reset", timeout=timeout or PRESS_TIMEOUT)
        return self.snapshot

    def set_data(self, dataset, data_key):
        """Trains on `dataset` from now on (same inputs and outputs): weights, optimizer and history stay."""
        self.snapshot = self._request("set_data", data_key, TrainingData.of(dataset))
        self.dataset, self.data_key = dataset, data_key
        return self.snapshot

    def attach(self):
        self.detached = False
        self.worker.send(self.id, "attach")

    def watch(self, listener):
        """Calls `listener(frame)`, in the thread that reads the worker, with each frame of the run
        (playground/frames.py) from a key frame on, and `listener(None)` if the run is lost. A run may have several
        listeners (its page's live view, a class's projector); the frames go on until the last one leaves."""
        with _handles_lock:
            _listeners[self.id] = (*_listeners.get(self.id, ()), listener)
        self.worker.send(self.id, "watch", True)

    def unwatch(self, listener):
        with _handles_lock:
            left = tuple(other for other in _listeners.get(self.id, ()) if other is not listener)
            if left:
                _listeners[self.id] = left
            else:
                _listeners.pop(self.id, None)
        if not left:
            self.worker.send(self.id, "watch", False)

    def set_speed(self, speed):
        """Epochs per frame from now on (a fraction: that share of an epoch); 0: as fast as the engine goes.
        The run keeps playing or stays paused."""
        self.speed = speed
        self.worker.send(self.id, "speed", speed)

    def show_space(self, layer):
        """From now on the frames carry the data as hidden layer `layer` (0 the first) sees it; None: no more."""
        if layer != self.space_layer:
            self.space_layer = layer
            self.worker.send(self.id, "space", layer)

    def focus(self, neuron=None):
        """The hidden neuron (layer, neuron), both from 0, whose picture the run's frames carry from now on;
        None: none."""
        self.focused = tuple(neuron) if neuron else None
        self.worker.send(self.id, "focus", *(neuron or ()))

    def detach(self, keep=None):
        """Its session went away: it stops training, and its worker closes it after `keep` seconds (None: the
        time the pool was given, a session's) unless it is attached again."""
        self.detached = True
        self.worker.send(self.id, "detach", *(() if keep is None else (keep,)))

    # What the page may ask of the run.
    def call(self, name, *args, wait=REPLY_TIMEOUT):
        """Serves the run's command `name` (commands.COMMANDS) in its worker, waiting up to `wait` seconds: its answer,
        or the run's new snapshot for a command that changes what the page draws (`snapshot`). A command asked once
        (`once`) goes through `_job`."""
        command = find_command(name)
        if command.once:
            return self._job(name, *args, wait=wait)
        value = self._request(name, *args, timeout=wait)
        if command.snapshot == "after":
            return self.refresh()
        if command.snapshot == "answer":
            self.snapshot = value
        return value

    def __getattr__(self, name):
        """A run's command by its name: handle.edit(…) is handle.call("edit", …)."""
        if name in COMMANDS and COMMANDS[name].serve is not None:
            return functools.partial(self.call, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def reconfigure(self, spec):
        """New training settings (TrainingRun.reconfigure); the handle keeps the spec."""
        self.call("reconfigure", spec)
        self.spec = spec

    def _job(self, method, *args, wait=REPLY_TIMEOUT):
        """A command asked once (`once` in commands.COMMANDS; a job may take seconds): if
        it is still under way from an earlier ask, this waits for that one (a page that asks again does not pile
        work up). Waits up to `wait` seconds, then raises NoAnswer and leaves it `pending`: a later call takes its
        answer. TooLong if it was stopped at the worker's time limit."""
        if self.lost:
            raise RunLost("the run's worker is gone")
        reply = self.jobs.get(method)
        if reply is None or (reply.done.is_set() and reply.args != args):
            reply = self.jobs[method] = self.worker.submit(self.id, method, *args)
        try:
            value = reply.result(wait)
        except RunLost:
            self.jobs.pop(method, None)
            self.lost = True
            raise
        except NoAnswer:
            if reply.done.is_set():  # TooLong: an answer
                self.jobs.pop(method, None)
            raise
        except BaseException:
            self.jobs.pop(method, None)
            raise
        self.jobs.pop(method, None)
        return value

    def pending(self, method):
        """Whether a job `method` was asked of the run and its answer has not come yet."""
        reply = self.jobs.get(method)
        return reply is not None and not reply.done.is_set()

    def answered(self, method):
        """Whether a job `method` asked earlier has an answer waiting to be taken (by calling it again)."""
        reply = self.jobs.get(method)
        return reply is not None and reply.done.is_set()

    def revive(self):
        """Starts the lost run again on a live worker, from its last snapshot."""
        self._finalizer()
        self._create(resume=self.snapshot)

    def close(self):
        self._finalizer()


def _close(worker, run_id):
    _listeners.pop(run_id, None)
    worker.runs.discard(run_id)
    worker.send(run_id, "close")
    _trim_soon()


_trim_timer = None


def _trim_soon(delay=2.0):
    """Gives the server's freed memory back a little after a handle closes: by then the rest of its
    session has gone too (and many closing together are trimmed once)."""
    global _trim_timer
    if _trim_timer is None or not _trim_timer.is_alive():
        _trim_timer = threading.Timer(delay, give_back_memory)
        _trim_timer.daemon = True
        _trim_timer.start()
