"""Whether an address is a Dask scheduler, asked without unpickling anything.

dask.distributed's own client reads every message with its protocol, which unpickles the parts a
message marks as pickled: asking an unknown server "who are you?" that way runs whatever code its
answer carries. This asks in the same protocol by hand and reads the answers as plain msgpack data:
a part marked as pickled, or any extension type, is refused, never loaded.

A message on the wire: 8 bytes (little-endian) giving the length of what follows, then the number of
frames (8 bytes), each frame's length (8 bytes each), and the frames; the first frame is the message
in msgpack. Both sides send a handshake first.

Past this check the sweep trusts the scheduler: its client and its workers run the code and load the
data the scheduler hands them, as with any Dask cluster.
"""
import socket
import struct
import sys

import msgpack

MAX_REPLY = 1 << 20      # bytes of one answer; a scheduler's identity is a few kB
MAX_FRAMES = 16
MARKS = ("__Pickled__", "__Serialized__")   # distributed's marks of a part to unpickle


def _message(value):
    frame = msgpack.packb(value, use_bin_type=True)
    prelude = struct.pack("<QQ", 1, len(frame))
    return struct.pack("<Q", len(prelude) + len(frame)) + prelude + frame


def _receive(sock, n):
    data = bytearray()
    while len(data) < n:
        part = sock.recv(min(n - len(data), 65536))
        if not part:
            raise ValueError("the connection closed before an answer")
        data += part
    return bytes(data)


def _plain(value):
    """Whether a decoded value is plain data: no extension type, no part marked to unpickle."""
    if isinstance(value, msgpack.ExtType):
        return False
    if isinstance(value, dict):
        return not any(mark in value for mark in MARKS) and all(map(_plain, value.keys())) \
            and all(map(_plain, value.values()))
    if isinstance(value, (list, tuple)):
        return all(map(_plain, value))
    return True


def _read(sock):
    """The next message, as plain data; ValueError for anything else."""
    (size,) = struct.unpack("<Q", _receive(sock, 8))
    if not 16 <= size <= MAX_REPLY:
        raise ValueError("the answer is not a Dask message")
    data = _receive(sock, size)
    (count,) = struct.unpack_from("<Q", data)
    if count != 1:   # a second frame holds a pickled or serialized part
        raise ValueError("the answer carries pickled data" if 1 < count <= MAX_FRAMES
                         else "the answer is not a Dask message")
    (length,) = struct.unpack_from("<Q", data, 8)
    try:
        value = msgpack.unpackb(data[16:16 + length], raw=False, use_list=False, strict_map_key=False)
    except (ValueError, msgpack.UnpackException):
        raise ValueError("the answer is not a Dask message") from None
    if not _plain(value):
        raise ValueError("the answer carries pickled data")
    return value


def identity(host, port, timeout):
    """The scheduler's identity (a dict of plain data) at host:port; ValueError if what answers there
    is not a Dask scheduler answering in plain data, TimeoutError if it is silent for `timeout` s."""
    hello = {"compression": None, "python": tuple(sys.version_info[:3]), "pickle-protocol": 5}
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(_message(hello) + _message({"op": "identity", "reply": True}))
        _read(sock)   # its handshake
        answer = _read(sock)
    if not isinstance(answer, dict) or answer.get("type") != "Scheduler":
        kind = answer.get("type") if isinstance(answer, dict) else None
        raise ValueError(f"a {kind} answers there, not a scheduler" if isinstance(kind, str) and len(kind) < 40
                         else "what answers there is not a Dask scheduler")
    return answer
