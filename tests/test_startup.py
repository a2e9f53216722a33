"""Importing the playground changes nothing in the process; configure_process() caps BLAS, once."""
import os
import subprocess
import sys

CODE = """
import numpy, threadpoolctl
def blas_threads():
    return sorted({pool["num_threads"] for pool in threadpoolctl.threadpool_info() if pool["user_api"] == "blas"})
before = blas_threads()
import playground.engines.numpy_engine, playground.inspect, playground.settings
assert blas_threads() == before, (before, blas_threads())
from playground.startup import configure_process
configure_process()
configure_process()
print(blas_threads())
"""


def test_imports_leave_blas_alone_and_configure_process_caps_it():
    result = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, timeout=120,
                            cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[1]"
