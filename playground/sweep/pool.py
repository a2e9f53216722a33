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



class Sweep:
    """A sweep's runs training in the background; see start_sweep."""

    def __init__(self, plan, jobs=None, scheduler=None):
        if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1):
            raise SweepError("--jobs", f"give 1 or more worker processes, not {jobs}")
        if jobs is not None and scheduler:
            raise SweepError("--jobs", "on a cluster its workers train the runs: leave --jobs out")
        self.plan, self.jobs = plan, jobs
        self.client = connect(scheduler) if scheduler else None
        self.signal = EventSignal(self.client) if self.client else FileSignal()
        self.error, self.cancelled = None, False
        self._results, self._lock = [], threading.Lock()
        self._thread = threading.Thread(target=self._train, name="sweep", daemon=True)
        self._thread.start()

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

    def wait(self, timeout=None):
        """Waits until no run trains any more (or `timeout` seconds); True if so."""
        self._thread.join(timeout)
        return not self.running

    def _train(self):
        plan = self.plan
        tasks = (delayed(train_run)(run, plan.epochs, plan.data, self.signal) for run in plan.runs)
        try:
            with self._backend():
                for result in Parallel(return_as="generator_unordered", batch_size=1)(tasks):
                    if result is not None:
                        with self._lock:
                            self._results.append(result)
        except Exception as error:  # noqa: BLE001 -- a failed run ends the sweep; the page shows why
            self.error = f"{type(error).__name__}: {error}"
            self.signal.set()  # the other runs stop too, wherever they still train
        finally:
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


def run_sweep(plan, jobs=None, scheduler=None):
    """Trains `plan` to the end and returns its results in the grid's order; RuntimeError if a run failed."""
    sweep = start_sweep(plan, jobs, scheduler)
    sweep.wait()
    if sweep.error:
        raise RuntimeError(sweep.error)
    return sweep.results()
