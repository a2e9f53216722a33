"""An uploaded CSV file read as a table: the header, the feature values, the labels, the split
marks, and the line each row sits on.

The file is read as a stream that stops at the first limit it crosses, and nothing is kept of a
row but its numbers, its label and its split mark. Lines of nothing but spaces and delimiters are
blank rows, which are skipped. A line longer than MAX_LINE_BYTES is refused first: a row of a data
set is never that long, and a line of millions of commas would cost a list of millions of cells.

A plain file (no quote character, lines ending in \\n or \\r\\n) has one row per line, so numpy
finds its lines that hold a cell, a block at a time, and they keep their numbers; a file of
millions of blank lines costs a scan, not a row each. Two readers give the same table:
- pandas reads a plain file's rows, in C, a chunk at a time;
- the csv module reads the rows of every other file, and of every file in which pandas finds
  something wrong, one at a time, so that the refusal names the row and the column as it always
  has. It walks at most MAX_LINES_PER_ROW lines per row allowed (blank ones included).
"""
import csv
import io
import itertools
import operator
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..csvfile import unprotect
from .columns import (FLOAT32_MAX, check_columns, check_feature_count, column_roles, feature_problem,
                      non_finite_problem)
from .text import NOT_CSV, line_of

MAX_LINE_BYTES = 2 ** 20
MAX_LINES_PER_ROW = 10
CHUNK_ROWS = 8192     # rows the csv reader converts to numbers at a time
CHUNK_BLOCKS = 8      # blocks of lines pandas reads at a time
DELIMITERS = ",;\t"
SPACES = b" \t\n\r\x0b\x0c"
BLOCK = 1 << 20
SCAN_BLOCK = 1 << 20  # bytes of lines scanned at a time


@dataclass
class Table:
    header: list          # column names
    label: int            # the label column's index
    split: object         # the split column's index, or None
    features: list        # the feature columns' indices
    values: np.ndarray    # (n, len(features)) float64
    labels: list          # the label cells, as in the file
    marks: object         # the split cells, or None
    lines: np.ndarray     # (n,) the line each row ends on


def read_table(data, start, encoding, max_rows, max_features):
    """The Table in `data` (bytes, text from offset `start` on, in `encoding`); ValueError with a
    sentence naming the row or column for a file that is no such table."""
    start, delimiter = _first_line(data, start)
    _check_line_lengths(data, start)
    plain = data.find(b'"', start) < 0 and (data.find(b"\r", start) < 0 or
                                            data.count(b"\r", start) == data.count(b"\r\n", start))
    if plain:
        table = _read_with_pandas(data, start, encoding, delimiter, max_rows, max_features)
        rows = ((number, line.decode(encoding).rstrip("\r").split(delimiter))
                for numbers, text in _lines_with_cells(data, start, delimiter)
                for number, line in zip(numbers.tolist(), text.split(b"\n")))
    else:
        table, rows = None, _csv_rows(data, start, encoding, delimiter, max_rows)
    return table or _read_rows(rows, data, start, delimiter, max_rows, max_features)


def _lines_with_cells(data, start, delimiter):
    """(numbers, text) for each block of whole lines from `start` on: its lines that hold a byte other
    than a space or the delimiter (in a plain file, the rows that are not blank), joined by \\n, and
    their numbers in the file. bytes.translate passes over a block of blank lines; numpy finds the
    lines of the others."""
    spaces = SPACES + delimiter.encode()
    blank = np.zeros(256, bool)
    blank[np.frombuffer(spaces, np.uint8)] = True
    number = line_of(data, start)
    while start < len(data):
        end = min(data.rfind(b"\n", start, start + SCAN_BLOCK) + 1 or _line_end(data, start + SCAN_BLOCK) + 1,
                  len(data))
        if data[start:start + 4096].translate(None, spaces) or data[start:end].translate(None, spaces):
            block = np.frombuffer(data, np.uint8, end - start, start)
            ends = np.flatnonzero(block == 10)
            if not len(ends) or ends[-1] != len(block) - 1:
                ends = np.append(ends, len(block))  # the last line, without a line end
            starts = np.concatenate(([0], ends[:-1] + 1))
            cells = np.flatnonzero(np.logical_or.reduceat(~blank[block], starts))
            if len(cells) == len(ends):
                yield number + cells, data[start:start + int(ends[-1])]
            else:
                yield number + cells, b"\n".join([data[start + first:start + last] for first, last in
                                                  zip(starts[cells].tolist(), ends[cells].tolist())])
            number += len(ends)
        else:
            number += data.count(b"\n", start, end)
        start = end


def _first_line(data, start):
    """(offset, delimiter): where the first line with a cell in it starts, and the delimiter of the
    first line that is not blank (a comma, or a semicolon or tab when that line holds more of those)."""
    text = _first_byte_not_in(data, start, SPACES)
    line = _line_start(data, text), _line_end(data, text)
    delimiter = max(DELIMITERS, key=lambda d: data.count(d.encode(), *line))
    cell = _first_byte_not_in(data, start, SPACES + delimiter.encode())
    return max(start, _line_start(data, cell)), delimiter


def _first_byte_not_in(data, start, blank):
    """The offset of the first byte from `start` on that is not in `blank`; the file is empty if none is.
    Read a block at a time with bytes.translate, which is fast."""
    for position in range(start, len(data), BLOCK):
        block = data[position:position + BLOCK]
        if block.translate(None, blank):
            return position + len(block) - len(block.lstrip(blank))
    raise _empty()


def _empty():
    return ValueError("The file is empty. Upload a CSV file with a header row and data rows.")


def _line_start(data, offset):
    return data.rfind(b"\n", 0, offset) + 1


def _line_end(data, offset):
    end = data.find(b"\n", offset)
    return len(data) if end < 0 else end


def _check_line_lengths(data, start):
    """ValueError naming the first line from `start` on that is longer than MAX_LINE_BYTES. Each step
    jumps to the last line end within reach, so the file is scanned in about len/MAX_LINE_BYTES steps."""
    while len(data) - start > MAX_LINE_BYTES:
        reach = start + MAX_LINE_BYTES + 1
        if data.find(b"\n", start, reach) < 0:
            raise ValueError(f"Line {line_of(data, start)} is more than {MAX_LINE_BYTES // 2 ** 20} MB long, far "
                             f"longer than a row of a data set. {NOT_CSV}")
        start = data.rfind(b"\n", start, reach) + 1


def _header(cells, max_features):
    """(header, has_header, roles): the column names from the first row, whether that row is a
    header (a row of numbers only is data: its columns are then x1, x2, ... and label), and the
    columns' roles. Refuses a single column and more feature columns than the limit."""
    header = [unprotect(cell.strip()) for cell in cells]
    has_header = not all(_is_number(name) for name in header)
    if not has_header:
        header = [f"x{i + 1}" for i in range(len(header) - 1)] + ["label"]
    if len(header) < 2:
        raise ValueError(f"The file has a single column ({header[0]!r}); a data set needs "
                         f"feature columns and a label column, separated by commas. {NOT_CSV}")
    roles = column_roles(header)
    check_feature_count(roles[2], max_features)
    return header, has_header, roles


def _is_number(cell):
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _check_rows(header, count):
    if not count:
        raise ValueError("The file has a header row but no data rows. Add the data below it.")
    if count < 2:
        raise ValueError("The file has a single data row; a data set needs at least two, "
                         "one to train on and one to test on.")


def _too_many_rows(max_rows):
    return ValueError(f"The file has more than {max_rows:,} data rows, the limit. Upload a smaller sample.")


class _Rows:
    """The rows kept so far: the feature values in one array sized for as many rows as the file
    can hold, and the label, split mark and line of each."""

    def __init__(self, capacity, n_features, has_split):
        self.values = np.empty((capacity, n_features))
        self.labels, self.lines = [], []
        self.marks = [] if has_split else None
        self.problems = []  # (order, sentence) of cells that are not numbers, found by _convert

    def add(self, values, labels, marks, lines):
        count = len(self.labels)
        self.values[count:count + len(values)] = values
        self.labels.extend(labels)
        self.lines.extend(lines)
        if self.marks is not None:
            self.marks.extend(marks)

    def table(self, header, roles):
        count = len(self.labels)
        return Table(header, *roles, self.values[:count], self.labels, self.marks, np.array(self.lines, np.int64))


def _capacity(data, start, delimiter, n_columns, max_rows):
    """The most rows the file can hold: no more than its delimiters make rows of n_columns, nor one
    past the limit."""
    return min(max_rows, data.count(delimiter.encode(), start) // (n_columns - 1)) + 1


def _read_with_pandas(data, start, encoding, delimiter, max_rows, max_features):
    """The Table of a plain file, or None when something in it needs the csv reader's diagnosis."""
    blocks = _lines_with_cells(data, start, delimiter)
    numbers, text = next(blocks)  # its first line is the header, at `start`
    first = text[:_line_end(text, 0)]
    cells = first.decode(encoding).rstrip("\r").split(delimiter)
    if not any(cell.strip() for cell in cells):
        return None
    header, has_header, roles = _header(cells, max_features)
    if has_header:
        numbers, text = numbers[1:], text[len(first) + 1:]
    blocks = itertools.chain([(numbers, text)] if len(numbers) else [], blocks)
    rows = _Rows(_capacity(data, start, delimiter, len(header), max_rows), len(roles[2]), roles[1] is not None)
    with warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.ParserWarning)  # a first row too long, which pandas would cut
        while len(rows.labels) <= max_rows:
            chunk = list(itertools.islice(blocks, CHUNK_BLOCKS))
            if not chunk:
                break
            numbers, texts = zip(*chunk)
            try:
                if not _add_with_pandas(np.concatenate(numbers), b"\n".join(texts), rows, encoding, delimiter,
                                        len(header), roles, max_rows):
                    return None
            except (ValueError, pd.errors.ParserWarning):  # pandas's ParserError is a ValueError
                return None  # a row too long, or a cell that is not a number
    if len(rows.labels) > max_rows:
        raise _too_many_rows(max_rows)
    _check_rows(header, len(rows.labels))
    check_columns(header, max_features)
    return rows.table(header, roles)


def _add_with_pandas(numbers, text, rows, encoding, delimiter, n_columns, roles, max_rows):
    """Adds the rows in `text` (lines numbered `numbers`), up to one more than max_rows; False at a row
    with an empty cell, too few cells or a number beyond float32, which the csv reader names."""
    if not text:
        return True
    label, split, features = roles
    text_columns = [label] if split is None else [label, split]
    dtype = {**{j: np.float64 for j in features}, **{j: object for j in text_columns}}
    table = pd.read_csv(io.BytesIO(text), sep=delimiter, header=None, names=range(n_columns), index_col=False,
                        skip_blank_lines=False, skipinitialspace=True, quoting=csv.QUOTE_NONE, encoding=encoding,
                        dtype=dtype, keep_default_na=False, na_values={j: [""] for j in features}, engine="c")
    values = table[features].to_numpy(np.float64)
    cells = [table[j].to_numpy(object) for j in text_columns]
    blank_cells = [np.array([not (isinstance(c, str) and c.strip()) for c in column]) for column in cells]
    missing = np.isnan(values)
    blank = missing.all(axis=1) & np.logical_and.reduce(blank_cells)  # a row of "\xa0": blank, though bytes are not
    kept = np.flatnonzero(~blank)[:max_rows + 1 - len(rows.labels)]
    suspect = missing.any(axis=1) | np.logical_or.reduce(blank_cells)
    if suspect[kept].any() or not (np.abs(values[kept]) <= FLOAT32_MAX).all():
        return False
    rows.add(values[kept], cells[0][kept], cells[1][kept] if split is not None else None, numbers[kept])
    return True


def _csv_rows(data, start, encoding, delimiter, max_rows):
    """(line, row) of each row from `start` on, read by the csv module, whose rows may span lines."""
    stream = io.BytesIO(data)
    stream.seek(start)
    reader = csv.reader(io.TextIOWrapper(stream, encoding=encoding, newline=""), delimiter=delimiter, strict=True)
    first_line, max_lines = line_of(data, start), MAX_LINES_PER_ROW * max_rows + 1000
    try:
        for row in reader:
            if reader.line_num > max_lines:
                raise ValueError(f"The file has more than {max_lines:,} lines, far more than {max_rows:,} rows need "
                                 "(blank lines count too). Delete the blank lines, or upload a smaller sample.")
            yield first_line - 1 + reader.line_num, row
    except csv.Error:
        raise ValueError(f"The file cannot be read as CSV near row {first_line - 1 + reader.line_num}: look "
                         f"for an unclosed quote or a very long field. {NOT_CSV}") from None


def _read_rows(rows_of_cells, data, start, delimiter, max_rows, max_features):
    """The Table of (line, row) pairs, read one at a time; ValueError naming the first fault, in the
    order a reader meets them: the file's shape, then the columns, then the cells."""
    header, rows, pending = None, None, []
    for line, row in rows_of_cells:
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header, has_header, roles = _header(row, max_features)
            rows = _Rows(_capacity(data, start, delimiter, len(header), max_rows), len(roles[2]), roles[1] is not None)
            cells = _cells(roles)
            if has_header:
                continue
        if len(row) != len(header):
            values = f"{len(row)} value" + "s" * (len(row) != 1)
            raise ValueError(f"Row {line} has {values}, but there are {len(header)} columns. Every row "
                             "needs one value per column: look for a missing or an extra comma.")
        if len(rows.labels) + len(pending) == max_rows:
            raise _too_many_rows(max_rows)
        pending.append((*cells(row), line))
        if len(pending) == CHUNK_ROWS:
            _convert(pending, rows, header, roles)
            pending = []
    if header is None:
        raise _empty()
    if pending:
        _convert(pending, rows, header, roles)
    _check_rows(header, len(rows.labels))
    check_columns(header, max_features)
    if rows.problems:
        raise ValueError(min(rows.problems)[1])
    return rows.table(header, roles)


def _cells(roles):
    """row -> (feature cells, label cell, split cell)."""
    label, split, features = roles
    pick = operator.itemgetter(*features) if len(features) > 1 else lambda row: tuple(row[j] for j in features)
    return lambda row: (pick(row), row[label], None if split is None else row[split])


def _convert(pending, rows, header, roles):
    """Adds the pending rows (feature cells, label, split mark, line) to `rows`, their cells as numbers.
    A cell that is not a number, or not a finite float32, adds a problem: the first in each column,
    and the first non-finite one, ordered as the file is read column by column, then row by row."""
    features = roles[2]
    cells, labels, marks, lines = zip(*pending)
    first = len(rows.labels)
    try:
        values = np.array(cells, dtype=np.float64).reshape(len(cells), len(features))
    except ValueError:
        values = np.full((len(cells), len(features)), np.nan)
        for k, j in enumerate(features):
            column = [row[k] for row in cells]
            try:
                values[:, k] = np.array(column, dtype=np.float64)
            except ValueError:
                i = next(i for i, cell in enumerate(column) if not _parses(cell))
                rows.problems.append(((0, k, first + i), feature_problem(lines[i], header[j], column[i])))
    bad = np.argwhere(~(np.abs(values) <= FLOAT32_MAX))
    if len(bad):
        i, k = bad[0]
        rows.problems.append(((1, first + i, k), non_finite_problem(lines[i], header[features[k]], cells[i][k])))
    rows.add(values, labels, marks, lines)


def _parses(cell):
    try:
        np.array([cell], dtype=np.float64)
    except ValueError:
        return False
    return True
