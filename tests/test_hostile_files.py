"""Hostile files, links and labels: a forged weights file, a CSV built to stall the server or to run
in a spreadsheet, text in the wrong encoding, a link with digits from another script. Each is
refused with a sentence (a ValueError saying what is wrong and what to do), or read back exactly.

Bombs are built without writing gigabytes: a zip member's sizes are written by hand, and a deflate
stream of 1.6 GB of zeros is one compressed megabyte repeated (a full flush makes each block stand
on its own), 1.6 MB in all, as in the issue.

The time and memory of the largest upload and of the files that stalled the server are measured
by `python tests/measure_uploads.py`, not asserted here.
"""
import codecs
import csv
import io
import struct
import tracemalloc
import zipfile
import zlib

import numpy as np
import pytest

from playground import settings
from playground.csvfile import protect, unprotect, write_csv
from playground.data import dataset_to_csv, load_csv, table
from playground.export import MAX_ARRAYS, history_csv, weights_from_npz, weights_npz

MB = 2 ** 20


# ---- building hostile .npz files ----

def npy_header(shape, descr="<f8", fortran_order=False, version=(1, 0)):
    buffer = io.BytesIO()
    header = {"descr": descr, "fortran_order": fortran_order, "shape": shape}
    write = {(1, 0): np.lib.format.write_array_header_1_0, (2, 0): np.lib.format.write_array_header_2_0}[version]
    write(buffer, header)
    return buffer.getvalue()


def npy(array):
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=True)
    return buffer.getvalue()


def deflated(data):
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def deflated_zeros(prefix, n_zeros):
    """A raw deflate stream of `prefix`, then `n_zeros` zero bytes, made of one compressed MB repeated."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = compressor.compress(prefix) + compressor.flush(zlib.Z_FULL_FLUSH)
    megabyte = compressor.compress(bytes(MB)) + compressor.flush(zlib.Z_FULL_FLUSH)
    rest = compressor.compress(bytes(n_zeros % MB)) + compressor.flush()
    return head + megabyte * (n_zeros // MB) + rest


def entry(name, stored, size, method=zipfile.ZIP_DEFLATED, flags=0, crc=0):
    """A zip member as zip_of writes it: its name, the bytes it stores, and what it declares."""
    return name, stored, size, method, flags, crc


def member(name, data, method=zipfile.ZIP_DEFLATED):
    """A true member: `data` stored or deflated, with its real size and checksum."""
    return entry(name, deflated(data) if method == zipfile.ZIP_DEFLATED else data, len(data), method,
                 crc=zlib.crc32(data))


def zip_of(*members):
    """A zip written by hand, so that a member can declare any size, method or checksum over any stream."""
    local, central, offset = [], [], 0
    for name, stored, size, method, flags, crc in members:
        flags |= 0x800 if not name.isascii() else 0  # the name is UTF-8
        name = name.encode()
        fields = (20, flags, method, 0, 0x21, crc, len(stored), size, len(name), 0)
        central.append(struct.pack("<4sH5H3I5H2I", b"PK\x01\x02", 20, *fields, 0, 0, 0, 0, offset) + name)
        local.append(struct.pack("<4s5H3I2H", b"PK\x03\x04", *fields) + name + stored)
        offset += len(local[-1])
    count, directory = min(len(members), 0xFFFF), b"".join(central)
    end = struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, count, count, len(directory), offset, 0)
    return b"".join(local) + directory + end


def arrays(**named):
    return {f"{name}.npy": npy(array) for name, array in named.items()}


def npz_of(**named):
    return zip_of(*[member(name, data) for name, data in arrays(**named).items()])


def refused(content, words):
    """weights_from_npz refuses `content` with a sentence holding `words`, having allocated little."""
    tracemalloc.start()
    try:
        with pytest.raises(ValueError) as error:
            weights_from_npz(content)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    message = str(error.value)
    assert words in message, message
    assert message[0].isupper() and message.rstrip().endswith("."), message
    assert peak < 3 * len(content) + 2 * MB, f"{peak / MB:.1f} MB allocated to refuse a {len(content)} byte file"
    return message


def test_the_negative_dimension_bomb_of_the_issue_is_refused_on_its_headers():
    # W1 declares 200,000,000 float64 values and holds them (1.6 GB of zeros deflated to 1.6 MB); b1
    # declares -199,999,992, so that the old sum of sizes came to 8 values.
    header = npy_header((200_000_000,))
    bomb = zip_of(entry("W1.npy", deflated_zeros(header, 1_600_000_000), len(header) + 1_600_000_000),
                  member("b1.npy", npy_header((-199_999_992,)), zipfile.ZIP_STORED))
    assert 1.5 * MB < len(bomb) < 1.7 * MB
    refused(bomb, "200,000,000 values")


def test_a_negative_dimension_is_refused_even_when_the_total_stays_small():
    content = zip_of(member("W1.npy", npy_header((6_000_000,)) + bytes(48_000_000)),
                     member("b1.npy", npy_header((-5_999_999,)), zipfile.ZIP_STORED))
    message = refused(content, "size below zero")
    assert "(-5999999,)" in message and "Save the weights again" in message


@pytest.mark.parametrize("shape", [(10 ** 20,), (10 ** 10, 10 ** 10), (2 ** 63,), (2 ** 64 + 1, 1)])
def test_a_shape_beyond_any_integer_type_gives_the_projects_value_error(shape):
    content = zip_of(member("W1.npy", npy_header(shape)), member("b1.npy", npy(np.zeros(4))))
    refused(content, "more than any network here has")


def test_object_arrays_are_never_unpickled():
    content = npz_of(W1=np.array([{"a": 1}, None], dtype=object), b1=np.zeros(2))
    refused(content, "Python objects")


@pytest.mark.parametrize("array", [np.array(["a", "b"]), np.array([b"ab"]), np.ones(2, complex), np.ones(2, bool),
                                   np.zeros(2, [("a", "<f8")]), np.zeros(2, "M8[s]"), np.zeros(2, "m8[s]"),
                                   np.zeros(2, "V8"), np.zeros(2, [("a", "<f8", (2,))])])
def test_arrays_that_are_not_plain_numbers_are_refused(array):
    refused(npz_of(W1=array, b1=np.zeros(2)), "not numbers")


def test_an_array_of_subarrays_is_refused():
    data = npy_header((2,), descr=("<f8", (2,))) + bytes(32)
    refused(zip_of(member("W1.npy", data), member("b1.npy", npy(np.zeros(2)))), "not numbers")


def test_more_than_two_dimensions_are_refused():
    refused(npz_of(W1=np.ones((2, 2, 2)), b1=np.zeros(2)), "3 dimensions")


def test_fortran_order_other_number_types_and_compression_are_read():
    W = np.arange(8.0).reshape(2, 4)
    cases = [
        npz_of(W1=np.asfortranarray(W), b1=np.arange(4.0)),
        npz_of(W1=W.astype(">f4"), b1=np.arange(4, dtype=np.int16)),
        npz_of(W1=W.astype(np.float16), b1=np.arange(4, dtype=np.uint8)),
        zip_of(*[member(name, data, zipfile.ZIP_STORED) for name, data in arrays(W1=W, b1=np.arange(4.0)).items()]),
        weights_npz([(W, np.arange(4.0))]),
    ]
    for content in cases:
        [(W1, b1)] = weights_from_npz(content)
        np.testing.assert_array_equal(W1, W)
        np.testing.assert_array_equal(b1, np.arange(4.0))
        assert W1.dtype == b1.dtype == np.float64


def test_a_zip_of_many_members_is_refused_before_its_directory_is_read():
    members = [member(f"W{i}.npy", npy(np.zeros(1))) for i in range(1, 20_001)]
    message = refused(zip_of(*members), "20,000 files")
    assert f"at most {MAX_ARRAYS} arrays" in message


def test_a_zip_whose_end_record_understates_its_members_is_refused():
    content = bytearray(zip_of(*[member(f"x{i}.npy", b"") for i in range(5000)]))
    end = len(content) - 22
    struct.pack_into("<2H", content, end + 8, 2, 2)  # says 2 members, keeps the 5000-entry directory
    refused(bytes(content), "weights files hold at most")


@pytest.mark.parametrize("bomb_name", ["bomb.npy", "W1.npy.txt", "../W1.npy", "a/b1.npy"])
def test_a_zip_bomb_in_a_member_that_is_no_array_is_never_decompressed(bomb_name):
    header = npy_header((200_000_000,))
    content = zip_of(member("W1.npy", npy(np.ones((2, 4)))), member("b1.npy", npy(np.zeros(4))),
                     entry(bomb_name, deflated_zeros(header, 1_600_000_000), len(header) + 1_600_000_000))
    refused(content, "W1.npy, b1.npy" if not bomb_name.endswith(".npy") else "no layer's weights")


@pytest.mark.parametrize("name, words", [
    ("dir/W1.npy", "array named dir/W1,"), ("W01.npy", "array named W01,"), ("W1.npy/", "W1.npy/"),
    ("W1", "which is not an .npy array"), ("W1.\u202enpy", "holds W1.\\u202enpy,"), ("x\x1b.npy", "x\\x1b,"),
    ("\x00.npy", "holds a file with no name"),
])
def test_odd_member_names_are_refused_and_shown_safely(name, words):
    refused(zip_of(member("W1.npy", npy(np.ones((2, 4)))), member("b1.npy", npy(np.zeros(4))), member(name, b"")),
            words)


def test_two_members_of_one_name_are_refused():
    W1 = member("W1.npy", npy(np.ones((2, 4))))
    refused(zip_of(W1, member("b1.npy", npy(np.zeros(4))), W1), "two files named W1.npy")


def test_a_member_whose_data_is_longer_than_declared_is_refused_and_not_read_past_it():
    data = npy(np.ones((2, 4)))
    longer = deflated_zeros(data, 50 * MB)  # 50 MB more than the zip and the header say
    forged = entry("W1.npy", longer, len(data), crc=zlib.crc32(data))  # the checksum of what it declares
    refused(zip_of(forged, member("b1.npy", npy(np.zeros(4)))), "the data of W1 is longer than its header says")


def test_a_member_whose_data_is_shorter_than_declared_is_refused():
    data = npy(np.ones((2, 4)))
    short = zip_of(entry("W1.npy", deflated(data[:-8]), len(data), crc=zlib.crc32(data[:-8])),
                   member("b1.npy", npy(np.zeros(4))))
    refused(short, "shorter")
    stored_short = zip_of(entry("W1.npy", data[:-8], len(data), zipfile.ZIP_STORED), member("b1.npy", npy(np.zeros(4))))
    refused(stored_short, "stored uncompressed in 184 bytes, but says it holds 192")


def test_a_zip_size_that_disagrees_with_the_array_header_is_refused():
    data = npy(np.ones((2, 4)))
    content = zip_of(member("W1.npy", data + bytes(8)), member("b1.npy", npy(np.zeros(4))))
    refused(content, "takes 200 bytes in the zip, but its header describes 192")


@pytest.mark.parametrize("shape", [(2, 4), (100, 100)], ids=["header only", "longer than the header"])
def test_a_wrong_checksum_is_refused(shape):
    data = npy(np.ones(shape))
    refused(zip_of(entry("W1.npy", deflated(data), len(data), crc=1234),
                   member("b1.npy", npy(np.zeros(4)))), "the data of W1 does not match its checksum")


@pytest.mark.parametrize("method, flags", [(zipfile.ZIP_BZIP2, 0), (zipfile.ZIP_LZMA, 0), (99, 0),
                                           (zipfile.ZIP_DEFLATED, 0x1), (zipfile.ZIP_DEFLATED, 0x40)])
def test_encryption_and_other_compression_are_refused(method, flags):
    data = npy(np.ones((2, 4)))
    refused(zip_of(entry("W1.npy", deflated(data), len(data), method, flags), member("b1.npy", npy(np.zeros(4)))),
            "encrypted or compressed in a way numpy.savez never uses")


@pytest.mark.parametrize("head", [b"\x93NUMPY\x03\x00", b"\x93NUMPY\x09\x09", b"\x93NUMPZ\x01\x00"])
def test_an_npy_version_or_magic_numpy_savez_does_not_write_is_refused(head):
    data = head + npy(np.ones((2, 4)))[8:]
    refused(zip_of(member("W1.npy", data), member("b1.npy", npy(np.zeros(4)))), "not a readable NumPy array")


NOT_NPY_HEADERS = {
    "keys": b"{'descr': '<f8'}", "list": b"[1, 2]", "nested": b"(" * 5000, "bytes": b"\xff\xfe",
    "float shape": b"{'descr': '<f8', 'fortran_order': False, 'shape': (1.5,)}",
    "descr": b"{'descr': 5, 'fortran_order': False, 'shape': ()}",
    "fortran": b"{'descr': '<f8', 'fortran_order': 1, 'shape': ()}", "unclosed": b"{'a': \"\"\"",
}


@pytest.mark.parametrize("header", NOT_NPY_HEADERS.values(), ids=NOT_NPY_HEADERS)
def test_a_header_that_is_not_an_npy_header_is_refused(header):
    data = b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header) + 1) + header + b"\n"
    refused(zip_of(member("W1.npy", data), member("b1.npy", npy(np.zeros(4)))), "not a readable NumPy array")


def test_a_header_longer_than_numpy_reads_is_refused_without_reading_it():
    header = npy_header((2, 4), version=(2, 0))
    data = header[:8] + struct.pack("<I", 2 ** 31) + header[12:]
    refused(zip_of(member("W1.npy", data), member("b1.npy", npy(np.zeros(4)))), "not a readable NumPy array")


def test_a_file_too_large_for_any_network_is_refused_before_it_is_opened():
    refused(b"PK" + bytes(81 * MB), "larger than the weights of any network")


# ---- CSV files for spreadsheets ----

HOSTILE_CELLS = ["=1+1", "-foo", "+cmd|' /C calc'!A0", "@SUM(A1:A9)", "=HYPERLINK(\"http://x\")", "'=x", "''-y",
                 "-", "+", "@", "-1+1", "-inf", "'", "''", "a=b"]


def test_protect_adds_a_quote_only_to_cells_that_are_not_numbers():
    for number in ("-1", "-0.5", "+3", "-1e-05", "1.5E+3", "-.5", "0", "12"):
        assert protect(number) == number
    for cell in ("=1+1", "-foo", "+x", "@x", "\tx", "\rx", "-1+1", "--1", "-inf", "-", "'=x"):
        assert protect(cell) == "'" + cell
    for cell in ("foo", "a-b", " =x", "'x", "x=1", ""):
        assert protect(cell) == cell


def test_unprotect_undoes_exactly_what_protect_did():
    cells = HOSTILE_CELLS + ["\t=x", "\r=x", "'\t", "-1", "'-1", "'1", "x", "", " -x"]
    for cell in cells:
        assert unprotect(protect(cell)) == cell
    written = {protect(cell): cell for cell in cells}
    assert len(written) == len(cells)  # two cells are never written alike
    for cell in ("'-1", "'x", "'", "x"):  # never written by protect, so left as they are
        assert unprotect(cell) == cell


def cells_of(text):
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def assert_spreadsheet_safe(text):
    for cell in cells_of(text):
        if cell.lstrip("'").startswith(("=", "+", "-", "@", "\t", "\r")):
            assert cell.startswith("'") or protect(cell) == cell, cell


def test_a_data_set_with_hostile_labels_and_headers_round_trips_through_the_data_download():
    header = ["@x", "=cmd()", "-y", "label"]
    rows = [[f"{i / 3 - 2}", f"{-i}", f"{i % 4}", HOSTILE_CELLS[i % len(HOSTILE_CELLS)]] for i in range(60)]
    ds = load_csv(io.StringIO(write_csv(header, rows)), scale=None)
    assert ds.feature_names == ("@x", "=cmd()", "-y")
    assert set(ds.class_names) == set(HOSTILE_CELLS)
    text = dataset_to_csv(ds)
    assert_spreadsheet_safe(text)
    assert "'=1+1" in cells_of(text) and "-1.0" in cells_of(text) and "'@x" in cells_of(text)
    back = load_csv(io.StringIO(text), scale=None)
    assert back.class_names == ds.class_names and back.feature_names == ds.feature_names
    for field in ("X_train", "X_test", "y_train", "y_test"):
        np.testing.assert_array_equal(getattr(back, field), getattr(ds, field))


def test_the_history_download_is_spreadsheet_safe_and_keeps_negative_numbers():
    text = history_csv({"epoch": [0, 1], "=cmd": [-0.5, float("nan")], "@score": [-1, 2]})
    assert text.splitlines() == ["epoch,'=cmd,'@score", "0,-0.5,-1", "1,nan,2"]


def test_the_writer_writes_any_cell_as_text_and_quotes_as_csv_does():
    text = write_csv(["a,b", "=c"], [["x\ny", -2], ['"q"', "+1"]])
    assert list(csv.reader(io.StringIO(text))) == [["a,b", "'=c"], ["x\ny", "-2"], ['"q"', "+1"]]


# ---- CSV files that would stall the server or lie about their text ----

@pytest.fixture(params=["pandas", "csv"])
def reader(request, monkeypatch):
    if request.param == "csv":
        monkeypatch.setattr(table, "_read_with_pandas", lambda *args: None)
    return request.param


def refused_csv(content, words, **kwargs):
    with pytest.raises(ValueError) as error:
        load_csv(io.BytesIO(content), **kwargs)
    message = str(error.value)
    assert words in message, message
    assert message[0].isupper() and message.rstrip().endswith("."), message
    return message


@pytest.mark.parametrize("content", [b"\n" * (5 * MB), b"," * (5 * MB), b";\n" * MB, b" , \r\n" * MB,
                                     b"\t\t\n" * MB, codecs.BOM_UTF8 + b",,\n" * MB],
                         ids=["newlines", "commas", "semicolons", "spaces and commas", "tabs", "after a BOM"])
def test_files_of_blank_lines_or_delimiters_are_refused_as_empty_with_little_memory(content):
    tracemalloc.start()
    try:
        refused_csv(content, "The file is empty")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * MB


def test_a_line_longer_than_a_megabyte_is_refused_by_its_line(reader):
    content = b"a,b,label\n1,2,x\n3,4,y\n" + b"5," * MB + b"6,z\n"
    refused_csv(content, "Line 4 is more than 1 MB long")


def test_blank_rows_of_delimiters_between_rows_are_skipped_by_both_readers(reader):
    ds = load_csv(io.BytesIO(b"a,b,label\n1,2,x\n,,\n , ,\n\n,,,,,,,\n3,4,y\n"), scale=None)
    assert len(ds.y_train) + len(ds.y_test) == 2


def test_rows_keep_their_line_numbers_across_many_blank_lines(reader):
    content = b"a,b,label\n1,2,x\n" + b"\n , ,\n" * 50_000 + b"3,4,y\n5,6,\n"
    refused_csv(content, "Row 100004 has no label")  # 2 lines, 100,000 blank ones, then 2


def test_a_quoted_file_of_mostly_blank_lines_is_refused_before_the_csv_reader_walks_them_all():
    content = b'a,b,label\n1,2,"x"\n' + b"\n" * 3000 + b"3,4,y\n"
    refused_csv(content, "The file has more than 1,500 lines, far more than 50 rows need", max_rows=50)
    assert len(load_csv(io.BytesIO(content), max_rows=1000).y_train) == 1


def test_a_header_with_too_many_columns_is_refused_before_any_row_is_read(reader):
    header = ",".join(f"f{i}" for i in range(5000)) + ",label\n"
    refused_csv(header.encode() + b"bad row\n" * 1000, "5,000 feature columns; the limit is 100")


def test_rows_are_named_by_their_line_with_quotes_and_blank_lines(reader):
    content = b'a,b,label\n\n1,2,"two\nlines"\n\n3,,y\n'
    refused_csv(content, "Row 6, column 'b' is empty")


def test_a_windows_1252_file_is_read_and_says_so(reader):
    ds = load_csv(io.BytesIO("h,w,label\n1,2,café\n3,4,thé €\n".encode("cp1252")))
    assert ds.class_names == ("café", "thé €")
    assert ds.notes == ("The file is not UTF-8; it was read as Windows-1252.",)


@pytest.mark.parametrize("encode", [lambda t: t.encode(), lambda t: codecs.BOM_UTF8 + t.encode(),
                                    lambda t: t.encode("utf-16"),
                                    lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be")])
def test_utf8_with_or_without_its_mark_and_utf16_with_its_mark_are_read(encode, reader):
    ds = load_csv(io.BytesIO(encode("h,w,label\n1,2,café\n3,4,日本\n")))
    assert ds.class_names == ("café", "日本") and ds.feature_names == ("h", "w") and ds.notes == ()


def test_a_file_that_mixes_encodings_is_refused_with_the_line_it_fails_on(reader):
    utf8_then_cp1252 = "h,w,label\n1,2,café\n".encode() + "3,4,thé\n".encode("cp1252")
    refused_csv(utf8_then_cp1252, "Line 3 is not UTF-8 text, but line 2 is: the file mixes two text encodings")
    cp1252_then_utf8 = "h,w,label\n1,2,café\n".encode("cp1252") + "3,4,thé\n".encode()
    refused_csv(cp1252_then_utf8, "Line 2 is not UTF-8 text, but line 3 is")
    after_utf8_mark = codecs.BOM_UTF8 + b"h,w,label\n1,2,a\n3,4,\xe9\n"
    refused_csv(after_utf8_mark, "Line 3 is not UTF-8 text, though the file starts with the mark of UTF-8")
    refused_csv(codecs.BOM_UTF16_LE + "h,w\n".encode("utf-16-le") + b"\x00\xd8", "not UTF-16 text")


def test_binary_data_is_named_where_it_is_and_only_binary_data_is_called_so():
    message = refused_csv(b"h,w,label\n1,2,a\n3,4,b\x00c\n", "Line 3 holds a control character (byte 0x00)")
    assert "binary data" in message
    refused_csv(b"h,w,label\n1,2,a\n3,4,\x1b[31m\n", "Line 3 holds a control character (byte 0x1b)")
    refused_csv(b"\x89PNG\r\n\x1a\n\x00\x00", "Line 2 holds a control character (byte 0x1a)")
    refused_csv("h,w,label\n1,2,a\n".encode("utf-16-le"), "looks like UTF-16 text without the mark")
    not_text = refused_csv(b"h,w,label\n1,2,a\n3,4,\x81\n", "Line 3 holds the byte 0x81")
    assert "binary" not in not_text


# ---- links ----

NOT_ASCII_NUMBERS = ["١", "٣", "２", "১", " 2", "2 ", "\t2", "1_0", "+2", "0x2", "nan", "inf", "-inf", "", "2.0.0",
                     "١.٥", "0.0３", "1e", "٠.٠٣", "1e-05 ", "Infinity", "2\n"]
NUMBER_KEYS = ["layers", "width_1", "batch_size", "seed", "data_seed", "train_percent", "classes", "samples",
               "learning_rate", "penalty_rate", "noise"]


@pytest.mark.parametrize("key", NUMBER_KEYS)
def test_link_values_that_are_not_ascii_numbers_are_refused_and_the_default_kept(key):
    defaults = settings.defaults()
    for text in NOT_ASCII_NUMBERS:
        values, refused_keys = settings.from_query({key: text})
        assert refused_keys == [key], (key, text)
        assert values[key] == defaults[key], (key, text)


def test_ascii_numbers_in_a_link_still_work():
    values, refused_keys = settings.from_query({"layers": "3", "learning_rate": "1e-05", "samples": "200",
                                                "noise": "0.1", "batch_size": "32", "penalty_rate": "0.003"})
    assert refused_keys == []
    assert (values["layers"], values["learning_rate"], values["samples"], values["noise"], values["batch_size"],
            values["penalty_rate"]) == (3, 1e-05, 200, 0.1, 32, 0.003)
    assert settings.from_query(settings.to_query(settings.defaults())) == (settings.defaults(), [])


# Class labels: shown in every legend, hover and selector of the page, so each is cut to 40 characters.

def test_a_label_of_a_megabyte_is_cut_to_40_characters_with_a_mark():
    rows = "".join(f"{i},{'AB'[i % 2] * (MB - 100)}\n" for i in range(20))
    tracemalloc.start()
    ds = load_csv(io.StringIO("x,label\n" + rows), scale=None)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert ds.class_names == ("A" * 39 + "…", "B" * 39 + "…")
    assert peak < 200 * MB   # reading 20 MB of text takes 120 MB; the labels in a NumPy text array took 210 more


def test_one_long_label_among_many_short_ones_costs_no_array_of_its_width():
    """NumPy's text arrays give every cell the longest cell's width: 10,000 rows and one label of 200,000
    characters made an array of 8 GB."""
    rows = [f"{i},{'yes' if i % 2 else 'no'}\n" for i in range(10_000)]
    rows[5] = "5," + "y" * 200_000 + "\n"
    tracemalloc.start()
    ds = load_csv(io.StringIO("x,label\n" + "".join(rows)), scale=None)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert ds.class_names == ("no", "yes", "y" * 39 + "…") and peak < 50 * MB   # in the order of the whole labels


def test_labels_of_40_characters_or_fewer_are_kept_whole_and_a_cut_one_round_trips():
    whole, long = "é" * 40, "z" * 41
    ds = load_csv(io.StringIO(f"x,label\n1,{whole}\n2,{long}\n3,{whole}\n4,{long}\n"), scale=None)
    assert ds.class_names == ("z" * 39 + "…", whole)
    assert load_csv(io.StringIO(dataset_to_csv(ds)), scale=None).class_names == ds.class_names


def test_labels_that_differ_only_after_the_cut_are_refused_with_the_rows():
    text = "x,label\n1," + "a" * 50 + "1\n2," + "a" * 50 + "2\n3,b\n"
    with pytest.raises(ValueError, match=r"Rows 2 and 3 have labels that differ only after their first 39 "
                                         r"characters \('a{39}…'\)"):
        load_csv(io.StringIO(text))


def test_a_message_quotes_a_long_label_cut():
    text = "x,label\n1," + "q" * (MB - 100) + "\n2," + "q" * (MB - 100) + "\n"
    with pytest.raises(ValueError) as refused:
        load_csv(io.StringIO(text))
    assert len(str(refused.value)) < 400 and "q" * 39 + "…" in str(refused.value)


def test_a_label_column_of_more_distinct_values_than_classes_is_refused_with_the_limit():
    text = "x,label\n" + "".join(f"{i},{'k' * 500}{i}\n" for i in range(20_000))
    with pytest.raises(ValueError, match="has 20,000 different values, more than the 50 classes") as refused:
        load_csv(io.StringIO(text))
    assert len(str(refused.value)) < 400
