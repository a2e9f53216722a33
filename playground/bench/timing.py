"""`python -m playground.bench`: the engines timed side by side, on this machine, in one run.

Cases:
  (a) the playground network: 2 inputs, hidden (8, 8) tanh, sigmoid + binary cross-entropy,
      SGD 0.03, batch 10, 500 points;
  (b) the source material's MNIST network: 784 inputs, hidden (64, 64) relu, softmax +
      categorical cross-entropy, Adam 0.001, batch 32, 60,000 random samples.
Each engine's seconds per epoch is printed beside the naive Keras baseline measured in the
same run (`keras.Sequential`, `model.fit(..., epochs=1)` with default settings) and the
ratio baseline / engine; a 100x100 grid predicted by each engine, beside `model.predict`.
Machines are shared and noisy: compare the ratios, not the seconds.
The NumPy engine is timed before TensorFlow is loaded, whose idle threads share the cores.
Last, the resident memory of the process before and after creating, training and dropping
50 Keras engines: many users in one process must not make it grow without bound.
The sweep case (also alone: `--sweep`): 12 runs of the default network for 300 epochs each,
trained one after another in this process, then as a sweep on every core (joblib's process
pool, its start-up included); the seconds of each and the ratio sweep / one by one.
"""
import argparse
import gc
import os
import time
import tracemalloc

import numpy as np

from ..engines import create_engine
from ..spec import NetworkSpec
from ..startup import configure_process

CASES = {
    "a": NetworkSpec(n_inputs=2, hidden=(8, 8), activation="tanh", output_activation="sigmoid",
                     loss="binary_crossentropy", optimizer="sgd", learning_rate=0.03, batch_size=10),
    "b": NetworkSpec(n_inputs=784, hidden=(64, 64), n_outputs=10, activation="relu",
                     output_activation="softmax", loss="categorical_crossentropy", optimizer="adam",
                     learning_rate=0.001, batch_size=32),
}
SAMPLES = {"a": 500, "b": 60_000}


def case_data(case, n=None):
    """Random inputs and targets of the case's shape (the timing does not depend on the values)."""
    spec, n = CASES[case], n or SAMPLES[case]
    rng = np.random.default_rng(0)
    if case == "a":
        X = rng.uniform(-6, 6, (n, 2)).astype(np.float32)
        return X, (X[:, :1] * X[:, 1:] > 0).astype(np.float32)
    X = rng.random((n, spec.n_inputs), dtype=np.float32)
    return X, np.eye(spec.n_outputs, dtype=np.float32)[rng.integers(0, spec.n_outputs, n)]


def best_time(fn, repeat):
    """The fastest of `repeat` calls, in seconds: the least disturbed by other work on the machine."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def engine_epoch(name, case, repeat):
    X, Y = case_data(case)
    engine = create_engine(name, CASES[case])
    engine.train_epoch(X, Y)  # warm-up: tracing, first allocations
    return best_time(lambda: engine.train_epoch(X, Y), repeat)


def grid_predict(name, repeat=20):
    engine = create_engine(name, CASES["a"])
    g = np.linspace(-6, 6, 100, dtype=np.float32)
    grid = np.stack(np.meshgrid(g, g), -1).reshape(-1, 2)
    engine.predict(grid)
    return best_time(lambda: engine.predict(grid), repeat)


def numpy_peak_memory_mb():
    """Peak memory allocated while building and training one epoch of case (b), data included."""
    tracemalloc.start()
    X, Y = case_data("b")
    create_engine("numpy", CASES["b"]).train_epoch(X, Y)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def rss_mb():
    """The resident memory of this process, in MB (Linux)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def keras_engines_memory(n=50):
    """RSS in MB before and after creating n Keras engines, each trained one epoch, then dropped."""
    X, Y = case_data("a")
    spec = CASES["a"]
    create_engine("keras", spec).train_epoch(X, Y)  # the first engine loads TensorFlow's runtime
    gc.collect()
    before = rss_mb()
    for _ in range(n):
        engine = create_engine("keras", spec)
        engine.train_epoch(X, Y)
        engine.predict(X)
        del engine
    gc.collect()
    return before, rss_mb()


def keras_naive_model(spec):
    import keras
    layers = [keras.Input((spec.n_inputs,))]
    layers += [keras.layers.Dense(w, activation=f) for w, f in zip(spec.hidden, spec.activations)]
    layers.append(keras.layers.Dense(spec.n_outputs, activation=spec.output_activation))
    model = keras.Sequential(layers)
    optimizer = {"sgd": keras.optimizers.SGD, "adam": keras.optimizers.Adam}[spec.optimizer]
    model.compile(optimizer=optimizer(spec.learning_rate), loss=spec.loss)
    return model


def keras_naive_epoch(case, repeat):
    X, Y = case_data(case)
    model = keras_naive_model(CASES[case])
    fit = lambda: model.fit(X, Y, batch_size=CASES[case].batch_size, epochs=1, verbose=0)  # noqa: E731
    fit()
    return best_time(fit, repeat)


def keras_naive_grid(repeat=5):
    model = keras_naive_model(CASES["a"])
    grid = np.zeros((10_000, 2), np.float32)
    model.predict(grid, verbose=0)
    return best_time(lambda: model.predict(grid, verbose=0), repeat)


def sweep_case(runs=12, epochs=300):
    """Seconds to train `runs` default networks (seeds 0, 1, ...) one by one in this process, and
    as a sweep on every core. Call it before anything else starts worker processes, so that the
    pool's start-up counts."""
    from .. import settings
    from ..sweep import plan_sweep, run_sweep, train_run
    plan = plan_sweep(settings.defaults(), {"seed": list(range(runs))}, epochs)
    start = time.perf_counter()
    for run in plan.runs:
        train_run(run, epochs, plan.data)
    serial = time.perf_counter() - start
    start = time.perf_counter()
    run_sweep(plan)
    return serial, time.perf_counter() - start


def sweep_extras(serial, parallel):
    return {"sweep, 12 runs x 300 epochs, one by one in one process, s": serial,
            f"sweep, the same on every core ({os.cpu_count()} processes), s": parallel,
            "sweep / one by one": parallel / serial}


def run(repeat_a=20, repeat_b=2):
    numpy_a = engine_epoch("numpy", "a", repeat_a)
    numpy_b = engine_epoch("numpy", "b", repeat_b)
    numpy_grid = grid_predict("numpy")
    peak = numpy_peak_memory_mb()
    sweep = sweep_case()  # before TensorFlow's threads share the cores
    naive_a = keras_naive_epoch("a", max(3, repeat_a // 5))
    naive_b = keras_naive_epoch("b", repeat_b)
    naive_grid = keras_naive_grid()
    keras_a = engine_epoch("keras", "a", repeat_a)
    keras_b = engine_epoch("keras", "b", repeat_b)
    keras_grid = grid_predict("keras")
    before, after = keras_engines_memory()
    rows = [
        ("(a) playground, epoch", "numpy engine", numpy_a, naive_a),
        ("(a) playground, epoch", "keras engine", keras_a, naive_a),
        ("(b) MNIST-size, epoch", "numpy engine", numpy_b, naive_b),
        ("(b) MNIST-size, epoch", "keras engine", keras_b, naive_b),
        ("100x100 grid, predict", "numpy engine", numpy_grid, naive_grid),
        ("100x100 grid, predict", "keras engine", keras_grid, naive_grid),
    ]
    return rows, {"numpy grid / numpy epoch (a)": numpy_grid / numpy_a, "numpy peak memory (b), MB": peak,
                  "RSS before 50 keras engines, MB": before, "RSS after 50 keras engines, MB": after,
                  "RSS growth over 50 keras engines, MB": after - before, **sweep_extras(*sweep)}


def print_table(rows, extras):
    print(f"{'case':<24}{'engine':<16}{'seconds':>10}{'naive keras':>13}{'ratio':>8}")
    for case, engine, seconds, baseline in rows:
        print(f"{case:<24}{engine:<16}{seconds:>10.4f}{baseline:>13.4f}{baseline / seconds:>7.1f}x")
    for name, value in extras.items():
        print(f"{name}: {value:.3f}")


def main():
    configure_process()
    parser = argparse.ArgumentParser(prog="python -m playground.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, for a first look")
    parser.add_argument("--browser", action="store_true",
                        help="instead, measure the playground playing in Chromium (first boundary, pictures/s and epochs/s at three speeds, Pause)")
    parser.add_argument("--seconds", type=float, default=10.0, help="with --browser: how long to measure each speed")
    parser.add_argument("--engine", default="numpy", help="with --browser: the engine to play")
    parser.add_argument("--presses", nargs="*", choices=("pause", "play", "step"),
                        help="with --browser: instead, press these buttons at random moments of play, once each, "
                             "with a second session playing, and time what follows")
    parser.add_argument("-n", type=int, default=100, help="with --presses: presses of each button")
    parser.add_argument("--class", dest="classroom", action="store_true",
                        help="instead, measure one server carrying a class: many sessions in Chromium")
    parser.add_argument("--class-load", dest="class_load", type=int, nargs="?", const=60, metavar="STUDENTS",
                        help="instead, measure a class of STUDENTS (default 60) on two servers behind HAProxy, "
                             "sharing a PostgreSQL")
    parser.add_argument("--sweep", action="store_true",
                        help="instead, only the sweep case: 12 runs one by one, then on every core")
    args = parser.parse_args()
    if args.classroom:
        from . import classroom
        return classroom.main()
    if args.class_load:
        from . import class_load
        return class_load.main(args.class_load)
    if args.browser:
        from . import page
        return page.main(args.seconds, None, args.presses, args.n, args.engine)
    if args.sweep:
        for name, value in sweep_extras(*sweep_case()).items():
            print(f"{name}: {value:.3f}")
        return
    rows, extras = run(repeat_a=5, repeat_b=1) if args.quick else run()
    print_table(rows, extras)
