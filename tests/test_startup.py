"""Importing the playground changes nothing in the process; configure_process() caps BLAS, once;
no_delay_on_tcp_sockets() turns Nagle's algorithm off on the server's sockets."""
import os
import socket
import subprocess
import sys

from playground.startup import no_delay_on_tcp_sockets

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


def nodelay(sock):
    return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)


def test_no_delay_reaches_a_listening_socket_bound_without_a_protocol_and_the_connections_it_accepts():
    # As Streamlit's server binds it: socket.socket(family), the protocol left at 0, so asyncio leaves
    # Nagle's algorithm on for every connection accepted on it.
    listener = socket.socket(socket.AF_INET)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    open_before = socket.create_connection(listener.getsockname())
    accepted_before, _ = listener.accept()
    assert nodelay(listener) == nodelay(accepted_before) == 0
    pipe_a, pipe_b = socket.socketpair()  # not TCP: left as it is
    with listener, open_before, accepted_before, pipe_a, pipe_b:
        assert no_delay_on_tcp_sockets() >= 3
        client = socket.create_connection(listener.getsockname())
        accepted, _ = listener.accept()
        with client, accepted:
            assert nodelay(listener) and nodelay(accepted_before) and nodelay(accepted)
        assert pipe_a.family == socket.AF_UNIX and pipe_a.fileno() >= 0  # still open
        pipe_a.sendall(b"x")
        assert pipe_b.recv(1) == b"x"
