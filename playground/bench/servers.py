"""What the class's benches and tests start beside the Streamlit servers: HAProxy in front of several of them, as
docs/deploy/haproxy.cfg sets it up, on free local ports; and a throw-away PostgreSQL cluster, from Debian's
`postgresql` binaries (initdb, pg_ctl), in a temporary directory, run as a user other than root (PostgreSQL refuses
root: then as `postgres`), listening on 127.0.0.1 at a free port. PLAYGROUND_TEST_POSTGRES (a SQLAlchemy URL) names a
server to use instead."""
import contextlib
import glob
import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.request

from .browser import ROOT, free_port

CONFIG = os.path.join(ROOT, "docs", "deploy", "haproxy.cfg")
HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"


def config_for(port, servers):
    """docs/deploy/haproxy.cfg, listening on 127.0.0.1:`port`, with a `server` line for each address of `servers`."""
    with open(CONFIG, encoding="utf-8") as file:
        text = file.read()
    text = re.sub(r"bind \S+", f"bind 127.0.0.1:{port}", text)
    lines = [f"    server s{i} {address} check cookie s{i}" for i, address in enumerate(servers, start=1)]
    return re.sub(r"(    server .*\n)+", "\n".join(lines) + "\n", text)


@contextlib.contextmanager
def haproxy(servers, timeout=30):
    """HAProxy in front of `servers` (their "127.0.0.1:port" addresses); yields its URL once each server is up
    behind it."""
    port = free_port()
    folder = tempfile.mkdtemp(prefix="playground-proxy-")
    path = os.path.join(folder, "haproxy.cfg")
    with open(path, "w", encoding="utf-8") as file:
        file.write(config_for(port, servers))
    log = open(os.path.join(folder, "log"), "w+")
    process = subprocess.Popen([HAPROXY, "-db", "-f", path], stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            assert process.poll() is None, f"haproxy exited: {open(log.name).read()}"
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=1) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, f"haproxy did not answer on {url}: {open(log.name).read()}"
            time.sleep(0.2)
        time.sleep(2.5)  # every server seen up by the health checks (twice, a second apart)
        yield url
    finally:
        process.terminate()
        process.wait(10)
        log.close()
        shutil.rmtree(folder, ignore_errors=True)


def binaries():
    """The folder of initdb and pg_ctl, or None."""
    found = shutil.which("initdb")
    if found:
        return os.path.dirname(os.path.realpath(found))
    folders = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    return folders[-1] if folders else None


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
    data, port = os.path.join(root, "data"), free_port()

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
