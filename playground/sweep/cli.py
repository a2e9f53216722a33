"""`python -m playground.sweep`: a sweep without the page, for a teacher's material or a report.

    python -m playground.sweep --dataset spiral --set learning_rate=0.003,0.03,0.3 \\
        --set layers=1,2,3 --epochs 300 --out sweep.csv

`--set NAME=V1,V2,...` gives a setting its values, written as in the page's link; one or two
settings may vary (learning_rate, batch_size, optimizer, activation, layers, width,
regularization, penalty_rate, seed), and any page setting given one value is fixed for every
run (`--set output=softmax`). It prints one row per run (the settings that vary, the final
losses and accuracy or R², the seconds taken) and writes them to --out as CSV. Progress goes
on a bar on stderr. A bad argument gets one line naming it, and exit status 2.
"""
import argparse
import sys
import time

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .. import settings
from ..csvfile import write_csv
from ..data import DATASETS
from ..settings import BY_KEY, UPLOAD
from .grid import VARIABLES, SweepError, parse_values, plan_sweep, set_value
from .leftovers import clean_stale
from .pool import start_sweep


class ArgumentError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    """argparse, but its complaints become one line (main prints them), not usage and a message."""

    def error(self, message):
        raise ArgumentError(message)


def parser():
    p = Parser(prog="python -m playground.sweep", description=__doc__.splitlines()[0])
    p.add_argument("--dataset", default=BY_KEY["dataset"].default,
                   help=f"one of {', '.join(DATASETS)} (default: %(default)s)")
    p.add_argument("--set", action="append", default=[], metavar="NAME=V1,V2,...", dest="sets",
                   help="a setting's values, as in the page's link; repeatable")
    p.add_argument("--epochs", type=int, required=True, help="epochs each run trains")
    p.add_argument("--out", help="write the table to this CSV file")
    p.add_argument("--jobs", type=int, help="worker processes (default: every core; 1: one by one in this process)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="train on the Dask cluster of this scheduler (tcp://HOST:8786); a scheduler is trusted "
                        "code, as with any Dask cluster: its client and workers load what it sends")
    return p


def sweep_arguments(args):
    """The base settings and the variations that --dataset and --set give."""
    try:
        dataset = BY_KEY["dataset"].parse(args.dataset)
    except ValueError:
        dataset = None
    if dataset in (None, UPLOAD):
        raise SweepError("--dataset", f"{args.dataset} is not one of the data sets ({', '.join(DATASETS)})")
    base, variations, seen = {**settings.defaults(), "dataset": dataset}, {}, set()
    for text in args.sets:
        name, equals, values = text.partition("=")
        name = name.strip()
        if not equals or not name:
            raise SweepError(f"--set {text}", "write NAME=V1,V2,... as in learning_rate=0.01,0.1")
        if name in seen:
            raise SweepError(f"--set {name}", "given twice: give all its values in one --set")
        seen.add(name)
        if name in VARIABLES:
            parsed = parse_values(name, values.split(","))
            if len(parsed) > 1:
                variations[name] = parsed
            else:
                base = set_value(base, name, parsed[0])
        else:
            base[name] = fixed_value(name, values)
    return base, variations


def fixed_value(name, text):
    """The value of a page setting that a sweep cannot vary, parsed as the page's link parses it."""
    if name == "dataset":
        raise SweepError("--set dataset", "give the data set with --dataset")
    if name not in BY_KEY:
        raise SweepError(f"--set {name}", f"no such setting: a sweep varies {', '.join(VARIABLES)}, "
                                          "and takes any other setting of the page's link as one fixed value")
    setting = BY_KEY[name]
    if not isinstance(setting.default, tuple) and "," in text:
        raise SweepError(f"--set {name}", f"a sweep varies only {', '.join(VARIABLES)}: give {name} one value")
    try:
        return setting.parse(text.strip())
    except (ValueError, TypeError, OverflowError):
        raise SweepError(f"--set {name}", f"{text.strip() or repr(text)} is not a value the page's link takes for {name}") from None


def columns(plan):
    score = plan.score_name.replace("R²", "r2")
    return [*plan.varied, "epochs", "train_loss", "test_loss", f"train_{score}", f"test_{score}", "seconds"]


def rows(plan, results):
    """One row per run: the varied settings as the page's link writes them, then the figures."""
    for r in results:
        yield [*(VARIABLES[name].setting.dump(r.varied[name]) for name in plan.varied), r.epochs,
               r.train_loss, r.test_loss, r.train_score, r.test_score, f"{r.seconds:.2f}"]


def print_table(header, table):
    cells = [header, *([f"{v:.4f}" if isinstance(v, float) else str(v) for v in row] for row in table)]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    for row in cells:
        print("  ".join(cell.rjust(w) for cell, w in zip(row, widths)))


def train(plan, args):
    """Runs the sweep with a progress bar on stderr; Ctrl-C cancels it. Returns the Sweep."""
    sweep = start_sweep(plan, args.jobs, args.scheduler)
    bar = Progress(TextColumn("[bold]sweep"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   console=Console(stderr=True))
    with bar:
        task = bar.add_task("runs", total=sweep.total)
        try:
            while not sweep.wait(0.1):
                bar.update(task, completed=sweep.done)
        except KeyboardInterrupt:
            sweep.cancel()
            sweep.wait()
        bar.update(task, completed=sweep.done)
    return sweep


def main(argv=None):
    start = time.perf_counter()
    clean_stale()   # what sweeps killed with their process left on disk
    try:
        args = parser().parse_args(argv)
        plan = plan_sweep(*sweep_arguments(args), args.epochs)
        if args.out:  # a path that cannot be written fails now, not after the training
            open(args.out, "w").close()
        sweep = train(plan, args)
    except (ArgumentError, SweepError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"error: --out {args.out}: cannot write there ({error.strerror})", file=sys.stderr)
        return 2
    header, table = columns(plan), list(rows(plan, sweep.results()))
    print_table(header, table)
    if args.out:
        with open(args.out, "w", newline="", encoding="utf-8") as out:
            out.write(write_csv(header, table))
    print(f"{sweep.done} of {sweep.total} runs, {plan.epochs} epochs each, {time.perf_counter() - start:.1f} s")
    if sweep.error:
        print(f"error: a run failed: {sweep.error}", file=sys.stderr)
        return 1
    return 130 if sweep.cancelled else 0
