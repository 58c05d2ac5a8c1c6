"""Data files for learning from examples: a CSV of rows ``x,label``, read as hostile and written exactly.

This module owns the data-file format. A file is UTF-8 text (a byte-order mark
is skipped) whose first row that is neither blank nor a comment (a line starting
with ``#``) is the header, naming exactly the two columns ``x`` and ``label`` in
either order (case and surrounding spaces do not matter). Each data row has
those two fields: ``x`` a finite number in Python's float syntax, within
+-:data:`~armsim.core.datasets.MAX_VALUE`; ``label`` a number, or a class name
(printable, at most :data:`MAX_NAME` characters, not itself a number). A column
of labels is all numbers or all names; names are numbered 0, 1, ... in order of
first appearance, at most :data:`~armsim.core.datasets.MAX_CLASSES` of them.

:func:`load_csv` treats a file as hostile, as :mod:`armsim.io.scenario` does: it
refuses anything but a regular file without blocking and checks the size
before reading (:func:`armsim.io.reading.read_bounded`), refuses binary and
non-UTF-8 content, then reads one line at a time with :mod:`csv` (a quoted field
may not run onto the next line), stops at the first broken rule, and stops
counting rows once there are more than :data:`~armsim.core.datasets.MAX_ROWS`.
Nothing in a file is executed or evaluated. Every refusal is one
:class:`~armsim.core.datasets.DataError`: ``"<file> line <n>: <rule>"``, which
never quotes a long value whole. :func:`save_csv` writes a set atomically so
that :func:`load_csv` reads it back bit for bit. Qt-free.
"""
from __future__ import annotations

import csv
import io
import math
import os

import numpy as np

from armsim.core.datasets import MAX_CLASSES, MAX_ROWS, MAX_VALUE, DataError, DataSet, check_values
from armsim.core.params import count, shown
from armsim.io.atomic import atomic_open
from armsim.io.reading import NotAFile, read_bounded

__all__ = ["COLUMNS", "MAX_BYTES", "MAX_NAME", "load_csv", "save_csv"]

#: The header's column names, in the order :func:`save_csv` writes them.
COLUMNS = ("x", "label")
#: Largest data file read: MAX_ROWS rows of two 17-digit numbers take ~400 KB; the rest is room for comments.
MAX_BYTES = 2 * 1024 * 1024
#: Longest class name: a name is shown in menus, legends and messages.
MAX_NAME = 60
_SHOWN_COLUMNS = 3      # header fields quoted in a message about a wrong header
# UTF-32 first: its little-endian mark begins with UTF-16's.
_OTHER_BOMS = ((b"\xff\xfe\0\0", "UTF-32"), (b"\0\0\xfe\xff", "UTF-32"), (b"\xff\xfe", "UTF-16"),
               (b"\xfe\xff", "UTF-16"))
_CSV = {"strict": True, "skipinitialspace": True}   # strict: a stray quote is an error, not a guess


def _one_line(text: str) -> str:
    """``text`` as it can be shown on one line: escaped (as Python would) if it holds a control character."""
    return text if text.isprintable() else repr(text)[1:-1]


def _file_name(path: str | os.PathLike) -> str:
    """The name a message gives the file: its base name, on one line."""
    text = os.fsdecode(os.fspath(path))
    return _one_line(os.path.basename(os.path.normpath(text)) or text)


def _number(text: str) -> float | None:
    """``float(text)``, or None when it is not a number in Python's syntax (surrounding spaces allowed)."""
    try:
        return float(text)
    except ValueError:
        return None


def _value_problem(value: float, text: str) -> str | None:
    """Why the number ``value`` read from ``text`` cannot be an input or a label, or None."""
    if math.isnan(value) or (math.isinf(value) and "inf" in text.lower()):
        return "is not a finite number (nan and inf are not allowed)"
    if abs(value) > MAX_VALUE:          # a run of 400 digits reads as inf: it is too big, not "inf"
        return f"is beyond +-{MAX_VALUE:g}"
    return None


def _name_problem(name: str) -> str | None:
    """Why ``name`` (already stripped) cannot be a class name, or None."""
    if len(name) > MAX_NAME:
        return f"is too long for a class name (at most {MAX_NAME} characters)"
    if not name.isprintable():
        return "is not printable text (a class name may not hold control characters)"
    return None


def _header(fields: list[str]) -> tuple[int, int]:
    """The columns of ``x`` and of ``label`` in a header row, or the reason it is not one (a str, raised)."""
    names = [f.strip().lower() for f in fields]
    if names in (["x", "label"], ["label", "x"]):
        return names.index("x"), names.index("label")
    if fields and all(_number(f) is not None for f in fields):
        raise ValueError("no header row: the first row holds numbers; it must name the columns: x,label")
    if "x" in names and "label" in names:
        extra = list(fields)
        del extra[names.index("x")]
        del extra[[f.strip().lower() for f in extra].index("label")]
        listed = ", ".join(shown(f.strip()) for f in extra[:_SHOWN_COLUMNS])
        more = f" and {len(extra) - _SHOWN_COLUMNS:,} more" if len(extra) > _SHOWN_COLUMNS else ""
        raise ValueError(f"extra {'column' if len(extra) == 1 else 'columns'} {listed}{more}: "
                         "a data file has exactly two, x and label")
    listed = ", ".join(shown(f.strip()) for f in fields[:_SHOWN_COLUMNS])
    more = f" and {len(fields) - _SHOWN_COLUMNS:,} more" if len(fields) > _SHOWN_COLUMNS else ""
    raise ValueError(f"the header must name the two columns x and label, it names {count(len(fields), 'column')}"
                     f" ({listed}{more})")


def _lines(text: str):
    """``(line number, line)`` of each line that is neither blank nor a comment; universal line ends."""
    for n, line in enumerate(io.StringIO(text, newline=None), 1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            yield n, line.rstrip("\n")


def _fields(line: str) -> list[str]:
    """The fields of one line by the csv module (one line: a quoted field must close on it)."""
    try:
        return next(csv.reader([line], **_CSV))
    except csv.Error as e:
        if "unexpected end of data" in str(e):
            raise ValueError("a quoted field does not close on its line (a field may not hold a line break)") \
                from None
        raise ValueError(f"not a CSV row ({e})") from None
    except StopIteration:           # unreachable for a non-blank line; kept so no input can raise it
        return []


def _decode(data: bytes) -> str:
    """The text of a data file's bytes, or the reason they are not UTF-8 text (ValueError)."""
    encoding = next((name for bom, name in _OTHER_BOMS if data.startswith(bom)), None)
    if encoding:
        raise ValueError(f"{encoding} text (it starts with a {encoding} byte-order mark); a data file is UTF-8: "
                         "save it as UTF-8")
    line = lambda offset: data.count(b"\n", 0, offset) + 1
    if b"\0" in data:
        raise ValueError(f"line {line(data.index(0))}: binary file (contains NUL bytes), not a CSV data file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ValueError(f"line {line(e.start)}: not UTF-8 text (byte 0x{data[e.start]:02x} at offset "
                         f"{e.start:,}); save the file as UTF-8") from None


def load_csv(path: str | os.PathLike) -> DataSet:
    """Read and check a data file of rows ``x,label``.

    Parameters
    ----------
    path : str or path-like
        A CSV file of at most :data:`MAX_BYTES`, UTF-8, with a header naming ``x`` and ``label``.

    Returns
    -------
    DataSet
        Named after the file's base name; ``classes`` holds the class names in order of first
        appearance when the labels are names, else None and ``y`` holds the numbers as given.

    Raises
    ------
    DataError
        The only exception for a bad or unreadable file: one line, ``"<file> line <n>: <rule>"``
        (``"<file>: <problem>"`` when no line is to blame).
    """
    name = _file_name(path)
    try:
        data = read_bounded(path, MAX_BYTES)
    except FileNotFoundError:
        dangling = os.path.islink(path)
        raise DataError(f"{name}: no such file" + (" (a symbolic link to a missing file)" if dangling else "")) \
            from None
    except NotAFile as e:
        raise DataError(f"{name}: {e}") from None
    except OSError as e:
        raise DataError(f"{name}: cannot read the file ({e.strerror or e})") from None
    try:
        text = _decode(data)
    except ValueError as e:
        sep = " " if str(e).startswith("line ") else ": "
        raise DataError(f"{name}{sep}{e}") from None
    try:
        return _parse(name, text)
    except _RowError as e:
        raise DataError(f"{name} line {e.line}: {e.rule}") from None


class _RowError(Exception):
    def __init__(self, line: int, rule: str):
        super().__init__(rule)
        self.line, self.rule = line, rule


def _parse(name: str, text: str) -> DataSet:
    lines = _lines(text)
    first = next(lines, None)
    if first is None:
        raise DataError(f"{name}: empty file: no header row (a data file starts with the row x,label)")
    n, line = first
    try:
        ix, il = _header(_fields(line))
    except ValueError as e:
        raise _RowError(n, str(e)) from None
    xs: list[float] = []
    ys: list[float] = []
    classes: dict[str, int] = {}
    kind_line = 0           # the first data row's line: its label decided numbers or names
    named = False
    last = n
    for n, line in lines:
        last = n
        if len(xs) == MAX_ROWS:
            raise _RowError(n, f"more than {MAX_ROWS:,} data rows (at most {MAX_ROWS:,})")
        try:
            fields = _fields(line)
        except ValueError as e:
            raise _RowError(n, str(e)) from None
        if len(fields) != 2:
            raise _RowError(n, f"{count(len(fields), 'field')}; a data row has two: x and label")
        if sorted(f.strip().lower() for f in fields) == ["label", "x"]:
            raise _RowError(n, "the header row is repeated (a data file has one header, on its first row)")
        x_text, label = fields[ix].strip(), fields[il].strip()
        if not x_text:
            raise _RowError(n, "empty x (every row needs a number)")
        x = _number(x_text)
        if x is None:
            raise _RowError(n, f"x {shown(x_text)} is not a number")
        problem = _value_problem(x, x_text)
        if problem:
            raise _RowError(n, f"x {shown(x_text)} {problem}")
        if not label:
            raise _RowError(n, "empty label (every row needs a number or a class name)")
        y = _number(label)
        if not kind_line:
            kind_line, named = n, y is None
        if named != (y is None):
            this, other = ("a number", "a class name") if y is not None else ("a class name", "a number")
            raise _RowError(n, f"label {shown(label)} is {this}, but the label on line {kind_line} is {other}: "
                               "labels are all numbers or all class names")
        if named:
            problem = _name_problem(label)
            if problem:
                raise _RowError(n, f"label {shown(label)} {problem}")
            if label not in classes:
                if len(classes) == MAX_CLASSES:
                    raise _RowError(n, f"label {shown(label)} would be class {len(classes) + 1}; "
                                       f"at most {MAX_CLASSES} classes")
                classes[label] = len(classes)
            y = float(classes[label])
        else:
            problem = _value_problem(y, label)
            if problem:
                raise _RowError(n, f"label {shown(label)} {problem}")
        xs.append(x)
        ys.append(y)
    if len(xs) < 2:
        rows = "no data rows" if not xs else "only one data row"
        raise _RowError(last, f"{rows} (a data set needs at least 2)")
    return DataSet(name, np.array(xs), np.array(ys), tuple(classes) if named else None)


def _check_savable(data: DataSet) -> None:
    """Refuse (DataError) a set that :func:`load_csv` could not read back as it is."""
    where = f"{data.name}: "
    if not 2 <= len(data) <= MAX_ROWS:
        raise DataError(f"{where}{count(len(data), 'row')}; a data file holds 2 to {MAX_ROWS:,}")
    check_values(data.x, data.y, where)
    if data.classes is None:
        return
    if len(data.classes) > MAX_CLASSES:
        raise DataError(f"{where}{len(data.classes)} classes; at most {MAX_CLASSES}")
    if len(set(data.classes)) != len(data.classes):
        raise DataError(f"{where}two classes have the same name")
    for c in data.classes:
        problem = (_name_problem(c) if isinstance(c, str) and c == c.strip() and c and _number(c) is None
                   else "is not a class name (a non-empty string without surrounding spaces, not a number)")
        if problem:
            raise DataError(f"{where}class {shown(c)} {problem}")
    bad = np.flatnonzero((data.y != np.round(data.y)) | (data.y < 0) | (data.y >= len(data.classes)))
    if bad.size:
        raise DataError(f"{where}row {bad[0] + 1}: label {data.y[bad[0]]:g} is not a class index "
                        f"0..{len(data.classes) - 1}")


def save_csv(path: str | os.PathLike, data: DataSet) -> str | os.PathLike:
    """Write ``data`` as a data file, atomically (an old file survives any failure).

    Parameters
    ----------
    path : str or path-like
        Destination, conventionally ``*.csv``.
    data : DataSet
        Its rows are written under the header ``x,label``: numbers as ``repr`` of the float, so
        they read back bit for bit; class names as their names (quoted by the csv module where
        needed). :func:`load_csv` numbers classes in order of first appearance, so the labels read
        back as the same indices when ``data.classes`` is in that order (as every loaded set's
        is) and every class has a row. Row names (``data.names``) are not part of the format.

    Returns
    -------
    str or path-like
        ``path``.

    Raises
    ------
    DataError
        A set no data file can hold (fewer than 2 or more than MAX_ROWS rows, a value out of range,
        a class name load_csv would refuse); nothing is written.
    OSError
        Writing failed; the old file, if any, is unchanged.
    """
    if not isinstance(data, DataSet):
        raise TypeError(f"data must be armsim.core.datasets.DataSet, got {type(data).__name__}")
    _check_savable(data)
    labels = ([data.classes[int(c)] for c in data.y] if data.classes is not None
              else [repr(float(v)) for v in data.y])
    with atomic_open(path, "w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(zip((repr(float(v)) for v in data.x), labels))
    return path
