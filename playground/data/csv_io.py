"""CSV upload (load_csv) and export (dataset_to_csv).

The file: a header row, then one row per example; numeric feature columns and one label
column, the column named `label`, else the last one. Labels that are integers or text are
classes (their names are kept for legends); numbers that are not all integers are a
regression target; `task=` overrides the guess. An optional column named `split`, holding
`train` or `test` on every row, fixes the split; without it the rows are split at random by
`train_fraction` and `seed`. A first row of numbers only is data, not a header: its columns
are then named x1, x2, ... and the last one is the label. Values are separated by commas
(or by semicolons or tabs, when the first line uses those), numbers use a decimal point, and
text is UTF-8 (or Windows-1252, as older spreadsheets save it). Uploads are scaled with
"standard" unless told otherwise.

Limits, so that one browser session can hold the data set and train on it:
    file size        100 MB                               MAX_MEGABYTES
    data rows        100,000; max_rows= up to 1,000,000   MAX_ROWS, HARD_MAX_ROWS
    feature columns  100; max_features= up to 1,000       MAX_FEATURES, HARD_MAX_FEATURES
    classes          50                                   MAX_CLASSES
A file beyond them, and every file that cannot be read as such a table, raises ValueError
with a sentence naming the row or column at fault and what to do.

Export: dataset_to_csv(ds) writes the features as the network sees them (after scaling),
the label (class name or value) and the split, so that load_csv(text, scale=None) reads back
the same data. A regression target whose values are all whole numbers reads back as classes
unless it is loaded with task="regression".
"""
import csv
import io
import os
import re

import numpy as np

from .columns import column_roles, feature_values, label_values, split_rows
from .dataset import build, check_scale, check_train_fraction, fit_scaler
from .features import plane_points

MAX_MEGABYTES = 100
MAX_ROWS, HARD_MAX_ROWS = 100_000, 1_000_000
MAX_FEATURES, HARD_MAX_FEATURES = 100, 1_000
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
NOT_CSV = "Save the table as CSV (comma-separated values) and upload that file."


def load_csv(source, scale="standard", train_fraction=0.5, seed=0, task=None, name=None,
             max_rows=MAX_ROWS, max_features=MAX_FEATURES):
    """A Dataset from a CSV file: a path, or a file-like object of bytes or text."""
    check_scale(scale)
    check_train_fraction(train_fraction)
    if task not in (None, "classification", "regression"):
        raise ValueError(f"Unknown task {task!r}: choose None, 'classification' or 'regression'.")
    if not (1 <= max_rows <= HARD_MAX_ROWS and 1 <= max_features <= HARD_MAX_FEATURES):
        raise ValueError(f"An upload may have at most {HARD_MAX_ROWS:,} rows and "
                         f"{HARD_MAX_FEATURES:,} feature columns.")
    header, rows, lines = read_table(read_text(source), max_rows)
    label, split, features = column_roles(header, max_features)
    values = feature_values(rows, lines, header, features)
    task, y, class_names = label_values([row[label] for row in rows], lines, header[label], task)
    split_cells = None if split is None else [row[split] for row in rows]
    train, test = split_rows(split_cells, lines, train_fraction, seed)
    plane = {}
    if len(features) == 2:  # two feature columns make a plane: keep its points
        points = values.astype(np.float32)
        values = plane_points(points)
        plane = dict(points_train=points[train], points_test=points[test], featurize=plane_points)
    return build(name or _name(source), task, values[train], values[test], y[train], y[test],
                 [header[j] for j in features], class_names, scale,
                 fit_scaler(scale, values[train]), **plane)


def _name(source):
    path = source if isinstance(source, (str, os.PathLike)) else getattr(source, "name", None)
    if not isinstance(path, (str, os.PathLike)):
        return "upload"
    return os.path.splitext(os.path.basename(os.fspath(path)))[0]


def read_text(source):
    limit = MAX_MEGABYTES * 2 ** 20
    if isinstance(source, (str, os.PathLike)):
        try:
            with open(source, "rb") as file:
                data = file.read(limit + 1)
        except OSError as error:
            raise ValueError(f"The file {os.fspath(source)!r} could not be opened "
                             f"({error.strerror}). Check the path.") from None
    elif hasattr(source, "read"):
        data = source.read(limit + 1)
    else:
        raise TypeError(f"load_csv reads a path or a file-like object, not {type(source).__name__}.")
    if len(data) > limit:
        raise ValueError(f"The file is larger than {MAX_MEGABYTES} MB. Upload a smaller sample.")
    text = _decode(data) if isinstance(data, bytes) else data
    if CONTROL_CHARACTERS.search(text):
        raise ValueError(f"The file holds binary data, so it is not a CSV file. {NOT_CSV}")
    return text


def _decode(data):
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass
    raise ValueError(f"The file is not text, so it is not a CSV file. {NOT_CSV}")


def read_table(text, max_rows):
    """(header, rows, lines): the column names, the data rows as lists of strings, and the
    line in the file where each row ends. Blank lines are skipped."""
    first = next((line for line in io.StringIO(text) if line.strip()), "")
    delimiter = max(",;\t", key=first.count)  # the first of equals: a comma
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    rows, lines = [], []
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append(row)
                lines.append(reader.line_num)
            if len(rows) > max_rows + 1:  # the header and one row too many: enough to refuse
                break
    except csv.Error:
        raise ValueError(f"The file cannot be read as CSV near row {reader.line_num}: look for "
                         f"an unclosed quote or a very long field. {NOT_CSV}") from None
    if not rows:
        raise ValueError("The file is empty. Upload a CSV file with a header row and data rows.")
    header = [cell.strip() for cell in rows[0]]
    if all(_is_number(cell) for cell in header):
        header = [f"x{i + 1}" for i in range(len(header) - 1)] + ["label"]
    else:
        rows, lines = rows[1:], lines[1:]
    _check_shape(header, rows, lines, max_rows)
    return header, rows, lines


def _is_number(cell):
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _check_shape(header, rows, lines, max_rows):
    if len(header) < 2:
        raise ValueError(f"The file has a single column ({header[0]!r}); a data set needs "
                         f"feature columns and a label column, separated by commas. {NOT_CSV}")
    if not rows:
        raise ValueError("The file has a header row but no data rows. Add the data below it.")
    for row, line in zip(rows, lines):
        if len(row) != len(header):
            values = f"{len(row)} value" + "s" * (len(row) != 1)
            raise ValueError(f"Row {line} has {values}, but there are {len(header)} "
                             "columns. Every row needs one value per column: look for a "
                             "missing or an extra comma.")
    if len(rows) > max_rows:
        raise ValueError(f"The file has more than {max_rows:,} data rows, the limit. "
                         "Upload a smaller sample.")
    if len(rows) < 2:
        raise ValueError("The file has a single data row; a data set needs at least two, "
                         "one to train on and one to test on.")


def dataset_to_csv(ds):
    """CSV text of ds: the features as the network sees them, the label, and the split."""
    labels = np.concatenate([ds.y_train, ds.y_test])
    labels = np.array(ds.class_names)[labels] if ds.task == "classification" else labels.astype(str)
    split = ["train"] * len(ds.y_train) + ["test"] * len(ds.y_test)
    table = np.column_stack([np.concatenate([ds.X_train, ds.X_test]).astype(str), labels, split])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*ds.feature_names, "label", "split"])
    writer.writerows(table.tolist())
    return out.getvalue()
