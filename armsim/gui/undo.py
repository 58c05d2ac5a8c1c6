"""Undo and redo of the window's setup: the stacks of earlier and later setups, and how changes merge.

:class:`History` is kept by :class:`~armsim.gui.state.AppState`, the only writer
of the setup, so every change (a control, a drag, a file, a lesson, a tour
step) is undoable the same way. A drag or a slider makes dozens of changes a
second; consecutive changes of the same fields within :data:`MERGE_SECONDS` of
each other merge into one step, as an editor merges the letters of one word.
Qt-free (it stores :class:`~armsim.core.params.Params`, and the clock is injectable).
"""
from __future__ import annotations

import time
from dataclasses import fields
from typing import Callable

from armsim.core.params import Params

#: Changes of the same fields closer together than this are one undo step.
MERGE_SECONDS = 1.0
#: Most undo steps kept (a class's whole lesson; each is one small frozen record).
MAX_STEPS = 500


def changed_fields(old: Params, new: Params) -> frozenset[str]:
    """The names of the fields that differ."""
    return frozenset(f.name for f in fields(Params) if getattr(old, f.name) != getattr(new, f.name))


class History:
    """Earlier setups to go back to and later ones to go forward to."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._undo: list[tuple[Params, frozenset[str], float]] = []      # (setup before, fields, when)
        self._redo: list[Params] = []

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    def record(self, old: Params, new: Params) -> None:
        """``new`` replaced ``old`` (a user's change): it can be undone; the redo stack is dropped."""
        names = changed_fields(old, new)
        if not names:
            return
        now = self._clock()
        self._redo.clear()
        if self._undo:
            before, last_names, when = self._undo[-1]
            if last_names == names and now - when < MERGE_SECONDS:
                self._undo[-1] = (before, names, now)        # one gesture: keep the setup before it began
                return
        self._undo.append((old, names, now))
        del self._undo[:-MAX_STEPS]

    def seal(self) -> None:
        """The next change starts a step of its own (a release of the mouse, a lesson loaded)."""
        if self._undo:
            before, names, _ = self._undo[-1]
            self._undo[-1] = (before, names, -float("inf"))

    def undo(self, current: Params) -> Params | None:
        """The setup to go back to (None: nothing to undo); ``current`` becomes redoable."""
        if not self._undo:
            return None
        before, _, _ = self._undo.pop()
        self._redo.append(current)
        return before

    def redo(self, current: Params) -> Params | None:
        """The setup to go forward to (None: nothing to redo); ``current`` becomes undoable again."""
        if not self._redo:
            return None
        after = self._redo.pop()
        self._undo.append((current, changed_fields(current, after), -float("inf")))
        return after
