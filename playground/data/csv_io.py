"""CSV upload (load_csv) and export (dataset_to_csv).

The file: a header row, then one row per example; numeric feature columns and one label
column, the column named `label`, else the last one. Labels that are integers or text are
classes (their names are kept for legends); numbers that are not all integers are a
regression target; `task=` overrides the guess. An optional column named `split`, holding
`train` or `test` on every row, fixes the split; without it the rows are split at random by
`train_fraction` and `seed`. A first row of numbers only is data, not a header: its columns
are then named x1, x2, ... and the last one is the label. Values are separated by commas
(or by semicolons or tabs, when the first line uses those), numbers use a decimal point, and
text is UTF-8, UTF-16 with its byte order mark, or Windows-1252 as older spreadsheets save it
(the Dataset's `notes` then say so). Uploads are scaled with "standard" unless told otherwise.

Limits, so that one browser session can hold the data set and train on it, and so that no
file stalls the server (the reader stops at the first limit crossed):
    file size        100 MB                               MAX_MEGABYTES
    line length      1 MB                                 table.MAX_LINE_BYTES
    data rows        100,000; max_rows= up to 1,000,000   MAX_ROWS, HARD_MAX_ROWS
    feature columns  100; max_features= up to 1,000       MAX_FEATURES, HARD_MAX_FEATURES
    classes          50                                   MAX_CLASSES
    class name       40 characters (longer: cut, with "…") MAX_LABEL
A file beyond them, and every file that cannot be read as such a table, raises ValueError
with a sentence naming the row or column at fault and what to do. Rows are named by their
line in the file.

Export: dataset_to_csv(ds) writes the features as the network sees them (after scaling),
the label (class name or value) and the split, so that load_csv(text, scale=None) reads back
the same data. It writes through playground.csvfile.write_csv, which keeps a spreadsheet from
running a label like `=1+1` as a formula; load_csv reads such a label back as it was. A
regression target whose values are all whole numbers reads back as classes unless it is
loaded with task="regression".
"""
import os

import numpy as np

from ..csvfile import write_csv
from .columns import label_values, split_rows
from .dataset import build, check_scale, check_train_fraction, fit_scaler
from .features import plane_points
from .table import read_table
from .text import decode

MAX_MEGABYTES = 100
MAX_ROWS, HARD_MAX_ROWS = 100_000, 1_000_000
MAX_FEATURES, HARD_MAX_FEATURES = 100, 1_000
EXPORT_BLOCK = 4096  # rows formatted at a time when writing


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
    data, start, encoding, notes = decode(_read_bytes(source))
    table = read_table(data, start, encoding, max_rows, max_features)
    del data  # the table holds all that is needed: let a file read here go before the data set is built
    task, y, class_names = label_values(table.labels, table.lines, table.header[table.label], task)
    train, test = split_rows(table.marks, table.lines, train_fraction, seed)
    values = table.values
    plane = {}
    if len(table.features) == 2:  # two feature columns make a plane: keep its points
        points = values.astype(np.float32)
        values = plane_points(points)
        plane = dict(points_train=points[train], points_test=points[test], featurize=plane_points)
    rows_train = values[train]
    return build(name or _name(source), task, rows_train, values[test], y[train], y[test],
                 [table.header[j] for j in table.features], class_names, scale,
                 fit_scaler(scale, rows_train), notes=tuple(notes), **plane)


def _name(source):
    path = source if isinstance(source, (str, os.PathLike)) else getattr(source, "name", None)
    if not isinstance(path, (str, os.PathLike)):
        return "upload"
    return os.path.splitext(os.path.basename(os.fspath(path)))[0]


def _read_bytes(source):
    """The file's bytes (text given as such is taken as UTF-8), refused beyond MAX_MEGABYTES."""
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
    if isinstance(data, str):
        try:
            return data.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("The text holds characters that no file can hold (lone surrogates), so "
                             "it is not a CSV file.") from None
    return bytes(data)


def dataset_to_csv(ds):
    """CSV text of ds: the features as the network sees them, the label, and the split."""
    X = np.concatenate([ds.X_train, ds.X_test])
    labels = np.concatenate([ds.y_train, ds.y_test])
    labels = np.array(ds.class_names)[labels] if ds.task == "classification" else labels.astype(str)
    split = np.array(["train"] * len(ds.y_train) + ["test"] * len(ds.y_test))

    def rows():
        for at in range(0, len(X), EXPORT_BLOCK):
            block = slice(at, at + EXPORT_BLOCK)
            yield from (row + [label, part] for row, label, part in
                        zip(X[block].astype(str).tolist(), labels[block].tolist(), split[block].tolist()))

    return write_csv([*ds.feature_names, "label", "split"], rows())
