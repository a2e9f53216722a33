"""CSV files the playground writes, safe to open in a spreadsheet.

A spreadsheet runs a cell that begins with `=`, `+`, `-` or `@` as a formula, and a tab or a
carriage return at the start can hide one; a downloaded file with a class label like
`=HYPERLINK(...)` would run it on the student's machine. So every cell and header that begins
with one of these, and is not a number, is written with a leading `'` (the OWASP rule for CSV
injection), which a spreadsheet shows as text. Negative numbers stay numbers.

`write_csv` is the one writer: every CSV download goes through it. `unprotect` undoes the `'`
on exactly the cells `protect` changed, so that a file written here reads back the same.
"""
import csv
import io
import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?+(?:[0-9]++(?:\.[0-9]*+)?+|\.[0-9]++)(?:[eE][+-]?+[0-9]++)?+")  # never backtracks


def write_csv(header, rows):
    """The text of a CSV file: the header row, then one line per row (any iterable of sequences).
    Cells are written as `str(cell)`, each passed through `protect`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([protect(str(name)) for name in header])
    writer.writerows([protect(str(cell)) for cell in row] for row in rows)
    return out.getvalue()


def protect(text):
    """`text` with a leading `'` if a spreadsheet could read it as a formula: it begins (after any
    `'`) with = + - @, a tab or a carriage return, and is not a number."""
    if text.lstrip("'").startswith(FORMULA_START) and not NUMBER.fullmatch(text):
        return "'" + text
    return text


def unprotect(text):
    """The cell `protect` made `text` from: `text` without the `'` it added, else unchanged."""
    if text.startswith("'") and protect(text[1:]) == text:
        return text[1:]
    return text
