"""Data files for the tests: a writer, and every kind of hostile data file with what its refusal must say.

Shared by the reader's tests (tests/core/test_data_files.py) and ``armsim train``'s
(tests/core/test_training.py).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from armsim.core.datasets import MAX_CLASSES, MAX_ROWS
from armsim.io.data_files import MAX_BYTES

NAME = "data.csv"


def write(folder: Path, content: str | bytes, name: str = NAME) -> Path:
    path = folder / name
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def rows(n: int, label: Callable[[int], str] = lambda k: str(k % 2)) -> str:
    return "".join(f"{k},{label(k)}\n" for k in range(n))


def fifo(folder: Path) -> Path:
    path = folder / NAME
    os.mkfifo(path)             # no writer ever opens it: a blocking open() would wait forever
    return path


def dangling(folder: Path) -> Path:
    path = folder / NAME
    path.symlink_to(folder / "gone.csv")
    return path


def directory(folder: Path) -> Path:
    path = folder / NAME
    path.mkdir()
    return path


def text(content: str | bytes) -> Callable[[Path], Path]:
    return lambda folder: write(folder, content)


# (id, make the file in a folder, a key word of the refusal, the line it must name or None)
BAD: list[tuple[str, Callable[[Path], Path], str, int | None]] = [
    ("empty-file", text(""), "empty file", None),
    ("only-blank-and-comments", text("\n  \n# nothing here\n"), "empty file", None),
    ("header-only", text("x,label\n"), "no data rows", 1),
    ("one-data-row", text("x,label\n1,0\n"), "only one data row", 2),
    ("no-header", text("1,0\n2,1\n3,0\n"), "no header", 1),
    ("one-column", text("x\n1\n2\n"), "1 column", 1),
    ("three-columns", text("x,label,weight\n1,0,3\n2,1,3\n"), "extra column 'weight'", 1),
    ("wrong-header-names", text("input,target\n1,0\n2,1\n"), "must name the two columns x and label", 1),
    ("header-x-twice", text("x,x\n1,0\n2,1\n"), "must name", 1),
    ("text-for-x", text("x,label\n1,0\nabc,1\n"), "x 'abc' is not a number", 3),
    ("nan-x", text("x,label\n1,0\nnan,1\n"), "not a finite number", 3),
    ("inf-x", text("x,label\n1,0\n-inf,1\n"), "not a finite number", 3),
    ("nan-label", text("x,label\n1,0\n2,NaN\n"), "not a finite number", 3),
    ("x-beyond-1e6", text("x,label\n1,0\n1000000.5,1\n"), "beyond", 3),
    ("label-beyond-1e6", text("x,label\n1,0\n2,-2e6\n"), "beyond", 3),
    ("x-of-100k-digits", text("x,label\n1,0\n" + "9" * 100_000 + ",1\n"), "beyond", 3),
    ("empty-x", text("x,label\n1,0\n ,1\n"), "empty x", 3),
    ("empty-label", text("x,label\n1,0\n2,\n"), "empty label", 3),
    ("mixed-number-then-name", text("x,label\n1,0\n2,1\n3,cat\n"), "all numbers or all class names", 4),
    ("mixed-name-then-number", text("x,label\n1,cat\n2,dog\n3,1\n"), "the label on line 2 is a class name", 4),
    ("eleven-class-names", text("x,label\n" + rows(MAX_CLASSES + 1, lambda k: f"c{k}")),
     f"at most {MAX_CLASSES} classes", MAX_CLASSES + 2),
    # A bad row after the first row too many: the refusal is the count, so nothing after it was parsed.
    ("too-many-rows", text("x,label\n" + rows(MAX_ROWS + 1) + "abc,0\n"), f"more than {MAX_ROWS:,} data rows",
     MAX_ROWS + 2),
    ("too-large", text("x,label\n" + "#" * (MAX_BYTES - 8) + "\n"), "too large", None),
    ("binary-nul-bytes", text(b"x,label\n1,0\n2\x00,1\n"), "binary", 3),
    ("not-utf8", text(b"x,label\n1,0\n2,caf\xe9\n"), "not UTF-8", 3),
    ("utf16", text("x,label\n1,0\n2,1\n".encode("utf-16")), "UTF-16", None),
    ("fifo", fifo, "FIFO", None),
    ("directory", directory, "directory", None),
    ("missing-file", lambda folder: folder / NAME, "no such file", None),
    ("dangling-symlink", dangling, "symbolic link to a missing file", None),
    ("row-of-three-fields", text("x,label\n1,0\n2,1,7\n"), "3 fields", 3),
    ("row-of-one-field", text("x,label\n1,0\n2\n"), "1 field", 3),
    ("trailing-comma", text("x,label\n1,0,\n2,1\n"), "3 fields", 2),
    ("label-of-1000-characters", text("x,label\n1,a\n2," + "b" * 1000 + "\n"), "too long", 3),
    ("x-of-1000-characters", text("x,label\n1,0\n" + "z" * 1000 + ",1\n"), "not a number", 3),
    ("label-with-control-character", text("x,label\n1,a\n2,\"b\x1bc\"\n"), "not printable", 3),
    ("header-repeated", text("x,label\n1,0\n2,1\nx,label\n3,0\n"), "header row is repeated", 4),
    ("unclosed-quote", text('x,label\n1,0\n2,"cat\n3,1\n'), "quoted field does not close", 3),
    ("stray-quote", text('x,label\n1,0\n2,"cat"s\n'), "not a CSV row", 3),
    ("header-of-100k-columns", text(",".join(["c"] * 100_000) + "\n1,0\n2,1\n"), "100,000 columns", 1),
]
