"""Fuzzing the upload loaders: a few thousand files made by seeded random mutations of valid ones
(byte flips, truncations, insertions, and edits of the headers: the .npy header's shape, dtype and
order, the zip's sizes, checksums and counts, a CSV's header cells, delimiters, quotes, blank lines
and encodings) go through weights_from_npz and load_csv.

Nothing may raise but the project's own ValueError (exactly ValueError: not pandas's ParserError,
not UnicodeDecodeError, which are subclasses). No case may allocate more than 3 times its file's
size, with a floor of 2 MB: tracemalloc's peak per case, above what was allocated before it. The
floor is the fixed cost of reading any file at all (pandas's reader, scikit-learn's scaler, numpy's
arrays), which a file of a few hundred bytes would otherwise be held to 3 times. Each CSV case is
read by both of load_csv's readers (pandas, and the csv module), which must agree: the same data
set, or the same sentence.

The seeds are fixed, so a failure names a case that can be run again: `mutated_npz(case)` or
`mutated_csv(case)`.
"""
import codecs
import functools
import io
import random
import re
import struct
import time
import tracemalloc
import zipfile

import numpy as np
import pytest

from playground.data import load_csv, make_dataset, dataset_to_csv, table
from playground.export import weights_from_npz, weights_npz

NPZ_CASES = 2000
CSV_CASES = 1200
FLOOR = 2 * 2 ** 20


def savez(compressed=False, **arrays):
    buffer = io.BytesIO()
    (np.savez_compressed if compressed else np.savez)(buffer, **arrays)
    return buffer.getvalue()


@functools.cache
def npz_seeds():
    rng = np.random.default_rng(0)
    small = [(rng.normal(size=(2, 4)), rng.normal(size=4)), (rng.normal(size=(4, 1)), np.zeros(1))]
    return [
        weights_npz(small),
        weights_npz([(W.astype(np.float32), b.astype(np.float32)) for W, b in small]),
        savez(True, W1=rng.normal(size=(3, 5)), b1=np.ones(5)),
        savez(W1=np.asfortranarray(rng.normal(size=(6, 3))), b1=np.arange(3, dtype=np.int16)),
        savez(W1=rng.normal(size=(40, 30)).astype(">f4"), b1=np.zeros(30, np.float16)),
    ]


@functools.cache
def csv_seeds():
    plain = "x,y,label\n" + "".join(f"{i / 7:.4f},{-i % 5},{'ab'[i % 2]}\n" for i in range(30))
    return [
        plain.encode(),
        plain.replace(",", ";").encode(),
        plain.replace(",", "\t").encode("utf-16"),
        codecs.BOM_UTF8 + plain.replace("a\n", "café\n").encode(),
        plain.replace("a\n", "thé\n").encode("cp1252"),
        "\n a , b ,label,split\n" "1, 2,x,train\n\n3 ,4, y,test\n5,6,\"=z\",train\n7,8,'-w,test\n".encode(),
        b'u,v,w,label\n1,2,3,"two\nlines"\n4,5,6,b\n7,8,9,"c,d"\n',
        b"1,2,0\n3,4,1\n5,6,0\n7,8,1\r\n",
        dataset_to_csv(make_dataset("blobs", n_samples=40, n_classes=4)).encode(),
        b"a,label\n1,0.5\n2,-1.25\n3,7\n",
    ]


# ---- mutations ----

INTERESTING = [0, 1, 2, 7, 8, 255, 0x7FFF, 0xFFFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF]


def flip(data, rng):
    data = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        data[rng.randrange(len(data))] ^= rng.randint(1, 255)
    return bytes(data)


def truncate(data, rng):
    return data[:rng.randrange(len(data))]


def insert(data, rng, pieces=(b"\x00", b"\xff", b"PK\x05\x06", b"PK\x03\x04", b"\x93NUMPY")):
    at = rng.randrange(len(data) + 1)
    piece = rng.choice([rng.randbytes(rng.randint(1, 40)), rng.choice(pieces) * rng.randint(1, 30),
                        data[at:at + rng.randint(1, 200)]])
    return data[:at] + piece + data[at:]


SHAPES = ["()", "(0,)", "(-1,)", "(3,)", "(2, 4)", "(4, 2)", "(-8, -1)", "(100000000000000000000,)",
          "(2, 2, 2)", "(1, 1, 1, 1)", "(18446744073709551617,)", "(2.5,)", "('a',)", "(True, 4)", "(5, -199999992)"]
DESCRS = ["'<f8'", "'>f4'", "'<f2'", "'|O'", "'<U3'", "'|S2'", "'<c16'", "'|b1'", "'V8'", "'<M8[s]'",
          "[('a', '<f8')]", "('<f8', (2,))", "'<i8'", "'|u1'", "'x'", "5", "{}"]


def edit_npy_header(data, rng):
    """A member's .npy header given another shape, dtype or order, the zip kept true to the new bytes
    (half the time) so that the loader gets past the zip's checks."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    name = rng.choice(list(members))
    text = members[name]
    end = text.find(b"\n", 10)
    header = text[10:end].decode("latin1")
    edit = rng.randrange(3)
    if edit == 0:
        header = re.sub(r"'shape': \([^)]*\)", "'shape': " + rng.choice(SHAPES), header)
    elif edit == 1:
        header = re.sub(r"'descr': '[^']*'", "'descr': " + rng.choice(DESCRS), header)
    else:
        header = header.replace("False", "True") if "False" in header else header.replace("True", "False")
    new = header.encode("latin1").ljust(end - 10)  # as long as before, or longer
    members[name] = text[:8] + struct.pack("<H", len(new) + 1) + new + text[end:]
    if rng.random() < 0.5:
        return _zip(members, rng)
    return data.replace(text[:end + 1], members[name][:len(new) + 11], 1)


def _zip(members, rng):
    buffer = io.BytesIO()
    method = rng.choice([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


ZIP_FIELDS = {b"PK\x03\x04": [(14, "I"), (18, "I"), (22, "I"), (8, "H"), (6, "H"), (26, "H"), (28, "H")],
              b"PK\x01\x02": [(16, "I"), (20, "I"), (24, "I"), (10, "H"), (8, "H"), (28, "H"), (42, "I")],
              b"PK\x05\x06": [(8, "H"), (10, "H"), (12, "I"), (16, "I"), (20, "H")]}


def edit_zip_field(data, rng):
    """A size, checksum, method, flag, name length, offset or count of the zip set to a value that tests an edge."""
    places = [(m.start(), field) for signature, fields in ZIP_FIELDS.items()
              for m in re.finditer(re.escape(signature), data) for field in fields]
    if not places:
        return flip(data, rng)
    start, (offset, kind) = rng.choice(places)
    if start + offset + struct.calcsize("<" + kind) > len(data):
        return truncate(data, rng)
    old = struct.unpack_from("<" + kind, data, start + offset)[0]
    value = rng.choice(INTERESTING + [old + 1, old - 1, old * 2, old // 2, old + 2 ** 20])
    value %= 2 ** (8 * struct.calcsize(kind))
    data = bytearray(data)
    struct.pack_into("<" + kind, data, start + offset, value)
    return bytes(data)


def mutated_npz(case):
    rng = random.Random(case)
    data = rng.choice(npz_seeds())
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        if not data:
            break
        mutation = rng.choice([flip, truncate, insert, edit_npy_header, edit_zip_field, edit_zip_field])
        try:
            data = mutation(data, rng)
        except Exception:  # the file under mutation is no zip any more, and zipfile fails its own ways
            data = flip(data, rng)  # an earlier mutation left no zip to edit
    return data


TOKENS = [b",", b";", b"\t", b'"', b"\n", b"\r", b"\r\n", b" ", b"\n\n\n", b",,,,", b"0", b"-1.5", b"1e39", b"nan",
          b"inf", b"1_0", b"=1+1", b"'", b"'-x", b"label", b"split", b"train", b"test", b"\xc3\xa9", b"\xe9",
          b"\xa0", b"\xef\xbb\xbf", b"\x00", b"\x1b", "١".encode(), b'""', b'"a,b"']


def edit_csv(data, rng):
    """A CSV-shaped change: tokens put in, a line deleted, doubled or blanked, a header cell renamed."""
    lines = data.split(b"\n")
    at = rng.randrange(len(lines))
    edit = rng.randrange(5)
    if edit == 0:
        line = lines[at]
        where = rng.randrange(len(line) + 1)
        lines[at] = line[:where] + b"".join(rng.choices(TOKENS, k=rng.randint(1, 4))) + line[where:]
    elif edit == 1:
        del lines[at]
    elif edit == 2:
        lines.insert(at, lines[at] * rng.choice([1, 1, 2, 50]))
    elif edit == 3:
        lines[at] = rng.choice([b"", b" ", b",,", b" ; ;", b"\t"])
    else:
        cells = lines[0].split(b",")
        cells[rng.randrange(len(cells))] = rng.choice([b"label", b"split", b"", b"x", b"'@h", b'"q"', b"LABEL", b"1"])
        lines[0] = b",".join(cells)
    return b"\n".join(lines)


def mutated_csv(case):
    rng = random.Random(case)
    data = rng.choice(csv_seeds())
    for _ in range(rng.choice([1, 1, 2, 3])):
        if not data:
            break
        data = rng.choice([flip, truncate, insert, edit_csv, edit_csv, edit_csv])(data, rng)
    return data


# ---- running the cases ----

def run(load, data):
    """(outcome, peak): what loading gave (a value, or the message of a ValueError) and the bytes
    allocated at the peak while loading. Any other exception propagates."""
    tracemalloc.start()
    try:
        outcome = load(data)
    except ValueError as error:
        if type(error) is not ValueError:
            raise
        outcome = str(error)
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return outcome, peak


def dataset_summary(ds):
    return (ds.task, ds.feature_names, ds.class_names, ds.notes, *(getattr(ds, field).tobytes() for field in
            ("X_train", "X_test", "y_train", "y_test")))


def check_case(name, case, data, load):
    try:
        outcome, peak = run(load, data)
    except Exception as error:
        raise AssertionError(f"{name}({case}) raised {type(error).__name__}: {error}") from error
    assert peak <= max(3 * len(data), FLOOR), f"{name}({case}) allocated {peak:,} bytes for {len(data):,}"
    return outcome


def test_mutated_weights_files_give_a_value_error_or_weights_and_stay_small():
    start, loaded = time.perf_counter(), 0
    for case in range(NPZ_CASES):
        outcome = check_case("mutated_npz", case, mutated_npz(case), weights_from_npz)
        loaded += not isinstance(outcome, str)
    assert 0 < loaded < NPZ_CASES  # the mutations reach both ends
    print(f"{NPZ_CASES} .npz cases ({loaded} loaded) in {time.perf_counter() - start:.1f} s")


@pytest.mark.slow  # a thousand files
def test_mutated_csv_files_give_a_value_error_or_a_data_set_alike_from_both_readers(monkeypatch):
    start, loaded = time.perf_counter(), 0
    read_with_pandas = table._read_with_pandas

    def load(data):
        ds = load_csv(io.BytesIO(data))
        return dataset_summary(ds)

    for case in range(CSV_CASES):
        data = mutated_csv(case)
        with_pandas = check_case("mutated_csv", case, data, load)
        monkeypatch.setattr(table, "_read_with_pandas", lambda *args: None)
        with_csv = check_case("mutated_csv", case, data, load)
        monkeypatch.setattr(table, "_read_with_pandas", read_with_pandas)
        assert with_pandas == with_csv, f"mutated_csv({case}): the readers disagree"
        loaded += not isinstance(with_csv, str)
    assert 0 < loaded < CSV_CASES
    print(f"{CSV_CASES} CSV cases ({loaded} loaded), each by both readers, in {time.perf_counter() - start:.1f} s")
