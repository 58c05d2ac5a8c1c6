"""Data sets for learning from examples: rows ``(x, label)``, the built-in sets and the train/test split.

The post's closing step: the base ``Y0`` becomes an input ``x`` and the target a
label, and one set of weights must serve every example. A :class:`DataSet` holds
the rows as arrays; labels are numbers (a regression target, or 0 and 1 for two
classes), or class names, which are numbered 0, 1, ... in order of first
appearance (``classes`` keeps the names). Built in (:data:`BUILT_IN`): the
post's legs set, a regression set, an overlapping two-class set and a
three-class legs set (bird, mammal, insect) for softmax.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

#: Most rows of a data set (a file or a built-in): training runs epochs x rows x links of work.
MAX_ROWS = 10_000
#: Most classes a set may have (class names or integers 0..C-1).
MAX_CLASSES = 10
#: Inputs and labels beyond this are typos (the same bound the arm's coordinates have).
MAX_VALUE = 1e6


class DataError(ValueError):
    """A data set (a file's rows, a split) broke a rule; ``str()`` is one line naming the problem."""


@dataclass(frozen=True, eq=False)
class DataSet:
    """Rows ``(x, label)`` of one data set.

    ``x`` and ``y`` are float arrays of shape ``(K,)``; ``y`` holds the labels, class
    indices 0..C-1 when ``classes`` names the classes, else numbers as given. ``names``
    optionally names each row (the legs set's animals). ``name`` says where it came from.
    """

    name: str
    x: np.ndarray
    y: np.ndarray
    classes: tuple[str, ...] | None = None
    names: tuple[str, ...] | None = None

    def __post_init__(self):
        for field_name in ("x", "y"):
            a = np.array(getattr(self, field_name), dtype=float)
            a.setflags(write=False)
            object.__setattr__(self, field_name, a)
        if self.x.shape != self.y.shape or self.x.ndim != 1:
            raise DataError(f"{self.name}: x and label must be two columns of the same length")

    def __len__(self) -> int:
        return len(self.x)

    @property
    def binary(self) -> bool:
        """Every label is 0 or 1 (two classes, or a 0/1 column)."""
        return bool(np.all((self.y == 0) | (self.y == 1)))

    @property
    def class_count(self) -> int:
        """C: the number of classes (named ones, else the distinct integer labels when all are integers)."""
        if self.classes is not None:
            return len(self.classes)
        return int(self.y.max()) + 1 if len(self) and self.integer_labels else 0

    @property
    def integer_labels(self) -> bool:
        """Every label a whole number 0 or more (a class index)."""
        return bool(np.all((self.y >= 0) & (self.y == np.round(self.y))))

    def class_name(self, c: int) -> str:
        """The name of class ``c``: its name in the file, else the number."""
        return self.classes[c] if self.classes is not None else str(c)

    def rows(self, index) -> "DataSet":
        """The rows at ``index`` (an index array), as a new set of the same name."""
        index = np.asarray(index, dtype=int)
        names = None if self.names is None else tuple(self.names[i] for i in index)
        return DataSet(self.name, self.x[index], self.y[index], self.classes, names)

    def split(self, test_fraction: float, seed: int = 0) -> tuple["DataSet", "DataSet"]:
        """``(train, test)``: a seeded shuffle, then ``round(test_fraction * K)`` rows held out for testing.

        Each keeps the rows in their original order. ``test_fraction`` 0 keeps every row for
        training (an empty test set); a split that would leave no training row is refused.
        """
        test_fraction = float(test_fraction)
        if not 0.0 <= test_fraction < 1.0:
            raise DataError(f"test fraction must be at least 0 and below 1, got {test_fraction:g}")
        k = len(self)
        held = int(round(test_fraction * k))
        if held >= k:
            raise DataError(f"a test fraction of {test_fraction:g} leaves no training row of {k}")
        order = np.random.default_rng(seed).permutation(k)
        test = np.sort(order[:held])
        train = np.sort(order[held:])
        return self.rows(train), self.rows(test)


def _legs() -> DataSet:
    """The post's example: the number of legs -> mammal (0, end point below zero) or insect (1, above)."""
    animals = (("human", 2, 0), ("kangaroo", 2, 0), ("bat", 2, 0), ("dog", 4, 0), ("cat", 4, 0), ("horse", 4, 0),
               ("cow", 4, 0), ("mouse", 4, 0), ("ant", 6, 1), ("bee", 6, 1), ("beetle", 6, 1), ("butterfly", 6, 1),
               ("grasshopper", 6, 1), ("ladybird", 6, 1))
    return DataSet("legs", [a[1] for a in animals], [a[2] for a in animals], ("mammal", "insect"),
                   tuple(a[0] for a in animals))


def _legs3() -> DataSet:
    """Three classes by the number of legs (seed 002's softmax): bird (2), mammal (4) or insect (6)."""
    animals = (("chicken", 2, 0), ("duck", 2, 0), ("ostrich", 2, 0), ("penguin", 2, 0), ("sparrow", 2, 0),
               ("dog", 4, 1), ("cat", 4, 1), ("horse", 4, 1), ("cow", 4, 1), ("mouse", 4, 1), ("lion", 4, 1),
               ("ant", 6, 2), ("bee", 6, 2), ("beetle", 6, 2), ("butterfly", 6, 2), ("grasshopper", 6, 2))
    return DataSet("legs3", [a[1] for a in animals], [a[2] for a in animals], ("bird", "mammal", "insect"),
                   tuple(a[0] for a in animals))


def _wave() -> DataSet:
    """A regression set the ``offset`` model cannot fit: ``label = x + 1.2 sin(1.5 x + 0.4) - 0.3`` plus noise."""
    rng = np.random.default_rng(13)              # PCG64: the same numbers on every machine and numpy version
    x = np.round(np.sort(rng.uniform(-2.5, 2.5, 40)), 3)
    y = np.round(x + 1.2 * np.sin(1.5 * x + 0.4) - 0.3 + rng.normal(0.0, 0.08, x.size), 3)
    return DataSet("wave", x, y)


def _overlap() -> DataSet:
    """Two classes whose inputs overlap: class 0 around x = -1, class 1 around x = 1 (no point separates them)."""
    rng = np.random.default_rng(7)
    x0, x1 = rng.normal(-1.0, 0.9, 30), rng.normal(1.0, 0.9, 30)
    x = np.round(np.concatenate((x0, x1)), 3)
    return DataSet("overlap", x, np.repeat([0.0, 1.0], 30), ("class 0", "class 1"))


#: The built-in sets by name, with a line each for menus and ``--help``.
BUILT_IN = {"legs": _legs(), "wave": _wave(), "overlap": _overlap(), "legs3": _legs3()}
BUILT_IN_WORDS = {
    "legs": "legs -> mammal or insect (the post's example): 14 animals, logistic loss",
    "wave": "a wavy regression set the offset model cannot fit: 40 rows, squared loss",
    "overlap": "two classes whose inputs overlap: 60 rows, logistic loss",
    "legs3": "legs -> bird, mammal or insect: 16 animals, three classes, softmax loss",
}


def built_in(name: str) -> DataSet:
    """The built-in set ``name`` (DataError naming the choices otherwise)."""
    try:
        return BUILT_IN[name]
    except (KeyError, TypeError):
        raise DataError(f"unknown data set {name!r}; choose one of {', '.join(BUILT_IN)}") from None


def check_values(x: np.ndarray, y: np.ndarray, where: str = "") -> None:
    """Refuse non-finite or absurd inputs and labels (DataError naming the first bad row, 1-based)."""
    for column, a in (("x", x), ("label", y)):
        bad = np.flatnonzero(~np.isfinite(a) | (np.abs(a) > MAX_VALUE))
        if bad.size:
            i = int(bad[0])
            value = a[i]
            rule = "is not a finite number" if not math.isfinite(value) else f"is beyond +-{MAX_VALUE:g}"
            raise DataError(f"{where}row {i + 1}: {column} {value:g} {rule}")
