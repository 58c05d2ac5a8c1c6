"""Lesson files: a guided tour as TOML, so a teacher can write and share their own.

A lesson has an optional ``format = "armsim-lesson"`` and ``version = 1``
(checked when given), a ``title`` and one ``[[step]]`` table per step (at
least 1, at most :data:`MAX_STEPS`) with ``title`` and ``text`` and, each
optional, ``try``, ``predict``, ``wait`` (one of
:data:`armsim.core.tour.WAITS`), ``done``, ``tab`` (one of
:data:`armsim.core.tour.TABS`), ``examples_lesson`` (a title of
:data:`armsim.core.example_lessons.EXAMPLE_LESSONS`) and a ``[step.params]``
table, a scenario's ``[params]`` (left out: the step keeps the current setup).

This module owns reading them. A file is treated as hostile exactly as a
scenario file is, by the same functions of :mod:`armsim.io.scenario`: a
regular file read without blocking and bounded in size, UTF-8 without NUL
bytes, the pre-parse cost checks, then :mod:`tomllib` only; every key and type
is checked, unknown keys are refused by name, texts are bounded and printable,
and ``[step.params]`` is validated as a scenario's ``[params]``. A bad file
raises one :class:`LessonError` whose message is one line naming the step and
the key. Qt-free.
"""
from __future__ import annotations

import os
import tomllib
from importlib import resources
from typing import Any

from armsim.core.example_lessons import EXAMPLE_LESSONS
from armsim.core.tour import TABS, WAITS, Tour, TourStep
from armsim.io.scenario import (
    ScenarioError,
    _got,
    _is_int,
    _need,
    _short_decode_error,
    _text,
    _unknown,
    check_cost,
    check_params,
    read_text,
)

FORMAT = "armsim-lesson"
VERSION = 1
MAX_STEPS = 100
#: A built-in tour of 25 steps is about 12 KiB; 256 KiB leaves room for 100 long steps.
MAX_BYTES = 256 * 1024
#: Keys and headers: a step has at most 10 keys, its two headers and a scenario's 12 params.
MAX_ENTRIES = 24 * MAX_STEPS + 10
#: Values: a step's params hold four arrays of one number per link; 30,000 covers 100 steps of 50 links.
MAX_VALUES = 30_000
MAX_TITLE, MAX_TEXT = 200, 4_000
TOP_KEYS = ("format", "version", "title", "step")
STEP_KEYS = ("title", "text", "try", "predict", "wait", "done", "tab", "examples_lesson", "params")
_HINTS = ("a lesson needs 2", f"a lesson has at most {MAX_STEPS} steps of some 24 keys each",
          f"a lesson has at most {MAX_VALUES:,} values")
_LINES = "\n"           # the only control character a step's text may hold (a paragraph break)


class LessonError(ScenarioError):
    """A lesson file could not be read or is invalid: one line, ``"<path>: step 3: params.eta: <problem>"``.

    A :class:`~armsim.io.scenario.ScenarioError` (the same parts: ``problem``, ``key``, ``path``),
    since the same checks find the same problems.
    """


def _step(table: Any, k: int) -> TourStep:
    where = f"step {k}"
    try:
        _need(isinstance(table, dict), "a table ([[step]])", table, "step")
        _unknown(table, STEP_KEYS, "")
        for key in ("title", "text"):
            if key not in table:
                raise ScenarioError(f"missing (every step has a {key})", key)
        title = _text(table["title"], "title", MAX_TITLE, "")
        if not title.strip():
            raise ScenarioError("must not be empty", "title")
        text = _text(table["text"], "text", MAX_TEXT, _LINES)
        words = {key: _text(table.get(key, ""), key, MAX_TEXT, _LINES) for key in ("try", "predict", "done")}
        wait = table.get("wait")
        if wait is not None:
            _need(isinstance(wait, str), "a string", wait, "wait")
            if wait not in WAITS:
                raise ScenarioError(f"unknown wait {_got(wait)} (known: {', '.join(WAITS)})", "wait")
        tab = table.get("tab")
        if tab is not None:
            _need(isinstance(tab, str), "a string", tab, "tab")
            if tab not in TABS:
                raise ScenarioError(f"unknown tab {_got(tab)} (known: {', '.join(TABS)})", "tab")
        lesson = table.get("examples_lesson")
        if lesson is not None:
            _text(lesson, "examples_lesson", MAX_TITLE, "")
            if lesson not in {e.title for e in EXAMPLE_LESSONS}:
                raise ScenarioError(f"no examples lesson titled {_got(lesson)} (known: "
                                    f"{'; '.join(e.title for e in EXAMPLE_LESSONS)})", "examples_lesson")
        setup = check_params(table["params"]) if "params" in table else None
    except ScenarioError as e:
        raise LessonError(e.problem, where if e.key is None else f"{where}: {e.key}") from None
    return TourStep(title, text, setup, words["try"], words["predict"], wait, words["done"], tab, lesson)


def parse_lesson(text: str) -> Tour:
    """Validate a lesson given as TOML text (see :func:`load_lesson`, which adds the file checks).

    Raises
    ------
    LessonError
        One line naming the step and key, e.g. ``step 3: params.eta: must be greater than 0, got -1.0``.
    """
    try:
        check_cost(text, max_entries=MAX_ENTRIES, max_values=MAX_VALUES, hints=_HINTS)
        try:
            doc = tomllib.loads(text)
        except RecursionError:
            raise ScenarioError("invalid TOML: arrays or tables nested too deeply") from None
        except tomllib.TOMLDecodeError as e:
            raise ScenarioError(f"invalid TOML: {_short_decode_error(str(e))}") from None
        except ValueError:          # int()'s digit limit, which tomllib lets through
            raise ScenarioError("invalid TOML: an integer too long (TOML integers are 64-bit)") from None
        if doc.get("format", FORMAT) != FORMAT:
            raise ScenarioError(f'not an armsim lesson (expected "{FORMAT}", got {_got(doc["format"])})', "format")
        _unknown(doc, TOP_KEYS, "")
        version = doc.get("version", VERSION)
        _need(_is_int(version), f"the integer {VERSION}", version, "version")
        if version != VERSION:
            raise ScenarioError(f"unsupported version {version} (this armsim reads lesson version {VERSION})",
                                "version")
        if "title" not in doc:
            raise ScenarioError("missing (a lesson has a title)", "title")
        title = _text(doc["title"], "title", MAX_TITLE, "")
        if not title.strip():
            raise ScenarioError("must not be empty", "title")
        steps = doc.get("step")
        if steps is None:
            raise ScenarioError("no steps: a lesson has at least one [[step]] table", "step")
        _need(isinstance(steps, list), "an array of tables ([[step]])", steps, "step")
        if not steps:
            raise ScenarioError("no steps: a lesson has at least one [[step]] table", "step")
        if len(steps) > MAX_STEPS:
            raise ScenarioError(f"too many steps ({len(steps):,}; at most {MAX_STEPS})", "step")
    except LessonError:
        raise
    except ScenarioError as e:
        raise LessonError(e.problem, e.key) from None
    return Tour(title, tuple(_step(table, k) for k, table in enumerate(steps, 1)))


def load_lesson(path: str | os.PathLike) -> Tour:
    """Read and validate a lesson file.

    Parameters
    ----------
    path : str or path-like
        A UTF-8 TOML file of at most :data:`MAX_BYTES` bytes.

    Returns
    -------
    Tour
        New and fully validated; nothing is applied anywhere.

    Raises
    ------
    LessonError
        The only exception for a bad or unreadable file: ``"<path>: step 3: <key>: <problem>"``.
    """
    try:
        text = read_text(path, MAX_BYTES, "lesson")
    except ScenarioError as e:
        raise LessonError(e.problem, e.key, path) from None
    try:
        return parse_lesson(text)
    except LessonError as e:
        raise LessonError(e.problem, e.key, path) from None


def built_in_tour() -> Tour:
    """The tour that comes with armsim (``armsim/lessons/tour.toml``): the post, step by step."""
    # package data of armsim (pyproject.toml), not a package: the folder holds no Python
    return parse_lesson(resources.files("armsim").joinpath("lessons", "tour.toml").read_text(encoding="utf-8"))
