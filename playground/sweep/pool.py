"""A sweep training in the background, through joblib: on this machine's cores (loky's reusable
process pool), one by one in this process (jobs=1), or on a Dask cluster (dask.distributed's
joblib backend). The handle counts finished runs, hands them over as they finish, and cancels
(signals.py: running runs stop at their next epoch, runs not yet started return at once).

Workers stay up between sweeps (loky keeps its pool for a few idle minutes), each with one
BLAS thread. Each task carries its run's settings and NetworkSpec and the data set's arrays:
small for the 2-D sets; loky passes arrays over 1 MB through a shared memory-mapped file, and
a cluster gets them once per worker (scattered).
"""
import threading

from joblib import Parallel, delayed, parallel_config

from .grid import SweepError
from .probe import identity
from .runs import train_run
from .signals import EventSignal, FileSignal

CONNECT_SECONDS = 10     # how long to try to reach a scheduler
# The page's sweeps, which a class's server runs beside its students' training: ten minutes of one
# core in all, shared equally by the runs; worker processes that yield the cores before the training
# workers do (nice 10); and one sweep at a time per server, the others queued in order.
PAGE_CPU_SECONDS = 600
PAGE_NICE = 15


def connect(address):
    """A dask.distributed Client of the scheduler at `address` (tcp://HOST:PORT); SweepError, within
    about CONNECT_SECONDS, if no scheduler answers there."""
    try:
        from distributed import Client
        from distributed.comm.addressing import parse_address, parse_host_port
    except ImportError:
        raise SweepError("--scheduler", "dask.distributed is not installed: pip install -r requirements.txt") from None
    try:
        scheme, location = parse_address(address)
        if scheme != "tcp":
            raise ValueError(f"{scheme}:// is not tcp://")
        # A refused address fails here at once (a client retries it until its timeout), a port that
        # answers but is no scheduler fails within the timeout (a client may hang on it), and what
        # answers is read without unpickling anything (probe.py). Past this, the scheduler is trusted.
        identity(*parse_host_port(location), CONNECT_SECONDS)
        return Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except Exception as error:  # noqa: BLE001 -- malformed, refused, silent: all mean "not reachable"
        reason = (f"no answer within {CONNECT_SECONDS} s" if isinstance(error, TimeoutError)
                  else str(error).splitlines()[0] if str(error) else type(error).__name__)
        raise SweepError("--scheduler", f"cannot reach a Dask scheduler at {address} ({reason}): "
                                        "give its address as tcp://HOST:8786") from None


class Turns:
    """Sweeps that take turns: one trains at a time, the others wait in the order they came."""

    def __init__(self):
        self._queue, self._changed = [], threading.Condition()

    def join(self, sweep):
        with self._changed:
            self._queue.append(sweep)

    def wait(self, sweep):
        """Until `sweep` is first in the queue, or cancelled."""
        with self._changed:
            while self._queue[0] is not sweep and not sweep.cancelled:
                self._changed.wait(0.5)

    def ahead(self, sweep):
        """How many sweeps wait or train before `sweep` (0 once it trains or has left)."""
        with self._changed:
            return self._queue.index(sweep) if sweep in self._queue else 0

    def leave(self, sweep):
        with self._changed:
            if sweep in self._queue:
                self._queue.remove(sweep)
            self._changed.notify_all()


PAGE_TURNS = Turns()   # this server's page sweeps


class Sweep:
    """A sweep's runs training in the background; see start_sweep."""

    def __init__(self, plan, jobs=None, scheduler=None, cpu_seconds=None, nice=None, turns=None):
        if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1):
            raise SweepError("--jobs", f"give 1 or more worker processes, not {jobs}")
        if jobs is not None and scheduler:
            raise SweepError("--jobs", "on a cluster its workers train the runs: leave --jobs out")
        self.plan, self.jobs, self.cpu_seconds, self.nice, self.turns = plan, jobs, cpu_seconds, nice, turns
        self.client = connect(scheduler) if scheduler else None
        self.signal = EventSignal(self.client) if self.client else FileSignal()
        self.error, self.cancelled = None, False
        self._results, self._lock, self._release = [], threading.Lock(), None
        if turns is not None:
            turns.join(self)
        self._thread = threading.Thread(target=self._train, name="sweep", daemon=True)
        self._thread.start()

    @property
    def waiting(self):
        """How many sweeps train or wait before this one in its queue (0: it trains, or has no queue)."""
        return self.turns.ahead(self) if self.turns is not None and self.running else 0

    @property
    def total(self):
        return len(self.plan.runs)

    @property
    def done(self):
        """How many runs have finished."""
        with self._lock:
            return len(self._results)

    @property
    def running(self):
        return self._thread.is_alive()

    def results(self):
        """The runs finished so far (RunResult), in the grid's order."""
        with self._lock:
            return sorted(self._results, key=lambda r: r.index)

    def cancel(self):
        """Stops the sweep: running runs stop at their next epoch, the others do not start."""
        if self.running:
            self.cancelled = True
            self.signal.set()

    def release(self, seconds):
        """Its owner has gone (a page's session): the sweep is cancelled in `seconds`, unless kept."""
        self.keep()
        self._release = threading.Timer(seconds, self.cancel)
        self._release.daemon = True
        self._release.start()

    def keep(self):
        """Its owner is back: a cancel that `release` set for later is called off."""
        if self._release is not None:
            self._release.cancel()
            self._release = None

    def wait(self, timeout=None):
        """Waits until no run trains any more (or `timeout` seconds); True if so."""
        self._thread.join(timeout)
        return not self.running

    def _train(self):
        plan = self.plan
        share = self.cpu_seconds / len(plan.runs) if self.cpu_seconds is not None else None
        nice = self.nice if self.client is None else None   # a cluster's machines are their own
        tasks = (delayed(train_run)(run, plan.epochs, plan.data, self.signal, share, nice) for run in plan.runs)
        try:
            if self.turns is not None:
                self.turns.wait(self)
                if self.cancelled:
                    return
            with self._backend():
                for result in Parallel(return_as="generator_unordered", batch_size=1)(tasks):
                    if result is not None:
                        with self._lock:
                            self._results.append(result)
        except Exception as error:  # noqa: BLE001 -- a failed run ends the sweep; the page shows why
            self.error = f"{type(error).__name__}: {error}"
            self.signal.set()  # the other runs stop too, wherever they still train
        finally:
            if self.turns is not None:
                self.turns.leave(self)
            self.signal.close()
            if self.client is not None:
                self.client.close()

    def _backend(self):
        if self.client is not None:
            return parallel_config(backend="dask", client=self.client, scatter=[self.plan.data])
        # One BLAS thread in each worker, set before it loads NumPy; workers stay for the next sweep.
        return parallel_config(backend="loky", n_jobs=self.jobs or -1, inner_max_num_threads=1)


def start_sweep(plan, jobs=None, scheduler=None):
    """Starts training the SweepPlan `plan` in the background and returns its Sweep handle.

    jobs: worker processes on this machine (None: one per core; 1: one by one in this process).
    scheduler: the address of a Dask scheduler (tcp://HOST:8786) to train on its cluster instead;
    SweepError if it cannot be reached.
    """
    return Sweep(plan, jobs, scheduler)


def start_page_sweep(plan, scheduler=None):
    """start_sweep for the page: within PAGE_CPU_SECONDS in all, its worker processes at PAGE_NICE, and
    after the server's other page sweeps (PAGE_TURNS). The command line keeps its own limits."""
    return Sweep(plan, scheduler=scheduler, cpu_seconds=PAGE_CPU_SECONDS, nice=PAGE_NICE, turns=PAGE_TURNS)


def run_sweep(plan, jobs=None, scheduler=None):
    """Trains `plan` to the end and returns its results in the grid's order; RuntimeError if a run failed."""
    sweep = start_sweep(plan, jobs, scheduler)
    sweep.wait()
    if sweep.error:
        raise RuntimeError(sweep.error)
    return sweep.results()
