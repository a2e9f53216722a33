"""Sweeps: many settings trained at once, on every core or on a Dask cluster, page-free.

    plan = plan_sweep(settings.defaults(), {"learning_rate": [0.003, 0.03, 0.3], "layers": [1, 2, 3]},
                      epochs=300)        # the grid; SweepError (naming the setting) if any run is invalid
    sweep = start_sweep(plan)            # trains in the background: jobs=, scheduler="tcp://HOST:8786"
    sweep.done, sweep.total              # progress: runs finished, runs in all
    sweep.results()                      # the RunResults finished so far, in the grid's order
    sweep.cancel()                       # running runs stop at their next epoch
    sweep.running, sweep.error           # False once nothing trains; why it stopped, if a run failed

Headless: `python -m playground.sweep --dataset spiral --set learning_rate=0.003,0.03,0.3
--set layers=1,2,3 --epochs 300 --out sweep.csv` (cli.py).

    grid.py     the plan: variables, their values as the page's link parses them, the grid, validation
    runs.py     one run as a worker trains it, and its RunResult
    signals.py  cancel signals, on one machine and on a cluster
    pool.py     the Sweep handle: joblib on loky, in-process, or on Dask

Each run trains as `TrainingRun` trains it in one process, so a sweep's numbers are those of
the same settings trained one by one: same seeds, same batches.
"""
import importlib

# Worker processes import playground.sweep.runs, and so this package: it loads its parts when a
# name is first asked for, so that workers never load the page's settings and data sets
# (scikit-learn: seconds of every worker's start-up).
_PARTS = {
    "grid": ("MAX_RUNS", "VARIABLES", "SweepError", "SweepPlan", "Variable", "parse_values", "plan_sweep",
             "set_value"),
    "runs": ("MAX_HISTORY_ROWS", "PlannedRun", "RunResult", "TrainingData", "train_run"),
    "pool": ("PAGE_CPU_SECONDS", "PAGE_NICE", "Sweep", "run_sweep", "start_page_sweep", "start_sweep"),
}
_HOME = {name: part for part, names in _PARTS.items() for name in names}
__all__ = sorted(_HOME)


def __getattr__(name):
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_HOME[name]}", __name__), name)
