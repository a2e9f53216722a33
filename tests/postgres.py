"""A throw-away PostgreSQL cluster for the tests: Debian's `postgresql` binaries (initdb, pg_ctl), a cluster in a
temporary directory, run as a user other than root (PostgreSQL refuses root: then as `postgres`), listening on
127.0.0.1 at a free port. PLAYGROUND_TEST_POSTGRES (a SQLAlchemy URL) names a server to use instead."""
import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile


def binaries():
    """The folder of initdb and pg_ctl, or None."""
    found = shutil.which("initdb")
    if found:
        return os.path.dirname(os.path.realpath(found))
    folders = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    return folders[-1] if folders else None


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def cluster():
    """Yields the SQLAlchemy URL of a fresh cluster's database `playground`; stops and removes it after."""
    given = os.environ.get("PLAYGROUND_TEST_POSTGRES")
    if given:
        yield given
        return
    folder = binaries()
    if folder is None:
        raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql) and PLAYGROUND_TEST_POSTGRES "
                           "names no server")
    root = tempfile.mkdtemp(prefix="playground-pg-")
    as_user = []
    if os.geteuid() == 0:
        os.chmod(root, 0o777)
        as_user = ["runuser", "-u", "postgres", "--"]
    data, port = os.path.join(root, "data"), _free_port()

    def run(*command):
        subprocess.run([*as_user, *command], check=True, capture_output=True, timeout=120)
    try:
        run(os.path.join(folder, "initdb"), "-D", data, "-U", "playground", "--auth=trust", "-E", "UTF8")
        run(os.path.join(folder, "pg_ctl"), "-D", data, "-l", os.path.join(root, "log"), "-w", "-t", "60",
            "-o", f"-h 127.0.0.1 -p {port} -k {root} -F", "start")
        try:
            run(os.path.join(folder, "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "playground",
                "playground")
            yield f"postgresql+psycopg://playground@127.0.0.1:{port}/playground"
        finally:
            run(os.path.join(folder, "pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop")
    finally:
        shutil.rmtree(root, ignore_errors=True)

