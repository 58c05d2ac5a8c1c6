"""Scenario files: every parameter of a run, plus the window's view settings, as TOML.

A scenario has ``format = "armsim-scenario"``, ``version = 1``, a ``[params]``
table with fields of :class:`~armsim.core.params.Params` (any left out take
their defaults, so a hand-written file may give only ``angles_deg``; the
model's options ``reach = [X, Y]``, ``relative = true``, ``min_angles_deg`` and
``max_angles_deg`` are written only when set, so a file without them, as every
file written before they existed, is the post's task) and an
optional ``[view]`` table of GUI-only settings (``speed``, ``name``, ``note``).
``format`` and ``version`` may be left out of a hand-written file too; when
given they must match. This module owns reading and writing them. :func:`load`
treats a file as hostile: it refuses anything but a regular file without
blocking, checks the size before reading, then, in one pass over the text
before parsing, what the parser would be asked to build: the nesting of keys
and brackets (``tomllib``'s time grows with the square of a dotted key's
depth), the number of keys, tables and values, and the length of any one bare
key or value. Only then does it parse with :mod:`tomllib` (which never executes
or evaluates anything), check every key and type, validate through ``Params``,
and return a new :class:`Scenario` or raise one :class:`ScenarioError`, whose
message is one line that never quotes a long value whole. Qt-free.
"""
from __future__ import annotations

import datetime
import math
import os
import re
import sys
import tomllib
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import tomli_w

from armsim.core.params import MAX_LINKS, MAX_MAGNITUDE, ParamError, Params
from armsim.io.atomic import atomic_write
from armsim.io.reading import NotAFile, read_bounded

FORMAT = "armsim-scenario"
VERSION = 1
MAX_BYTES = 64 * 1024
PARAM_KEYS = ("angles_deg", "lengths", "base", "target", "eta", "epochs", "tol", "learner", "reach", "relative",
              "min_angles_deg", "max_angles_deg")
#: Keys of [params] whose value is an array of numbers (reach has two, the others one per link).
_ARRAY_KEYS = ("angles_deg", "lengths", "reach", "min_angles_deg", "max_angles_deg")
_LIMIT_KEYS = ("min_angles_deg", "max_angles_deg")
FREE = "free"           # a joint limit's word for "none on this side", in files as on the command line
#: Deepest dotted key or bracket nesting read: a scenario needs 2; 32,700 levels took tomllib 24 s and 6 GB.
MAX_NESTING = 16
#: Keys (``=``) and table headers in one file: a scenario has at most 19; 8,000 tables took tomllib 7 MB.
MAX_ENTRIES = 100
#: Values (one per key, per array and per array element): four arrays of MAX_LINKS numbers (the angles,
#: the lengths and the two joint limits) and the keys (reach's two numbers among them).
MAX_VALUES = 4 * MAX_LINKS + MAX_ENTRIES
#: Characters of one bare key or value (a number, a date, a word); tomllib's number pattern keeps ~130
#: bytes per digit while it matches (a 64 KiB number took 10 MB), and a scenario's longest is ~25.
MAX_TOKEN = 10_000
VIEW_KEYS = ("speed", "name", "note")
MAX_NAME, MAX_NOTE = 200, 10_000
# TOML integers are 64-bit; Python's tomllib would accept any length, and str() of a
# 5,000-digit int raises, so bigger ones are refused before anything prints them.
_INT_LIMIT = 2 ** 63
# Model field names as ParamError reports them -> the key in the file.
_FIELD_KEYS = {"angles": "angles_deg", "min_angles": "min_angles_deg", "max_angles": "max_angles_deg"}
_SHOWN = 60             # characters of a key from the file quoted in a message


def _one_line(text: str) -> str:
    """``text`` as it can be shown on one line: escaped (as Python would) if it holds a control character."""
    return text if text.isprintable() else repr(text)[1:-1]


def _shown_key(key: str) -> str:
    """A key from the file, for a message: on one line and cut short (a hostile key can be 64 KiB)."""
    key = _one_line(key)
    return key if len(key) <= _SHOWN else f"{key[:_SHOWN - 3]}... ({len(key):,} characters)"


class ScenarioError(ValueError):
    """A scenario file could not be read or is invalid. ``key`` (or None) names where, ``problem`` what.

    ``str()`` is one line, ``"<path>: <key>: <problem>"``; a path with a control character in it
    (a newline is a legal file name) is shown escaped there, and kept as given in ``path``.
    """

    def __init__(self, problem: str, key: str | None = None, path: str | os.PathLike | None = None):
        self.problem, self.key = problem, key
        self.path = None if path is None else os.fspath(path)
        shown_path = None if self.path is None else _one_line(os.fsdecode(self.path))
        super().__init__(": ".join(str(part) for part in (shown_path, key, problem) if part is not None))


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
        key = _shown_key(extra[0])
        raise ScenarioError(f"unknown key (known: {', '.join(known)})", f"{where}.{key}" if where else key)


def check_params(table: Any) -> Params:
    """A ``[params]`` table read from TOML as :class:`Params`; a ScenarioError names the key (``params.eta``)."""
    _need(isinstance(table, dict), "a table", table, "params")
    _unknown(table, PARAM_KEYS, "params")
    values: dict[str, Any] = {}
    for name, value in table.items():
        key = f"params.{name}"
        if name == "reach":
            _need(isinstance(value, list), "an array of two numbers [X, Y]", value, key)
            if len(value) != 2:
                raise ScenarioError(f"must be an array of two numbers [X, Y], got {len(value):,} "
                                    f"{'value' if len(value) == 1 else 'values'}", key)
        if name in _LIMIT_KEYS:         # "free": that joint has no limit on this side (TOML has no null)
            _need(isinstance(value, list), "an array of numbers (or \"free\")", value, key)
            values[name] = tuple(None if v == FREE else _need(_is_number(v), 'a number or "free"', v,
                                                               f"{key}[{i + 1}]") for i, v in enumerate(value))
        elif name in _ARRAY_KEYS:
            _need(isinstance(value, list), "an array of numbers", value, key)
            values[name] = tuple(_need(_is_number(v), "a number", v, f"{key}[{i + 1}]") for i, v in enumerate(value))
        elif name == "learner":
            values[name] = _need(isinstance(value, str), "a string", value, key)
        elif name == "epochs":
            values[name] = _need(_is_int(value), "a whole number", value, key)
        elif name == "relative":
            values[name] = _need(isinstance(value, bool), "true or false", value, key)
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


_BARE_ENDS = frozenset(" \t\r[]{}=,#\"'")     # what ends a bare key or value


#: What :func:`check_cost`'s messages say a scenario needs, after each limit (a lesson file says its own).
COST_HINTS = ("a scenario needs 2", "a scenario has at most 19",
              f"a scenario has four arrays of at most {MAX_LINKS:,} numbers and some twenty other values")


def check_cost(text: str, *, max_entries: int = MAX_ENTRIES, max_values: int = MAX_VALUES,
               hints: tuple[str, str, str] = COST_HINTS) -> None:
    """Refuse, before tomllib sees the text, what would cost it more than any scenario can need.

    ``max_entries``, ``max_values`` and ``hints`` (what the document needs, said after the nesting,
    entries and values limits) let another TOML format read as hostile (lesson files) set its own.

    One pass over the text, skipping strings and comments, counts: the depth of
    dotted keys (only the dots of keys, before ``=`` or after ``{`` or ``,`` inside an
    inline table, not those of numbers) and of brackets (:data:`MAX_NESTING`); keys and
    table headers (:data:`MAX_ENTRIES`); values, one per key, per array and per array
    element (:data:`MAX_VALUES`); and the length of a bare key or value (:data:`MAX_TOKEN`).
    Lines are counted as TOML counts them, at ``\\n`` only, so each message's line
    is the one an editor shows.
    """
    stack: list[str] = []             # "[" an array, "{" an inline table, "h" a table header's bracket
    quote = None
    entries = values = 0
    for line_no, line in enumerate(text.split("\n"), 1):
        in_key, dots, token, i, n = not stack, 0, 0, 0, len(line)
        while i < n:
            c = line[i]
            if quote:
                if c == "\\" and quote[0] == '"':
                    i += 1
                elif line.startswith(quote, i):
                    i += len(quote) - 1
                    quote = None
            elif c not in _BARE_ENDS:
                token += 1
                if c == "." and in_key:
                    dots += 1
                if token > MAX_TOKEN:
                    raise ScenarioError(f"invalid TOML: a bare key or value longer than {MAX_TOKEN:,} characters "
                                        f"(at line {line_no})")
            elif c == "#":
                break
            elif c in "\"'":
                quote = c * 3 if line.startswith(c * 3, i) else c
                i += len(quote) - 1
            elif c in "[{":
                header = c == "[" and in_key            # a table header's name is a key
                if header and not stack:
                    entries += 1
                elif c == "[" and not header:
                    values += 1                         # an array is a value as well as what it holds
                stack.append("h" if header else c)
                in_key = c == "{" or header
            elif c in "]}":
                if stack:
                    stack.pop()
            elif c == "=":
                in_key, dots = False, 0
                entries += 1
                values += 1
            elif c == "," and stack and stack[-1] == "{":
                in_key, dots = True, 0
            elif c == "," and stack and stack[-1] == "[":
                values += 1
            if c in _BARE_ENDS:
                token = 0
            if len(stack) > MAX_NESTING or dots > MAX_NESTING:
                raise ScenarioError(f"invalid TOML: keys or brackets nested too deeply (more than {MAX_NESTING} "
                                    f"levels, line {line_no}); {hints[0]}")
            if entries > max_entries:
                raise ScenarioError(f"too many keys and tables (more than {max_entries:,}, at line {line_no}); "
                                    f"{hints[1]}")
            if values > max_values:
                raise ScenarioError(f"too many values (more than {max_values:,}, at line {line_no}); {hints[2]}")
            i += 1
        if quote and len(quote) == 1:
            quote = None                      # a one-line string ends with its line (tomllib will say if not)


def _short_decode_error(message: str) -> str:
    """tomllib's message on one line, with a quoted key cut short but where it happened kept."""
    message = _one_line(message)
    if len(message) <= 2 * _SHOWN + 40:
        return message
    where = re.search(r" \((at line \d+, column \d+|at end of document)\)$", message)
    tail = where.group(0) if where else ""
    return f"{message[:_SHOWN]}... ({len(message) - len(tail):,} characters){tail}"


def parse(text: str) -> Scenario:
    """Validate a scenario document given as TOML text (see :func:`load`, which adds the file checks)."""
    check_cost(text)
    try:
        doc = tomllib.loads(text)
    except RecursionError:
        raise ScenarioError("invalid TOML: arrays or tables nested too deeply") from None
    except tomllib.TOMLDecodeError as e:      # ends "(at line L, column C)"; may quote a key of the file
        raise ScenarioError(f"invalid TOML: {_short_decode_error(str(e))}") from None
    except ValueError:          # int()'s digit limit, which tomllib lets through (its message is Python's)
        raise ScenarioError(f"invalid TOML: an integer of more than {sys.get_int_max_str_digits():,} digits "
                            "(TOML integers are 64-bit)") from None
    if doc.get("format", FORMAT) != FORMAT:
        raise ScenarioError(f'not an armsim scenario (expected "{FORMAT}", got {_got(doc["format"])})', "format")
    _unknown(doc, ("format", "version", "params", "view"), "")
    version = _need(_is_int(doc.get("version", VERSION)), f"the integer {VERSION}", doc.get("version", VERSION),
                    "version")
    if version != VERSION:
        raise ScenarioError(f"unsupported version {version} (this armsim reads version {VERSION})", "version")
    if "params" not in doc:
        raise ScenarioError("missing [params] table", "params")
    params = check_params(doc["params"])
    return Scenario(params, check_view(doc.get("view")))


# UTF-32 first: its little-endian mark begins with UTF-16's.
_OTHER_BOMS = ((b"\xff\xfe\0\0", "UTF-32"), (b"\0\0\xfe\xff", "UTF-32"), (b"\xff\xfe", "UTF-16"),
               (b"\xfe\xff", "UTF-16"))


def read_text(path: str | os.PathLike, limit: int = MAX_BYTES, what: str = "scenario") -> str:
    """The text of a hostile TOML file: a regular file of at most ``limit`` bytes, UTF-8 (a byte-order mark
    is tolerated), without NUL bytes; read without blocking.

    Raises
    ------
    ScenarioError
        One line naming the path and the problem; ``what`` names the kind of file in it ("a TOML scenario").
    """
    try:
        data = read_bounded(path, limit)
    except FileNotFoundError:
        dangling = os.path.islink(path)
        raise ScenarioError("no such file" + (" (a symbolic link to a missing file)" if dangling else ""),
                            path=path) from None
    except NotAFile as e:
        raise ScenarioError(str(e), path=path) from None
    except OSError as e:
        raise ScenarioError(f"cannot read the file ({e.strerror or e})", path=path) from None
    encoding = next((name for bom, name in _OTHER_BOMS if data.startswith(bom)), None)
    if encoding:
        raise ScenarioError(f"{encoding} text (it starts with a {encoding} byte-order mark); a {what} is UTF-8: "
                            "save it as UTF-8", path=path)
    line = lambda offset: data.count(b"\n", 0, offset) + 1
    if b"\0" in data:
        raise ScenarioError(f"binary file (contains NUL bytes), not a TOML {what} (the first on line "
                            f"{line(data.index(0))})", path=path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ScenarioError(f"not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start}) on line "
                            f"{line(e.start)}", path=path) from None


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
    text = read_text(path)
    try:
        return parse(text)
    except ScenarioError as e:
        raise ScenarioError(e.problem, e.key, path) from None


def dumps(params: Params, view: dict | None = None) -> str:
    """The TOML text :func:`save` writes (validated: :func:`parse` reads it back exactly)."""
    if not isinstance(params, Params):
        raise TypeError(f"params must be armsim.core.params.Params, got {type(params).__name__}")
    table = params.to_dict()
    for name in _LIMIT_KEYS:
        if name in table:
            table[name] = [FREE if v is None else v for v in table[name]]
    doc: dict[str, Any] = {"format": FORMAT, "version": VERSION, "params": table}
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
