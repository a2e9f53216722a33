"""Time and peak memory of load_csv on the largest accepted CSV and on the files that stalled the
server, before and after: `python tests/measure_uploads.py [REV]` runs each in a fresh process,
with the code at git revision REV (default: main) and with this working copy, one after the other
on this machine, and prints seconds (wall and CPU) and peak extra memory (RSS above the process's
size once the file is read)."""
import os
import subprocess
import sys
import tempfile

import numpy as np

MB = 2 ** 20

MEASURE = """
import io, resource, sys, time
sys.path.insert(0, sys.argv[1])
from playground.data import load_csv
with open(sys.argv[2], "rb") as file:
    data = file.read()
def rss():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmRSS"))
base = rss()
wall, cpu = time.perf_counter(), time.process_time()
try:
    outcome = repr(load_csv(io.BytesIO(data)))
except ValueError as error:
    outcome = "ValueError: " + str(error)[:60]
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - base
print(f"{wall:.2f} s ({cpu:.2f} s of CPU), {peak / 2 ** 20:.0f} MB extra at peak; {outcome}")
"""


def measure_uploads(before="main"):
    """Time and peak memory of load_csv on the largest accepted CSV (100,000 rows x 101 columns,
    about 95 MB), 99 MB of blank lines and 50 MB of commas, at git revision `before` and in this
    working copy, each in a fresh process, one after the other."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with tempfile.TemporaryDirectory() as folder:
        old = os.path.join(folder, "before")
        os.mkdir(old)
        archive = subprocess.run(["git", "archive", before, "playground"], cwd=root, check=True, capture_output=True)
        subprocess.run(["tar", "-x", "-C", old], input=archive.stdout, check=True)
        files = {"largest accepted (100,000 x 101)": os.path.join(folder, "largest.csv"),
                 "99 MB of blank lines": os.path.join(folder, "blank.csv"),
                 "50 MB of commas": os.path.join(folder, "commas.csv")}
        rng = np.random.default_rng(0)
        with open(files["largest accepted (100,000 x 101)"], "w") as file:
            file.write(",".join(f"f{i}" for i in range(100)) + ",label\n")
            for _ in range(100):
                block = np.char.mod("%.6f", rng.normal(size=(1000, 100)))
                file.writelines(",".join(row) + f",{label}\n" for row, label in
                                zip(block.tolist(), rng.integers(0, 3, 1000).tolist()))
        with open(files["99 MB of blank lines"], "wb") as file:
            file.write(b"\n" * (99 * MB))
        with open(files["50 MB of commas"], "wb") as file:
            file.write(b"," * (50 * MB))
        for name, path in files.items():
            print(f"{name}, {os.path.getsize(path) / 1e6:.1f} MB")
            for label, code in ((f"  before ({before})", old), ("  after", root)):
                result = subprocess.run([sys.executable, "-c", MEASURE, code, path], capture_output=True, text=True)
                print(f"{label}: {(result.stdout or result.stderr).strip()}")


if __name__ == "__main__":
    measure_uploads(*sys.argv[1:2])
