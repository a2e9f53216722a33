"""HAProxy in front of several Streamlit servers, as docs/deploy/haproxy.cfg sets it up, on free local ports."""
import contextlib
import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.request

from playground.bench.browser import ROOT, free_port

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
