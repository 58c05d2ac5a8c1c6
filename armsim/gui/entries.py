"""An exact number entry: shows a value to its last digit and keeps every character the user types.

A spin box rounds what it shows to its decimals (79.955 became 79.95) and drops
keystrokes outside its range (999 became 99, -5 became 5). :class:`NumberEntry`
is a line edit instead: it shows the shortest text that reads back as exactly
the value it holds, and commits only on Enter or when focus leaves it. The
owner checks the typed number against the model; a number the model refuses
is shown with :meth:`NumberEntry.show_problem` and stays as typed, so nothing
the user wrote is lost and the setup is unchanged. Up and Down (and the wheel
over a focused entry) step the value, as a spin box would. An ``optional`` entry
may also hold no number (None, shown empty): emptying it commits None.
"""
from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLineEdit

PROBLEM_STYLE = "border: 2px solid #b00020"
MAX_SHOWN = 60          # characters of a refused text quoted back in a message


def format_number(value: float, integer: bool = False) -> str:
    """The shortest text that reads back as exactly ``value`` (``250`` for 250.0, ``79.955``, ``1e-07``)."""
    if integer:
        return str(int(value))
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def parse_number(text: str, integer: bool = False) -> float | int:
    """The number ``text`` spells (commas, spaces and underscores between digits allowed).

    Raises
    ------
    ValueError
        With a message that quotes the text (cut when long) and says what was expected.
    """
    cleaned = text.strip().replace(",", "").replace("_", "").replace(" ", "")
    shown = text if len(text) <= MAX_SHOWN else f"{text[:MAX_SHOWN]}... ({len(text):,} characters)"
    try:
        if integer:
            return int(cleaned)
        value = float(cleaned)
    except ValueError:
        kind = "a whole number" if integer else "a number"
        raise ValueError(f"expected {kind}, got {shown!r}") from None
    if not math.isfinite(value):
        raise ValueError(f"must be a finite number, got {shown!r}")
    return value


class NumberEntry(QLineEdit):
    """A line edit holding one number; emits :attr:`committed` with the parsed value.

    Parameters
    ----------
    name : str
        What the entry holds, as messages call it ("eta", "w2", "links").
    step : float
        What Up and Down add or take away.
    integer : bool
        Whole numbers only.
    optional : bool
        The entry may be empty: it then holds None (a joint limit left free).

    Signals
    -------
    committed(object)
        Enter, focus out or a step produced a number different from the value shown
        (None when an optional entry was emptied).
    refused(str)
        The text is not a number; the message, naming the entry (which is marked, its text kept).
    """

    committed = Signal(object)
    refused = Signal(str)

    def __init__(self, name: str, value: float | None = 0.0, *, step: float = 1.0, integer: bool = False,
                 optional: bool = False, parent=None):
        super().__init__(parent)
        self.name, self.step, self.integer, self.optional = name, step, integer, optional
        self._value = value
        self._tip = ""
        self.editingFinished.connect(self._commit)
        self.set_value(value)

    @property
    def value(self) -> float | None:
        """The value shown (the last one set by the owner, not what is being typed; None: empty)."""
        return self._value

    def _format(self, value: float | None) -> str:
        return "" if value is None else format_number(value, self.integer)

    def setToolTip(self, tip: str) -> None:          # noqa: N802 (Qt's name)
        self._tip = tip
        super().setToolTip(tip)

    def set_value(self, value: float | None) -> None:
        """Show ``value`` exactly (None: empty, for an optional entry) and clear any problem mark (no signal)."""
        self._value = value
        text = self._format(value)
        if text != self.text():
            self.setText(text)
            self.setCursorPosition(0)
        self.clear_problem()

    def show_problem(self, message: str) -> None:
        """Mark the entry as refused, keeping what was typed; the message goes in its tooltip."""
        self.setStyleSheet(PROBLEM_STYLE)
        super().setToolTip(f"{message}\n\n{self._tip}" if self._tip else message)

    def clear_problem(self) -> None:
        if self.styleSheet():
            self.setStyleSheet("")
            super().setToolTip(self._tip)

    @property
    def has_problem(self) -> bool:
        return bool(self.styleSheet())

    def _commit(self) -> None:
        text = self.text()
        if text == self._format(self._value) and not self.has_problem:
            return
        try:
            value = None if self.optional and not text.strip() else parse_number(text, self.integer)
        except ValueError as e:
            self.show_problem(str(e))
            self.refused.emit(f"{self.name}: {e}; the setup is unchanged")
            return
        if value == self._value and not self.has_problem:
            self.set_value(value)             # "080" shows as "80" again
            return
        self.committed.emit(value)

    def _step(self, sign: int) -> None:
        if self._value is None:
            return                            # an empty box has nothing to step from
        # rounded: 1.1 + 0.1 is 1.2000000000000002, and a step should land where a person expects
        value = round(self._value + sign * self.step, 12)
        self.committed.emit(int(value) if self.integer else value)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key_Up, Qt.Key_Down):
            self._step(1 if event.key() == Qt.Key_Up else -1)
            event.accept()
            return
        super().keyPressEvent(event)

    def wheelEvent(self, event) -> None:
        if not self.hasFocus() or event.angleDelta().y() == 0:    # a scrolling panel passes over entries
            event.ignore()
            return
        self._step(1 if event.angleDelta().y() > 0 else -1)
        event.accept()
