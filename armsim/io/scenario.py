"""Scenario files: every parameter of a run, plus the window's view settings, as TOML.

A scenario has ``format = "armsim-scenario"``, ``version = 1``, a ``[params]``
table with fields of :class:`~armsim.core.params.Params` (any left out take
their defaults, so a hand-written file may give only ``angles_deg``) and an
optional ``[view]`` table of GUI-only settings (``speed``, ``name``, ``note``).
``format`` and ``version`` may be left out of a hand-written file too; when
given they must match. This module owns reading and writing them. :func:`load`
treats a file as hostile: it refuses anything but a regular file without
blocking, checks the size before reading and the nesting of keys before
parsing (``tomllib``'s time grows with the square of a dotted key's depth),
parses with :mod:`tomllib` (which never executes or evaluates anything), checks
every key and type, validates through ``Params``, and returns a new
:class:`Scenario` or raises one :class:`ScenarioError`. Qt-free.
"""
from __future__ import annotations

import datetime
import math
import os
import tomllib
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import tomli_w

from armsim.core.params import MAX_MAGNITUDE, ParamError, Params
from armsim.io.atomic import atomic_write
from armsim.io.reading import NotAFile, read_bounded

FORMAT = "armsim-scenario"
VERSION = 1
MAX_BYTES = 64 * 1024
PARAM_KEYS = ("angles_deg", "lengths", "base", "target", "eta", "epochs", "tol", "learner")
#: Deepest dotted key or bracket nesting read: a scenario needs 2; 32,700 levels took tomllib 24 s and 6 GB.
MAX_NESTING = 16
VIEW_KEYS = ("speed", "name", "note")
MAX_NAME, MAX_NOTE = 200, 10_000
# TOML integers are 64-bit; Python's tomllib would accept any length, and str() of a
# 5,000-digit int raises, so bigger ones are refused before anything prints them.
_INT_LIMIT = 2 ** 63
# Model field names as ParamError reports them -> the key in the file.
_FIELD_KEYS = {"angles": "angles_deg"}


class ScenarioError(ValueError):
    """A scenario file could not be read or is invalid. ``key`` (or None) names where, ``problem`` what."""

    def __init__(self, problem: str, key: str | None = None, path: str | os.PathLike | None = None):
        self.problem, self.key = problem, key
        self.path = None if path is None else os.fspath(path)
        super().__init__(": ".join(str(part) for part in (self.path, key, problem) if part is not None))


@dataclass(frozen=True)
class Scenario:
    """A loaded scenario: validated ``params`` and the ``view`` dict (only the keys the file set)."""

    params: Params
    view: dict = field(default_factory=dict)


_KINDS = ((bool, "a boolean"), (int, "an integer"), (float, "a float"), (str, "a string"), (list, "an array"),
          (dict, "a table"), ((datetime.date, datetime.time), "a date/time"))


def _got(value: Any) -> str:
    """``"a string 'x'"``: the TOML type and a short repr, for messages."""
    kind = next((name for types, name in _KINDS if isinstance(value, types)), type(value).__name__)
    try:
        text = repr(value)
    except (ValueError, RecursionError):      # an int too long to print, a table nested too deep
        text = "(too long to show)"
    return f"{kind} {text if len(text) <= 60 else text[:57] + '...'}"


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _need(ok: bool, what: str, value: Any, key: str) -> Any:
    """Check one value the schema reads, first for what TOML allows but a scenario never holds."""
    if isinstance(value, (datetime.date, datetime.time)):     # datetime is a date subclass
        raise ScenarioError(f"must be {what}; TOML dates and times are not allowed, got {value}", key)
    if isinstance(value, float) and not math.isfinite(value):
        raise ScenarioError(f"must be a finite number, got {value!r} (nan and inf are not allowed)", key)
    if _is_int(value) and not -_INT_LIMIT <= value < _INT_LIMIT:
        raise ScenarioError("number out of range (TOML integers are 64-bit)", key)
    if not ok:
        raise ScenarioError(f"must be {what}, got {_got(value)}", key)
    return value


def _unknown(table: dict, known: tuple[str, ...], where: str) -> None:
    extra = sorted(set(table) - set(known))
    if extra:
        raise ScenarioError(f"unknown key (known: {', '.join(known)})", f"{where}.{extra[0]}" if where else extra[0])


def _params(table: Any) -> Params:
    _need(isinstance(table, dict), "a table", table, "params")
    _unknown(table, PARAM_KEYS, "params")
    values: dict[str, Any] = {}
    for name, value in table.items():
        key = f"params.{name}"
        if name in ("angles_deg", "lengths"):
            _need(isinstance(value, list), "an array of numbers", value, key)
            values[name] = tuple(_need(_is_number(v), "a number", v, f"{key}[{i + 1}]") for i, v in enumerate(value))
        elif name == "learner":
            values[name] = _need(isinstance(value, str), "a string", value, key)
        elif name == "epochs":
            values[name] = _need(_is_int(value), "a whole number", value, key)
        else:
            values[name] = _need(_is_number(value), "a number", value, key)
    try:
        return Params(**values)
    except ParamError as e:
        name, _, index = e.field.partition("[")
        raise ScenarioError(e.rule, f"params.{_FIELD_KEYS.get(name, name)}" + (f"[{index}" if index else "")) from None


def _text(value: Any, key: str, limit: int, allowed: str) -> str:
    _need(isinstance(value, str), "a string", value, key)
    if len(value) > limit:
        raise ScenarioError(f"at most {limit:,} characters, got {len(value):,}", key)
    bad = [c for c in value if unicodedata.category(c) == "Cc" and c not in allowed]
    if bad:
        raise ScenarioError(f"control character {bad[0]!r} not allowed", key)
    return value


def check_view(view: Any) -> dict:
    """Validate the GUI's view settings; returns a new plain dict.

    Parameters
    ----------
    view : dict or None
        ``speed`` (epochs per second, a number > 0, or ``"max"``), ``name`` (a one-line
        title), ``note`` (free text). Every key is optional; others are rejected.

    Returns
    -------
    dict
        The same settings, with an integer ``speed`` made a float.

    Raises
    ------
    ScenarioError
        Naming the key, e.g. ``view.speed``.
    """
    if view is None:
        return {}
    _need(isinstance(view, dict), "a table", view, "view")
    _unknown(view, VIEW_KEYS, "view")
    out: dict[str, Any] = {}
    if "speed" in view:
        speed = view["speed"]
        if speed != "max":
            _need(_is_number(speed) and 0 < speed <= MAX_MAGNITUDE,
                  f'epochs per second in (0, {MAX_MAGNITUDE:g}] or "max"', speed, "view.speed")
            speed = float(speed)
        out["speed"] = speed
    if "name" in view:
        out["name"] = _text(view["name"], "view.name", MAX_NAME, "")
    if "note" in view:
        out["note"] = _text(view["note"], "view.note", MAX_NOTE, "\t\n\r")
    return out


def _check_nesting(text: str) -> None:
    """Refuse keys dotted, or brackets nested, deeper than :data:`MAX_NESTING`, before tomllib sees them.

    One pass over the text, skipping strings and comments; only the dots of keys count
    (before ``=``, and after ``{`` or ``,`` inside an inline table), not those of numbers.
    """
    stack: list[str] = []
    quote = None
    for line_no, line in enumerate(text.splitlines(), 1):
        in_key, dots, i, n = not stack, 0, 0, len(line)
        while i < n:
            c = line[i]
            if quote:
                if c == "\\" and quote[0] == '"':
                    i += 1
                elif line.startswith(quote, i):
                    i += len(quote) - 1
                    quote = None
            elif c == "#":
                break
            elif c in "\"'":
                quote = c * 3 if line.startswith(c * 3, i) else c
                i += len(quote) - 1
            elif c in "[{":
                stack.append(c)
                in_key = c == "{" or (in_key and c == "[")      # a table header's name is a key
            elif c in "]}":
                if stack:
                    stack.pop()
            elif c == "=":
                in_key, dots = False, 0
            elif c == "," and stack and stack[-1] == "{":
                in_key, dots = True, 0
            elif c == "." and in_key:
                dots += 1
            if len(stack) > MAX_NESTING or dots > MAX_NESTING:
                raise ScenarioError(f"invalid TOML: keys or brackets nested too deeply (more than {MAX_NESTING} "
                                    f"levels, line {line_no}); a scenario needs 2")
            i += 1
        if quote and len(quote) == 1:
            quote = None                      # a one-line string ends with its line (tomllib will say if not)


def parse(text: str) -> Scenario:
    """Validate a scenario document given as TOML text (see :func:`load`, which adds the file checks)."""
    _check_nesting(text)
    try:
        doc = tomllib.loads(text)
    except RecursionError:
        raise ScenarioError("invalid TOML: arrays or tables nested too deeply") from None
    except ValueError as e:      # TOMLDecodeError, and int()'s digit limit, which tomllib lets through
        raise ScenarioError(f"invalid TOML: {e}") from None
    if doc.get("format", FORMAT) != FORMAT:
        raise ScenarioError(f'not an armsim scenario (expected "{FORMAT}", got {_got(doc["format"])})', "format")
    _unknown(doc, ("format", "version", "params", "view"), "")
    version = _need(_is_int(doc.get("version", VERSION)), f"the integer {VERSION}", doc.get("version", VERSION),
                    "version")
    if version != VERSION:
        raise ScenarioError(f"unsupported version {version} (this armsim reads version {VERSION})", "version")
    if "params" not in doc:
        raise ScenarioError("missing [params] table", "params")
    params = _params(doc["params"])
    return Scenario(params, check_view(doc.get("view")))


def load(path: str | os.PathLike) -> Scenario:
    """Read and validate a scenario file.

    Parameters
    ----------
    path : str or path-like
        A TOML file of at most 64 KiB, UTF-8 (a byte-order mark is tolerated).

    Returns
    -------
    Scenario
        New and fully validated; nothing is applied anywhere.

    Raises
    ------
    ScenarioError
        The only exception for a bad or unreadable file: ``"<path>: <key>: <problem>"``.
    """
    try:
        data = read_bounded(path, MAX_BYTES)
    except FileNotFoundError:
        raise ScenarioError("no such file", path=path) from None
    except NotAFile as e:
        raise ScenarioError(str(e), path=path) from None
    except OSError as e:
        raise ScenarioError(f"cannot read the file ({e.strerror or e})", path=path) from None
    if b"\0" in data:
        raise ScenarioError("binary file (contains NUL bytes), not a TOML scenario", path=path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ScenarioError(f"not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start})", path=path) from None
    try:
        return parse(text)
    except ScenarioError as e:
        raise ScenarioError(e.problem, e.key, path) from None


def dumps(params: Params, view: dict | None = None) -> str:
    """The TOML text :func:`save` writes (validated: :func:`parse` reads it back exactly)."""
    if not isinstance(params, Params):
        raise TypeError(f"params must be armsim.core.params.Params, got {type(params).__name__}")
    doc: dict[str, Any] = {"format": FORMAT, "version": VERSION, "params": params.to_dict()}
    view = check_view(view)
    if view:
        doc["view"] = view
    header = "# armsim scenario: edit the values; see armsim.core.params.Params for what each means\n"
    return header + tomli_w.dumps(doc)


def save(path: str | os.PathLike, params: Params, view: dict | None = None) -> str | os.PathLike:
    """Write a scenario file atomically (the old file survives any failure).

    Parameters
    ----------
    path : str or path-like
        Destination, conventionally ``*.toml``.
    params : Params
        Floats are written as ``repr``, so they read back bit for bit.
    view : dict, optional
        GUI settings, validated by :func:`check_view` (a bad one raises ScenarioError, writes nothing).

    Returns
    -------
    str or path-like
        ``path``, so ``load(save(path, p)).params == p``.
    """
    atomic_write(path, dumps(params, view))
    return path
