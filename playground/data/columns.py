"""The columns of an uploaded table: which is which, and their values checked row by row.

Rows are named by their line in the file, as a spreadsheet numbers them (the header is row 1).
"""
import numpy as np

from ..csvfile import unprotect
from .dataset import split_indices

MAX_CLASSES = 50
MAX_LABEL = 40      # characters of a class name: a longer label keeps its first 39 and a mark, "…"
FLOAT32_MAX = float(np.finfo(np.float32).max)


def column_roles(header):
    """(label, split, features): the label column's index, the split column's or None, and
    the feature columns' indices. The label is the column named `label`, else the last."""
    lowered = [name.lower() for name in header]
    split = lowered.index("split") if "split" in lowered else None
    rest = [index for index in range(len(header)) if index != split]
    label = lowered.index("label") if "label" in lowered else rest[-1]
    return label, split, [index for index in rest if index != label]


def check_columns(header, max_features):
    """ValueError unless every column has a name of its own and the feature columns number
    between one and `max_features`."""
    lowered = [name.lower() for name in header]
    for index, name in enumerate(header):
        if not name:
            raise ValueError(f"Column {index + 1} has no name in the header row. "
                             "Give every column a name.")
        if lowered.index(name.lower()) != index:
            raise ValueError(f"Two columns are named {name!r}. Give every column its own name.")
    features = column_roles(header)[2]
    if not features:
        raise ValueError("The file has a label column but no feature columns. Add at least "
                         "one column of numbers for the network to learn from.")
    check_feature_count(features, max_features)


def check_feature_count(features, max_features):
    if len(features) > max_features:
        raise ValueError(f"The file has {len(features):,} feature columns; the limit is "
                         f"{max_features:,}. Keep the columns that matter and try again.")


def feature_problem(line, column, cell):
    """The sentence for a feature cell that is empty or not a number."""
    what = "is empty" if not cell.strip() else f"holds {cell.strip()!r}, not a number"
    return (f"Row {line}, column {column!r} {what}. Feature columns hold numbers only (written "
            "like 1.5 or -2e3); fix the value or delete the row.")


def non_finite_problem(line, column, cell):
    """The sentence for a feature cell that is NaN, infinite or beyond float32."""
    return (f"Row {line}, column {column!r} holds {cell.strip()!r}, which is missing or not a "
            "finite number. Fill in a value or delete the row.")


def short(label):
    """A label as a class name: at most MAX_LABEL characters, a longer one cut with "…"."""
    return label if len(label) <= MAX_LABEL else label[:MAX_LABEL - 1] + "…"


def label_values(cells, lines, column, task):
    """(task, y, class_names). Integers or text are classes; numbers not all integers are a
    regression target. `task` ("classification" | "regression") overrides the guess. A label
    that the CSV writer protected from spreadsheets (`'=x`) is read as written (`=x`)."""
    cells = [unprotect(cell.strip()) for cell in cells]
    if "" in cells:
        raise ValueError(f"Row {lines[cells.index('')]} has no label in column {column!r}. "
                         "Fill it in or delete the row.")
    numbers = _numbers(cells)
    if numbers is not None and not (np.abs(numbers) <= FLOAT32_MAX).all():  # float32 is what trains
        i = int(np.argmin(np.abs(numbers) <= FLOAT32_MAX))
        raise ValueError(f"Row {lines[i]} has the label {short(cells[i])!r}, which is not a finite "
                         "number. Fill in a real label or delete the row.")
    if task is None:
        fractional = numbers is not None and (numbers != np.round(numbers)).any()
        task = "regression" if fractional else "classification"
    if task == "classification":
        return (task, *_classes(cells, lines, numbers, column))
    if numbers is None:
        i = next(i for i, cell in enumerate(cells) if _numbers([cell]) is None)
        raise ValueError(f"Row {lines[i]} has the label {short(cells[i])!r}, which is not a number, "
                         "so the labels cannot be a regression target.")
    return task, numbers.astype(np.float32), ()


def _numbers(cells):
    try:
        return np.array(cells, dtype=np.float64)
    except ValueError:
        return None


def _classes(cells, lines, numbers, column):
    """(y, class names): the labels in sorted order, each name cut to MAX_LABEL characters. Text labels
    are counted in a set, not in a NumPy text array, which gives every cell the longest cell's width."""
    if numbers is None:
        labels = sorted(set(cells))
        if len(labels) <= MAX_CLASSES:
            index = {label: i for i, label in enumerate(labels)}
            y = np.array([index[cell] for cell in cells], np.int64)
    else:
        values, y = np.unique(numbers, return_inverse=True)
        labels = [str(int(v)) if v.is_integer() else repr(float(v)) for v in values]
    if len(labels) < 2:
        raise ValueError(f"Every row has the label {short(labels[0])!r}, so there is a single "
                         "class and nothing to tell apart. A classifier needs two classes or "
                         f"more; check that the label column ({short(column)!r}) is the right one.")
    if len(labels) > MAX_CLASSES:
        raise ValueError(f"The label column {short(column)!r} has {len(labels):,} different values, "
                         f"more than the {MAX_CLASSES} classes a classifier here takes. If it is "
                         "a quantity to predict, load it as regression: task='regression'.")
    names = [short(label) for label in labels]
    for a, b in zip(labels, labels[1:]):   # sorted: labels that cut alike are neighbours
        if short(a) == short(b):
            first, second = sorted((lines[cells.index(a)], lines[cells.index(b)]))
            raise ValueError(f"Rows {first} and {second} have labels that differ only after their first "
                             f"{MAX_LABEL - 1} characters ({short(a)!r}). Class names are cut to {MAX_LABEL} "
                             "characters: make the labels differ sooner.")
    return np.asarray(y, np.int64), names


def split_rows(cells, lines, train_fraction, seed):
    """(train, test) row indices: from a split column of 'train' and 'test', or at random."""
    if cells is None:
        return split_indices(len(lines), train_fraction, np.random.default_rng(seed))
    marks = np.array([cell.strip().lower() for cell in cells])
    for i, mark in enumerate(marks):
        if mark not in ("train", "test"):
            raise ValueError(f"Row {lines[i]} has {cells[i]!r} in the split column, which may "
                             "hold only 'train' or 'test'.")
    train, test = np.flatnonzero(marks == "train"), np.flatnonzero(marks == "test")
    if not len(train) or not len(test):
        raise ValueError("The split column needs at least one 'train' row and one 'test' row.")
    return train, test
